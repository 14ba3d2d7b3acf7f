"""The national template (全国中小学生学籍信息管理系统, the 2013 first-collection template; DOMAIN.md "Code
tables"): its field order and its code values, both ways — a pupil into the row of cells the national
system takes (`pupil_cells`), and a row read from its file into checked values (`convert_cell`). The
onboarding import (students.national.onboarding) and every export in the national template
(students.national.export) use this one list, so what is exported can be onboarded again unchanged.

Order: DOMAIN.md's, with the national student number (学籍号, G/L/J) put before 学籍辅号 (the 2013
template was for collecting pupils who had none yet; every file onboarded or uploaded now carries it).
Grade (年级) and class (班级) are numbers (1–9, the class number). Every exported cell is text: codes keep
their leading zeros, dates are written 2015-03-02 and the entry month 201909.

Fields Xueji does not keep (政治面貌, 照片, 姓名拼音, 身份证件有效期, 特长, 学籍辅号, 班内学号, 学生来源, 邮政编码,
烈士或优抚子女, 残疾人类型, 是否需要乘坐校车) are read and ignored on import and exported empty; 现住址 and 通信地址
are exported as the pupil's home address (家庭地址, the one Xueji keeps). A disability is kept as yes/no
only: a 残疾人类型 other than 0 onboards the pupil as disabled, and the export leaves the type to be chosen.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils.translation import gettext as _

from students import codes
from students.identity import mask_id_number, mask_national_number, mask_phone
from students.national.numbers import national_number_from_cell
from students.spreadsheet.cells import CellError, convert, shown
from students.spreadsheet.columns import Column

SHEET_TITLE = "学生基本信息"

# Kinds beyond the pupil-import template's (students.spreadsheet.columns.KINDS):
#   flag         — 0/1 (是/否 accepted), written 1 or 0
#   year_month   — 入学年月, written 201909, kept as the first day of that month
#   national     — a national student number, G/L/J (students.national.numbers checks its form)
#   unused       — a field Xueji does not keep: read and ignored, exported empty (or as `copy_of`)
_OWN_KINDS = frozenset({"flag", "year_month", "national", "unused"})


@dataclass(frozen=True)
class NationalColumn:
    """One field of the national template: its header, the key of the value it carries (a Student field,
    "grade"/"class_number", or "guardian<N>_<field>"), whether the onboarding needs it, its kind and, for a
    code column, its code table (students.codes)."""

    header: str
    key: str | None
    required: bool = False
    kind: str = "text"
    choices: type | None = None
    max_length: int | None = None
    digits: bool = False
    copy_of: str | None = None  # an unused column exported with another column's value

    @cached_property
    def reader(self) -> Column | None:
        """The pupil-import template's column that converts this one's cells (None for the own kinds)."""
        if self.kind in _OWN_KINDS:
            return None
        bounds = {"grade": (1, 9), "class_number": (1, 99)}.get(self.key, (None, None))
        return Column(
            self.key, self.header, self.required, self.kind, self.choices,
            min_value=bounds[0], max_value=bounds[1], max_length=self.max_length, digits=self.digits,
        )  # fmt: skip


def _member(number: int) -> list[NationalColumn]:
    prefix, key = f"成员{number}", f"guardian{number}"
    return [
        NationalColumn(f"{prefix}姓名", f"{key}_name", True, max_length=50),
        NationalColumn(f"{prefix}关系", f"{key}_relation", True, "choice", codes.GuardianRelation),
        NationalColumn(f"{prefix}身份证件号", f"{key}_id_number", False, "id_number"),
        NationalColumn(f"{prefix}联系电话", f"{key}_phone", True, max_length=20, digits=True),
        NationalColumn(f"{prefix}工作单位", f"{key}_employer", False, max_length=100),
    ]


def _unused(header, copy_of=None):
    return NationalColumn(header, None, kind="unused", copy_of=copy_of)


COLUMNS: list[NationalColumn] = [
    NationalColumn("姓名", "name", True, max_length=50),
    NationalColumn("性别", "sex", True, "choice", codes.Sex),
    NationalColumn("出生日期", "birth_date", True, "date"),
    NationalColumn("出生地", "birthplace", True, max_length=100, digits=True),
    NationalColumn("籍贯", "native_place", True, max_length=100, digits=True),
    NationalColumn("民族", "ethnicity", True, "choice", codes.Ethnicity),
    NationalColumn("国籍", "nationality", True, max_length=3),
    NationalColumn("身份证件类型", "id_type", True, "choice", codes.IdType),
    NationalColumn("身份证件号", "id_number", False, "id_number"),
    NationalColumn("港澳台侨外", "overseas_status", True, "choice", codes.OverseasStatus),
    _unused("政治面貌"),
    NationalColumn("健康状况", "health", True, "choice", codes.Health),
    _unused("照片"),
    _unused("姓名拼音"),
    NationalColumn("曾用名", "former_name", False, max_length=50),
    _unused("身份证件有效期"),
    NationalColumn("户口所在地", "household_place", True, max_length=200, digits=True),
    NationalColumn("户口性质", "household_type", True, "choice", codes.HouseholdType),
    _unused("特长"),
    NationalColumn("学籍号", "national_number", True, "national"),
    _unused("学籍辅号"),
    _unused("班内学号"),
    NationalColumn("年级", "grade", True, "int"),
    NationalColumn("班级", "class_number", True, "int"),
    NationalColumn("入学年月", "entry_date", True, "year_month"),
    NationalColumn("入学方式", "entry_method", True, "choice", codes.EntryMethod),
    NationalColumn("就读方式", "boarding", True, "choice", codes.Boarding),
    _unused("学生来源"),
    _unused("现住址", copy_of="home_address"),
    _unused("通信地址", copy_of="home_address"),
    NationalColumn("家庭地址", "home_address", True, max_length=200),
    NationalColumn("联系电话", "phone", True, max_length=20, digits=True),
    _unused("邮政编码"),
    NationalColumn("是否独生子女", "only_child", True, "flag"),
    NationalColumn("是否受过学前教育", "preschool", True, "flag"),
    NationalColumn("留守儿童", "left_behind", False, "choice", codes.LeftBehind),
    NationalColumn("随迁子女", "migrant_worker_child", False, "flag"),
    NationalColumn("孤儿", "orphan", False, "flag"),
    _unused("烈士或优抚子女"),
    NationalColumn("随班就读", "inclusive_education", False, "flag"),
    NationalColumn("残疾人类型", "disabled", False, "flag"),
    _unused("是否需要乘坐校车"),
    *_member(1),
    *_member(2),
]

HEADERS = [column.header for column in COLUMNS]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS if column.key}
STUDENT_KEYS = [
    column.key for column in COLUMNS
    if column.key and not column.key.startswith("guardian") and column.key not in ("grade", "class_number")
]  # fmt: skip
GUARDIAN_FIELDS = ("name", "relation", "id_number", "phone", "employer")
# The keys holding personal numbers: masked in an export unless its maker may reveal them.
PERSONAL_NUMBER_KEYS = frozenset(
    key for key in COLUMNS_BY_KEY if key.endswith(("id_number", "national_number", "phone"))
)


# --- a pupil into cells (the export direction) ----------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _masked(key: str, value: str) -> str:
    if key.endswith("national_number"):
        return mask_national_number(value)
    if key.endswith("id_number"):
        return mask_id_number(value)
    return mask_phone(value)


def pupil_values(student, spell, guardians) -> dict:
    """The template's values of one pupil: the Student's fields, the spell's grade and class number, the
    first two family members (a pupil with one gets an empty second)."""
    values = {key: getattr(student, key) for key in STUDENT_KEYS}
    values["grade"] = spell.grade if spell else None
    values["class_number"] = spell.school_class.number if spell and spell.school_class_id else None
    for number, guardian in enumerate(list(guardians)[:2], start=1):
        for field in GUARDIAN_FIELDS:
            values[f"guardian{number}_{field}"] = getattr(guardian, field)
    return values


def pupil_cells(values: dict, *, full_numbers: bool) -> list[str]:
    """One row of the national template, every cell text in the national code values. ID numbers, national
    numbers and phones are masked unless `full_numbers` (the caller has checked the right to reveal)."""
    row = []
    for column in COLUMNS:
        key = column.key or column.copy_of
        value = values.get(key) if key else None
        if column.kind == "year_month":
            text = f"{value:%Y%m}" if value else ""
        elif column.key == "disabled":
            text = ""  # the type is not kept (module docstring): never a made-up code
        else:
            text = _text(value)
        if text and not full_numbers and key in PERSONAL_NUMBER_KEYS:
            text = _masked(key, text)
        row.append(text)
    return row


# --- cells into values (the import direction) -----------------------------------------------------------------


def _year_month(value) -> date:
    if isinstance(value, date):
        return value.replace(day=1)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).split()).replace("-", "").replace("/", "").replace(".", "").replace("年", "")
    text = text.removesuffix("月")
    if len(text) == 5 and text.isdigit():  # 2019年9月 → 20199
        text = text[:4] + "0" + text[4]
    if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12 and int(text[:4]) >= 1900:
        return date(int(text[:4]), int(text[4:]), 1)
    raise CellError(_("Not a year and month: %(value)s; write it as 201909.") % {"value": shown(value)})


def _flag(value) -> bool:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).split())
    if text in {"0", "否", "非"}:
        return False
    if text in {"1", "是"}:
        return True
    raise CellError(_("Write 1 (yes) or 0 (no), not %(value)s.") % {"value": shown(value)})


def _disability(value) -> bool:
    """残疾人类型: empty or 0 is no disability; any type code (1–7, …) onboards the pupil as disabled."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(str(value).split())
    if text.isdigit() and len(text) <= 2:
        return int(text) != 0
    raise CellError(_("Not a disability type code: %(value)s.") % {"value": shown(value)})


def convert_cell(value, column: NationalColumn, *, resident_id: bool = True):
    """A non-empty cell of `column` as its checked value; raises CellError with the reason."""
    if column.key == "disabled":
        return _disability(value)
    if column.kind == "flag":
        return _flag(value)
    if column.kind == "year_month":
        return _year_month(value)
    if column.kind == "national":
        return national_number_from_cell(value)
    if column.kind == "int" and isinstance(value, str):
        value = value.strip().removesuffix("班").removesuffix("年级").strip("()（）") or value
    return convert(value, column.reader, resident_id=resident_id)
