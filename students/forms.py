from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from students.identity import normalise_id_number


class PupilFilterForm(forms.Form):
    """The pupil list's search and filters; `filter_qs` narrows a queryset of open enrolment spells."""

    q = forms.CharField(
        label=_("Name, pinyin or initials, national number, or last digits of the ID number"),
        required=False,
        max_length=50,
    )
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All grades"))] + [(g, g) for g in range(1, 10)],
    )

    def filter_qs(self, spells):
        if not self.is_valid():
            return spells
        query = self.cleaned_data["q"].strip()
        if query:
            number = normalise_id_number(query)
            condition = Q(student__name__contains=query) | Q(student__national_number=number.upper())
            if number.isdigit() or number.endswith("X"):
                condition |= Q(student__id_number__endswith=number)
            if query.isascii() and query.isalpha():
                key = "|" + query.lower()
                condition |= Q(student__name_pinyin__contains=key) | Q(student__name_initials__contains=key)
            spells = spells.filter(condition)
        if self.cleaned_data["grade"]:
            spells = spells.filter(grade=self.cleaned_data["grade"])
        return spells


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for showing the full ID numbers"),
        max_length=200,
        error_messages={"required": _("Say why you need the full ID numbers; the reason is logged.")},
    )
