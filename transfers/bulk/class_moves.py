"""Class changes in bulk (转班, DOMAIN Status changes): several pupils of one class move to another class of
the same grade at once — a preview first, showing each move and any class-size-cap refusal, then every
move as one class-change request (transfers.kinds.class_change), all in one transaction: either every pupil
moves or none does."""

from dataclasses import dataclass

from django.db import transaction

from registry.models import School
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
        return [
            services.submit_request(
                kind="class_change", student=student, school=to_class.school, actor=actor,
                payload={"from_class": rules.enrolled_spell(student, to_class.school).school_class_id,
                         "school_class": to_class.pk, "reason": reason},
            )
            for student in students
        ]  # fmt: skip
