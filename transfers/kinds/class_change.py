"""转班 (change-type code 29): a pupil moves to another class of the same grade in the same school (DOMAIN
Status changes: the school decides, with the reason; same grade; class-size cap)."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import School
from students.models import EnrolmentSpell
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload
from transfers.kinds.forms import ChangeForm, ClassChoice, reason_field


@dataclass
class ClassChangePayload(Payload):
    from_class: int | None = None  # id of the class left, for the record
    school_class: int | None = None  # id of the class joined, looked up again when applied
    reason: str = ""


class ClassChangeForm(ChangeForm):
    """转班: the class of the same grade the pupil joins, and why."""

    school_class = ClassChoice(label=gettext_lazy("New class"), queryset=None)
    reason = reason_field()

    def __init__(self, *args, spell, **kwargs):
        super().__init__(*args, **kwargs)
        self.spell = spell
        self.fields["school_class"].queryset = (
            spell.school.classes.filter(grade=spell.grade).exclude(pk=spell.school_class_id).order_by("number")
        )

    def payload(self):
        data = self.cleaned_data
        return ClassChangePayload(from_class=self.spell.school_class_id, school_class=data["school_class"].pk,
                                  reason=data["reason"])  # fmt: skip


def move_spell(student, school_class, *, day):
    """The pupil's spell in their old class ends on `day` (its last day on that class's roll is the day
    before: a spell counts on day D while D < ended_on) and a spell in `school_class` opens on `day`."""
    spell = rules.open_spell(student)
    spell.ended_on = day
    spell.exit_reason = EnrolmentSpell.ExitReason.PLACED
    spell.save(update_fields=["ended_on", "exit_reason"])
    return EnrolmentSpell.objects.create(
        student=student, school=spell.school, school_class=school_class, grade=spell.grade, started_on=day,
        entry_reason=EnrolmentSpell.EntryReason.CLASS_CHANGE,
    )  # fmt: skip


@register
class ClassChange(ChangeKind):
    """A class change decided by the school itself: its chain is empty, so the engine applies it as soon as
    the registrar submits it — a request with its history, audit event and timeline entry, closed as
    approved. Refused when the pupil is not on the school's register, the class is of another grade or is the
    pupil's own, the reason is missing, or the class is at its school's class-size cap. Effect: from the day
    of submission the pupil is in the new class."""

    code = "class_change"
    label = gettext_lazy("Class change")
    position = 65
    deadline_working_days = 0
    change_type_code = "29"
    decided_by_school = True
    Payload = ClassChangePayload
    starts_from = "pupil"
    form_class = ClassChangeForm
    details_template = "transfers/kinds/class_change.html"

    def chain(self, request):
        return []

    def validate(self, request, *, attached=frozenset()):
        spell = rules.enrolled_spell(request.student, request.school)
        data = self.data(request)
        if not data.reason.strip():
            raise ChangeRefused(_("Give the reason for the class change."), field="reason")
        school_class = rules.school_class(data.school_class, request.school)
        if school_class.pk == spell.school_class_id:
            raise ChangeRefused(
                _("%(name)s is already in %(class)s.") % {"name": request.student.name, "class": school_class},
                field="school_class",
            )
        if school_class.grade != spell.grade:
            raise ChangeRefused(
                _("A class change keeps the grade: choose a grade %(grade)s class.") % {"grade": spell.grade},
                field="school_class",
            )
        School.objects.select_for_update().get(pk=request.school_id)  # two moves into one class: one at a time
        rules.refuse_full_class(school_class)

    def apply(self, request, *, actor):
        school_class = rules.school_class(self.data(request).school_class, request.school)
        move_spell(request.student, school_class, day=timezone.localdate(request.submitted_at))

    def details(self, request):
        data = self.data(request)
        named = request.school.classes.filter(pk__in=[data.from_class, data.school_class])
        classes = {each.pk: str(each) for each in named}
        return [
            (_("Former class"), classes.get(data.from_class, "")),
            (_("New class"), classes.get(data.school_class, "")),
            (_("Reason"), data.reason),
        ]

    def form_kwargs(self, *, student=None, spell=None, school=None, **context):
        return {"spell": spell}

    def start_label(self, *, suspended=False):
        return None if suspended else self.label
