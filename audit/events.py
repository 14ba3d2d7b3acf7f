"""Writing audit events: `record()` and one typed constructor per kind of event (STYLE 9)."""

import json
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from audit import context, types
from audit.chain import event_digest
from audit.forms import EXPORTED, SEARCHED
from audit.models import Event, PendingSeal
from audit.tasks import seal_after_commit


def _client_ip(request):
    if request is None:
        return context.client_ip()
    return context.ip_of(request)


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


def _other_school_of(target):
    if target is None:
        return None
    return getattr(target, "counterpart_school_id", None)


def record(action, *, actor, target=None, data=None, request=None, school=None, pupil=None, other_school=None) -> Event:
    """Append one event, inside the caller's transaction (or a new one), reading and locking nothing shared.

    The event is queued for the sealer, which chains it once the transaction commits (audit.sealing).
    `actor` is the acting user (None for the system or an anonymous visitor); `target` any model instance
    (its type, id and text are copied in); `data` JSON-serialisable details. `school` and `pupil` (instances
    or ids) name the school and the pupil the event concerns; by default they are read from the target (a
    school or pupil itself, or its `school_id` / `student_id`); `other_school` a second school it concerns
    (default: the target's `counterpart_school_id`, the sending school of a transfer), whose town sees it
    too. The client's IP address comes from `request`, else from the request being served (audit.context).
    The action must be registered in audit.types.
    """
    if not types.is_registered(action):
        raise ValueError(f"unregistered audit action {action!r}")
    with transaction.atomic():
        event = Event(
            occurred_at=timezone.now(),
            action=action,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_name=_actor_name(actor),
            actor_full_name=_actor_full_name(actor),
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:200] if target is not None else "",
            ip_address=_client_ip(request),
            school_pk=_pk(school) if school is not None else _school_of(target),
            other_school_pk=_pk(other_school) if other_school is not None else _other_school_of(target),
            pupil_pk=_pk(pupil) if pupil is not None else _pupil_of(target),
            data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
        )
        event.nonce = secrets.token_hex(16)
        event.digest = event_digest(event)
        event.save()
        PendingSeal.objects.create(event=event)
        if not any(hook[1] is seal_after_commit for hook in connection.run_on_commit):
            transaction.on_commit(seal_after_commit)
    return event


def _actor_name(actor):
    if actor is None or not actor.is_authenticated:
        return ""
    return actor.get_username()


def _actor_full_name(actor):
    if actor is None or not actor.is_authenticated:
        return ""
    return getattr(actor, "full_name", "") or ""


def login_succeeded(user, request):
    return record(types.LOGIN, actor=user, request=request)


def login_failed(username, request):
    return record(types.LOGIN_FAILED, actor=None, request=request, data={"target_username": (username or "")[:150]})


def logged_out(user, request):
    return record(types.LOGOUT, actor=user, request=request)


def audit_searched(*, actor, filters, rows, page, request=None):
    """The audit search itself is a read of personal data: who searched for what (DESIGN §5)."""
    return record(SEARCHED, actor=actor, data={"filters": filters, "rows": rows, "page": page}, request=request)


def audit_exported(*, actor, filters, rows, request=None):
    return record(EXPORTED, actor=actor, data={"filters": filters, "rows": rows}, request=request)


def chain_broken(broken):
    """The nightly check found the hash chain broken: an alarm in the log itself (written by the system)."""
    return record(types.CHAIN_BROKEN, actor=None, data={"event_id": broken.event_id, "problem": broken.problem})
