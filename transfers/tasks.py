"""Celery entry points of the change-request app; each is a thin wrapper over a service."""

from celery import shared_task

from transfers import imports


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_pk):
    """Check and import one uploaded template (transfers.imports.run_import); safe to run twice."""
    imports.run_import(job_pk)
