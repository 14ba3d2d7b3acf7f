"""The pupil list as an Excel workbook: a header that says whose list it is, when and who exported it,
and ID numbers masked (个人信息保护法 第二十八条: masked on paper too)."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from students.identity import mask_id_number, mask_national_number


def pupil_list_workbook(spells, *, scope, exported_by) -> tuple[bytes, int]:
    """The open spells `spells` (with student, school and class selected) as .xlsx bytes, and the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Pupils"))
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.append([_("Pupils on the register"), scope])
    sheet.append([_("Exported by"), str(exported_by), _("Exported at"), now])
    sheet.append([])
    sheet.append(
        [_("full name"), _("sex"), _("birth date"), _("ID number"), _("national student number"),
         _("school"), _("grade"), _("class"), _("school number")]
    )  # fmt: skip
    rows = 0
    for spell in spells.iterator(chunk_size=2000):
        student = spell.student
        sheet.append(
            [
                student.name,
                student.get_sex_display(),
                student.birth_date,
                mask_id_number(student.id_number),
                mask_national_number(student.national_number or ""),
                spell.school.name,
                spell.grade,
                str(spell.school_class) if spell.school_class else "",
                getattr(spell, "school_number", None) or "",  # annotated by with_school_numbers
            ]
        )
        rows += 1
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows
