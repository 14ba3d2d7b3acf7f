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


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_daily_reminders_task(day=None):
    """The daily deadline reminders (celery beat, CELERY_BEAT_SCHEDULE); `day` an ISO date, default today.
    Safe to run twice: each reminder is created and e-mailed once per recipient, item and day."""
    from datetime import date

    from transfers.reminders import send_daily_reminders

    return send_daily_reminders(date.fromisoformat(day) if day else None)
