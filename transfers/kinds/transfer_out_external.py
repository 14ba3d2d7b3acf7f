"""转出: a transfer to a school outside the system (DOMAIN Status changes; 校制度 第十二条)."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import EXCEPTION_HELP, ChangeForm, evidence_field, reason_field
from transfers.kinds.transfer import close_transferred_spell, transfer_details
from transfers.models import Evidence
from transfers.slip.services import PrintsSlip


@dataclass
class TransferOutPayload(Payload):
    destination_school: str = ""
    destination_authority: str = ""
    reason: str = ""
    exception_reason: str = ""
    from_grade: int | None = None
    from_school_class: int | None = None


class TransferOutExternalForm(ChangeForm):
    """转出 to a school outside the system, with the receiving side's stamped four-copy form."""

    destination_school = forms.CharField(label=gettext_lazy("School transferring to"), max_length=100)
    destination_authority = forms.CharField(label=gettext_lazy("Its education bureau"), max_length=100)
    reason = reason_field()
    exception_reason = forms.CharField(
        label=gettext_lazy("Reason for an exception"), max_length=300, required=False, help_text=EXCEPTION_HELP
    )
    transfer_form_scan = evidence_field(gettext_lazy("Stamped four-copy transfer form (scan)"))
    evidence_fields = {"transfer_form_scan": Evidence.Kind.TRANSFER_FORM_SCAN}

    def payload(self):
        data = self.cleaned_data
        return TransferOutPayload(**{key: data[key] for key in (
            "destination_school", "destination_authority", "reason", "exception_reason")})  # fmt: skip


@register
class TransferOutExternal(PrintsSlip, ChangeKind):
    """A transfer to a school outside the system (another province's registry, abroad): the sending school
    (`request.school`) starts it with the receiving side's stamped four-copy form; its town office approves.
    Effect: the spell closes (transferred out), the destination kept in the request."""

    code = "transfer_out_external"
    change_type_code = "21"
    label = gettext_lazy("Transfer out of the system")
    position = 40
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.TRANSFER_FORM_SCAN,)
    Payload = TransferOutPayload
    starts_from = "pupil"
    form_class = TransferOutExternalForm

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        payload = self.data(request)
        spell = rules.enrolled_spell(request.student, request.school)
        rules.refuse_during_suspension(request.student)
        rules.refuse_graduating_year(spell.grade, _("a transfer"))
        if not payload.destination_school.strip():
            raise ChangeRefused(_("Name the school the pupil transfers to."))
        rules.refuse_outside_window(payload.exception_reason, request.submitted_at)

    def apply(self, request, *, actor):
        close_transferred_spell(rules.enrolled_spell(request.student, request.school), timezone.localdate())

    def details(self, request):
        payload = self.data(request)
        return [
            (_("Destination school"), payload.destination_school),
            (_("Its education bureau"), payload.destination_authority),
            *transfer_details(payload),
        ]

    def start_label(self, *, suspended=False):
        return None if suspended else self.label

    def slip_ends(self, request):
        payload = self.data(request)
        return request.school, payload.destination_school, payload.destination_authority
