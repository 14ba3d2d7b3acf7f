"""Pupils in the national template (students.national.columns) as an .xlsx for upload to the national system:
one sheet, the national headers, one row per pupil, every cell text in the national code values. ID numbers,
national numbers and phones are masked unless the caller passes `full_numbers` (having checked the right to
reveal and logged it); a masked file is for reading, not for upload."""

from io import BytesIO

from django.db.models import Prefetch
from openpyxl import Workbook

from students.models import EnrolmentSpell, Guardian
from students.national.columns import HEADERS, SHEET_TITLE, pupil_cells, pupil_values


def spells_for_export(spells):
    """`spells` (an EnrolmentSpell queryset) with what a row needs, in the national file's order."""
    return (
        spells.select_related("student", "school_class", "school")
        .prefetch_related(Prefetch("student__guardians", queryset=Guardian.objects.order_by("id")))
        .order_by("grade", "school_class__number", "student__name", "student_id")
    )


def national_workbook(spells, *, full_numbers: bool) -> tuple[bytes, int]:
    """The pupils of `spells` (one row per spell; see `spells_for_export`) as .xlsx bytes, and the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(HEADERS)
    rows = 0
    for spell in spells:
        student = spell.student
        sheet.append(pupil_cells(pupil_values(student, spell, student.guardians.all()), full_numbers=full_numbers))
        rows += 1
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows


def latest_spells(students):
    """Each pupil's latest enrolment spell (the open one, else the last closed): the grade and class a pupil
    who has left is exported with."""
    latest = {}
    for spell in EnrolmentSpell.objects.filter(student__in=students).order_by("student_id", "started_on", "pk"):
        latest[spell.student_id] = spell.pk
    return EnrolmentSpell.objects.filter(pk__in=latest.values())
