"""Writing audit events: `record()` and one typed constructor per kind of event (STYLE 9)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from audit import types
from audit.chain import GENESIS_HASH, event_digest
from audit.models import Event

# Key of the PostgreSQL advisory lock that serialises appends, so two writers never fork the chain.
CHAIN_LOCK_KEY = 0x58554A49  # "XUJI"


def _client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def record(action, *, actor, target=None, data=None, request=None) -> Event:
    """Append one event to the chain, inside the caller's transaction (or a new one).

    `actor` is the acting user (None for the system or an anonymous visitor); `target` any model instance
    (its type, id and text are copied in); `data` JSON-serialisable details. The action must be registered
    in audit.types.
    """
    if not types.is_registered(action):
        raise ValueError(f"unregistered audit action {action!r}")
    with transaction.atomic():
        _lock_chain()
        previous = Event.objects.order_by("-id").values_list("hash", flat=True).first()
        event = Event(
            occurred_at=timezone.now(),
            action=action,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=_actor_name(actor),
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:200] if target is not None else "",
            ip_address=_client_ip(request),
            data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
            prev_hash=previous or GENESIS_HASH,
        )
        event.hash = event_digest(event)
        event.save()
    return event


def _actor_name(actor):
    if actor is None or not actor.is_authenticated:
        return ""
    return actor.get_username()


def login_succeeded(user, request):
    return record(types.LOGIN, actor=user, request=request)


def login_failed(username, request):
    return record(types.LOGIN_FAILED, actor=None, request=request, data={"target_username": (username or "")[:150]})


def logged_out(user, request):
    return record(types.LOGOUT, actor=user, request=request)
