"""休学 and 复学: suspension of study and the return from it (DOMAIN Status changes)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Semester
from students.models import EnrolmentSpell, Suspension
from transfers.kinds import rules
from transfers.kinds.base import ChangeKind, ChangeRefused, town_office_of
from transfers.models import Evidence

ONE_YEAR = timedelta(days=366)
TWO_YEARS = timedelta(days=731)


def _consecutive_start(student, starts_on):
    """Where the run of back-to-back suspensions that `starts_on` continues began."""
    start = starts_on
    for earlier in student.suspensions.filter(ended_on__isnull=False).order_by("-started_on"):
        if earlier.ended_on >= start - timedelta(days=1):
            start = earlier.started_on
    return start


class SuspensionKind(ChangeKind):
    """A suspension (休学) or its extension, started by the school with a hospital certificate; the town
    office approves. Rules: the pupil is on this school's register; one year at a time; consecutive
    suspension at most two years unless the town office approves an exception with a reason; not in the
    graduating semester (the second term of grade 6 or 9). Effect: a Suspension (or its later end), the
    enrolment spell stays open — the record is kept."""

    code = "suspension"
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.MEDICAL_CERTIFICATE,)

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        student, payload = request.student, request.payload
        spell = rules.enrolled_spell(student, request.school)
        current = rules.open_suspension(student)
        starts_on = current.started_on if current else rules.parse_date(payload, "starts_on")
        ends_on = rules.parse_date(payload, "ends_on")
        if starts_on is None or ends_on is None or ends_on <= starts_on:
            raise ChangeRefused(_("Give the first day and the planned last day of the suspension."))
        if current is None and payload.get("extends"):
            raise ChangeRefused(_("%(name)s has no suspension to extend.") % {"name": student.name})
        if current is not None and not payload.get("extends"):
            raise ChangeRefused(_("%(name)s is already suspended; request an extension.") % {"name": student.name})
        if current is not None and ends_on <= current.ends_on:
            raise ChangeRefused(_("An extension must end after %(date)s.") % {"date": current.ends_on})
        length_from = current.ends_on if current else starts_on
        if ends_on - length_from > ONE_YEAR:
            raise ChangeRefused(_("A suspension (or an extension) lasts at most one year."))
        if ends_on - _consecutive_start(student, starts_on) > TWO_YEARS and not payload.get("exception_reason"):
            raise ChangeRefused(
                _("Consecutive suspension is normally at most two years; give the reason for an exception.")
            )
        if spell.grade in rules.GRADUATING_GRADES:
            semester = Semester.objects.filter(starts_on__lte=starts_on, ends_on__gte=starts_on).first()
            if semester is not None and semester.term == Semester.Term.SPRING:
                raise ChangeRefused(_("A pupil cannot be suspended in the graduating semester."))
        if not payload.get("reason", "").strip():
            raise ChangeRefused(_("Give the reason for the suspension."))

    def apply(self, request, *, actor):
        payload = request.payload
        current = rules.open_suspension(request.student)
        if current is not None:
            current.ends_on = rules.parse_date(payload, "ends_on")
            current.save(update_fields=["ends_on"])
            return
        # A suspension asked from a day already past counts from the decision, so figures as of earlier days
        # stay as printed; the day asked for stays in the request.
        starts_on = max(rules.parse_date(payload, "starts_on"), timezone.localdate())
        Suspension.objects.create(
            student=request.student, started_on=starts_on,
            ends_on=rules.parse_date(payload, "ends_on"), reason=payload["reason"],
        )  # fmt: skip

    def details(self, request):
        payload = request.payload
        rows = [
            (_("Extension of the current suspension") if payload.get("extends") else _("From"),
             payload.get("starts_on", "")),
            (_("Planned end"), payload.get("ends_on", "")),
            (_("Reason"), payload.get("reason", "")),
        ]  # fmt: skip
        if payload.get("exception_reason"):
            rows.append((_("Exception requested (over two years)"), payload["exception_reason"]))
        return rows


class Resumption(ChangeKind):
    """A return from suspension (复学) with a recovery certificate; the town office approves. The pupil
    normally joins the next cohort, that is the grade they left (their classmates have moved up), or the
    grade above when that fits; the class must be under its cap. Effect: the suspension ends; if the class
    or grade differs, the spell closes (placed) and a new one opens in the chosen class."""

    code = "resumption"
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.RECOVERY_CERTIFICATE,)

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        spell = rules.enrolled_spell(request.student, request.school)
        if rules.open_suspension(request.student) is None:
            raise ChangeRefused(_("%(name)s is not suspended.") % {"name": request.student.name})
        school_class = rules.school_class(request.payload, request.school)
        if school_class.grade not in (spell.grade, spell.grade + 1):
            raise ChangeRefused(
                _("Place the pupil in grade %(grade)s (the next cohort) or grade %(above)s.")
                % {"grade": spell.grade, "above": spell.grade + 1}
            )
        if school_class.pk != spell.school_class_id:
            rules.refuse_full_class(school_class)

    def apply(self, request, *, actor):
        today = timezone.localdate()
        suspension = rules.open_suspension(request.student)
        suspension.ended_on = max(today, suspension.started_on)
        suspension.save(update_fields=["ended_on"])
        spell = rules.enrolled_spell(request.student, request.school)
        school_class = rules.school_class(request.payload, request.school)
        if school_class.pk == spell.school_class_id:
            return
        spell.ended_on = today
        spell.exit_reason = EnrolmentSpell.ExitReason.PLACED
        spell.save(update_fields=["ended_on", "exit_reason"])
        EnrolmentSpell.objects.create(
            student=request.student, school=request.school, school_class=school_class, grade=school_class.grade,
            started_on=today, entry_reason=EnrolmentSpell.EntryReason.RESUMPTION,
        )  # fmt: skip

    def details(self, request):
        return [(_("Reason"), request.payload.get("reason", ""))]
