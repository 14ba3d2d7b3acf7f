"""Audit event types of the statistics: exporting a table to Excel and printing the semester summary
(STYLE 9: typed constructors; kept apart from transfers/events.py, beside their writers)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

TABLE_TITLES = {
    "all": _("all tables"),
    "grades": _("Pupils on the register by grade and sex"),
    "schools": _("Pupils on the register by school"),
    "stages": _("Pupils on the register by stage"),
    "flags": _("National flags of the pupils on the register"),
    "classes": _("Class sizes"),
    "changes": _("Status changes of the semester by kind and outcome"),
    "months": _("Status changes by month of submission"),
    "approval-times": _("Approval times"),
    "reconciliation": _("Roll reconciliation of the semester"),
}
STATISTICS_EXPORTED = types.register(
    "transfers.statistics.exported",
    _("{actor} exported the statistics of {target} as of {on} to Excel: {table} ({rows} rows of figures)"),
    values=lambda event: {"table": TABLE_TITLES.get(event.data.get("table"), event.data.get("table"))},
)
SUMMARY_PRINTED = types.register(
    "transfers.statistics.printed", _("{actor} printed the semester summary of {target} as of {on} ({semester})")
)


def statistics_exported(scope, *, actor, table, on, rows, request=None):
    """Tables of a school's or an authority's statistics went to Excel: which (a slug, or "all"), as of which
    day, and how many rows of figures."""
    return record(
        STATISTICS_EXPORTED,
        actor=actor,
        target=scope,
        data={"table": table, "on": on.isoformat(), "rows": rows},
        request=request,
    )


def summary_printed(authority, *, actor, on, semester, request=None):
    """The semester summary of an authority was printed (PDF) as of `on`."""
    return record(
        SUMMARY_PRINTED,
        actor=actor,
        target=authority,
        data={"on": on.isoformat(), "semester": str(semester or ""), "semester_id": getattr(semester, "pk", None)},
        request=request,
    )
