"""Celery entry points of the change-request app; each is a thin wrapper over a service."""

from celery import shared_task

from transfers import imports
from transfers.slip import services as slip


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_pk):
    """Check and import one uploaded template (transfers.imports.run_import); safe to run twice."""
    imports.run_import(job_pk)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_transfer_form_task(form_pk):
    """Produce one four-copy transfer form's PDF (transfers.slip.services.render_transfer_form); safe to
    run twice, and redelivered if the worker is killed mid-way."""
    slip.render_transfer_form(form_pk)

