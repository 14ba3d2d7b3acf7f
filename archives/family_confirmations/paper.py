"""What one pupil's confirmation form (学籍基础信息确认表) prints, section by section: the fields of the
学生基本信息表 and the family members, each section with its "correct / to correct" box and lines for the
correction, then the guardian's signature and date. Rule: ID numbers, the national number and phones are
masked, keeping the last characters a family recognises (个人信息保护法 第二十八条). Nothing here writes."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives.printing.bundle import HIDDEN_STUDENT_FIELDS, basic_information, guardian_rows
from students.models import Student

SECTIONS = (
    (
        gettext_lazy("Identity"),
        (
            "name",
            "former_name",
            "sex",
            "birth_date",
            "id_type",
            "id_number",
            "ethnicity",
            "nationality",
            "overseas_status",
        ),
    ),  # fmt: skip
    (
        gettext_lazy("Household and contact"),
        ("birthplace", "native_place", "household_place", "household_type", "home_address", "phone"),
    ),  # fmt: skip
)
OTHER_SECTION = gettext_lazy("Schooling and family situation")


def _pairs(rows):
    return [rows[start : start + 2] for start in range(0, len(rows), 2)]


def sections(student):
    """[{title, rows (pairs of (label, value))}] of the pupil's fields, masked; the fields no section names
    (the schooling ones, and any field added later) go in the last."""
    names = [field.name for field in Student._meta.concrete_fields if field.name not in HIDDEN_STUDENT_FIELDS]
    values = dict(zip(names, basic_information(student, revealed=False), strict=True))
    placed, result = set(), []
    for title, fields in SECTIONS:
        result.append({"title": str(title), "rows": _pairs([values[name] for name in fields if name in values])})
        placed.update(fields)
    rest = [values[name] for name in names if name not in placed]
    result.append({"title": str(OTHER_SECTION), "rows": _pairs(rest)})
    return result


def pupil_form(student, *, school_class, semester):
    """The context of one pupil's page (templates/archives/print/confirmation_form.html)."""
    return {
        "student": student,
        "school_class": school_class,
        "semester": semester,
        "sections": sections(student),
        "guardians": guardian_rows(list(student.guardians.all()), revealed=False),
        "family_title": _("Family members and guardians"),
    }
