"""Event notices (issue 17): telling people of every event that waits on them or answers them.

Rule: the services already write one audit event per state change (a step decided, a roll check returned…);
each app registers a *notice rule* per audit action (`@notice_rule("students.roll_check.changed")`) that
turns the event into `Notice`s — what to say, and to whom: the holders of a capability (registry.roles.
CAPABILITIES) at the object's own school or authority, or named users who still hold it there. So nobody
is told about another school's pupil, and the core never branches on an app's events (DESIGN §2: a lower
app offers the plug-in point, the higher apps register).

Sent on commit: an event's notices are worked out and stored only once the transaction that wrote the event
has committed (a rolled-back decision tells no one). Once per event: each notice has a key naming the event
("request-returned:<step>") and the day it happened, and (recipient, key, day) is unique, so a second
delivery of the same event (a retried task, the same hook run twice) stores and e-mails nothing more
(registry.notifications.services.deliver). The actor is never told of their own act.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone, translation

from audit.models import Event
from registry.models import Authority, Notification, School
from registry.notifications.services import deliver
from registry.roles import CAPABILITIES, SCHOOL_ROLE_PERMISSIONS, Role
from registry.scoping import can, role_holders


@dataclass(frozen=True)
class Notice:
    """One thing to tell: to every holder of `capability` at `scope` (a School or an Authority), and to each
    of `users` who holds `capability` there (the initiator of a request) — only to those with `only_users`.
    The actor is not told of their own act unless `tell_actor` (an import's uploader learns it finished).
    `title` names no pupil (it goes out by e-mail); `body` may (it stays in the inbox); `link` is a page of
    this site about the object."""

    kind: str
    key: str
    title: str
    capability: str
    scope: object
    body: str = ""
    link: str = ""
    users: tuple = field(default=())
    only_users: bool = False
    tell_actor: bool = False
    day: date | None = None


NoticeRule = Callable[[Event], list[Notice]]

_rules: dict[str, list[NoticeRule]] = {}


def notice_rule(action: str):
    """Register the decorated function(event) -> [Notice] for the audit action code `action`."""

    def register(rule: NoticeRule) -> NoticeRule:
        rules = _rules.setdefault(action, [])
        if rule not in rules:
            rules.append(rule)
        return rule

    return register


@receiver(post_save, sender=Event, dispatch_uid="registry.notifications.event_written")
def on_event_written(sender, instance, created, **kwargs):
    """An audit event with a notice rule is told of once its transaction commits."""
    if created and instance.action in _rules:
        transaction.on_commit(partial(notify_of, instance.pk), robust=True)


def notify_of(event_pk) -> list[Notification]:
    """Store (and e-mail) the notices of one event; return the notifications this call created. Safe to call
    again for the same event: it creates nothing more."""
    event = Event.objects.filter(pk=event_pk).first()
    if event is None:
        return []
    day = timezone.localdate(event.occurred_at)
    with translation.override(settings.LANGUAGE_CODE):
        notices = [notice for rule in _rules.get(event.action, []) for notice in rule(event)]
        candidates = [
            Notification(
                recipient=user,
                kind=notice.kind,
                key=notice.key[:100],
                day=notice.day or day,
                title=notice.title[:200],
                body=notice.body,
                link=notice.link,
            )
            for notice in notices
            for user in recipients(notice)
            if notice.tell_actor or user.pk != event.actor_id
        ]
    return deliver(candidates)


def recipients(notice) -> list:
    """The active users the notice goes to, each of whom holds its capability at its scope."""
    named = [user for user in notice.users if user is not None and user.is_active]
    found = {user.pk: user for user in named if can(user, notice.capability, notice.scope)}
    if not notice.only_users:
        for user in holders_of(notice.capability, notice.scope):
            found.setdefault(user.pk, user)
    return list(found.values())


def holders_of(capability, scope) -> list:
    """The users holding `capability` directly at `scope`: at a School its staff in a role carrying it, and
    the officers of its town office if officers carry it; at an Authority its officers."""
    allowed = CAPABILITIES[capability]
    users = {}
    if isinstance(scope, School):
        school_roles = allowed & set(SCHOOL_ROLE_PERMISSIONS)
        if school_roles:
            for people in role_holders(school_roles, [scope.pk]).values():
                users.update((user.pk, user) for user in people)
        authority_pk = scope.authority_id
    elif isinstance(scope, Authority):
        authority_pk = scope.pk
    else:
        return []
    if Role.OFFICER in allowed:
        for user in role_holders([Role.OFFICER], [authority_pk]).get((Role.OFFICER, authority_pk), []):
            users.setdefault(user.pk, user)
    return list(users.values())
