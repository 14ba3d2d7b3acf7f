"""Celery entry points of the pupils' app; each is a thin wrapper over a service."""

from celery import shared_task

from students.national import onboarding


@shared_task(acks_late=True, reject_on_worker_lost=True)
def onboarding_dry_run(job_pk):
    """The dry run of an uploaded roster (students.national.onboarding.run_dry_run); safe to run twice."""
    onboarding.run_dry_run(job_pk)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def onboarding_import(job_pk):
    """The all-or-nothing import of a checked roster (students.national.onboarding.run_import); safe to run
    twice."""
    onboarding.run_import(job_pk)
