"""The import template's columns (新生导入模版, 校制度: the 学生基本信息表 and two family members), their
kinds and limits, and the words accepted for yes and no."""

from dataclasses import dataclass

from django.utils import translation

from students import codes

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
    aliases: tuple = ()  # other headers accepted for the column

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
    # the school's own number (学号, seed 004), after the national columns: optional; given, it must be free at
    # the school; left empty, the school's format makes one on approval
    Column("school_number", "学号", False, max_length=30, digits=True, aliases=("班内学号",)),
]

COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}

# Columns whose digits Excel would otherwise turn into numbers (dropping leading zeros, rounding 18 digits).
TEXT_FORMATTED_KEYS = frozenset(
    {
        "id_number",
        "phone",
        "school_number",
        "guardian1_id_number",
        "guardian1_phone",
        "guardian2_id_number",
        "guardian2_phone",
    }
)
GUARDIAN_ID_KEYS = ("guardian1_id_number", "guardian2_id_number")

TRUE_WORDS = frozenset({"是", "Y", "YES", "1", "TRUE", "√", "✓", "✔", "对"})
FALSE_WORDS = frozenset({"否", "N", "NO", "0", "FALSE", "×", "✗", "✘", "X", "不是"})


def chinese_label(label) -> str:
    """A code's official Chinese name, whatever the request's language."""
    with translation.override("zh-hans"):
        return str(label)
