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
