"""File downloads: every Excel workbook a page hands out goes through `xlsx_response`, so each is served with
the same content type and as an attachment under its own file name (DESIGN §8: every table a person would
take away exports to Excel)."""

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook's bytes as a download named `filename` (ASCII: it goes into the header as it is)."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
