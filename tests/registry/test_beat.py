"""Celery beat sends the daily reminders by itself (settings.CELERY_BEAT_SCHEDULE, registry.celery): at 07:00
Beijing time its scheduler finds the entry due and runs the task, and a beat started after 07:00 sends the
day's reminders at once. Here the task runs eagerly in the test process; tests/e2e/test_make_run.py shows the
same through `make run`'s real beat, broker and worker."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from celery.beat import Scheduler

from registry.celery import app, catch_up_todays_reminders
from registry.models import Notification

BEIJING = ZoneInfo("Asia/Shanghai")


def _deadline_reminders():
    return set(Notification.objects.filter(key="deadline:2026-09-30").values_list("recipient__username", flat=True))


def test_beats_tick_at_seven_sends_the_reminders_to_the_inbox(world):
    app.loader.import_default_modules()
    with time_machine.travel(datetime(2026, 9, 29, 7, 0, 5, tzinfo=BEIJING), tick=False):
        scheduler = Scheduler(app)  # the entries of CELERY_BEAT_SCHEDULE, in memory
        scheduler.schedule["daily-reminders"].last_run_at = datetime(2026, 9, 28, 7, 0, 5, tzinfo=BEIJING)
        assert _deadline_reminders() == set()
        scheduler.tick()
    assert _deadline_reminders() == {"registrar", "registrar_sibling", "registrar_other"}


def test_a_tick_before_seven_sends_nothing(world):
    app.loader.import_default_modules()
    with time_machine.travel(datetime(2026, 9, 29, 6, 59, 0, tzinfo=BEIJING), tick=False):
        scheduler = Scheduler(app)
        scheduler.schedule["daily-reminders"].last_run_at = datetime(2026, 9, 28, 7, 0, 5, tzinfo=BEIJING)
        scheduler.tick()
    assert _deadline_reminders() == set()


def test_a_beat_started_after_seven_sends_the_days_reminders_at_once(world):
    app.loader.import_default_modules()
    with time_machine.travel(datetime(2026, 9, 29, 6, 30, tzinfo=BEIJING), tick=False):
        catch_up_todays_reminders(sender=None)
    assert _deadline_reminders() == set()
    with time_machine.travel(datetime(2026, 9, 29, 9, 30, tzinfo=BEIJING), tick=False):
        catch_up_todays_reminders(sender=None)
    assert _deadline_reminders() == {"registrar", "registrar_sibling", "registrar_other"}
