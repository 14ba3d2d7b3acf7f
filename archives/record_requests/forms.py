"""The form the registrar fills in when someone asks to see a pupil's record (查询申请), and the registry
head's decision on a department's request."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archives.record_requests.models import RecordRequest


class RecordRequestForm(forms.Form):
    requester = forms.ChoiceField(label=_("Who asks"), choices=RecordRequest.Requester.choices)
    requester_name = forms.CharField(label=_("Name of the person asking"), max_length=50)
    department = forms.CharField(
        label=_("Department"), max_length=100, required=False,
        help_text=_("Only for a department's query; it then waits for the registry head's approval."),
    )  # fmt: skip
    proof_type = forms.ChoiceField(label=_("Proof of identity seen"), choices=RecordRequest.Proof.choices)
    proof_digits = forms.RegexField(
        label=_("Last 4 characters of its number"), regex=r"^[0-9A-Za-z]{4}$", max_length=4,
        help_text=_("Only the last 4 characters: the full number is never recorded."),
        error_messages={"invalid": _("Enter exactly the last 4 characters (digits or letters) of the number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 6}),
    )  # fmt: skip
    purpose = forms.CharField(label=_("Purpose"), max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("requester") == RecordRequest.Requester.DEPARTMENT and not (data.get("department") or "").strip():
            self.add_error("department", _("Name the department that asks."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
