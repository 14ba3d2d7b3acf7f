"""The export page's form: which pupils (or the change list), the period, and whether with full numbers."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import Semester
from transfers.forms import DATE_INPUT
from transfers.national.selectors import CHANGED, CLASS, REGISTERED, SCHOOL

CHANGE_LIST = "change_list"
NEEDS_PERIOD = (REGISTERED, CHANGED, CHANGE_LIST)


class NationalExportForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What to export"),
        choices=[
            (SCHOOL, _("Every pupil on the school's register")),
            (CLASS, _("The pupils of one class")),
            (REGISTERED, _("New registrations approved in the period")),
            (CHANGED, _("Pupils with a status change approved in the period")),
            (CHANGE_LIST, _("The change list (学籍异动) of the period")),
        ],
        widget=forms.RadioSelect,
        initial=SCHOOL,
    )
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None, required=False)
    semester = forms.ModelChoiceField(
        label=_("Semester"), queryset=Semester.objects.order_by("-starts_on"), required=False,
        help_text=_("Or give the first and last day below."),
    )  # fmt: skip
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    full_numbers = forms.BooleanField(
        label=_("Full ID numbers, national numbers and phones (for upload to the national system)"), required=False,
        help_text=_("Without it the numbers are masked and the file is for reading only, not for upload."),
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason for the full numbers"), max_length=200, required=False)

    def __init__(self, *args, school, may_reveal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = school.classes.all()
        self.may_reveal = may_reveal
        if not may_reveal:
            del self.fields["full_numbers"], self.fields["reason"]

    def clean(self):
        data = super().clean()
        what = data.get("what")
        if what == CLASS and not data.get("school_class"):
            self.add_error("school_class", gettext("Choose the class."))
        if what in NEEDS_PERIOD:
            semester = data.get("semester")
            if semester is not None:
                data["start"], data["end"] = semester.starts_on, semester.ends_on
            elif not data.get("start") or not data.get("end"):
                self.add_error("start", gettext("Choose a semester, or give the first and last day."))
            elif data["start"] > data["end"]:
                self.add_error("end", gettext("The last day is before the first."))
        if data.get("full_numbers") and not (data.get("reason") or "").strip():
            self.add_error("reason", gettext("Say why the full numbers are needed; the export is logged with it."))
        if not self.may_reveal:
            data["full_numbers"], data["reason"] = False, ""
        return data
