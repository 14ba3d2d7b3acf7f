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

``open_workbook()`` runs the same checks and opens the file with openpyxl in read-only mode.

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

import functools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO
from xml.parsers import expat

import openpyxl
import openpyxl.xml
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHEET_MAIN_NS, XLSM, XLSX, XLTM, XLTX
from openpyxl.xml.functions import fromstring

from students import codes
from students.identity import normalise_id_number, parse_id_number

MAX_ROWS = 10000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 100
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_BLANK_ROWS = 1000  # empty rows (with formatting only) a sheet may carry in one run

SHEET_TITLE = "学生信息"
CODES_SHEET_TITLE = "代码表"
REQUIRED_MARK = "★"

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
EXCEL_MAX_ROW = 1_048_576  # the last row a worksheet can have
EXCEL_MAX_COLUMN = 16_384

KINDS = frozenset({"text", "date", "id_number", "choice", "bool", "int"})


class SpreadsheetRefused(Exception):
    """The whole file is refused; ``str()`` is the message for the user."""


@dataclass(frozen=True)
class Column:
    """One column of the import template. ``choices`` is the code table (a TextChoices class) of a "choice"
    column; ``min_value``/``max_value`` bound an "int" column; ``max_length`` is the database column's length
    for "text"."""

    key: str
    header: str
    required: bool
    kind: str = "text"
    choices: type | None = None
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    digits: bool = False  # a "text" column whose value is often typed as a number (a phone number)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")
        if (self.kind == "choice") != (self.choices is not None):
            raise ValueError(f"{self.key}: choices belong to, and only to, a choice column")

    @property
    def template_header(self) -> str:
        """The header as the template writes it: ★ in front of a required column."""
        return REQUIRED_MARK + self.header if self.required else self.header


def _family_member(number: int) -> list[Column]:
    prefix, key = f"家庭成员{number}", f"guardian{number}"
    return [
        Column(f"{key}_name", f"{prefix}姓名", True, max_length=50),
        Column(f"{key}_relation", f"{prefix}关系", True, "choice", codes.GuardianRelation),
        Column(f"{key}_id_number", f"{prefix}身份证件号", False, "id_number"),
        Column(f"{key}_phone", f"{prefix}联系电话", True, max_length=20, digits=True),
        Column(f"{key}_employer", f"{prefix}工作单位", False, max_length=100),
    ]


COLUMNS: list[Column] = [
    Column("name", "姓名", True, max_length=50),
    Column("former_name", "曾用名", False, max_length=50),
    Column("sex", "性别", True, "choice", codes.Sex),
    Column("birth_date", "出生日期", True, "date"),
    Column("id_type", "身份证件类型", True, "choice", codes.IdType),
    Column("id_number", "身份证件号", True, "id_number"),
    Column("ethnicity", "民族", True, "choice", codes.Ethnicity),
    Column("nationality", "国籍/地区", True, max_length=3),
    Column("overseas_status", "港澳台侨外", True, "choice", codes.OverseasStatus),
    Column("birthplace", "出生地", True, max_length=100),
    Column("native_place", "籍贯", True, max_length=100),
    Column("household_place", "户口所在地", True, max_length=200),
    Column("household_type", "户口性质", True, "choice", codes.HouseholdType),
    Column("home_address", "家庭住址", True, max_length=200),
    Column("phone", "联系电话", True, max_length=20, digits=True),
    Column("health", "健康状况", True, "choice", codes.Health),
    Column("only_child", "是否独生子女", True, "bool"),
    Column("left_behind", "留守儿童", False, "choice", codes.LeftBehind),
    Column("migrant_worker_child", "随迁子女", False, "bool"),
    Column("orphan", "孤儿", False, "bool"),
    Column("disabled", "残疾", False, "bool"),
    Column("inclusive_education", "随班就读", False, "bool"),
    Column("preschool", "是否受过学前教育", True, "bool"),
    Column("grade", "年级", True, "int", min_value=1, max_value=9),
    Column("class_number", "班号", True, "int", min_value=1),
    Column("entry_date", "入学日期", True, "date"),
    Column("entry_method", "入学方式", True, "choice", codes.EntryMethod),
    Column("boarding", "就读方式", True, "choice", codes.Boarding),
    *_family_member(1),
    *_family_member(2),
]

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

# Columns whose digits Excel would otherwise turn into numbers (dropping leading zeros, rounding 18 digits).
_TEXT_FORMATTED_KEYS = frozenset(
    {"id_number", "phone", "guardian1_id_number", "guardian1_phone", "guardian2_id_number", "guardian2_phone"}
)
_GUARDIAN_ID_KEYS = ("guardian1_id_number", "guardian2_id_number")

TRUE_WORDS = frozenset({"是", "Y", "YES", "1", "TRUE", "√", "✓", "✔", "对"})
FALSE_WORDS = frozenset({"否", "N", "NO", "0", "FALSE", "×", "✗", "✘", "X", "不是"})


# --- the template ------------------------------------------------------------------------------------------


def _chinese_label(label) -> str:
    """A code's official Chinese name, whatever the request's language."""
    with translation.override("zh-hans"):
        return str(label)


def _code_options(choices) -> list[str]:
    """The drop-down entries of a code table: "code label", e.g. "01 汉族"."""
    return [f"{value} {_chinese_label(label)}" for value, label in choices.choices]


def _display_width(text: str) -> int:
    """Roughly how many character cells Excel needs: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _column_width(column: Column) -> float:
    by_kind = {"date": 12, "id_number": 22, "bool": 8, "int": 8}
    if column.kind == "choice":
        wanted = max(_display_width(option) for option in _code_options(column.choices)) + 2
    elif column.kind == "text":
        wanted = min(max(12, (column.max_length or 0) // 4), 40)
    else:
        wanted = by_kind[column.kind]
    if column.key in _TEXT_FORMATTED_KEYS:
        wanted = max(wanted, 16)
    return min(max(wanted, _display_width(column.template_header) + 3), 40)


def build_template() -> bytes:
    """The import template as .xlsx bytes (see the module docstring)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    code_sheet = workbook.create_sheet(CODES_SHEET_TITLE)
    code_sheet.sheet_state = "hidden"

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    last_row = MAX_ROWS + 1
    code_column = 0
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.template_header)
        cell.font = Font(bold=column.required)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _column_width(column)
        if column.key in _TEXT_FORMATTED_KEYS:
            dimension.number_format = "@"
        elif column.kind == "date":
            dimension.number_format = "yyyy-mm-dd"

        if column.kind == "choice":
            code_column += 1
            code_letter = get_column_letter(code_column)
            options = _code_options(column.choices)
            code_sheet.cell(row=1, column=code_column, value=column.header)
            for row, option in enumerate(options, start=2):
                code_sheet.cell(row=row, column=code_column, value=option)
            code_sheet.column_dimensions[code_letter].width = max(map(_display_width, options)) + 2
            source = f"{quote_sheetname(CODES_SHEET_TITLE)}!${code_letter}$2:${code_letter}${len(options) + 1}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True)
        elif column.kind == "bool":
            validation = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        else:
            continue
        # A warning, not a stop: the reader also accepts a bare code or label typed by hand.
        validation.errorStyle = "warning"
        validation.errorTitle = column.header
        validation.error = "请从下拉列表中选择。"
        validation.showErrorMessage = True
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)

    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- opening an upload -------------------------------------------------------------------------------------


def _read_upload(fileobj) -> bytes:
    if isinstance(fileobj, bytes | bytearray):
        return bytes(fileobj)
    size = getattr(fileobj, "size", None)  # Django's UploadedFile knows it without reading
    if isinstance(size, int) and size > MAX_UPLOAD_BYTES:
        raise _too_large()
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    return fileobj.read(MAX_UPLOAD_BYTES + 1)


def _too_large() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The file is larger than %(size)d MB; split it into smaller files.") % {"size": MAX_UPLOAD_BYTES // 2**20}
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
    if len(entries) > MAX_ZIP_ENTRIES:
        raise SpreadsheetRefused(
            _("The file holds %(count)d parts; an Excel workbook has at most %(max)d. It cannot be imported.")
            % {"count": len(entries), "max": MAX_ZIP_ENTRIES}
        )
    bomb = SpreadsheetRefused(
        _("The file expands to far more data than a workbook of pupils holds (a zip bomb?). It cannot be imported.")
    )
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise bomb
    for entry in entries:
        if entry.file_size and entry.file_size > MAX_COMPRESSION_RATIO * entry.compress_size:
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


def _unreadable(error: BaseException) -> SpreadsheetRefused:
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
        _("The file has %(count)d rows; at most %(max)d can be imported at once.") % {"count": count, "max": MAX_ROWS}
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
            if last_row - 1 > MAX_ROWS:
                raise _too_many_rows(last_row - 1)

    def end(self, name):
        if name == _SHEET_DATA_TAG:
            raise _ScanDone
        if name != _ROW_TAG:
            return
        self.blank_run = 0 if self.row_has_value else self.blank_run + 1
        if self.blank_run > MAX_BLANK_ROWS:
            raise SpreadsheetRefused(
                _("The sheet has more than %(count)d empty rows in a row (rows with formatting only, up to row "
                  "%(row)s). Delete the empty rows below the pupils and upload again.")
                % {"count": MAX_BLANK_ROWS, "row": self.row_number}
            )  # fmt: skip
        if self.rows > MAX_ROWS + MAX_BLANK_ROWS + 1:
            raise _too_many_rows(self.rows - 1)


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


def check_workbook(fileobj) -> bytes:
    """The checks of a whole upload that are cheap in time and memory, safe to run in a web request: the
    file's bytes, its ZIP directory, its declared content type and the data sheet's rows, streamed and
    bounded (see the module docstring). Nothing is loaded into openpyxl. Returns the file's bytes.

    Raises ``SpreadsheetRefused`` for a file that must not or cannot be imported, ``RuntimeError`` if openpyxl
    is not protected by defusedxml."""
    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError("openpyxl is not using defusedxml; install defusedxml and unset OPENPYXL_DEFUSEDXML.")

    data = _read_upload(fileobj)
    if len(data) > MAX_UPLOAD_BYTES:
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
            _scan_rows(archive, _data_sheet_part(archive, workbook_part))
    except SpreadsheetRefused:
        raise
    except Exception as error:  # malformed parts: XML syntax errors, missing relationships, bad references…
        raise _unreadable(error) from None
    return data


def open_workbook(fileobj):
    """Check an uploaded file (a file object, or bytes) with ``check_workbook`` and open it as a read-only
    openpyxl workbook. The caller should ``close()`` the workbook when done."""
    data = check_workbook(fileobj)
    try:
        workbook = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises anything from KeyError to XML syntax errors on a malformed part
        raise _unreadable(error) from None
    try:
        data_sheet(workbook)
    except SpreadsheetRefused:
        workbook.close()
        raise
    return workbook


# --- reading rows ------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    """One data row: its Excel row number (the header is row 1), the converted values by ``Column.key``
    (``None`` for an empty or wrong cell) and the errors as ``(header without ★, message)``."""

    row_number: int
    values: dict[str, object] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _CellError(Exception):
    pass


_EDGE_JUNK = " \t\r\n\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff"
_HEADER_MARKS = "★☆*"


def _header_key(text) -> str:
    """A header compared without spaces, width differences or a leading/trailing required mark."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    value = "".join(value.split()).translate(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff")))
    return value.strip(_HEADER_MARKS)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(_EDGE_JUNK))


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_text(value, column: Column) -> str:
    """Text as typed. A cell Excel holds as a date, time, yes/no or (except in a phone column) a number is
    refused: Excel turned what was typed into something else, and its text would be a guess (issue 18.16)."""
    if isinstance(value, datetime | date | time | timedelta):
        raise _CellError(
            _("Text expected, but Excel holds this cell as a date or time (%(value)s); format the column as text "
              "and type it again.") % {"value": _shown(value)}
        )  # fmt: skip
    if isinstance(value, bool):
        raise _CellError(_("Text expected, but Excel holds this cell as TRUE/FALSE; type the text itself."))
    if isinstance(value, int | float):
        if not column.digits or (isinstance(value, float) and not value.is_integer()):
            raise _CellError(
                _("Text expected, but Excel holds this cell as the number %(value)s; format the column as text "
                  "and type it again.") % {"value": _shown(value)}
            )  # fmt: skip
        text = _number_text(value)
    elif not isinstance(value, str):
        raise _CellError(_("Text expected; type the text itself."))
    else:
        text = value.strip(_EDGE_JUNK)
    if column.max_length is not None and len(text) > column.max_length:
        raise _CellError(
            _("At most %(max)d characters, not %(count)d.") % {"max": column.max_length, "count": len(text)}
        )
    return text


_DATE_PATTERNS = [
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
]
_MIDNIGHT = re.compile(r"\s+0?0:00(:00)?$")


def _to_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)  # 20191008 typed into a General cell
    elif isinstance(value, str):
        text = _MIDNIGHT.sub("", unicodedata.normalize("NFKC", value).strip(_EDGE_JUNK))
        text = "".join(text.split())
    else:
        text = None
    if text is not None:
        for pattern in _DATE_PATTERNS:
            match = pattern.fullmatch(text)
            if match:
                try:
                    return date(*map(int, match.groups()))
                except ValueError:
                    break
    raise _CellError(_("Not a date: %(value)s; write it as 2019-10-08.") % {"value": _shown(value)})


def _to_id_number(value, *, resident: bool) -> str:
    """A resident ID number is validated by GB 11643-1999; any other document's number is only normalised."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, float):
        raise _CellError(
            _(
                "Excel stored this ID number as a number and kept only 15 digits; format the column as text "
                "and type the number again."
            )
        )
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _CellError(_("Not an ID number: %(value)s.") % {"value": _shown(value)})
    if not resident:
        number = normalise_id_number(value).upper()
        if len(number) > 18:
            raise _CellError(_("At most %(max)d characters, not %(count)d.") % {"max": 18, "count": len(number)})
        return number
    try:
        return parse_id_number(value).number
    except ValidationError as error:
        raise _CellError(error.messages[0]) from None


def _choice_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


@functools.lru_cache(maxsize=64)
def _choice_aliases(choices, language) -> dict[str, str]:
    """Every accepted spelling (normalised) → its code: the code, the Chinese and the current-language label,
    "code label", and for 民族 the name without 族 ("汉" for "汉族"). Spellings shared by two codes are dropped."""
    found: dict[str, set[str]] = {}
    for value, label in choices.choices:
        labels = {_chinese_label(label), str(label)}
        if choices is codes.Ethnicity:
            labels |= {name[:-1] for name in labels if name.endswith("族") and len(name) > 1}
        spellings = {value} | labels | {f"{value}{name}" for name in labels}
        for spelling in spellings:
            found.setdefault(_choice_key(spelling), set()).add(value)
    return {key: next(iter(values)) for key, values in found.items() if len(values) == 1}


def _to_choice(value, column: Column) -> str:
    choices = column.choices
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        text = None
    if text is not None:
        key = _choice_key(text)
        code = _choice_aliases(choices, translation.get_language()).get(key)
        if code is not None:
            return code
        if key.isdigit():  # 1 for "01": zero-padded to a code length, if exactly one code then fits
            padded = {key.zfill(len(code)) for code in choices.values} & set(choices.values)
            if len(padded) == 1:
                return padded.pop()
    raise _CellError(_("Unknown value %(value)s; choose from the list.") % {"value": _shown(value)})


def _to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        text = _number_text(value)
    elif isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", value).split()).upper()
    else:
        text = ""
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise _CellError(_("Not yes or no: %(value)s; write 是 or 否.") % {"value": _shown(value)})


_INTEGER = re.compile(r"[+-]?\d+(\.0*)?")


def _to_int(value, column: Column) -> int:
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", value).split())
        if _INTEGER.fullmatch(text):
            number = int(text.split(".")[0])
    if number is None:
        raise _CellError(_("Not a whole number: %(value)s.") % {"value": _shown(value)})
    low, high = column.min_value, column.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if high is None:
            message = _("Must be at least %(min)d, not %(value)d.") % {"min": low, "value": number}
        elif low is None:
            message = _("Must be at most %(max)d, not %(value)d.") % {"max": high, "value": number}
        else:
            message = _("Must be between %(min)d and %(max)d, not %(value)d.") % {
                "min": low,
                "max": high,
                "value": number,
            }
        raise _CellError(message)
    return number


def _shown(value) -> str:
    """A cell value as quoted back in an error message (bounded, so a huge cell cannot flood the report)."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        text = value.date().isoformat()
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = _number_text(value)
    else:
        text = str(value).strip(_EDGE_JUNK)
    return text if len(text) <= 40 else text[:40] + "…"


def _convert(value, column: Column, *, resident_id: bool = True):
    if column.kind == "text":
        return _to_text(value, column)
    if column.kind == "date":
        return _to_date(value)
    if column.kind == "id_number":
        return _to_id_number(value, resident=resident_id)
    if column.kind == "choice":
        return _to_choice(value, column)
    if column.kind == "bool":
        return _to_bool(value)
    return _to_int(value, column)


def _is_formula(cell) -> bool:
    value = cell.value
    return getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.lstrip().startswith("="))


def _map_header(header_cells) -> dict[str, int]:
    """``Column.key`` → 0-based position in the row, refusing a file without every required column."""
    by_header = {_header_key(column.header): column for column in COLUMNS}
    positions: dict[str, int] = {}
    for position, cell in enumerate(header_cells):
        column = by_header.get(_header_key(cell.value))
        if column is None:
            continue
        if column.key in positions:
            raise SpreadsheetRefused(
                _("The column %(header)s appears more than once; keep only one.") % {"header": column.header}
            )
        positions[column.key] = position
    missing = [column.header for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        raise SpreadsheetRefused(
            _("Required columns are missing from the first row: %(columns)s. Start from the import template.")
            % {"columns": "、".join(missing)}
        )
    return positions


def _read_row(row_number: int, cells, positions: dict[str, int]) -> RowResult:
    result = RowResult(row_number=row_number, values=dict.fromkeys(COLUMNS_BY_KEY))
    present = {key: cells[position] for key, position in positions.items() if position < len(cells)}
    present = {key: cell for key, cell in present.items() if not _is_empty(cell.value)}

    # The pupil's ID type decides how the number is checked, and whether it may be blank.
    id_type = None
    if "id_type" in present and not _is_formula(present["id_type"]):
        try:
            id_type = _to_choice(present["id_type"].value, COLUMNS_BY_KEY["id_type"])
        except _CellError:
            pass
    resident = id_type in (None, codes.IdType.RESIDENT)

    for column in COLUMNS:
        cell = present.get(column.key)
        if cell is None:
            if column.required and not (column.key == "id_number" and id_type == codes.IdType.OTHER):
                result.errors.append((column.header, _("Required.")))
            continue
        if _is_formula(cell):
            result.errors.append((column.header, _("Formulas are not accepted; enter the value itself.")))
            continue
        if getattr(cell, "data_type", None) == "e":
            message = _("The cell shows the Excel error %(error)s; enter the value itself.") % {
                "error": _shown(cell.value)
            }
            result.errors.append((column.header, message))
            continue
        try:
            result.values[column.key] = _convert(cell.value, column, resident_id=resident or column.key != "id_number")
        except _CellError as error:
            result.errors.append((column.header, str(error)))

    _check_row(result, present)
    return result


def _check_row(result: RowResult, present) -> None:
    """The checks between cells of one row that the registration form also makes."""
    values = result.values
    id_header = COLUMNS_BY_KEY["id_number"].header
    if values["id_type"] == codes.IdType.RESIDENT and values["id_number"]:
        info = parse_id_number(values["id_number"])
        if values["birth_date"] and values["birth_date"] != info.birth_date:
            message = _("The ID number gives the birth date %(id_date)s, but 出生日期 says %(date)s.") % {
                "id_date": info.birth_date.isoformat(),
                "date": values["birth_date"].isoformat(),
            }
            result.errors.append((id_header, message))
        if values["sex"] and values["sex"] != info.sex:
            message = _("The ID number is that of a %(id_sex)s pupil (its 17th digit), but 性别 says %(sex)s.") % {
                "id_sex": _chinese_label(codes.Sex(info.sex).label),
                "sex": _chinese_label(codes.Sex(values["sex"]).label),
            }
            result.errors.append((id_header, message))
    if values["id_type"] == codes.IdType.OTHER and "id_number" not in present:
        if not any(key in present for key in _GUARDIAN_ID_KEYS):
            message = _("Without an ID number for the pupil, a family member's ID number is required.")
            result.errors.append((id_header, message))


def _parsed(rows):
    """The rows of a read-only sheet, whose XML is parsed only as they are read: a parse failure refuses the
    file instead of escaping as an arbitrary exception."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # malformed sheet XML: syntax errors, bad cell references, unknown types…
            raise _unreadable(error) from None
        yield row


def read_rows(workbook) -> list[RowResult]:
    """Read and convert the data rows of an opened workbook (see the module docstring); one ``RowResult``
    per non-empty row, in sheet order. Raises ``SpreadsheetRefused`` for a missing required column, more than
    ``MAX_ROWS`` rows or a sheet that cannot be parsed."""
    sheet = data_sheet(workbook)
    if isinstance(sheet, ReadOnlyWorksheet):
        last_row, last_column = EXCEL_MAX_ROW, EXCEL_MAX_COLUMN
    else:  # an ordinary worksheet creates every cell it is asked for: keep to its real size
        last_row, last_column = sheet.max_row, sheet.max_column
    header = next(_parsed(sheet.iter_rows(min_row=1, max_row=1, max_col=last_column)), ())
    positions = _map_header(header)
    results: list[RowResult] = []
    # Not bounded by the sheet's declared size, which may be wrong: every row is read, at most MAX_ROWS kept.
    rows = sheet.iter_rows(min_row=2, max_row=max(last_row, 2), max_col=max(positions.values()) + 1)
    blank = None  # openpyxl fills a gap in the row numbers by yielding one tuple of empty cells again and again
    for row_number, cells in enumerate(_parsed(rows), start=2):
        if cells is blank:
            continue
        if all(_is_empty(getattr(cell, "value", None)) for cell in cells):
            blank = cells
            continue
        if len(results) >= MAX_ROWS:
            raise SpreadsheetRefused(
                _("The file has more than %(max)d rows; at most %(max)d can be imported at once.") % {"max": MAX_ROWS}
            )
        results.append(_read_row(row_number, cells, positions))
    return results
