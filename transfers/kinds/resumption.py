"""复学: the return from a suspension (DOMAIN Status changes)."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.models import EnrolmentSpell
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import ChangeForm, ClassChoice, evidence_field, reason_field
from transfers.models import Evidence


@dataclass
class ResumptionPayload(Payload):
    school_class: int | None = None  # id, looked up again on approval
    grade: int | None = None
    reason: str = ""


class ResumptionForm(ChangeForm):
    """复学: the class the pupil returns to, and the recovery certificate."""

    school_class = ClassChoice(
        label=gettext_lazy("Class"), queryset=None,
        help_text=gettext_lazy(
            "Normally the next cohort: the grade the pupil left, as their classmates have moved up."
        ),
    )  # fmt: skip
    reason = reason_field(gettext_lazy("Remarks"))
    recovery_certificate = evidence_field(gettext_lazy("Recovery certificate"))
    evidence_fields = {"recovery_certificate": Evidence.Kind.RECOVERY_CERTIFICATE}

    def __init__(self, *args, spell, **kwargs):
        super().__init__(*args, **kwargs)
        classes = spell.school.classes.filter(grade__in=(spell.grade, spell.grade + 1)).order_by("grade", "number")
        self.fields["school_class"].queryset = classes
        self.fields["school_class"].initial = self.initial.get("school_class", spell.school_class_id)

    def payload(self):
        data = self.cleaned_data
        return ResumptionPayload(school_class=data["school_class"].pk, grade=data["school_class"].grade,
                                 reason=data["reason"])  # fmt: skip


@register
class Resumption(ChangeKind):
    """A return from suspension (复学) with a recovery certificate; the town office approves. The pupil
    normally joins the next cohort, that is the grade they left (their classmates have moved up), or the
    grade above when that fits; the class must be under its cap. A resumption takes effect on the day it is
    decided, which cannot be before the suspension it ends began. Effect: the suspension ends; if the class
    or grade differs, the spell closes (placed) and a new one opens in the chosen class."""

    code = "resumption"
    change_type_code = "12"
    label = gettext_lazy("Resumption")
    position = 60
    deadline_working_days = 10
    required_evidence = (Evidence.Kind.RECOVERY_CERTIFICATE,)
    Payload = ResumptionPayload
    starts_from = "pupil"
    form_class = ResumptionForm

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        spell = rules.enrolled_spell(request.student, request.school)
        suspension = rules.open_suspension(request.student)
        if suspension is None:
            raise ChangeRefused(_("%(name)s is not suspended.") % {"name": request.student.name})
        if timezone.localdate() < suspension.started_on:
            raise ChangeRefused(
                _("The suspension of %(name)s begins on %(date)s; a resumption cannot be dated before it.")
                % {"name": request.student.name, "date": suspension.started_on.isoformat()}
            )
        school_class = rules.school_class(self.data(request).school_class, request.school)
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
        suspension.ended_on = today
        suspension.save(update_fields=["ended_on"])
        spell = rules.enrolled_spell(request.student, request.school)
        school_class = rules.school_class(self.data(request).school_class, request.school)
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
        return [(_("Reason"), self.data(request).reason)]

    def form_kwargs(self, *, student=None, spell=None, school=None, **context):
        return {"spell": spell}

    def start_label(self, *, suspended=False):
        return self.label if suspended else None
