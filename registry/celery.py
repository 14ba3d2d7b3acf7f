"""The Celery application. Tasks live in each app's tasks.py and call that app's services."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")

app = Celery("xueji")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def load_pdf_fonts(**kwargs):
    """Each worker process loads WeasyPrint and the fonts once at start-up, not on its first paper."""
    import logging

    from registry import pdf

    try:
        pdf.warm_up()
    except Exception:  # a worker that could not warm up still works; its first paper is slower
        logging.getLogger(__name__).exception("PDF warm-up failed")
