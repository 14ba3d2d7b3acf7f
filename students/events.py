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


ROLL_CHECK = types.register("students.roll_check.changed", _("{actor}: {target} — {step}"))


def roll_check_changed(check, *, actor, step, reason=""):
    """One transition of a roll reconciliation (submitted, signed, received, returned, reopened)."""
    return record(ROLL_CHECK, actor=actor, target=check, data={"step": step, "reason": reason, "state": check.state})
