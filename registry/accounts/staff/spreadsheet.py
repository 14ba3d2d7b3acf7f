"""The staff import template (教职工导入模版) and its reader (issue 15).

One sheet 教职工: ★姓名, ★用户名, 手机号码, 电子邮箱, and optionally a role with where it applies (角色 and
学校标识码或区划代码: a school's 10-digit code for a school role, a town office's division code for the town
officer). The upload gets the same defences as the pupil import (students.spreadsheet: size, ZIP bombs,
macros, entities, row bounds — its `open_workbook`) and its cell checks (formulas, Excel errors, numbers or
dates where text belongs, lengths); `read_staff` then checks every row against the others and the database.
The import is all or nothing: `import_staff` refuses unless every row is right (registry.accounts.staff.importing).
"""

from io import BytesIO

import openpyxl
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from registry.roles import Role
from students.spreadsheet import open_workbook
from students.spreadsheet.cells import CellError, is_empty, shown, to_choice, to_text
from students.spreadsheet.columns import (
    EXCEL_MAX_COLUMN,
    EXCEL_MAX_ROW,
    MAX_ROWS,
    Column,
    SpreadsheetRefused,
    chinese_label,
)
from students.spreadsheet.rows import RowResult, is_formula, map_header, parsed

SHEET_TITLE = "教职工"


class ImportedRole(models.TextChoices):
    """The roles a staff import may grant (never the administrator's)."""

    REGISTRAR = Role.REGISTRAR.value, gettext_lazy("Registrar")
    HEADTEACHER = Role.HEADTEACHER.value, gettext_lazy("Headteacher")
    ARCHIVIST = Role.ARCHIVIST.value, gettext_lazy("Archivist")
    OFFICER = Role.OFFICER.value, gettext_lazy("Town officer")


COLUMNS = [
    Column("full_name", "姓名", True, max_length=50),
    Column("username", "用户名", True, max_length=150),
    Column("phone", "手机号码", False, max_length=20, digits=True),
    Column("email", "电子邮箱", False, max_length=254),
    Column("role", "角色", False, kind="choice", choices=ImportedRole),
    Column("scope_code", "学校标识码或区划代码", False, max_length=12, digits=True),
]
_TEXT_COLUMNS = ("username", "phone", "scope_code")


def build_template() -> bytes:
    """The staff template as .xlsx bytes: the header, text-formatted code columns, a role drop-down."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.template_header)
        cell.font = Font(bold=column.required)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = 24
        if column.key in _TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        if column.kind == "choice":
            options = ",".join(chinese_label(label) for label in ImportedRole.labels)
            validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _read_row(row_number, cells, positions) -> RowResult:
    result = RowResult(row_number=row_number, values=dict.fromkeys(column.key for column in COLUMNS))
    for column in COLUMNS:
        position = positions.get(column.key)
        cell = cells[position] if position is not None and position < len(cells) else None
        if cell is None or is_empty(cell.value):
            if column.required:
                result.errors.append((column.header, _("Required.")))
            continue
        if is_formula(cell) or getattr(cell, "data_type", None) == "e":
            result.errors.append((column.header, _("Formulas are not accepted; enter the value itself.")))
            continue
        try:
            result.values[column.key] = (
                to_choice(cell.value, column) if column.kind == "choice" else to_text(cell.value, column)
            )
        except CellError as error:
            result.errors.append((column.header, str(error)))
    return result


def _check_fields(result: RowResult, seen_usernames: dict) -> None:
    values = result.values
    username = values["username"]
    if username:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            result.errors.append(
                ("用户名", _("Letters, digits and @ . + - _ only, not %(value)s.") % {"value": shown(username)})
            )
        else:
            if username in seen_usernames:
                result.errors.append(
                    ("用户名", _("Also on row %(row)d; each user name once.") % {"row": seen_usernames[username]})
                )
            seen_usernames.setdefault(username, result.row_number)
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            result.errors.append(
                ("电子邮箱", _("Not an e-mail address: %(value)s.") % {"value": shown(values["email"])})
            )
    if values["phone"] and not values["phone"].replace("-", "").isdigit():
        result.errors.append(("手机号码", _("Enter digits only (a hyphen may separate the area code).")))


def _resolve_scope(result: RowResult, schools, authorities):
    """The School or Authority the row's role applies at, within the importer's reach; errors otherwise."""
    role, code = result.values["role"], result.values["scope_code"]
    if not role and not code:
        return None
    if not role:
        result.errors.append(("角色", _("A code is given; also choose the role held there.")))
        return None
    if not code:
        result.errors.append(("学校标识码或区划代码", _("Give the school's code or the town office's division code.")))
        return None
    if role == ImportedRole.OFFICER:
        scope = authorities.filter(code=code).first()
        if scope is None:
            result.errors.append(
                (
                    "学校标识码或区划代码",
                    _("No town office with the division code %(code)s in your reach.") % {"code": code},
                )
            )
        return scope
    scope = schools.filter(code=code).first()
    if scope is None:
        result.errors.append(
            ("学校标识码或区划代码", _("No school with the code %(code)s in your reach.") % {"code": code})
        )
    return scope


def read_staff(fileobj, *, schools, authorities) -> list[RowResult]:
    """Read and check every row of an uploaded staff workbook; `schools` and `authorities` are those where the
    importer may grant roles. Each result's values carry "scope" (School, Authority or None). Raises
    SpreadsheetRefused for a file refused as a whole."""
    workbook = open_workbook(fileobj)
    try:
        sheet = workbook.worksheets[0]
        for candidate in workbook.worksheets:
            if candidate.title == SHEET_TITLE:
                sheet = candidate
        header = next(parsed(sheet.iter_rows(min_row=1, max_row=1, max_col=EXCEL_MAX_COLUMN)), ())
        positions = map_header(header, COLUMNS)
        results = []
        # As the pupil reader: every row is read whatever size the sheet declares, at most MAX_ROWS kept.
        rows = sheet.iter_rows(min_row=2, max_row=EXCEL_MAX_ROW, max_col=max(positions.values()) + 1)
        blank = None  # openpyxl fills a gap in the row numbers by yielding one tuple of empty cells again
        for row_number, cells in enumerate(parsed(rows), start=2):
            if cells is blank:
                continue
            if all(is_empty(getattr(cell, "value", None)) for cell in cells):
                blank = cells
                continue
            if len(results) >= MAX_ROWS:
                raise SpreadsheetRefused(
                    _("The file has more than %(max)d rows; at most %(max)d can be imported at once.")
                    % {"max": MAX_ROWS}
                )
            results.append(_read_row(row_number, cells, positions))
    finally:
        workbook.close()
    seen: dict[str, int] = {}
    for result in results:
        _check_fields(result, seen)
        result.values["scope"] = _resolve_scope(result, schools, authorities)
    taken = set(get_user_model().objects.filter(username__in=list(seen)).values_list("username", flat=True))
    for result in results:
        if result.values["username"] in taken:
            result.errors.append(
                ("用户名", _("The user name %(name)s is already taken.") % {"name": result.values["username"]})
            )
    return results
