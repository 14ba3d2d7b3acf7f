"""转学: a transfer between two schools of the system (DOMAIN Status changes; 校制度 第十条–第十二条)."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.models import EnrolmentSpell
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Party, Payload
from transfers.kinds.forms import (
    EXCEPTION_HELP,
    ChangeForm,
    ClassChoice,
    classes_of_grade,
    evidence_field,
    reason_field,
)
from transfers.models import Evidence
from transfers.slip.services import PrintsSlip


@dataclass
class TransferPayload(Payload):
    school_class: int | None = None  # id of the receiving class, looked up again on approval
    grade: int | None = None
    reason: str = ""
    exception_reason: str = ""
    from_grade: int | None = None  # as printed on the four-copy form, when recorded
    from_school_class: int | None = None


class TransferInForm(ChangeForm):
    """转入: the receiving class (same grade as now), the reason, and the exception reason outside windows."""

    school_class = ClassChoice(label=gettext_lazy("Receiving class"), queryset=None)
    reason = reason_field()
    exception_reason = forms.CharField(
        label=gettext_lazy("Reason for an exception"), max_length=300, required=False, help_text=EXCEPTION_HELP
    )
    proof = evidence_field(
        gettext_lazy("Proof of the reason: household register, property certificate or job proof"), False
    )
    evidence_fields = {"proof": Evidence.Kind.HOUSEHOLD_PROOF}

    def __init__(self, *args, school, grade, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes_of_grade(school, grade)
        self.outside_window = not rules.in_transfer_window(timezone.localdate())

    def payload(self):
        data = self.cleaned_data
        return TransferPayload(school_class=data["school_class"].pk, grade=data["school_class"].grade,
                               reason=data["reason"], exception_reason=data["exception_reason"])  # fmt: skip


def transfer_details(payload):
    rows = [(_("Reason"), payload.reason)]
    if payload.exception_reason:
        rows.append((_("Exception requested (outside the transfer window)"), payload.exception_reason))
    return rows


def close_transferred_spell(spell, today):
    spell.ended_on = today
    spell.exit_reason = EnrolmentSpell.ExitReason.TRANSFERRED_OUT
    spell.save(update_fields=["ended_on", "exit_reason"])


@register
class Transfer(PrintsSlip, ChangeKind):
    """A transfer between two schools of the system, started by the receiving school (`request.school`);
    `counterpart_school` is the sending school. Chain: sending school → sending town office → receiving town
    office (one town step when both schools share a town). Rules: the pupil is on the sending school's
    register, not suspended, not in a graduating year; the grade stays the same; the receiving class is
    under its cap; inside a transfer window or with an exception reason. Effect, in one transaction: the old
    spell closes (transferred out) and a new one opens in the receiving class; the national number stays;
    the archive moves to the receiving school."""

    code = "transfer"
    label = gettext_lazy("Transfer")
    position = 20
    deadline_working_days = 10
    Payload = TransferPayload
    starts_from = "incoming"
    form_class = TransferInForm
    hands_over_archive = True

    def chain(self, request):
        sending = request.counterpart_school
        parties = [Party(school=sending), Party(authority=sending.authority)]
        if request.school.authority_id != sending.authority_id:
            parties.append(Party(authority=request.school.authority))
        return parties

    def validate(self, request, *, attached=frozenset()):
        sending, payload = request.counterpart_school, self.data(request)
        if sending is None or sending.pk == request.school_id:
            raise ChangeRefused(_("A transfer moves a pupil from another school to yours."))
        spell = rules.enrolled_spell(request.student, sending)
        rules.refuse_during_suspension(request.student)
        rules.refuse_graduating_year(spell.grade, _("a transfer"))
        school_class = rules.school_class(payload.school_class, request.school)
        rules.refuse_grade_change(spell, school_class)
        rules.refuse_full_class(school_class)
        rules.refuse_outside_window(payload.exception_reason, request.submitted_at)

    def apply(self, request, *, actor):
        today = timezone.localdate()
        close_transferred_spell(rules.enrolled_spell(request.student, request.counterpart_school), today)
        school_class = rules.school_class(self.data(request).school_class, request.school)
        EnrolmentSpell.objects.create(
            student=request.student, school=request.school, school_class=school_class, grade=school_class.grade,
            started_on=today, entry_reason=EnrolmentSpell.EntryReason.TRANSFER_IN,
        )  # fmt: skip

    def approval_effect(self, request):
        return _(
            "%(name)s leaves %(sending)s and is enrolled at %(receiving)s with the same national number; the "
            "archive moves to %(receiving)s."
        ) % {"name": request.student.name, "sending": request.counterpart_school, "receiving": request.school}

    def details(self, request):
        return [
            (_("Sending school"), str(request.counterpart_school)),
            (_("Receiving school"), str(request.school)),
            *transfer_details(self.data(request)),
        ]

    def form_kwargs(self, *, student=None, spell=None, school=None, **context):
        return {"school": school, "grade": spell.grade}

    def start_label(self, *, suspended=False):
        return _("Transfer in")

    def slip_ends(self, request):
        receiving = request.school
        return request.counterpart_school, receiving.name, receiving.authority.name
