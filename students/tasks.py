"""Celery entry points of the pupils' app; each is a thin wrapper over a service."""

from celery import shared_task
from django.core.cache import cache

from students.national import onboarding
from students.problems import counts


@shared_task(acks_late=True, reject_on_worker_lost=True)
def onboarding_dry_run(job_pk):
    """The dry run of an uploaded roster (students.national.onboarding.run_dry_run); safe to run twice."""
    onboarding.run_dry_run(job_pk)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def onboarding_import(job_pk):
    """The all-or-nothing import of a checked roster (students.national.onboarding.run_import); safe to run
    twice."""
    onboarding.run_import(job_pk)


@shared_task
def recount_problems():
    """Count the open problem records of every school (students.problems.counts.recount; celery beat and
    after changes). Safe to run twice: the counts are overwritten."""
    cache.delete(counts.RECOUNT_QUEUED)
    counts.recount()
