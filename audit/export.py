"""The audit search's results as an Excel workbook, with a header that says whose scope, which filters,
when and who exported it (like every export: students/export.py)."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from audit import types
from audit.forms import describe_filters


def events_workbook(events, *, scope, filters, exported_by) -> tuple[bytes, int]:
    """`events` (a queryset, in the order wanted) as .xlsx bytes, and the number of event rows written.
    Rows are read in chunks and written in write-only mode, so memory stays flat for a long log."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.append([_("Audit log"), scope])
    sheet.append([_("Exported by"), str(exported_by), _("Exported at"), now])
    sheet.append([_("Filters"), describe_filters(filters)])
    sheet.append([])
    sheet.append([_("No."), _("Time"), _("Operator"), _("Operation"), _("What happened"), _("Target"), _("IP address")])
    rows = 0
    for event in events.iterator(chunk_size=2000):
        sheet.append(
            [
                event.pk,
                event.local_time,
                event.operator,
                types.describe(event.action),
                types.render(event),
                event.target_repr,
                event.ip_address or "",
            ]
        )
        rows += 1
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows
