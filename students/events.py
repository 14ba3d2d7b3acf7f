"""Audit event types of pupils' records, and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

ID_NUMBER_REVEALED = types.register(
    "students.id_number.revealed", _("{actor} revealed the ID numbers of {target} (reason: {reason})")
)


def id_number_revealed(*, actor, student, reason, school=None, request=None):
    return record(
        ID_NUMBER_REVEALED, actor=actor, target=student, data={"reason": reason}, request=request, school=school
    )


LIST_EXPORTED = types.register("students.list.exported", _("{actor} exported {rows} pupils ({scope})"))


def list_exported(*, actor, rows, scope, filters, request=None):
    return record(LIST_EXPORTED, actor=actor, data={"rows": rows, "scope": scope, "filters": filters}, request=request)


ROLL_CHECK_STEPS = {
    "submitted": _("{actor} submitted the roll reconciliation {target}"),
    "signed": _("{actor} signed the roll reconciliation {target}"),
    "received": _("{actor} received the roll reconciliation {target}"),
    "returned": _("{actor} returned the roll reconciliation {target}: {reason}"),
    "reopened": _("{actor} reopened the roll reconciliation {target}: {reason}"),
}
ROLL_CHECK = types.register(
    "students.roll_check.changed",
    lambda data: ROLL_CHECK_STEPS.get(data.get("step"), _("{actor} changed the roll reconciliation {target}")),
    label=_("A step of a roll reconciliation"),
)


def roll_check_changed(check, *, actor, step, reason=""):
    """One transition of a roll reconciliation (submitted, signed, received, returned, reopened)."""
    return record(ROLL_CHECK, actor=actor, target=check, data={"step": step, "reason": reason, "state": check.state})


CLASS_RENUMBERED = types.register(
    "students.school_number.renumbered", _("{actor} gave {count} pupils of {target} new school numbers in order")
)


def class_renumbered(school_class, *, actor, changes):
    """A class's pupils got new school numbers in order; `changes`: [old, new] for each (old "" for none)."""
    return record(
        CLASS_RENUMBERED,
        actor=actor,
        target=school_class,
        data={"count": len(changes), "changes": changes},
        school=school_class.school_id,
    )
