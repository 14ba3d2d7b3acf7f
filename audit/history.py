"""History wiring: every HistoricalRecords row names the acting user and, where known, why.

Web requests are covered by simple_history's HistoryRequestMiddleware. Services, management commands and
Celery tasks, which have no request (or act for someone else), wrap their work in `acting_as(user, reason)`.
Whatever is left — a command or task that names nobody — is attributed to the system account
(`SYSTEM_USERNAME`, inactive, no usable password), so 100% of history rows name an actor: a person, or
"the system" (issue 7; tests/audit/test_history_actors.py).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.models import HistoricalRecords

_actor = ContextVar("history_actor", default=None)
_reason = ContextVar("history_reason", default=None)


@contextmanager
def acting_as(user, reason=None, **params):
    """Attribute every change made inside the block to `user`, with `reason` as the change reason: a code
    of audit.reasons with its parameters (`acting_as(actor, "transfers.request.approved", request=10)`),
    stored as the code and rendered in each reader's language."""
    from audit.reasons import stored

    actor_token = _actor.set(user)
    reason_token = _reason.set(stored(reason, **params))
    try:
        yield user
    finally:
        _actor.reset(actor_token)
        _reason.reset(reason_token)


def current_actor():
    return _actor.get()


SYSTEM_USERNAME = "system"


def system_user():
    """The account that history rows name when no person acted (created on first use; cannot log in)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user = user_model.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = user_model(username=SYSTEM_USERNAME, is_active=False)
        user.set_unusable_password()
        user.save()
    return user


def history_user(instance=None, request=None, **kwargs):
    """simple_history's get_user hook: the explicit actor first, then the request's user, else the system."""
    actor = _actor.get()
    if actor is not None:
        return actor
    if request is not None and request.user.is_authenticated:
        return request.user
    return system_user()


class RegistryHistory(HistoricalRecords):
    """HistoricalRecords for registry data: the acting user and change reason come from `acting_as`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("get_user", history_user)
        super().__init__(*args, **kwargs)

    def get_change_reason_for_object(self, instance, history_type, using):
        return super().get_change_reason_for_object(instance, history_type, using) or _reason.get()
