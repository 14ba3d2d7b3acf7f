"""Opening an uploaded workbook defensively: size, ZIP bombs, macro-enabled and template packages, unsafe
XML, and a streamed row scan that refuses a sheet of a million formatted blank rows before anything is
loaded — cheap enough for the web request (students.spreadsheet.check_workbook)."""

import zipfile
from io import BytesIO
from xml.parsers import expat

import openpyxl
import openpyxl.xml
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.utils import range_boundaries
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHEET_MAIN_NS, XLSM, XLSX, XLTM, XLTX
from openpyxl.xml.functions import fromstring

from students.spreadsheet import columns
from students.spreadsheet.columns import (
    OLE2_SIGNATURE,
    SHEET_TITLE,
    ZIP_SIGNATURE,
    SpreadsheetRefused,
)

# --- opening an upload -------------------------------------------------------------------------------------


def _read_upload(fileobj) -> bytes:
    if isinstance(fileobj, bytes | bytearray):
        return bytes(fileobj)
    size = getattr(fileobj, "size", None)  # Django's UploadedFile knows it without reading
    if isinstance(size, int) and size > columns.MAX_UPLOAD_BYTES:
        raise _too_large()
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    return fileobj.read(columns.MAX_UPLOAD_BYTES + 1)


def _too_large() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The file is larger than %(size)d MB; split it into smaller files.")
        % {"size": columns.MAX_UPLOAD_BYTES // 2**20}
    )


def _not_xlsx() -> SpreadsheetRefused:
    return SpreadsheetRefused(_("This file is not an Excel .xlsx workbook (a renamed file?)."))


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except Exception:  # BadZipFile, but a hostile directory can raise others (ValueError, OverflowError…)
        raise _not_xlsx() from None
    with archive:
        entries = archive.infolist()
    if len(entries) > columns.MAX_ZIP_ENTRIES:
        raise SpreadsheetRefused(
            _("The file holds %(count)d parts; an Excel workbook has at most %(max)d. It cannot be imported.")
            % {"count": len(entries), "max": columns.MAX_ZIP_ENTRIES}
        )
    bomb = SpreadsheetRefused(
        _("The file expands to far more data than a workbook of pupils holds (a zip bomb?). It cannot be imported.")
    )
    if sum(entry.file_size for entry in entries) > columns.MAX_UNCOMPRESSED_BYTES:
        raise bomb
    for entry in entries:
        if entry.file_size and entry.file_size > columns.MAX_COMPRESSION_RATIO * entry.compress_size:
            raise bomb
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise SpreadsheetRefused(_("This is an Excel binary (.xlsb) workbook; save it as .xlsx and upload again."))
        if "mimetype" in names and "content.xml" in names:
            raise SpreadsheetRefused(
                _("This is an OpenDocument (.ods) spreadsheet; save it as Excel .xlsx and upload again.")
            )
        raise _not_xlsx()


def data_sheet(workbook):
    """The sheet the pupils are on: 学生信息 if the workbook has it, else its first worksheet."""
    sheets = workbook.worksheets
    if not sheets:
        raise SpreadsheetRefused(_("The workbook has no worksheet."))
    for sheet in sheets:
        if sheet.title == SHEET_TITLE:
            return sheet
    return sheets[0]


def _damaged() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The workbook could not be read; it may be damaged. Open it in Excel, save it as .xlsx and upload again.")
    )


def _unsafe_xml() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The workbook contains XML features that are not accepted (a DTD or entities). It cannot be imported.")
    )


def unreadable(error: BaseException) -> SpreadsheetRefused:
    """The refusal for an exception from openpyxl, which wraps defusedxml's in its own (``raise … from``)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return _unsafe_xml()
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return _damaged()


def _too_many_rows(count: int) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The file has %(count)d rows; at most %(max)d can be imported at once.")
        % {"count": count, "max": columns.MAX_ROWS}
    )


def _macro_enabled() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("This workbook contains macros (.xlsm); macros are not accepted. In Excel, save it as “Excel "
          "Workbook (*.xlsx)” and upload again.")
    )  # fmt: skip


def _check_content_type(archive) -> str:
    """Accept only a plain workbook (.xlsx) by the package's own declaration, not by the file's name: a
    macro-enabled workbook or template, a template, an add-in or anything else is refused (issue 18.17).
    Returns the workbook part's name."""
    names = set(archive.namelist())
    if ARC_CONTENT_TYPES not in names:
        raise _not_xlsx()
    manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    try:
        part = _find_workbook_part(manifest)
    except OSError:
        raise _not_xlsx() from None
    if part.ContentType in (XLSM, XLTM) or "xl/vbaProject.bin" in names:
        raise _macro_enabled()
    if part.ContentType == XLTX:
        raise SpreadsheetRefused(
            _("This is an Excel template (.xltx); in Excel, save it as “Excel Workbook (*.xlsx)” and upload again.")
        )
    if part.ContentType != XLSX:
        raise _not_xlsx()
    return part.PartName.lstrip("/")


def _data_sheet_part(archive, workbook_part) -> str:
    """The ZIP entry of the data sheet (学生信息, else the first worksheet), read from the workbook's own
    parts without loading any sheet or the shared strings."""
    parser = WorkbookParser(archive, workbook_part)
    parser.parse()
    names = set(archive.namelist())
    sheets = [(sheet.name, rel.target) for sheet, rel in parser.find_sheets()]
    worksheets = [(name, target) for name, target in sheets if target in names and "worksheets/" in target]
    if not worksheets:
        raise SpreadsheetRefused(_("The workbook has no worksheet."))
    return next((target for name, target in worksheets if name == SHEET_TITLE), worksheets[0][1])


_ROW_TAG = f"{SHEET_MAIN_NS}}}row"
_DIMENSION_TAG = f"{SHEET_MAIN_NS}}}dimension"
_SHEET_DATA_TAG = f"{SHEET_MAIN_NS}}}sheetData"
_VALUE_TAGS = frozenset(f"{SHEET_MAIN_NS}}}{name}" for name in ("v", "f", "is"))


class _ScanDone(Exception):
    pass


class _RowScan:
    """Expat callbacks counting the data sheet's rows as its XML streams by (no tree is built)."""

    def __init__(self):
        self.rows = self.blank_run = 0
        self.row_has_value = False
        self.row_number = None

    def start(self, name, attributes):
        if name == _ROW_TAG:
            self.rows += 1
            self.row_has_value = False
            self.row_number = attributes.get("r", self.rows)
        elif name in _VALUE_TAGS:
            self.row_has_value = True
        elif name == _DIMENSION_TAG:
            last_row = range_boundaries(attributes.get("ref", "A1").split(":")[-1])[3] or 1
            if last_row - 1 > columns.MAX_ROWS:
                raise _too_many_rows(last_row - 1)

    def end(self, name):
        if name == _SHEET_DATA_TAG:
            raise _ScanDone
        if name != _ROW_TAG:
            return
        self.blank_run = 0 if self.row_has_value else self.blank_run + 1
        check_row_bounds(self.rows, self.blank_run, self.row_number)


def check_row_bounds(rows, blank_run, row_number) -> None:
    """The data sheet's row limits, as rows are read (the scan here, or students.spreadsheet.rows.read_rows):
    `rows` read so far, the header included, and the run of empty rows ending at row `row_number`."""
    if blank_run > columns.MAX_BLANK_ROWS:
        raise SpreadsheetRefused(
            _("The sheet has more than %(count)d empty rows in a row (rows with formatting only, up to row "
              "%(row)s). Delete the empty rows below the pupils and upload again.")
            % {"count": columns.MAX_BLANK_ROWS, "row": row_number}
        )  # fmt: skip
    if rows > columns.MAX_ROWS + columns.MAX_BLANK_ROWS + 1:
        raise _too_many_rows(rows - 1)


def _refuse_entities(*args):
    raise _unsafe_xml()


def _scan_rows(archive, sheet_part) -> None:
    """Refuse a sheet that declares more than ``MAX_ROWS`` data rows, that carries a run of more than
    ``MAX_BLANK_ROWS`` empty rows (rows with formatting only: Excel writes one for every row a format was
    applied to), or more rows in all than ``MAX_ROWS`` + ``MAX_BLANK_ROWS`` + the header. The sheet's XML is
    streamed through expat without building a tree, entity declarations refused as defusedxml does, and the
    scan stops at the first of these, so time and memory stay bounded whatever the file holds (a 4.7 MB file
    of 900,000 formatted empty rows is refused after reading about a thousand)."""
    scan = _RowScan()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler = scan.start, scan.end
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = _refuse_entities
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with archive.open(sheet_part) as source:
            while chunk := source.read(256 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _ScanDone:
        pass


def check_workbook(fileobj, *, scan=True) -> bytes:
    """The checks of a whole upload that are cheap in time and memory, safe to run in a web request: the
    file's bytes, its ZIP directory, its declared content type and the data sheet's rows, streamed and
    bounded (see the module docstring). Nothing is loaded into openpyxl. Returns the file's bytes.
    `scan=False` leaves out the row scan, for a reader that holds the rows to the same bounds as it reads them
    (students.spreadsheet.read_rows), so that the sheet is not read twice.

    Raises ``SpreadsheetRefused`` for a file that must not or cannot be imported, ``RuntimeError`` if openpyxl
    is not protected by defusedxml."""
    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError("openpyxl is not using defusedxml; install defusedxml and unset OPENPYXL_DEFUSEDXML.")

    data = _read_upload(fileobj)
    if len(data) > columns.MAX_UPLOAD_BYTES:
        raise _too_large()
    if not data:
        raise SpreadsheetRefused(_("The file is empty."))
    if data.startswith(OLE2_SIGNATURE):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise SpreadsheetRefused(
                _("The workbook is protected with a password; remove the password in Excel and upload again.")
            )
        raise SpreadsheetRefused(
            _("This is an old .xls file; save it as .xlsx (Excel 2007 or later) and upload again.")
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise _not_xlsx()
    _check_zip(data)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            workbook_part = _check_content_type(archive)
            if scan:
                _scan_rows(archive, _data_sheet_part(archive, workbook_part))
    except SpreadsheetRefused:
        raise
    except Exception as error:  # malformed parts: XML syntax errors, missing relationships, bad references…
        raise unreadable(error) from None
    return data


def open_workbook(fileobj, *, scan=True):
    """Check an uploaded file (a file object, or bytes) with ``check_workbook`` (`scan` as there) and open it
    as a read-only openpyxl workbook. The caller should ``close()`` the workbook when done."""
    data = check_workbook(fileobj, scan=scan)
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises anything from KeyError to XML syntax errors on a malformed part
        raise unreadable(error) from None
    try:
        data_sheet(workbook)
    except SpreadsheetRefused:
        workbook.close()
        raise
    return workbook
