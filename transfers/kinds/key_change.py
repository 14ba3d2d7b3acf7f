"""关键信息变更: a change of a pupil's name, sex, birth date, ID number or ethnicity (DOMAIN Status changes)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from students.codes import Ethnicity, IdType, Sex
from students.identity import mask_id_number, parse_id_number
from students.models import Student
from students.services import refresh_search_keys
from transfers.kinds import rules
from transfers.kinds.base import ChangeKind, ChangeRefused, town_office_of
from transfers.models import Evidence

KEY_FIELDS = ("name", "sex", "birth_date", "id_number", "ethnicity")


def _value(field, raw):
    return date.fromisoformat(raw) if field == "birth_date" else raw


class KeyChange(ChangeKind):
    """The guardian applies with a copy of the household register (or other proof); the school starts the
    request; the town office approves. Rules: at least one field differs; a new ID number is valid (GB 11643),
    held by no other pupil, and agrees with the birth date and sex. Effect: the fields change (history keeps
    the old values; a changed name becomes the former name) and a new ID number re-derives the national
    number (G + ID number; a J number becomes G once the pupil has a resident ID card)."""

    code = "key_change"
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.IDENTITY_PROOF,)

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        student = request.student
        rules.enrolled_spell(student, request.school)
        changes = {f: v for f, v in request.payload.get("changes", {}).items() if f in KEY_FIELDS}
        if not changes or all(str(getattr(student, f)) == v for f, v in changes.items()):
            raise ChangeRefused(_("Change at least one of name, sex, birth date, ID number or ethnicity."))
        if "sex" in changes and changes["sex"] not in Sex.values:
            raise ChangeRefused(_("Choose the sex."))
        if "ethnicity" in changes and changes["ethnicity"] not in Ethnicity.values:
            raise ChangeRefused(_("Choose the ethnicity."))
        if "name" in changes and not changes["name"].strip():
            raise ChangeRefused(_("Enter the new name."))
        id_number = changes.get("id_number", student.id_number)
        if not id_number:
            return
        try:
            info = parse_id_number(id_number)
        except ValidationError as error:
            raise ChangeRefused(_("New ID number: %(error)s") % {"error": " ".join(error.messages)}) from error
        if Student.objects.filter(id_number=id_number).exclude(pk=student.pk).exists():
            raise ChangeRefused(_("The new ID number already belongs to another pupil's record (一人一籍)."))
        birth_date = _value("birth_date", changes["birth_date"]) if "birth_date" in changes else student.birth_date
        if birth_date != info.birth_date:
            raise ChangeRefused(
                _("The birth date does not match the ID number, which gives %(date)s.")
                % {"date": info.birth_date.isoformat()}
            )
        if changes.get("sex", student.sex) != info.sex:
            raise ChangeRefused(_("The sex does not match the ID number (its 17th digit)."))

    def apply(self, request, *, actor):
        student = request.student
        changes = {f: _value(f, v) for f, v in request.payload["changes"].items() if f in KEY_FIELDS}
        if "name" in changes and changes["name"] != student.name:
            student.former_name = student.name
        for field, value in changes.items():
            setattr(student, field, value)
        if "id_number" in changes and changes["id_number"]:
            student.id_type = IdType.RESIDENT
            if student.national_number and student.national_number[0] in "GJ":
                student.national_number = f"G{student.id_number}"
        refresh_search_keys(student)
        student.save()

    def details(self, request):
        labels = {field: Student._meta.get_field(field).verbose_name for field in KEY_FIELDS}
        previous = request.payload.get("previous", {})
        rows = []
        for field, value in request.payload.get("changes", {}).items():
            old = previous.get(field, "")
            if field == "id_number":
                old, value = mask_id_number(old), mask_id_number(value)
            rows.append((str(labels[field]), f"{old} → {value}"))
        rows.append((_("Reason"), request.payload.get("reason", "")))
        return rows
