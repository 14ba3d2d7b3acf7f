"""Audit event types of information changes, and their typed constructors (STYLE 9). The changed items are
stored as codes and named in the reader's language when shown; no value is stored (values may be personal
numbers; history keeps them, shown masked)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types
from transfers.kinds.information_change.fields import items


def _item_labels(event):
    labels = {item: str(text) for item, text in items()}
    return {"fields": "、".join(labels.get(item, item) for item in event.data.get("items", []))}


EDITED = types.register(
    "transfers.information.edited", _("{actor} changed {fields} of {target} directly: {reason}"), values=_item_labels
)
POLICY_CHANGED = types.register(
    "transfers.information.policy_changed",
    _("{actor} set what needs the approval of {target} in an information change: {fields}"),
    values=_item_labels,
)


def edited(student, *, actor, school, items, reason):
    return record(EDITED, actor=actor, target=student, school=school, data={"items": sorted(items), "reason": reason})


def policy_changed(policy, *, actor):
    return record(POLICY_CHANGED, actor=actor, target=policy.authority, data={"items": list(policy.approval_items)})
