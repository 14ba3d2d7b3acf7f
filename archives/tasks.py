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
