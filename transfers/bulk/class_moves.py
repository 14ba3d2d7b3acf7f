"""Class changes in bulk (转班, DOMAIN Status changes): several pupils of one class move to another class of
the same grade at once — a preview first, showing each move and any class-size-cap refusal, then every
move as one class-change request (transfers.kinds.class_change), all in one transaction: either every pupil
moves or none does. The grade-1 intake is assigned to classes (分班) the same way, from a plan dealt evenly."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from registry.models import School
from students.models import EnrolmentSpell, Suspension
from transfers import services
from transfers.kinds import ChangeRefused, rules


@dataclass
class MovePreview:
    """The moves the registrar is about to make: (pupil, from class, to class) rows, and the refusal that
    would stop them (None when they can go ahead)."""

    rows: list
    refusal: str | None


def preview_moves(students, from_class, to_class):
    """What moving `students` (pupils of `from_class`) into `to_class` would do; the cap is checked for
    all of them together."""
    rows = [(student, from_class, to_class) for student in students]
    try:
        rules.refuse_full_class(to_class, arriving=len(rows))
    except ChangeRefused as refusal:
        return MovePreview(rows, str(refusal))
    return MovePreview(rows, None)


def move_pupils(students, to_class, *, reason, actor):
    """Move each pupil into `to_class` with the same reason, one class-change request each, in one
    transaction (the school's row is locked, so two registrars filling the same class one after the other
    see each other's moves). A refusal for any pupil refuses them all, with the rule's message."""
    with transaction.atomic():
        School.objects.select_for_update().get(pk=to_class.school_id)
        rules.refuse_full_class(to_class, arriving=len(students))
        return [_submit_move(student, to_class, reason=reason, actor=actor) for student in students]


INTAKE_GRADE = 1


def intake_plan(school):
    """分班 of the grade-1 intake: every grade-1 pupil on the register (not suspended), ordered by sex and
    name and dealt in turn to the grade-1 classes, so the classes come out even in size and in boys and
    girls. A preview: (pupil, current class, planned class) rows and the refusal when the pupils do not fit
    in the classes under the class-size cap."""
    classes = list(school.classes.filter(grade=INTAKE_GRADE).order_by("number"))
    spells = sorted(
        EnrolmentSpell.objects.filter(school=school, grade=INTAKE_GRADE, ended_on__isnull=True)
        .exclude(Exists(Suspension.objects.filter(student=OuterRef("student"), ended_on__isnull=True)))
        .select_related("student", "school_class"),
        key=lambda spell: (spell.student.sex, spell.student.name, spell.pk),
    )
    if not classes:
        return MovePreview([], _("%(school)s has no grade 1 class yet.") % {"school": school})
    rows = [(spell.student, spell.school_class, classes[i % len(classes)]) for i, spell in enumerate(spells)]
    refusal = None
    if len(rows) > school.class_size_cap * len(classes):
        refusal = _(
            "%(count)s grade 1 pupils do not fit in %(classes)s classes of at most %(cap)s pupils (the class-size "
            "cap of %(school)s); add a class first."
        ) % {"count": len(rows), "classes": len(classes), "cap": school.class_size_cap, "school": school}
    return MovePreview(rows, refusal)


def assign_intake(school, *, reason, actor):
    """Carry out the intake plan: a class change for each pupil whose planned class is not their own, all
    in one transaction. Moves into a class go first where it has room, so pupils can be exchanged between
    full classes only as far as the cap allows; otherwise nothing moves and the cap's rule says why."""
    with transaction.atomic():
        School.objects.select_for_update().get(pk=school.pk)
        plan = intake_plan(school)
        if plan.refusal:
            raise ChangeRefused(plan.refusal)
        waiting = [(student, to_class) for student, from_class, to_class in plan.rows if from_class != to_class]
        moved, cap = [], school.class_size_cap
        while waiting:
            with_room = [
                move for move in waiting
                if EnrolmentSpell.objects.filter(school_class=move[1], ended_on__isnull=True).count() < cap
            ]  # fmt: skip
            if not with_room:
                rules.refuse_full_class(waiting[0][1])  # every target is full: refuse naming the first
            student, to_class = with_room[0]
            waiting.remove(with_room[0])
            moved.append(_submit_move(student, to_class, reason=reason, actor=actor))
        return moved


def _submit_move(student, to_class, *, reason, actor):
    return services.submit_request(
        kind="class_change", student=student, school=to_class.school, actor=actor,
        payload={"from_class": rules.enrolled_spell(student, to_class.school).school_class_id,
                 "school_class": to_class.pk, "reason": reason},
    )  # fmt: skip
