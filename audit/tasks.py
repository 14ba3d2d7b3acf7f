"""Celery entry points of the audit app; each is a thin wrapper over a service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_audit_chain_task():
    """The nightly check of the audit log's hash chain (celery beat, CELERY_BEAT_SCHEDULE). Returns the id
    of the first broken event, or None when the chain holds."""
    from audit.integrity import verify_chain

    broken = verify_chain()
    return broken.event_id if broken else None


@shared_task
def seal_audit_events_task():
    """Chain any audit events still waiting (celery beat, every minute; normally sealed on commit)."""
    from audit.sealing import seal_pending

    return seal_pending()
