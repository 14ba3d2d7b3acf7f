"""Reading a file in the national template: the national system's own .xls exports and .xlsx workbooks, with
the defences of the pupil import's reader (students.spreadsheet).

``check_upload()`` is cheap in time and memory (the web request runs it; nothing is parsed cell by cell):
the size (``MAX_UPLOAD_BYTES``), then by the file's first bytes either an .xlsx — every check of
``students.spreadsheet.check_workbook`` (ZIP bombs, macros, templates, unsafe XML, a streamed row count) —
or an .xls: an OLE2 compound file whose directory (read by xlrd's compdoc, bounded by the file's size) holds
a BIFF workbook stream and no encryption. Anything else is refused with a message saying what to do.

``read_rows()`` runs in the worker: it opens the workbook (openpyxl read-only, or xlrd), refuses a data sheet
of more than ``MAX_ROWS`` rows before converting any, maps the header row by the national headers
(students.spreadsheet.rows.map_header: ★ and spaces ignored, a column twice refused, required ones needed)
and converts every cell through students.national.columns, each problem a ``(header, message)`` on its row.
"""

from io import BytesIO

import openpyxl
import xlrd
from django.utils.translation import gettext as _
from xlrd.compdoc import CompDoc, CompDocError

from students import codes
from students.identity import parse_id_number
from students.national.columns import COLUMNS, COLUMNS_BY_KEY, SHEET_TITLE, convert_cell
from students.national.numbers import embedded_birth_date
from students.spreadsheet import columns as limits
from students.spreadsheet.cells import CellError, is_empty, to_choice
from students.spreadsheet.columns import EXCEL_MAX_ROW, OLE2_SIGNATURE, SpreadsheetRefused
from students.spreadsheet.rows import RowResult, cell_refusal, is_formula, map_header, parsed
from students.spreadsheet.upload import check_workbook, unreadable

XLS, XLSX = "xls", "xlsx"


def _too_large():
    return SpreadsheetRefused(
        _("The file is larger than %(size)d MB; split it into smaller files.")
        % {"size": limits.MAX_UPLOAD_BYTES // 2**20}
    )


def _read(upload) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limits.MAX_UPLOAD_BYTES:
        raise _too_large()
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read(limits.MAX_UPLOAD_BYTES + 1)


def _check_xls(data: bytes) -> None:
    """An .xls: a compound file with a BIFF workbook stream, not encrypted (its directory only is read)."""
    if "EncryptionInfo".encode("utf-16-le") in data:
        raise SpreadsheetRefused(
            _("The workbook is protected with a password; remove the password in Excel and upload again.")
        )
    try:
        document = CompDoc(data, logfile=_Silent())
        stream = document.locate_named_stream("Workbook")[0] or document.locate_named_stream("Book")[0]
    except (CompDocError, Exception):  # a damaged directory raises anything from IndexError to struct.error
        stream = None
    if stream is None:
        raise SpreadsheetRefused(
            _("This file is not an Excel workbook (.xls or .xlsx); export the roster from the national system "
              "again and upload that file.")
        )  # fmt: skip


class _Silent:
    """xlrd writes its warnings to a file; they are not the user's business."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass


def check_upload(upload) -> tuple[bytes, str]:
    """The cheap checks of an uploaded roster (module docstring); its bytes and kind (XLS or XLSX)."""
    data = _read(upload)
    if len(data) > limits.MAX_UPLOAD_BYTES:
        raise _too_large()
    if data.startswith(OLE2_SIGNATURE):
        _check_xls(data)
        return data, XLS
    return check_workbook(data), XLSX


# --- cells ------------------------------------------------------------------------------------------------


class XlsCell:
    """An .xls cell in the shape the readers expect of an openpyxl cell: `value`, and `data_type` "e" for an
    Excel error value (xlrd gives a formula's computed value; an .xls written by the national system has
    none)."""

    __slots__ = ("value", "data_type")

    def __init__(self, cell, datemode):
        self.data_type = "n"
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            self.value = None
        elif cell.ctype == xlrd.XL_CELL_DATE:
            try:
                self.value = xlrd.xldate_as_datetime(cell.value, datemode)
            except (xlrd.xldate.XLDateError, ValueError, OverflowError):
                self.value = cell.value
        elif cell.ctype == xlrd.XL_CELL_NUMBER:
            self.value = int(cell.value) if float(cell.value).is_integer() else cell.value
        elif cell.ctype == xlrd.XL_CELL_ERROR:
            self.value, self.data_type = xlrd.error_text_from_code.get(cell.value, "#ERR"), "e"
        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
            self.value = bool(cell.value)
        else:
            self.value = cell.value


def _too_many_rows(count):
    return SpreadsheetRefused(
        _("The file has %(count)d rows; at most %(max)d can be imported at once.")
        % {"count": count, "max": limits.MAX_ROWS}
    )


def _xls_rows(data):
    """(header cells, data rows) of an .xls; refuses a sheet with more than MAX_ROWS rows before converting."""
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=_Silent())
    except Exception as error:  # XLRDError, and struct/index errors on a damaged file
        if "encrypted" in str(error).lower():
            raise SpreadsheetRefused(
                _("The workbook is protected with a password; remove the password in Excel and upload again.")
            ) from None
        raise unreadable(error) from None
    try:
        names = book.sheet_names()
        if not names:
            raise SpreadsheetRefused(_("The workbook has no worksheet."))
        sheet = book.sheet_by_name(SHEET_TITLE) if SHEET_TITLE in names else book.sheet_by_index(0)
    except SpreadsheetRefused:
        raise
    except Exception as error:
        raise unreadable(error) from None
    if sheet.nrows - 1 > limits.MAX_ROWS + limits.MAX_BLANK_ROWS:
        raise _too_many_rows(sheet.nrows - 1)
    rows = [[XlsCell(cell, book.datemode) for cell in sheet.row(index)] for index in range(sheet.nrows)]
    book.release_resources()
    return (rows[0] if rows else []), iter(rows[1:])


def _data_sheet(workbook):
    for sheet in workbook.worksheets:
        if sheet.title == SHEET_TITLE:
            return sheet
    if not workbook.worksheets:
        raise SpreadsheetRefused(_("The workbook has no worksheet."))
    return workbook.worksheets[0]


# --- rows -------------------------------------------------------------------------------------------------


def _read_row(row_number, cells, positions) -> RowResult:
    result = RowResult(row_number=row_number, values=dict.fromkeys(COLUMNS_BY_KEY))
    present = {key: cells[position] for key, position in positions.items() if position < len(cells)}
    present = {key: cell for key, cell in present.items() if not is_empty(cell.value)}
    id_type = None
    if "id_type" in present and not is_formula(present["id_type"]):
        try:
            id_type = to_choice(present["id_type"].value, COLUMNS_BY_KEY["id_type"].reader)
        except CellError:
            pass
    for column in COLUMNS:
        if column.key is None:
            continue
        cell = present.get(column.key)
        if cell is None:
            if column.required or (column.key == "id_number" and id_type in (None, codes.IdType.RESIDENT)):
                result.errors.append((column.header, _("Required.")))
            continue
        if refusal := cell_refusal(cell):
            result.errors.append((column.header, refusal))
            continue
        resident = column.key != "id_number" or id_type in (None, codes.IdType.RESIDENT)
        try:
            result.values[column.key] = convert_cell(cell.value, column, resident_id=resident)
        except CellError as error:
            result.errors.append((column.header, str(error)))
    _check_row(result)
    return result


def _check_row(result: RowResult) -> None:
    """Checks between the cells of one row: the ID number against birth date and sex, an L or J number's
    birth date against the pupil's."""
    values = result.values
    if values["id_type"] == codes.IdType.RESIDENT and values["id_number"]:
        info = parse_id_number(values["id_number"])
        if values["birth_date"] and values["birth_date"] != info.birth_date:
            result.errors.append((
                COLUMNS_BY_KEY["birth_date"].header,
                _("The ID number gives the birth date %(id_date)s, but 出生日期 says %(date)s; correct the one "
                  "that is wrong.")
                % {"id_date": info.birth_date.isoformat(), "date": values["birth_date"].isoformat()},
            ))  # fmt: skip
        if values["sex"] and values["sex"] != info.sex:
            result.errors.append((
                COLUMNS_BY_KEY["sex"].header,
                _("The ID number is that of a %(id_sex)s pupil (its 17th digit), but 性别 says %(sex)s.")
                % {"id_sex": codes.Sex(info.sex).label, "sex": codes.Sex(values["sex"]).label},
            ))  # fmt: skip
    if values["id_type"] == codes.IdType.OTHER and not values["id_number"]:
        if not values["guardian1_id_number"] and not values["guardian2_id_number"]:
            result.errors.append((
                COLUMNS_BY_KEY["id_number"].header,
                _("Without an ID number for the pupil, a family member's ID number is required."),
            ))  # fmt: skip
    number = values["national_number"]
    embedded = embedded_birth_date(number) if number else None
    if embedded and values["birth_date"] and embedded != values["birth_date"]:
        result.errors.append((
            COLUMNS_BY_KEY["national_number"].header,
            _("The %(letter)s number carries the birth date %(embedded)s, but 出生日期 says %(date)s.")
            % {"letter": number[0], "embedded": embedded.isoformat(), "date": values["birth_date"].isoformat()},
        ))  # fmt: skip


def read_rows(data: bytes, kind: str) -> list[RowResult]:
    """Every non-empty data row of a roster (checked by `check_upload`), converted and checked cell by cell."""
    workbook = None
    if kind == XLS:
        header, rows = _xls_rows(data)
    else:
        try:
            workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
        except Exception as error:
            raise unreadable(error) from None
        sheet = _data_sheet(workbook)
        header = next(parsed(sheet.iter_rows(min_row=1, max_row=1)), ())
        rows = None
    try:
        positions = map_header(header, [column for column in COLUMNS if column.key])
        if rows is None:
            # not bounded by the declared size, which may be wrong (students.spreadsheet.rows.read_rows)
            rows = parsed(sheet.iter_rows(min_row=2, max_row=EXCEL_MAX_ROW, max_col=max(positions.values()) + 1))
        results = []
        for row_number, cells in enumerate(rows, start=2):
            if all(is_empty(getattr(cell, "value", None)) for cell in cells):
                continue
            if len(results) >= limits.MAX_ROWS:
                raise _too_many_rows(len(results) + 1)
            results.append(_read_row(row_number, cells, positions))
        return results
    finally:
        if workbook is not None:
            workbook.close()
