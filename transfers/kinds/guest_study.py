"""借读: guest study at a host school while the record stays at the home school (DOMAIN Status changes)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from students.models import GuestStudy as GuestStudyRecord
from transfers.kinds import rules
from transfers.kinds.base import ChangeKind, ChangeRefused, town_office_of
from transfers.models import Evidence


class GuestStudy(ChangeKind):
    """Started by the host school (`request.school`) with household or job proof; `counterpart_school` is
    the pupil's home school; the host's town office approves. Rules: the pupil is on the home school's
    register, not suspended, not already a guest elsewhere, not in primary grade 6; the host class is under
    its cap. Effect: a GuestStudy at the host; the enrolment spell (the record) stays at the home school."""

    code = "guest_study"
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.HOUSEHOLD_PROOF,)

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request):
        home = request.counterpart_school
        if home is None or home.pk == request.school_id:
            raise ChangeRefused(_("Guest study is at a school other than the pupil's own."))
        spell = rules.enrolled_spell(request.student, home)
        rules.refuse_during_suspension(request.student)
        if spell.grade == 6:
            raise ChangeRefused(_("Guest study is not possible in primary grade 6, the graduating year."))
        if request.student.guest_studies.filter(ended_on__isnull=True).exists():
            raise ChangeRefused(_("%(name)s is already a guest pupil at a school.") % {"name": request.student.name})
        rules.refuse_full_class(rules.school_class(request.payload, request.school))
        if not request.payload.get("reason", "").strip():
            raise ChangeRefused(_("Give the reason for the guest study."))

    def apply(self, request, *, actor):
        GuestStudyRecord.objects.create(
            student=request.student, host_school=request.school,
            host_class=rules.school_class(request.payload, request.school),
            started_on=timezone.localdate(), ends_on=rules.parse_date(request.payload, "ends_on"),
        )  # fmt: skip

    def details(self, request):
        return [
            (_("Home school (keeps the record)"), str(request.counterpart_school)),
            (_("Host school"), str(request.school)),
            (_("Planned end"), request.payload.get("ends_on", "")),
            (_("Reason"), request.payload.get("reason", "")),
        ]
