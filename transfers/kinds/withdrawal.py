"""退学: withdrawal on the guardian's written application (DOMAIN Status changes; 责任书 七)."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.models import EnrolmentSpell
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import ChangeForm, evidence_field, reason_field
from transfers.kinds.leaving import close_spell
from transfers.models import Evidence

WITHDRAWAL_REASONS = {
    "abroad": gettext_lazy("Going to live abroad"),
    "illness": gettext_lazy("Serious illness, unable to study"),
    "other": gettext_lazy("Other (explain)"),
}


@dataclass
class WithdrawalPayload(Payload):
    reason_code: str = ""
    reason: str = ""


class WithdrawalForm(ChangeForm):
    """退学: the reason from the fixed list, the explanation, the guardian's written application."""

    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=[("", "---------"), *WITHDRAWAL_REASONS.items()]
    )
    reason = reason_field(gettext_lazy("Explanation"))
    application = evidence_field(gettext_lazy("Guardian's written application"))
    evidence_fields = {"application": Evidence.Kind.APPLICATION}

    def payload(self):
        return WithdrawalPayload(reason_code=self.cleaned_data["reason_code"], reason=self.cleaned_data["reason"])


@register
class Withdrawal(ChangeKind):
    """Withdrawal (退学) on the guardian's written application. In compulsory education no pupil may be
    pushed out (责任书 七): the reason is chosen from a fixed list and explained, and the town office checks
    it. Effect: the spell closes (withdrawn) — the record is cancelled."""

    code = "withdrawal"
    change_type_code = "31"
    label = gettext_lazy("Withdrawal")
    position = 70
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.APPLICATION,)
    Payload = WithdrawalPayload
    starts_from = "pupil"
    form_class = WithdrawalForm
    menu_style = "danger"

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        payload = self.data(request)
        rules.enrolled_spell(request.student, request.school)
        if payload.reason_code not in WITHDRAWAL_REASONS:
            raise ChangeRefused(_("Choose the reason for the withdrawal."))
        if len(payload.reason.strip()) < 4:
            raise ChangeRefused(
                _("Explain the withdrawal: in compulsory education no pupil may be made to leave school.")
            )

    def apply(self, request, *, actor):
        close_spell(request, EnrolmentSpell.ExitReason.WITHDRAWN, timezone.localdate())

    def details(self, request):
        payload = self.data(request)
        return [
            (_("Reason"), str(WITHDRAWAL_REASONS.get(payload.reason_code, ""))),
            (_("Explanation"), payload.reason),
        ]
