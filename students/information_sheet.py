"""The 学生基本信息表 as printed, for reading on a page (the officer's review, issue 17): every column of the
national template (students.spreadsheet.columns.COLUMNS), in its order, with the pupil's value as people read
it — codes by their names, yes/no, dates — and the personal numbers masked (ID numbers, phones) unless
revealed. Driven by the template's own list, so a column added there appears here too (or fails loudly)."""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from students import nationality
from students.identity import mask_id_number, mask_phone
from students.models import Guardian, SchoolNumber, Student
from students.spreadsheet.columns import COLUMNS

GUARDIAN_PREFIX = "guardian1_"  # every family member has the same columns; the first one's name them
MASKED = {"id_number": mask_id_number, "phone": mask_phone}


@dataclass(frozen=True)
class Entry:
    key: str  # the template column's key (for a guardian: the part after "guardianN_")
    label: str
    value: str
    personal: bool = False  # a personal number (shown in a fixed-width font)


def _shown(instance, key, kind, revealed):
    value = getattr(instance, key)
    if key in MASKED:
        return value if revealed else MASKED[key](value or "")
    if key == "nationality":
        return nationality.label(value)
    if kind == "choice":
        return getattr(instance, f"get_{key}_display")()
    if kind == "bool":
        return _("Yes") if value else _("No")
    if kind == "date":
        return value.isoformat() if value else ""
    return value or ""


def pupil_entries(student: Student, *, school_class=None, revealed=False) -> list[Entry]:
    """The pupil's part of the form: every column but the family members'; grade and class from
    `school_class` (the class entered, or the class the pupil is in)."""
    entries = []
    for column in COLUMNS:
        if column.key.startswith("guardian"):
            continue
        if column.key == "grade":
            entries.append(Entry(column.key, _("Grade"), str(school_class.grade) if school_class else ""))
        elif column.key == "class_number":
            entries.append(Entry(column.key, _("Class"), str(school_class) if school_class else ""))
        elif column.key == "school_number":
            entries.append(Entry(column.key, _("School number"), _number_held(student, school_class)))
        else:
            label = capfirst(Student._meta.get_field(column.key).verbose_name)
            value = _shown(student, column.key, column.kind, revealed)
            entries.append(Entry(column.key, label, value, personal=column.key in MASKED))
    return entries


def _number_held(student, school_class):
    """The pupil's current 学号 at the class's school ("" before one is given: on approval)."""
    if school_class is None or student.pk is None:
        return ""
    held = SchoolNumber.objects.filter(student=student, school=school_class.school_id, retired_on__isnull=True)
    return held.values_list("number", flat=True).first() or ""


def guardian_columns() -> list[tuple[str, str, str]]:
    """(key, label, kind) of a family member's columns, in the template's order."""
    return [
        (key, capfirst(Guardian._meta.get_field(key).verbose_name), column.kind)
        for column in COLUMNS
        if column.key.startswith(GUARDIAN_PREFIX)
        for key in [column.key.removeprefix(GUARDIAN_PREFIX)]
    ]


def guardian_entries(guardian: Guardian, *, revealed=False) -> list[Entry]:
    return [
        Entry(key, label, _shown(guardian, key, kind, revealed), personal=key in MASKED)
        for key, label, kind in guardian_columns()
    ]
