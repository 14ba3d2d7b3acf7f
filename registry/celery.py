"""The Celery application. Tasks live in each app's tasks.py and call that app's services."""

import os

from celery import Celery
from celery.signals import beat_init, worker_process_init, worker_process_shutdown

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


@worker_process_shutdown.connect
def release_pdf_fonts(**kwargs):
    """A pool process ends with os._exit: remove its copies of the papers' fonts (registry.pdf) first."""
    from registry import pdf

    pdf.release_fonts()


@beat_init.connect
def catch_up_todays_reminders(sender, **kwargs):
    """A beat started after the reminders' hour (a laptop switched on at nine, a fresh `make run`) sends the
    day's reminders now instead of tomorrow: beat runs a morning it missed only when its schedule file saw the
    one before. Safe: the reminders are sent once per recipient, item and day however often the task runs."""
    from django.utils import timezone

    entry = app.conf.beat_schedule.get("daily-reminders")
    if entry is None:
        return
    now = timezone.localtime(timezone.now())
    if now.hour >= min(entry["schedule"].hour):
        app.tasks[entry["task"]].apply_async(kwargs={"day": now.date().isoformat()})
