"""Leaving the register: withdrawal (退学), death (死亡) and graduation (毕业) — each closes the pupil's
enrolment spell, cancelling (注销) or completing the record (DOMAIN Status changes)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.models import EnrolmentSpell
from transfers.kinds import rules
from transfers.kinds.base import ChangeKind, ChangeRefused, town_office_of
from transfers.models import Evidence

WITHDRAWAL_REASONS = {
    "abroad": gettext_lazy("Going to live abroad"),
    "illness": gettext_lazy("Serious illness, unable to study"),
    "other": gettext_lazy("Other (explain)"),
}


def _close(request, reason, ended_on):
    spell = rules.enrolled_spell(request.student, request.school)
    spell.ended_on = max(ended_on, spell.started_on)
    spell.exit_reason = reason
    spell.save(update_fields=["ended_on", "exit_reason"])


class Withdrawal(ChangeKind):
    """Withdrawal (退学) on the guardian's written application. In compulsory education no pupil may be
    pushed out (责任书 七): the reason is chosen from a fixed list and explained, and the town office checks
    it. Effect: the spell closes (withdrawn) — the record is cancelled."""

    code = "withdrawal"
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.APPLICATION,)

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        rules.enrolled_spell(request.student, request.school)
        if request.payload.get("reason_code") not in WITHDRAWAL_REASONS:
            raise ChangeRefused(_("Choose the reason for the withdrawal."))
        if len(request.payload.get("reason", "").strip()) < 4:
            raise ChangeRefused(
                _("Explain the withdrawal: in compulsory education no pupil may be made to leave school.")
            )

    def apply(self, request, *, actor):
        _close(request, EnrolmentSpell.ExitReason.WITHDRAWN, timezone.localdate())

    def details(self, request):
        return [
            (_("Reason"), str(WITHDRAWAL_REASONS.get(request.payload.get("reason_code"), ""))),
            (_("Explanation"), request.payload.get("reason", "")),
        ]


class Death(ChangeKind):
    """Death (死亡), reported by the school with the certificate within 10 working days of learning of it;
    the town office approves. Effect: the spell closes (deceased) on the date of death."""

    code = "death"
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.DEATH_CERTIFICATE,)

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        spell = rules.enrolled_spell(request.student, request.school)
        died_on = rules.parse_date(request.payload, "died_on")
        if died_on is None or died_on > timezone.localdate():
            raise ChangeRefused(_("Give the date of death (not in the future)."))
        if died_on < spell.started_on:
            raise ChangeRefused(_("The date of death is before the pupil joined this school."))

    def apply(self, request, *, actor):
        # The register closes on the day of the decision; the date of death stays in the request.
        _close(request, EnrolmentSpell.ExitReason.DECEASED, timezone.localdate())

    def details(self, request):
        return [(_("Date of death"), request.payload.get("died_on", ""))]


class Graduation(ChangeKind):
    """Graduation (毕业) of a pupil in the school's last grade, submitted in bulk for the school by the
    registrar (one request per pupil, so each keeps its own history) and approved by the town office —
    by the national deadline of 31 July. Effect: the spell closes (graduated)."""

    code = "graduation"
    deadline_working_days = 10

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        spell = rules.enrolled_spell(request.student, request.school)
        if spell.grade != max(request.school.grades):
            raise ChangeRefused(
                _("%(name)s is in grade %(grade)s, not the last grade of %(school)s.")
                % {"name": request.student.name, "grade": spell.grade, "school": request.school}
            )
        if rules.open_suspension(request.student) is not None:
            raise ChangeRefused(_("%(name)s is suspended and cannot graduate.") % {"name": request.student.name})

    def apply(self, request, *, actor):
        _close(request, EnrolmentSpell.ExitReason.GRADUATED, timezone.localdate())
