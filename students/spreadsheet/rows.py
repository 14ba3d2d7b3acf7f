"""Reading the rows of an opened workbook into checked values, cell by cell, with a message naming the row
and the column for every cell refused (a date in a text column, a bad ID number, an unknown code)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from students import codes
from students.identity import parse_id_number
from students.spreadsheet import columns
from students.spreadsheet.cells import CellError, convert, header_key, is_empty, shown, to_choice
from students.spreadsheet.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    EXCEL_MAX_COLUMN,
    EXCEL_MAX_ROW,
    GUARDIAN_ID_KEYS,
    SpreadsheetRefused,
    chinese_label,
)
from students.spreadsheet.upload import check_row_bounds, data_sheet, unreadable

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


def is_formula(cell) -> bool:
    value = cell.value
    return getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.lstrip().startswith("="))


def cell_refusal(cell):
    """Why a cell's value cannot be taken (a formula, an Excel error value), or None: the pupil import's and
    the onboarding import's one rule."""
    if is_formula(cell):
        return _("Formulas are not accepted; enter the value itself.")
    if getattr(cell, "data_type", None) == "e":
        return _("The cell shows the Excel error %(error)s; enter the value itself.") % {"error": shown(cell.value)}
    return None


def map_header(header_cells, columns=COLUMNS) -> dict[str, int]:
    """``Column.key`` → 0-based position in the row of `columns` (a template's), refusing a file with a column
    twice or without every required column."""
    by_header = {
        header_key(header): column for column in columns for header in (column.header, *getattr(column, "aliases", ()))
    }
    positions: dict[str, int] = {}
    for position, cell in enumerate(header_cells):
        column = by_header.get(header_key(cell.value))
        if column is None:
            continue
        if column.key in positions:
            raise SpreadsheetRefused(
                _("The column %(header)s appears more than once; keep only one.") % {"header": column.header}
            )
        positions[column.key] = position
    missing = [column.header for column in columns if column.required and column.key not in positions]
    if missing:
        raise SpreadsheetRefused(
            _("Required columns are missing from the first row: %(columns)s. Start from the import template.")
            % {"columns": "、".join(missing)}
        )
    return positions


def _read_row(row_number: int, cells, positions: dict[str, int]) -> RowResult:
    result = RowResult(row_number=row_number, values=dict.fromkeys(COLUMNS_BY_KEY))
    present = {key: cells[position] for key, position in positions.items() if position < len(cells)}
    present = {key: cell for key, cell in present.items() if not is_empty(cell.value)}

    # The pupil's ID type decides how the number is checked, and whether it may be blank.
    id_type = None
    if "id_type" in present and not is_formula(present["id_type"]):
        try:
            id_type = to_choice(present["id_type"].value, COLUMNS_BY_KEY["id_type"])
        except CellError:
            pass
    resident = id_type in (None, codes.IdType.RESIDENT)

    for column in COLUMNS:
        cell = present.get(column.key)
        if cell is None:
            if column.required and not (column.key == "id_number" and id_type == codes.IdType.OTHER):
                result.errors.append((column.header, _("Required.")))
            continue
        if refusal := cell_refusal(cell):
            result.errors.append((column.header, refusal))
            continue
        try:
            result.values[column.key] = convert(cell.value, column, resident_id=resident or column.key != "id_number")
        except CellError as error:
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
                "id_sex": chinese_label(codes.Sex(info.sex).label),
                "sex": chinese_label(codes.Sex(values["sex"]).label),
            }
            result.errors.append((id_header, message))
    if values["id_type"] == codes.IdType.OTHER and "id_number" not in present:
        if not any(key in present for key in GUARDIAN_ID_KEYS):
            message = _("Without an ID number for the pupil, a family member's ID number is required.")
            result.errors.append((id_header, message))


def parsed(rows):
    """The rows of a read-only sheet, whose XML is parsed only as they are read: a parse failure refuses the
    file instead of escaping as an arbitrary exception."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # malformed sheet XML: syntax errors, bad cell references, unknown types…
            raise unreadable(error) from None
        yield row


def read_rows(workbook) -> list[RowResult]:
    """Read and convert the data rows of an opened workbook (see the module docstring); one ``RowResult``
    per non-empty row, in sheet order. Raises ``SpreadsheetRefused`` for a missing required column, more than
    ``MAX_ROWS`` rows, the row scan's bounds (a long run of empty formatted rows, too many rows in all: checked
    here as the rows are read, so a file opened without the scan is bounded the same) or a sheet that cannot be
    parsed."""
    sheet = data_sheet(workbook)
    if isinstance(sheet, ReadOnlyWorksheet):
        last_row, last_column = EXCEL_MAX_ROW, EXCEL_MAX_COLUMN
    else:  # an ordinary worksheet creates every cell it is asked for: keep to its real size
        last_row, last_column = sheet.max_row, sheet.max_column
    header = next(parsed(sheet.iter_rows(min_row=1, max_row=1, max_col=last_column)), ())
    positions = map_header(header)
    results: list[RowResult] = []
    # Not bounded by the sheet's declared size, which may be wrong: every row is read, at most MAX_ROWS kept.
    rows = sheet.iter_rows(min_row=2, max_row=max(last_row, 2), max_col=max(positions.values()) + 1)
    # openpyxl fills a gap in the row numbers (rows the sheet does not hold) by yielding the same tuple of empty
    # cells again and again: only its first time counts as a row read.
    previous, read, blank_run = None, 1, 0
    for row_number, cells in enumerate(parsed(rows), start=2):
        if cells is previous:
            continue
        previous = cells
        read += 1
        empty = all(is_empty(getattr(cell, "value", None)) for cell in cells)
        blank_run = blank_run + 1 if empty else 0
        check_row_bounds(read, blank_run, row_number)
        if empty:
            continue
        if len(results) >= columns.MAX_ROWS:
            raise SpreadsheetRefused(
                _("The file has more than %(max)d rows; at most %(max)d can be imported at once.")
                % {"max": columns.MAX_ROWS}
            )
        results.append(_read_row(row_number, cells, positions))
    return results
