"""The school-number format form: it says what is wrong and where, and does not act."""

from django import forms
from django.utils.translation import gettext_lazy as _

from students.school_numbers.services import SchoolNumberRefused, parse_parts


class SchoolNumberFormatForm(forms.Form):
    parts = forms.CharField(
        label=_("Parts of the school number"), max_length=100,
        help_text=_("In order, each with its width: year (entry year), code (the school's internal code), grade, "
                    "class (class number), seat (required). Default: year:4 class:2 seat:2."),
    )  # fmt: skip
    internal_code = forms.CharField(label=_("School's internal code"), max_length=10, required=False)

    def clean_parts(self):
        try:
            parse_parts(self.cleaned_data["parts"])
        except SchoolNumberRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
        return self.cleaned_data["parts"]


class RenumberForm(forms.Form):
    """The class's renumbering: whether every pupil gets a new number, and the preview the registrar saw."""

    everyone = forms.BooleanField(
        label=_("Give every pupil of the class a new number (not only those whose number does not follow the class)"),
        required=False,
    )
    plan = forms.CharField(widget=forms.HiddenInput, required=False)

    def expected(self):
        """[(pupil pk, new number)] of the preview, from "pk:number,pk:number"."""
        pairs = [item.partition(":") for item in self.cleaned_data["plan"].split(",") if item]
        return [(int(pk), number) for pk, _colon, number in pairs if pk.isdigit()]


def plan_field(plan):
    return ",".join(f"{line.spell.student_id}:{line.new}" for line in plan if line.new)
