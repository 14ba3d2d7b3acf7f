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


def _pk(value):
    return getattr(value, "pk", value)


def _school_of(target):
    if target is None:
        return None
    if target._meta.label_lower == "registry.school":
        return target.pk
    return getattr(target, "school_id", None)


def _pupil_of(target):
    if target is None:
        return None
    if target._meta.label_lower == "students.student":
        return target.pk
    return getattr(target, "student_id", None)


def record(action, *, actor, target=None, data=None, request=None, school=None, pupil=None) -> Event:
    """Append one event to the chain, inside the caller's transaction (or a new one).

    `actor` is the acting user (None for the system or an anonymous visitor); `target` any model instance
    (its type, id and text are copied in); `data` JSON-serialisable details. `school` and `pupil` (instances
    or ids) name the school and the pupil the event concerns; by default they are read from the target (a
    school or pupil itself, or its `school_id` / `student_id`). The action must be registered in audit.types.
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
            school_pk=_pk(school) if school is not None else _school_of(target),
            pupil_pk=_pk(pupil) if pupil is not None else _pupil_of(target),
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


def audit_searched(*, actor, filters, rows, page, request=None):
    """The audit search itself is a read of personal data: who searched for what (DESIGN §5)."""
    return record(types.SEARCHED, actor=actor, data={"filters": filters, "rows": rows, "page": page}, request=request)


def audit_exported(*, actor, filters, rows, request=None):
    return record(types.EXPORTED, actor=actor, data={"filters": filters, "rows": rows}, request=request)


def chain_broken(broken):
    """The nightly check found the hash chain broken: an alarm in the log itself (written by the system)."""
    return record(types.CHAIN_BROKEN, actor=None, data={"event_id": broken.event_id, "problem": broken.problem})
