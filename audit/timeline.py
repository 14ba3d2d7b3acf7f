"""A record's timeline: one list, newest first, merging three sources, each rendered at display time from
structured data (never from stored sentences):

- history rows: who changed what, when and why, with field-level old → new values in the fields' own
  (translated) labels (`history_timeline`, generic over any model with simple_history's HistoricalRecords);
- steps of status-change requests (built by the transfers app as `TimelineEntry(kind="request")`);
- audit events about the record — reveals, prints, archive views, downloads (`event_timeline`), each turned
  into a sentence by the event-type registry (audit.types).

`merge_timelines` puts them in one order. Each builder works on rows already fetched, so a page's query
count does not grow with the number of entries.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from audit import reasons, types
from audit.history import SYSTEM_USERNAME
from audit.models import Event

# A pupil's page shows at most this many audit events (the newest); the audit search has all of them.
EVENTS_SHOWN = 200


@dataclass
class Change:
    label: str
    old: object
    new: object


@dataclass
class TimelineEntry:
    at: datetime
    actor: str
    kind: str  # "+" created, "~" changed, "-" deleted (history); "request" (a request's step); "event" (audit)
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    sentence: str = ""  # requests and events: what happened, in the current language
    url: str = ""  # where the entry's subject can be opened, if anywhere
    action: str = ""  # events: the dotted action code; requests: "submitted", "approved", "rejected", …

    @property
    def source(self):
        return self.kind if self.kind in ("request", "event") else "history"


def _display(record, name):
    model_field = record.instance_type._meta.get_field(name)
    value = getattr(record, model_field.attname)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


def _actor_of(row):
    """Who wrote a history row; "" for the system account (shown as "(system)" in the current language)."""
    user = row.history_user if row.history_user_id else None
    return "" if user is None or user.get_username() == SYSTEM_USERNAME else str(user)


def history_timeline(history_rows, *, hidden=(), masked=None):
    """Timeline entries for `history_rows` (one object's history, any order), newest first.

    `hidden` fields are left out; `masked` maps a field name to a function that masks its values
    (personal numbers never appear in full in a timeline)."""
    masked = masked or {}
    rows = sorted(history_rows, key=lambda row: (row.history_date, row.history_id))
    entries = []
    previous = None
    for row in rows:
        entry = TimelineEntry(
            at=row.history_date,
            actor=_actor_of(row),
            kind=row.history_type,
            reason=reasons.render(row.history_change_reason or ""),
        )
        if previous is not None and row.history_type == "~":
            delta = row.diff_against(previous)
            for change in delta.changes:
                if change.field in hidden:
                    continue
                label = str(row.instance_type._meta.get_field(change.field).verbose_name)
                old, new = _display(previous, change.field), _display(row, change.field)
                if change.field in masked:
                    old, new = masked[change.field](old or ""), masked[change.field](new or "")
                entry.changes.append(Change(label, old, new))
        entries.append(entry)
        previous = row
    return list(reversed(entries))


def events_about(*, pupil=None, targets=(), exclude_target_types=()):
    """Audit events concerning `pupil` (a pupil's pk: events naming the pupil, or targeting them) and/or
    any of `targets` ((target_type, target_id) pairs), newest first; events whose target type is in
    `exclude_target_types` are left out (a page shows those from their own rows)."""
    condition = Q(pk__in=[])
    if pupil is not None:
        condition |= Q(pupil_pk=pupil) | Q(target_type="students.student", target_id=str(pupil))
    for target_type, target_id in targets:
        condition |= Q(target_type=target_type, target_id=str(target_id))
    return Event.objects.filter(condition).exclude(target_type__in=exclude_target_types).order_by("-id")


def event_timeline(events):
    """Timeline entries for audit events, each sentence rendered now in the current language."""
    return [
        TimelineEntry(
            at=event.occurred_at,
            actor=event.operator,
            kind="event",
            sentence=types.render(event),
            action=event.action,
        )
        for event in events
    ]


def merge_timelines(*timelines):
    """One timeline, newest first, from several (ties keep the order of the arguments)."""
    entries = [entry for timeline in timelines for entry in timeline]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
