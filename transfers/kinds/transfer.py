"""转学: transfers within the system, and into or out of it (DOMAIN Status changes; 校制度 第十条–第十二条)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from students.models import EnrolmentSpell, Student
from transfers.kinds import rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Party, town_office_of
from transfers.models import Evidence


def _close_spell(spell, today):
    spell.ended_on = today
    spell.exit_reason = EnrolmentSpell.ExitReason.TRANSFERRED_OUT
    spell.save(update_fields=["ended_on", "exit_reason"])


def _common_details(request):
    rows = [(_("Reason"), request.payload.get("reason", ""))]
    if request.payload.get("exception_reason"):
        rows.append((_("Exception requested (outside the transfer window)"), request.payload["exception_reason"]))
    return rows


class Transfer(ChangeKind):
    """A transfer between two schools of the system, started by the receiving school (`request.school`);
    `counterpart_school` is the sending school. Chain: sending school → sending town office → receiving town
    office (one town step when both schools share a town). Rules: the pupil is on the sending school's
    register, not suspended, not in a graduating year; the grade stays the same; the receiving class is
    under its cap; inside a transfer window or with an exception reason. Effect, in one transaction: the old
    spell closes (transferred out) and a new one opens in the receiving class; the national number stays."""

    code = "transfer"
    deadline_working_days = 10
    four_copy_form = True

    def chain(self, request):
        sending = request.counterpart_school
        parties = [Party(school=sending), Party(authority=sending.authority)]
        if request.school.authority_id != sending.authority_id:
            parties.append(Party(authority=request.school.authority))
        return parties

    def validate(self, request):
        sending = request.counterpart_school
        if sending is None or sending.pk == request.school_id:
            raise ChangeRefused(_("A transfer moves a pupil from another school to yours."))
        spell = rules.enrolled_spell(request.student, sending)
        rules.refuse_during_suspension(request.student)
        rules.refuse_graduating_year(spell.grade, _("a transfer"))
        school_class = rules.school_class(request.payload, request.school)
        rules.refuse_grade_change(spell, school_class)
        rules.refuse_full_class(school_class)
        rules.refuse_outside_window(request.payload, request.submitted_at)

    def apply(self, request, *, actor):
        today = timezone.localdate()
        _close_spell(rules.enrolled_spell(request.student, request.counterpart_school), today)
        school_class = rules.school_class(request.payload, request.school)
        EnrolmentSpell.objects.create(
            student=request.student, school=request.school, school_class=school_class, grade=school_class.grade,
            started_on=today, entry_reason=EnrolmentSpell.EntryReason.TRANSFER_IN,
        )  # fmt: skip

    def details(self, request):
        return [
            (_("Sending school"), str(request.counterpart_school)),
            (_("Receiving school"), str(request.school)),
            *_common_details(request),
        ]


class TransferOutExternal(ChangeKind):
    """A transfer to a school outside the system (another province's registry, abroad): the sending school
    (`request.school`) starts it with the receiving side's stamped four-copy form; its town office approves.
    Effect: the spell closes (transferred out), the destination kept in the request."""

    code = "transfer_out_external"
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.TRANSFER_FORM_SCAN,)
    four_copy_form = True

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        spell = rules.enrolled_spell(request.student, request.school)
        rules.refuse_during_suspension(request.student)
        rules.refuse_graduating_year(spell.grade, _("a transfer"))
        if not request.payload.get("destination_school", "").strip():
            raise ChangeRefused(_("Name the school the pupil transfers to."))
        rules.refuse_outside_window(request.payload, request.submitted_at)

    def apply(self, request, *, actor):
        _close_spell(rules.enrolled_spell(request.student, request.school), timezone.localdate())

    def details(self, request):
        return [
            (_("Destination school"), request.payload.get("destination_school", "")),
            (_("Its education bureau"), request.payload.get("destination_authority", "")),
            *_common_details(request),
        ]


class TransferInExternal(ChangeKind):
    """A pupil coming from a school outside the system: the receiving school enters the pupil's basic
    information with the national number they already have and the stamped four-copy form; its town office
    approves. Effect: the pupil keeps that national number and is enrolled in the chosen class."""

    code = "transfer_in_external"
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.TRANSFER_FORM_SCAN,)

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        number = request.payload.get("national_number", "")
        if not number or number[0] not in "GJL" or len(number) != 19:
            raise ChangeRefused(_("Enter the pupil's national student number: a letter G, J or L and 18 characters."))
        if Student.objects.filter(national_number=number).exclude(pk=request.student_id).exists():
            raise ChangeRefused(_("The national student number %(number)s is already in use.") % {"number": number})
        if request.student.spells.filter(ended_on__isnull=True).exists():
            raise ChangeRefused(_("This pupil is already on a school's register."))
        rules.refuse_full_class(rules.school_class(request.payload, request.school))
        rules.refuse_outside_window(request.payload, request.submitted_at)

    def apply(self, request, *, actor):
        student = request.student
        student.national_number = request.payload["national_number"]
        student.save(update_fields=["national_number"])
        school_class = rules.school_class(request.payload, request.school)
        EnrolmentSpell.objects.create(
            student=student, school=request.school, school_class=school_class, grade=school_class.grade,
            started_on=timezone.localdate(), entry_reason=EnrolmentSpell.EntryReason.TRANSFER_IN,
        )  # fmt: skip

    def details(self, request):
        return [
            (_("Coming from"), request.payload.get("origin_school", "")),
            (_("Its education bureau"), request.payload.get("origin_authority", "")),
            (_("National student number"), request.payload.get("national_number", "")),
            *_common_details(request),
        ]
