"""Celery entry points of the organisation app; each is a thin wrapper over a service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def disable_idle_accounts_task():
    """Seal accounts idle for ACCOUNT_IDLE_DAYS (celery beat, CELERY_BEAT_SCHEDULE); safe to run twice.
    Returns the user names disabled."""
    from registry.accounts.idle import disable_idle_accounts

    return [user.get_username() for user in disable_idle_accounts(by="task")]
