"""The new-pupil import template (新生导入模版, 校制度) and a defended reader for filled-in workbooks.

``build_template()`` makes the .xlsx a school fills in: one sheet 学生信息 with the national template's fields
(DOMAIN.md "Code tables"; ★ marks a required column), drop-down lists fed from a hidden sheet 代码表, and the ID
number and phone columns formatted as text so Excel keeps every digit.

``check_workbook()`` refuses a whole upload (``SpreadsheetRefused``, a message for the user) before openpyxl
sees a byte, in bounded time and memory (so the web request runs it; the full read runs in the Celery task),
when:

- it is larger than ``MAX_UPLOAD_BYTES`` or empty;
- it is an OLE2 compound file: an old .xls (or a password-protected .xlsx, which Excel also stores as OLE2);
- it is not a ZIP file (a renamed .exe, .csv, …) or ``zipfile`` cannot read its directory;
- the ZIP has more than ``MAX_ZIP_ENTRIES`` entries, its declared uncompressed sizes add up to more than
  ``MAX_UNCOMPRESSED_BYTES``, or one entry expands more than ``MAX_COMPRESSION_RATIO`` times (a zip bomb).
  The declared sizes are binding: ``zipfile`` never returns more than an entry's declared size;
- it has no ``xl/workbook.xml`` (an .ods, .xlsb, .docx or any other ZIP);
- its package declares anything but a plain workbook: macros (.xlsm, or a ``vbaProject.bin`` in any
  package), a template (.xltx/.xltm), an add-in (issue 18.17);
- its XML cannot be parsed or carries entities (defusedxml's rule; if openpyxl is not protected by
  defusedxml, that is a set-up fault and ``RuntimeError`` is raised instead);
- its data sheet declares more than ``MAX_ROWS`` rows below the header, or — streamed through expat, the
  scan stopping at the first sign — carries a run of more than ``MAX_BLANK_ROWS`` empty formatted rows, or
  more rows in all than ``MAX_ROWS`` + ``MAX_BLANK_ROWS`` + the header.

``open_workbook()`` runs the same checks and opens the file with openpyxl in read-only mode; with ``scan=False``
(the import task, whose upload the web request scanned) it leaves out the row scan, and ``read_rows()`` holds the
rows to the same bounds as it reads them.

``read_rows()`` then reads the data sheet (学生信息, or else the first worksheet) in streaming mode: columns are
found by their header text (with or without ★, spaces ignored), every required header must be there and none
twice, at most ``MAX_ROWS`` non-empty rows are read whatever the file claims, and empty rows are skipped. Each
cell is converted by its column's kind, and each problem becomes a ``(header, message)`` error on its row:
formulas and Excel error values are never accepted; required cells must not be empty; text is stripped and
limited to the database column's length, and a cell Excel holds as a date, a number (except in a phone
column) or TRUE/FALSE is refused rather than turned into text (issue 18.16); dates accept Excel dates and the
common written forms; ID numbers are checked by GB 11643-1999 (``students.identity``); codes accept the code,
the label or "code label"; yes/no accepts 是/否 and the usual variants; whole numbers must lie in the column's
range.

Within one row it also checks what the form would: a resident ID number must agree with the birth date and
sex; with ID type Z (其他) the pupil's number may be blank, but then a family member's ID number is required.
Checks across rows (duplicates, class look-up) and against the database are the importer's.
"""

from students.spreadsheet.columns import COLUMNS, COLUMNS_BY_KEY, MAX_UPLOAD_BYTES, SHEET_TITLE, SpreadsheetRefused
from students.spreadsheet.rows import RowResult, read_rows
from students.spreadsheet.template import build_template
from students.spreadsheet.upload import check_workbook, open_workbook

__all__ = [
    "COLUMNS", "COLUMNS_BY_KEY", "MAX_UPLOAD_BYTES", "SHEET_TITLE", "RowResult", "SpreadsheetRefused", "build_template",
    "check_workbook", "open_workbook", "read_rows",
]  # fmt: skip
