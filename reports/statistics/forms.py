"""The statistics pages' one input: the day the figures are counted as of (GET `on`, default today)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatisticsDateForm(forms.Form):
    on = forms.DateField(
        label=_("Figures as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2026-10-15.")},
    )

    def clean_on(self):
        day = self.cleaned_data.get("on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("Choose a day no later than today: figures are counted from what happened."))
        return day

    def day(self):
        """The chosen day when valid, else today (the page says which day it counted)."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        return timezone.localdate()
