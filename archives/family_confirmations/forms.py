"""The registrar's record of a family's returned form: confirmed or corrected, the scan, and up to three
corrections (a field of the pupil or of a family member, and the right value as the family wrote it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archives.printing.bundle import HIDDEN_STUDENT_FIELDS
from students.models import Guardian, Student

CORRECTION_ROWS = 3
NOT_CORRECTED_BY_FAMILIES = {"national_number"}  # given by the national system, not by the family
GUARDIAN_FIELDS = ("name", "relation", "id_number", "phone", "employer")


def correctable_fields(guardians):
    """(key, label) of what a family may ask to correct: the pupil's fields, then each family member's."""
    pupil = [
        (field.name, str(field.verbose_name).capitalize())
        for field in Student._meta.concrete_fields
        if field.name not in HIDDEN_STUDENT_FIELDS | NOT_CORRECTED_BY_FAMILIES
    ]
    members = [
        (f"guardian-{guardian.pk}-{name}", f"{guardian.name}: {Guardian._meta.get_field(name).verbose_name}")
        for guardian in guardians
        for name in GUARDIAN_FIELDS
    ]
    return pupil + members


class ReturnForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("The family's answer"),
        choices=[("confirmed", _("Confirmed as is")), ("corrected", _("Corrections asked"))],
    )
    scan = forms.FileField(
        label=_("Scan of the signed form"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB; filed in the pupil's archive."),
    )

    def __init__(self, *args, guardians=(), scan_page=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scan_page is not None:  # the page of the class's scan stands for the upload
            self.fields["scan"].required = False
            self.fields["scan"].help_text = _(
                "Page %(page)s of the class's scan is used; upload a file to use it instead."
            ) % {"page": scan_page}
        choices = [("", "—")] + correctable_fields(guardians)
        for row in range(1, CORRECTION_ROWS + 1):
            self.fields[f"field_{row}"] = forms.ChoiceField(label=_("Field to correct"), choices=choices,
                                                            required=False)  # fmt: skip
            self.fields[f"value_{row}"] = forms.CharField(
                label=_("Right value"), max_length=200, required=False,
                help_text=_("Dates as YYYY-MM-DD; coded fields by their code."),
            )  # fmt: skip

    def correction_rows(self):
        return [(self[f"field_{row}"], self[f"value_{row}"]) for row in range(1, CORRECTION_ROWS + 1)]

    def clean(self):
        data = super().clean()
        changes, guardians = {}, {}
        for row in range(1, CORRECTION_ROWS + 1):
            key, value = data.get(f"field_{row}"), (data.get(f"value_{row}") or "").strip()
            if not key:
                continue
            if not value and not key.startswith("guardian-"):
                self.add_error(f"value_{row}", _("Write the right value the family gave."))
                continue
            if key.startswith("guardian-"):
                _prefix, pk, name = key.split("-", 2)
                guardians.setdefault(int(pk), {})[name] = value
            else:
                changes[key] = value
        corrected = bool(changes or guardians)
        if data.get("outcome") == "corrected" and not corrected and not self.errors:
            self.add_error("field_1", _("Enter at least one correction, or record the form as confirmed."))
        if data.get("outcome") == "confirmed" and corrected:
            self.add_error("outcome", _("The form has corrections: choose “Corrections asked”."))
        data["changes"] = changes
        data["guardians"] = [{"action": "edit", "guardian": pk, "changes": values} for pk, values in guardians.items()]
        return data


class ClassScanForm(forms.Form):
    scan = forms.FileField(
        label=_("The class's signed forms as one PDF"),
        help_text=_("One page per pupil, in the printed order; you check which page goes to which pupil next."),
    )
