"""Celery entry points of the organisation app; each is a thin wrapper over a service."""

from datetime import date

from celery import shared_task

from registry.accounts.idle import disable_idle_accounts
from registry.notifications.reminders import send_daily_reminders


@shared_task(acks_late=True, reject_on_worker_lost=True)
def disable_idle_accounts_task():
    """Seal accounts idle for ACCOUNT_IDLE_DAYS (celery beat, CELERY_BEAT_SCHEDULE); safe to run twice.
    Returns the user names disabled."""
    return [user.get_username() for user in disable_idle_accounts(by="task")]


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_daily_reminders_task(day=None):
    """The daily deadline reminders of every app (celery beat, CELERY_BEAT_SCHEDULE); `day` an ISO date,
    default today. Safe to run twice: each reminder is created and e-mailed once per recipient, item and day."""
    return send_daily_reminders(date.fromisoformat(day) if day else None)
