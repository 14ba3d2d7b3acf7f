"""The blank import template a registrar downloads: one sheet with every column (required ones marked ★),
its code lists as drop-downs, and a sheet of the code tables."""

import unicodedata
from io import BytesIO

import openpyxl
import openpyxl.xml
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from students.spreadsheet.columns import (
    CODES_SHEET_TITLE,
    COLUMNS,
    MAX_ROWS,
    SHEET_TITLE,
    TEXT_FORMATTED_KEYS,
    Column,
    chinese_label,
)

# --- the template ------------------------------------------------------------------------------------------


def _code_options(choices) -> list[str]:
    """The drop-down entries of a code table: "code label", e.g. "01 汉族"."""
    return [f"{value} {chinese_label(label)}" for value, label in choices.choices]


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
    if column.key in TEXT_FORMATTED_KEYS:
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
        if column.key in TEXT_FORMATTED_KEYS:
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
