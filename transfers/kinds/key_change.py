"""关键信息变更: a change of a pupil's name, sex, birth date, ID number or ethnicity (DOMAIN Status changes)."""

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.codes import Ethnicity, IdType, Sex
from students.identity import mask_id_number, normalise_id_number, parse_id_number
from students.models import Student
from students.services import refresh_search_keys
from transfers.forms import DATE_INPUT
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import ChangeForm, evidence_field, reason_field
from transfers.models import Evidence

KEY_FIELDS = ("name", "sex", "birth_date", "id_number", "ethnicity")


def _value(name, raw):
    return date.fromisoformat(raw) if name == "birth_date" else raw


@dataclass
class KeyChangePayload(Payload):
    changes: dict = field(default_factory=dict)  # {key field: new value as text}
    previous: dict = field(default_factory=dict)  # {key field: old value as text}
    reason: str = ""


class KeyChangeForm(ChangeForm):
    """关键信息变更: the five key fields, pre-filled with today's values; only what differs is requested."""

    name = forms.CharField(label=gettext_lazy("full name"), max_length=50)
    sex = forms.ChoiceField(label=gettext_lazy("sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=gettext_lazy("birth date"), widget=DATE_INPUT)
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=25, required=False)
    ethnicity = forms.ChoiceField(label=gettext_lazy("ethnicity"), choices=Ethnicity.choices)
    reason = reason_field()
    identity_proof = evidence_field(gettext_lazy("Household register page or other proof of the new details"))
    evidence_fields = {"identity_proof": Evidence.Kind.IDENTITY_PROOF}

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.student = student
        for name in ("name", "sex", "birth_date", "ethnicity"):
            self.fields[name].initial = getattr(student, name)
        self.fields["id_number"].help_text = gettext_lazy(
            "Leave empty to keep the ID number; enter the new one to change it."
        )

    def clean_id_number(self):
        number = normalise_id_number(self.cleaned_data["id_number"])
        if number:
            parse_id_number(number)
        return number

    def changes(self):
        data, student = self.cleaned_data, self.student
        new = {
            "name": data["name"].strip(),
            "sex": data["sex"],
            "birth_date": data["birth_date"].isoformat(),
            "ethnicity": data["ethnicity"],
        }
        if data["id_number"]:
            new["id_number"] = data["id_number"]
        return {name: value for name, value in new.items() if str(getattr(student, name)) != value}

    def payload(self):
        changes = self.changes()
        return KeyChangePayload(
            changes=changes, previous={name: str(getattr(self.student, name)) for name in changes},
            reason=self.cleaned_data["reason"],
        )  # fmt: skip


@register
class KeyChange(ChangeKind):
    """The guardian applies with a copy of the household register (or other proof); the school starts the
    request; the town office approves. Rules: at least one field differs; a new ID number is valid (GB 11643),
    held by no other pupil, and agrees with the birth date and sex. Effect: the fields change (history keeps
    the old values; a changed name becomes the former name) and a new ID number re-derives the national
    number (G + ID number; a J number becomes G once the pupil has a resident ID card)."""

    code = "key_change"
    label = gettext_lazy("Key-information change")
    position = 100
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.IDENTITY_PROOF,)
    Payload = KeyChangePayload
    starts_from = "pupil"
    form_class = KeyChangeForm

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        student = request.student
        rules.enrolled_spell(student, request.school)
        changes = {f: v for f, v in self.data(request).changes.items() if f in KEY_FIELDS}
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
        changes = {f: _value(f, v) for f, v in self.data(request).changes.items() if f in KEY_FIELDS}
        if "name" in changes and changes["name"] != student.name:
            student.former_name = student.name
        for name, value in changes.items():
            setattr(student, name, value)
        if "id_number" in changes and changes["id_number"]:
            student.id_type = IdType.RESIDENT
            if student.national_number and student.national_number[0] in "GJ":
                student.national_number = f"G{student.id_number}"
        refresh_search_keys(student)
        student.save()

    def details(self, request):
        labels = {name: Student._meta.get_field(name).verbose_name for name in KEY_FIELDS}
        payload = self.data(request)
        rows = []
        for name, value in payload.changes.items():
            old = payload.previous.get(name, "")
            if name == "id_number":
                old, value = mask_id_number(old), mask_id_number(value)
            rows.append((str(labels[name]), f"{old} → {value}"))
        rows.append((_("Reason"), payload.reason))
        return rows

    def form_kwargs(self, *, student=None, spell=None, school=None, **context):
        return {"student": student}

    def amend_initial(self, request):
        """The new values asked for (the ID number is never sent back: the form keeps it empty)."""
        payload = self.data(request)
        return {**{k: v for k, v in payload.changes.items() if k != "id_number"}, "reason": payload.reason}
