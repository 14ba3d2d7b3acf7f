"""One information change worked out against the record as it is: which pupil fields and which family
members' fields really change (a value equal to today's is dropped), old and new as text, every new value
checked (`build_plan`); split by the town's list into what the registrar applies and what the town office
decides (`Plan.split`); and applied (`apply_plan`) — by the direct edit, or by the request's approval.

Rules: a pupil's new ID number of a resident ID card passes GB 11643; a family member belongs to the pupil;
a removal may not leave the pupil with fewer than two family members (the template requires two) unless
another is added in the same change. A changed name becomes the former name; a new resident ID number
re-derives the national number (G + ID number; a J number becomes G) — 一人一号 otherwise."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from students.codes import IdType
from students.identity import parse_id_number
from students.models import Guardian, Student
from students.services import refresh_search_keys
from transfers.kinds.base import ChangeRefused
from transfers.kinds.information_change.fields import (
    GUARDIAN_FIELDS,
    MEMBERS,
    PUPIL_FIELDS,
    as_text,
    clean,
    display,
    guardian_item,
    label,
    matches,
)

ACTIONS = ("edit", "add", "remove")
MIN_MEMBERS = 2


@dataclass
class GuardianOp:
    """One family member's change: edit (some fields), add (a new member) or remove."""

    action: str
    guardian: int | None = None
    changes: dict = field(default_factory=dict)  # {field: new text}
    previous: dict = field(default_factory=dict)  # {field: old text}; for a removal, the member as they were
    member: str = ""  # who, as the record named them when the change was made: "王芳（母亲）"

    def items(self):
        if self.action == "edit":
            return {guardian_item(name) for name in self.changes}
        return {MEMBERS}

    def to_json(self):
        return {"action": self.action, "guardian": self.guardian, "changes": self.changes, "previous": self.previous,
                "member": self.member}  # fmt: skip

    @classmethod
    def from_json(cls, data):
        return cls(
            action=data.get("action", ""), guardian=data.get("guardian"), changes=dict(data.get("changes") or {}),
            previous=dict(data.get("previous") or {}), member=str(data.get("member") or ""),
        )  # fmt: skip


@dataclass
class Plan:
    changes: dict = field(default_factory=dict)  # pupil {field: new text}
    previous: dict = field(default_factory=dict)  # pupil {field: old text}
    guardians: list = field(default_factory=list)  # [GuardianOp]

    @property
    def empty(self):
        return not self.changes and not self.guardians

    def items(self):
        found = set(self.changes)
        for op in self.guardians:
            found |= op.items()
        return found

    def split(self, approval):
        """(what the registrar applies, what the town office decides) for the town's `approval` items."""
        direct, decided = Plan(), Plan()
        for name, value in self.changes.items():
            part = decided if name in approval else direct
            part.changes[name], part.previous[name] = value, self.previous.get(name, "")
        for op in self.guardians:
            if op.action != "edit":
                (decided if MEMBERS in approval else direct).guardians.append(op)
                continue
            for part, names in ((decided, [n for n in op.changes if guardian_item(n) in approval]),
                                (direct, [n for n in op.changes if guardian_item(n) not in approval])):  # fmt: skip
                if names:
                    changes, previous = {n: op.changes[n] for n in names}, {n: op.previous.get(n, "") for n in names}
                    part.guardians.append(GuardianOp("edit", op.guardian, changes, previous, op.member))
        return direct, decided


def build_plan(student, changes=None, guardians=(), *, expected=None):
    """The plan of `changes` ({pupil field: new value}) and `guardians` (dicts: {"action": "edit"|"add"|"remove",
    "guardian": pk, "changes": {field: value}}) against `student` as now saved. `expected` ({field or
    "guardian-<pk>-<field>": the value the user saw, or its fields.Seen fingerprint}): a changed field whose
    value is no longer the one seen is refused — someone else saved it meanwhile."""
    plan, expected = Plan(), expected or {}
    for name, raw in (changes or {}).items():
        if name not in PUPIL_FIELDS:
            raise ChangeRefused(_("%(field)s cannot be changed here.") % {"field": name}, field=name)
        old = as_text(getattr(student, name))
        new = as_text(clean(Student, name, raw))
        if new != old:
            _refuse_changed_meanwhile(name, Student, name, getattr(student, name), expected, label(Student, name))
            plan.changes[name], plan.previous[name] = new, old
    _check_pupil_id_number(student, plan)
    members = {guardian.pk: guardian for guardian in student.guardians.all()}
    for data in guardians:
        op = _guardian_op(members, dict(data), expected)
        if op is not None:
            plan.guardians.append(op)
    removed = sum(op.action == "remove" for op in plan.guardians)
    added = sum(op.action == "add" for op in plan.guardians)
    if removed and len(members) - removed + added < min(MIN_MEMBERS, len(members)):
        raise ChangeRefused(
            _("The 学生基本信息表 needs at least two family members or guardians: add the new one in the same change "
              "before removing one."), field="guardians",
        )  # fmt: skip
    return plan


class ChangedMeanwhile(ChangeRefused):
    """A value the user saw was saved by someone else meanwhile."""


def _refuse_changed_meanwhile(key, model, name, current, expected, field_label):
    if key in expected and not matches(current, expected[key]):
        raise ChangedMeanwhile(
            _("%(field)s was changed by someone else while you were editing: it is now “%(value)s”. Check it and "
              "save again.") % {"field": field_label, "value": display(model, name, as_text(current))}, field=key,
        )  # fmt: skip


def _check_pupil_id_number(student, plan):
    """A pupil's ID number of a resident ID card (the type after the change) passes GB 11643."""
    number = plan.changes.get("id_number")
    if not number:
        return
    id_type = plan.changes.get("id_type", student.id_type)
    if id_type != IdType.RESIDENT and "id_type" in plan.changes:
        return
    try:
        parse_id_number(number)
    except ValidationError as error:
        raise ChangeRefused(
            _("New ID number: %(error)s") % {"error": " ".join(error.messages)}, field="id_number"
        ) from error


def _guardian_op(members, data, expected):
    action = data.get("action")
    if action not in ACTIONS:
        raise ChangeRefused(_("A family member's change must be an edit, an addition or a removal."), field="guardians")
    if action == "add":
        values = {name: as_text(clean(Guardian, name, (data.get("changes") or {}).get(name, ""),
                                      field_key=f"guardian-new-{name}"))
                  for name in GUARDIAN_FIELDS}  # fmt: skip
        return GuardianOp("add", None, values, {}, f"{values['name']}")
    guardian = members.get(_int(data.get("guardian")))
    if guardian is None:
        raise ChangeRefused(_("This family member is not on the pupil's record (any more)."), field="guardians")
    current = {name: as_text(getattr(guardian, name)) for name in GUARDIAN_FIELDS}
    if action == "remove":
        return GuardianOp("remove", guardian.pk, {}, current, str(guardian))
    op = GuardianOp("edit", guardian.pk, member=str(guardian))
    for name, raw in (data.get("changes") or {}).items():
        if name not in GUARDIAN_FIELDS:
            raise ChangeRefused(_("%(field)s cannot be changed here.") % {"field": name}, field="guardians")
        key = f"guardian-{guardian.pk}-{name}"
        new = as_text(clean(Guardian, name, raw, field_key=key))
        if new != current[name]:
            _refuse_changed_meanwhile(key, Guardian, name, getattr(guardian, name), expected,
                                      f"{guardian.name} · {label(Guardian, name)}")  # fmt: skip
            op.changes[name], op.previous[name] = new, current[name]
    return op if op.changes else None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def apply_plan(student, plan):
    """Make the plan's changes, in the caller's transaction (the caller holds the pupil's row lock). History
    rows name whoever `acting_as` names. A family member gone since the plan was made is refused."""
    if plan.changes:
        _apply_pupil(student, plan.changes)
    for op in plan.guardians:
        if op.action == "add":
            Guardian.objects.create(student=student, **{n: clean(Guardian, n, v) for n, v in op.changes.items()})
            continue
        guardian = Guardian.objects.select_for_update().filter(pk=op.guardian, student=student).first()
        if guardian is None:
            raise ChangeRefused(_("This family member is not on the pupil's record (any more)."), field="guardians")
        if op.action == "remove":
            guardian.delete()
            continue
        for name, text in op.changes.items():
            setattr(guardian, name, clean(Guardian, name, text))
        guardian.save(update_fields=list(op.changes))


def _apply_pupil(student, changes):
    updated = set(changes)
    if "name" in changes and "former_name" not in changes and changes["name"] != student.name:
        student.former_name = student.name
        updated.add("former_name")
    for name, text in changes.items():
        setattr(student, name, clean(Student, name, text))
    if changes.get("id_number"):
        if "id_type" not in changes:
            student.id_type = IdType.RESIDENT
            updated.add("id_type")
        if student.id_type == IdType.RESIDENT and student.national_number and student.national_number[0] in "GJ":
            student.national_number = f"G{student.id_number}"
            updated.add("national_number")
    if "name" in changes:
        refresh_search_keys(student)
        updated |= {"name_folded", "name_pinyin", "name_initials"}
    student.save(update_fields=sorted(updated))
