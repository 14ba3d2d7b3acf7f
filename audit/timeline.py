"""A record's history as a timeline: who changed what, when, and why, with field-level old → new values
in the fields' own (translated) labels. Rendered from the history rows at display time; generic over
any model with simple_history's HistoricalRecords."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Change:
    label: str
    old: object
    new: object


@dataclass
class TimelineEntry:
    at: datetime
    actor: str
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[Change] = field(default_factory=list)


def _display(record, name):
    model_field = record.instance_type._meta.get_field(name)
    value = getattr(record, model_field.attname)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


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
            actor=str(row.history_user) if row.history_user_id else "",
            kind=row.history_type,
            reason=row.history_change_reason or "",
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
