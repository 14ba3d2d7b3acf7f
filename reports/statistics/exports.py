"""The statistics on paper and in Excel: any of a page's tables as a workbook (one sheet each, every sheet with
a header block saying whose figures, as of which day, which semester, who exported them and when), and the
town's semester summary as a PDF (the quarterly report to the county bureau: totals, the schools, the
changes by kind, the reconciliations). Built from reports.statistics.tables, so paper, Excel and page show
the same numbers. Nothing here writes to the database."""

from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from registry import pdf
from reports.statistics import tables as statistics_tables

PDF_TEMPLATE = "statistics/summary_pdf.html"
SHEET_TITLE_LENGTH = 31  # Excel's limit
FORBIDDEN_IN_SHEET_TITLES = str.maketrans({c: " " for c in "[]:*?/\\"})


def header_block(scope, *, day, semester, exported_by, title):
    """The rows above a table: what it is, whose, as of which day, which semester, who exported it and when."""
    return [
        [title],
        [_("Scope"), str(scope)],
        [_("Figures as of"), day],
        [_("Semester"), str(semester) if semester else _("No semester")],
        [_("Exported by"), str(exported_by), _("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [],
    ]


def workbook(tables, *, scope, day, semester, exported_by) -> bytes:
    """`tables` (reports.statistics.tables.Table) as .xlsx bytes, one sheet each."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    used = set()
    for table in tables:
        title = table.title.translate(FORBIDDEN_IN_SHEET_TITLES)[:SHEET_TITLE_LENGTH]
        if title in used:
            title = f"{title[: SHEET_TITLE_LENGTH - 4]} ({len(used)})"
        used.add(title)
        sheet = book.create_sheet(title)
        for row in header_block(scope, day=day, semester=semester, exported_by=exported_by, title=table.title):
            sheet.append(row)
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([label for label, _numeric in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append(list(row.cells))
        if table.total:
            sheet.append(list(table.total))
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        for index, (label, _numeric) in enumerate(table.columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, len(label) * 2)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary_context(figures, *, authority, printed_by):
    tables = statistics_tables.tables(figures, town=True)
    return {
        "authority": authority,
        "figures": figures,
        "semester": figures.semester,
        "day": figures.day,
        "summary": statistics_tables.summary(figures),
        "tables": [tables[slug] for slug in ("schools", "grades", "stages", "flags", "changes", "reconciliation")],
        "printed_by": str(printed_by),
        "printed_at": timezone.localtime(),
    }


def summary_pdf(figures, *, authority, printed_by) -> bytes:
    """The town's semester summary as a PDF, in the site's language (an official paper)."""
    with translation.override(settings.LANGUAGE_CODE):
        return pdf.render_pdf(PDF_TEMPLATE, summary_context(figures, authority=authority, printed_by=printed_by))
