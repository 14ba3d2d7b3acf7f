"""休学: suspension of study, or its extension (DOMAIN Status changes)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Semester
from students.models import Suspension
from transfers.forms import DATE_INPUT
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import ChangeForm, evidence_field, reason_field
from transfers.models import Evidence

ONE_YEAR = timedelta(days=366)
TWO_YEARS = timedelta(days=731)


@dataclass
class SuspensionPayload(Payload):
    starts_on: date | None = None
    ends_on: date | None = None
    reason: str = ""
    exception_reason: str = ""
    extends: int | None = None  # id of the suspension extended


class SuspensionForm(ChangeForm):
    """休学 (or its extension): dates, reason, the hospital certificate."""

    starts_on = forms.DateField(label=gettext_lazy("First day of the suspension"), widget=DATE_INPUT)
    ends_on = forms.DateField(
        label=gettext_lazy("Planned last day"), widget=DATE_INPUT, help_text=gettext_lazy("At most one year.")
    )
    reason = reason_field()
    exception_reason = forms.CharField(
        label=gettext_lazy("Reason for an exception"), max_length=300, required=False,
        help_text=gettext_lazy("Needed only when consecutive suspension would pass two years."),
    )  # fmt: skip
    medical_certificate = evidence_field(gettext_lazy("Hospital certificate (county level or above) and case notes"))
    evidence_fields = {"medical_certificate": Evidence.Kind.MEDICAL_CERTIFICATE}

    def __init__(self, *args, suspension=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.suspension = suspension
        if suspension is not None:
            self.fields["starts_on"].initial = suspension.started_on
            self.fields["starts_on"].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The last day must be after the first day."))
        return data

    def payload(self):
        data = self.cleaned_data
        return SuspensionPayload(
            starts_on=data["starts_on"], ends_on=data["ends_on"], reason=data["reason"],
            exception_reason=data["exception_reason"], extends=self.suspension.pk if self.suspension else None,
        )  # fmt: skip


def _consecutive_start(student, starts_on):
    """Where the run of back-to-back suspensions that `starts_on` continues began."""
    start = starts_on
    for earlier in student.suspensions.filter(ended_on__isnull=False).order_by("-started_on"):
        if earlier.ended_on >= start - timedelta(days=1):
            start = earlier.started_on
    return start


@register
class SuspensionKind(ChangeKind):
    """A suspension (休学) or its extension, started by the school with a hospital certificate; the town
    office approves. Rules: the pupil is on this school's register; one year at a time; consecutive
    suspension at most two years unless the town office approves an exception with a reason; not in the
    graduating semester (the second term of grade 6 or 9). Effect: a Suspension (or its later end), the
    enrolment spell stays open — the record is kept."""

    code = "suspension"
    change_type_code = "11"
    label = gettext_lazy("Suspension")
    position = 50
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.MEDICAL_CERTIFICATE,)
    Payload = SuspensionPayload
    starts_from = "pupil"
    form_class = SuspensionForm

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        student, payload = request.student, self.data(request)
        spell = rules.enrolled_spell(student, request.school)
        current = rules.open_suspension(student)
        starts_on = current.started_on if current else payload.starts_on
        ends_on = payload.ends_on
        if starts_on is None or ends_on is None or ends_on <= starts_on:
            raise ChangeRefused(_("Give the first day and the planned last day of the suspension."))
        if current is None and payload.extends:
            raise ChangeRefused(_("%(name)s has no suspension to extend.") % {"name": student.name})
        if current is not None and not payload.extends:
            raise ChangeRefused(_("%(name)s is already suspended; request an extension.") % {"name": student.name})
        if current is not None and ends_on <= current.ends_on:
            raise ChangeRefused(_("An extension must end after %(date)s.") % {"date": current.ends_on})
        length_from = current.ends_on if current else starts_on
        if ends_on - length_from > ONE_YEAR:
            raise ChangeRefused(_("A suspension (or an extension) lasts at most one year."))
        if ends_on - _consecutive_start(student, starts_on) > TWO_YEARS and not payload.exception_reason:
            raise ChangeRefused(
                _("Consecutive suspension is normally at most two years; give the reason for an exception.")
            )
        if spell.grade in rules.GRADUATING_GRADES:
            semester = Semester.containing(starts_on)
            if semester is not None and semester.term == Semester.Term.SPRING:
                raise ChangeRefused(_("A pupil cannot be suspended in the graduating semester."))
        if not payload.reason.strip():
            raise ChangeRefused(_("Give the reason for the suspension."))

    def apply(self, request, *, actor):
        payload = self.data(request)
        current = rules.open_suspension(request.student)
        if current is not None:
            current.ends_on = payload.ends_on
            current.save(update_fields=["ends_on"])
            return
        # A suspension asked from a day already past counts from the decision, so figures as of earlier days
        # stay as printed; the day asked for stays in the request.
        starts_on = max(payload.starts_on, timezone.localdate())
        Suspension.objects.create(
            student=request.student, started_on=starts_on, ends_on=payload.ends_on, reason=payload.reason
        )

    def details(self, request):
        payload = self.data(request)
        rows = [
            (_("Extension of the current suspension") if payload.extends else _("From"),
             payload.starts_on.isoformat() if payload.starts_on else ""),
            (_("Planned end"), payload.ends_on.isoformat() if payload.ends_on else ""),
            (_("Reason"), payload.reason),
        ]  # fmt: skip
        if payload.exception_reason:
            rows.append((_("Exception requested (over two years)"), payload.exception_reason))
        return rows

    def form_kwargs(self, *, student=None, spell=None, school=None, **context):
        return {"suspension": rules.open_suspension(student)}

    def start_label(self, *, suspended=False):
        return _("Extend the suspension") if suspended else self.label
