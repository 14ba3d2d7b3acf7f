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


PUPILS_ONBOARDED = types.register(
    "students.onboarding.imported", _("{actor} onboarded {created} pupils into {target} from the file {filename}")
)


def pupils_onboarded(school, *, actor, filename, job, pupils, classes, unchanged):
    """One event for a whole onboarding job (建档导入): every pupil it created as [Excel row, pupil id], the
    classes it created, and how many rows were already on the register."""
    return record(
        PUPILS_ONBOARDED, actor=actor, target=school,
        data={"filename": filename, "job": job.pk, "created": len(pupils), "pupils": pupils,
              "classes": classes, "unchanged": unchanged},
    )  # fmt: skip


NATIONAL_EXPORTED = types.register(
    "students.national.exported",
    lambda data: (
        _("{actor} exported {rows} pupils in the national template with full ID numbers ({scope}; reason: {reason})")
        if data.get("revealed")
        else _("{actor} exported {rows} pupils in the national template ({scope})")
    ),
    label=_("An export in the national template"),
)


def national_exported(*, actor, rows, scope, what, school, revealed, reason="", request=None):
    """An export in the national template; with full ID numbers it is logged like a reveal, with the reason."""
    return record(
        NATIONAL_EXPORTED, actor=actor, school=school, request=request,
        data={"rows": rows, "scope": scope, "what": what, "revealed": revealed, "reason": reason},
    )  # fmt: skip
