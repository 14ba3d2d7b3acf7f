"""Celery entry points of the archives app; each is a thin wrapper over a service."""

from celery import shared_task

from archives.printing import services as printing


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_print_job_task(job_pk):
    """Produce one print job's PDF (archives.printing.render_print_job); safe to run twice, and redelivered
    if the worker is killed mid-way."""
    printing.render_print_job(job_pk)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_part_task(job_pk, first, student_pks):
    """One part of a class batch run in parallel (archives.printing.render_part); the task that writes the
    last part merges the PDF. Safe to run twice."""
    printing.render_part(job_pk, first, student_pks)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_record_extract_task(extract_pk):
    """Produce one record request's extract (archives.record_requests.services.render_extract); safe to run
    twice."""
    from archives.record_requests.services import render_extract

    render_extract(extract_pk)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_confirmation_print_task(job_pk):
    """Produce a class's family confirmation forms (archives.family_confirmations.services); safe to run twice."""
    from archives.family_confirmations.services import render_confirmation_print

    render_confirmation_print(job_pk)
