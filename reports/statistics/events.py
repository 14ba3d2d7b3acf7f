"""Audit event types of the statistics: exporting a table to Excel and printing the semester summary
(STYLE 9: typed constructors; kept apart from transfers/events.py, beside their writers)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

STATISTICS_EXPORTED = types.register(
    "transfers.statistics.exported", _("{actor} exported the statistics of {target} as of {on}: {table} ({rows} rows)")
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
