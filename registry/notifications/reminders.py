"""The daily deadline reminders' one collector (DOMAIN "Dates to remember"; DESIGN §6: celery beat at 07:00).

Rule: each app knows what it must remind of and contributes a *reminder source* — a function of the day
returning `Reminder`s addressed to roles (of one school, of one authority, or of every scope) — registered
with `@reminder_source` when its app is ready; this collector alone turns them into Notification rows for
the people holding those roles and hands them to `deliver`, which stores and e-mails each once.

A reminder is unique per recipient, item (its key) and day, so a second run on one day (beat firing twice,
a task redelivered after a killed worker) creates and e-mails nothing, and the next day reminds again while
the item is still open. The addressing takes two queries whatever the number of reminders (one for school
staff, one for officers), plus the sources' own fixed few.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone, translation

from registry.models import Notification
from registry.notifications.services import deliver, send_digests
from registry.roles import AUTHORITY_ROLE_PERMISSIONS, Role
from registry.scoping import role_holders


@dataclass(frozen=True)
class Reminder:
    """One item to remind of, addressed to everyone holding one of `roles` at `school_pk` (school roles) or
    `authority_pk` (officers); with neither, to every holder of the roles anywhere. Titles name no pupil:
    they go out by e-mail."""

    roles: tuple[Role, ...]
    key: str
    title: str
    body: str
    link: str = ""
    school_pk: int | None = None
    authority_pk: int | None = None


ReminderSource = Callable[[date], list[Reminder]]

_sources: list[ReminderSource] = []


def reminder_source(source: ReminderSource) -> ReminderSource:
    """Register `source` (called with the day, in the site's language) with the daily run; returns it."""
    if source not in _sources:
        _sources.append(source)
    return source


def send_daily_reminders(today: date | None = None) -> dict:
    """Create today's reminders from every source, then e-mail the morning digests (today's reminders and the
    event notices since the last digest); return how many reminders were created, how many people got one,
    and how many digests were mailed."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        reminders = [reminder for source in _sources for reminder in source(today)]
        holders = _holders(reminders)
        candidates = [
            Notification(recipient=user, key=r.key, day=today, title=r.title[:200], body=r.body, link=r.link)
            for r in reminders
            for user in _recipients(r, holders)
        ]
    created = deliver(candidates)
    mailed = send_digests()
    return {
        "created": len(created),
        "recipients": len({notification.recipient_id for notification in created}),
        "mailed": mailed,
    }


def _holders(reminders) -> dict:
    """The holders of every role the reminders name, by (role, scope pk): one query for school roles, one
    for officers, narrowed to the scopes named unless some reminder goes to every scope."""
    holders = {}
    for officers in (True, False):
        wanted = [r for r in reminders if any((role in AUTHORITY_ROLE_PERMISSIONS) == officers for role in r.roles)]
        if not wanted:
            continue
        roles = {role for r in wanted for role in r.roles}
        everywhere = any(r.school_pk is None and r.authority_pk is None for r in wanted)
        scopes = None if everywhere else {r.authority_pk if officers else r.school_pk for r in wanted}
        holders |= role_holders(roles, scopes)
    return holders


def _recipients(reminder, holders) -> list:
    scope = reminder.authority_pk or reminder.school_pk
    if scope is not None:
        return [user for role in reminder.roles for user in holders.get((role, scope), [])]
    everyone = {}
    for (role, _pk), users in holders.items():
        if role in reminder.roles:
            everyone.update((user.pk, user) for user in users)
    return list(everyone.values())
