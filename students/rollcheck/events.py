"""Audit event types of the roll reconciliation's papers: printing a signed reconciliation and exporting a
town's overview (STYLE 9: typed constructors; kept apart from students/events.py, beside their writers)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

ROLL_CHECK_PRINTED = types.register(
    "students.roll_check.printed", _("{actor} printed the signed roll reconciliation {target}")
)
ROLL_CHECKS_EXPORTED = types.register(
    "students.roll_check.exported",
    _("{actor} exported the roll reconciliations of {target}, {semester} ({rows} schools)"),
)


def roll_check_printed(check, *, actor, signature, request=None):
    """The PDF of a signed reconciliation was produced for `actor`; names the signature printed and its hash."""
    return record(
        ROLL_CHECK_PRINTED,
        actor=actor,
        target=check,
        data={"signature": signature.pk, "snapshot_hash": signature.snapshot_hash},
        request=request,
    )


def roll_checks_exported(authority, *, actor, semester, rows, request=None):
    """A town's overview of one semester was exported to Excel, with its number of rows (schools)."""
    return record(
        ROLL_CHECKS_EXPORTED,
        actor=actor,
        target=authority,
        data={"semester": str(semester), "semester_id": semester.pk, "rows": rows},
        request=request,
    )
