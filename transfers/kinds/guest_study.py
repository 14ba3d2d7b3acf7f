"""借读: guest study at a host school while the record stays at the home school (DOMAIN Status changes)."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.models import GuestStudy as GuestStudyRecord
from transfers.forms import DATE_INPUT
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import ChangeForm, ClassChoice, classes_of_grade, evidence_field, reason_field
from transfers.models import Evidence


@dataclass
class GuestStudyPayload(Payload):
    school_class: int | None = None  # id of the host class, looked up again on approval
    grade: int | None = None
    ends_on: date | None = None
    reason: str = ""


class GuestStudyForm(ChangeForm):
    """借读 at this school: the class the pupil joins, until when, why, and the household or job proof."""

    school_class = ClassChoice(label=gettext_lazy("Class"), queryset=None)
    ends_on = forms.DateField(label=gettext_lazy("Planned end"), required=False, widget=DATE_INPUT)
    reason = reason_field()
    proof = evidence_field(gettext_lazy("Household register or proof of the parent's job here"))
    evidence_fields = {"proof": Evidence.Kind.HOUSEHOLD_PROOF}

    def __init__(self, *args, school, grade, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes_of_grade(school, grade)

    def payload(self):
        data = self.cleaned_data
        return GuestStudyPayload(school_class=data["school_class"].pk, grade=data["school_class"].grade,
                                 ends_on=data["ends_on"], reason=data["reason"])  # fmt: skip


@register
class GuestStudy(ChangeKind):
    """Started by the host school (`request.school`) with household or job proof; `counterpart_school` is
    the pupil's home school; the host's town office approves. Rules: the pupil is on the home school's
    register, not suspended, not already a guest elsewhere, not in primary grade 6; the host class is under
    its cap. Effect: a GuestStudy at the host; the enrolment spell (the record) stays at the home school."""

    code = "guest_study"
    label = gettext_lazy("Guest study")
    position = 90
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.HOUSEHOLD_PROOF,)
    Payload = GuestStudyPayload
    starts_from = "incoming"
    form_class = GuestStudyForm

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        home, payload = request.counterpart_school, self.data(request)
        if home is None or home.pk == request.school_id:
            raise ChangeRefused(_("Guest study is at a school other than the pupil's own."))
        spell = rules.enrolled_spell(request.student, home)
        rules.refuse_during_suspension(request.student)
        if spell.grade == 6:
            raise ChangeRefused(_("Guest study is not possible in primary grade 6, the graduating year."))
        if request.student.guest_studies.filter(ended_on__isnull=True).exists():
            raise ChangeRefused(_("%(name)s is already a guest pupil at a school.") % {"name": request.student.name})
        rules.refuse_full_class(rules.school_class(payload.school_class, request.school))
        if not payload.reason.strip():
            raise ChangeRefused(_("Give the reason for the guest study."))

    def apply(self, request, *, actor):
        payload = self.data(request)
        GuestStudyRecord.objects.create(
            student=request.student, host_school=request.school,
            host_class=rules.school_class(payload.school_class, request.school),
            started_on=timezone.localdate(), ends_on=payload.ends_on,
        )  # fmt: skip

    def details(self, request):
        payload = self.data(request)
        return [
            (_("Home school (keeps the record)"), str(request.counterpart_school)),
            (_("Host school"), str(request.school)),
            (_("Planned end"), payload.ends_on.isoformat() if payload.ends_on else ""),
            (_("Reason"), payload.reason),
        ]

    def form_kwargs(self, *, student=None, spell=None, school=None, **context):
        return {"school": school, "grade": spell.grade}
