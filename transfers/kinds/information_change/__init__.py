"""信息变更 that needs the town office (DOMAIN Status changes; 镇制度 五(三)): the part of an information change
the town lists (.policy) — any field of the 学生基本信息表, a family member's fields, adding
or removing a family member. The key-information change (transfers.kinds.key_change) is its strict case."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.codes import IdType
from students.identity import parse_id_number
from students.models import Student
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.information_change.fields import PUPIL_FIELDS
from transfers.kinds.information_change.forms import InformationChangeForm
from transfers.kinds.information_change.plans import GuardianOp, Plan, apply_plan, build_plan
from transfers.kinds.information_change.rows import rows_of
from transfers.models import Evidence


@dataclass
class InformationChangePayload(Payload):
    changes: dict = field(default_factory=dict)  # {pupil field: new value as text}
    previous: dict = field(default_factory=dict)  # {pupil field: old value as text}, shown as old → new
    guardians: list = field(default_factory=list)  # [GuardianOp as JSON]
    reason: str = ""


@register
class InformationChange(ChangeKind):
    """The guardian applies in writing with proof (户口簿 or other); the school starts the request; the town office
    approves. Rules: at least one listed item really changes; each new value is valid for its field (choices,
    lengths, GB 11643 for ID numbers); a family member edited or removed is (still) the pupil's; a new ID
    number belongs to no other pupil (一人一籍) and agrees with the birth date and sex; the pupil is on the
    school's register. Effect (.plans.apply_plan): the fields change, history keeps the
    old values, a changed name becomes the former name, a new resident ID number re-derives the national
    number. Started from the information change page (transfers.information.views), never from the
    status-change menu: that page applies the school's own part directly and opens this request for the rest."""

    code = "information_change"
    label = gettext_lazy("Information change")
    position = 100
    deadline_working_days = 10
    change_type_code = "99"  # JY/T 1001 学籍异动类别码 has no code of its own for it: 99 其他
    required_evidence = (Evidence.Kind.IDENTITY_PROOF,)
    Payload = InformationChangePayload
    form_class = InformationChangeForm
    fields = PUPIL_FIELDS  # what this kind may change; the strict case: the key fields only
    changes_family = True

    def chain(self, request):
        return town_office_of(request.school)

    def plan(self, request):
        """The request's changes worked out against the record as it is now (checked again on approval)."""
        data = self.data(request)
        changes = {name: value for name, value in data.changes.items() if name in self.fields}
        return build_plan(request.student, changes, data.guardians if self.changes_family else ())

    def validate(self, request, *, attached=frozenset()):
        student = request.student
        rules.enrolled_spell(student, request.school)
        plan = self.plan(request)
        if plan.empty:
            raise ChangeRefused(self.nothing_to_change())
        _check_identity(student, plan.changes)

    def nothing_to_change(self):
        return _("Change at least one field: every value given is the one on the record already.")

    def apply(self, request, *, actor):
        apply_plan(Student.objects.select_for_update().get(pk=request.student_id), self.plan(request))

    def details(self, request):
        data = self.data(request)
        stored = Plan(data.changes, data.previous, [GuardianOp.from_json(each) for each in data.guardians])
        rows = [(name, f"{old or '—'} → {new or '—'}") for name, old, new in rows_of(stored)]
        return [*rows, (_("Reason"), data.reason)]

    def form_kwargs(self, *, student=None, spell=None, school=None, request=None, **context):
        """Amending a returned request: the form shows the request's own items, filled in with what was asked."""
        data = self.data(request) if request is not None else self.Payload()
        return {"student": student, "fields": self.fields, "family": self.changes_family, "approval_only": True,
                "asked": data}  # fmt: skip

    def amend_initial(self, request):
        return {}


def _check_identity(student, changes):
    """一人一籍 and the ID number's agreement with the birth date and sex, after the change."""
    id_number = changes.get("id_number", student.id_number)
    id_type = changes.get("id_type", student.id_type if "id_number" not in changes else IdType.RESIDENT)
    if not id_number or id_type != IdType.RESIDENT:
        return
    try:
        info = parse_id_number(id_number)
    except ValidationError as error:
        message = _("ID number: %(error)s") % {"error": " ".join(error.messages)}
        raise ChangeRefused(message, field="id_number") from error
    if "id_number" in changes and Student.objects.filter(id_number=id_number).exclude(pk=student.pk).exists():
        raise ChangeRefused(_("The new ID number already belongs to another pupil's record (一人一籍)."),
                            field="id_number")  # fmt: skip
    birth_date = changes.get("birth_date", student.birth_date.isoformat())
    if birth_date != info.birth_date.isoformat():
        raise ChangeRefused(
            _("The birth date does not match the ID number, which gives %(date)s.")
            % {"date": info.birth_date.isoformat()}, field="birth_date",
        )  # fmt: skip
    if changes.get("sex", student.sex) != info.sex:
        raise ChangeRefused(_("The sex does not match the ID number (its 17th digit)."), field="sex")
