"""Reads of pupils, always scoped through registry.scoping: a pupil of another school is not found."""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from registry.scoping import schools_visible_to
from students.models import EnrolmentSpell, RollCheck, RollDiscrepancy, Student
from students.models.pupil import removed_pupils


def on_register_q(day, prefix=""):
    """The one rule of "on the register on `day`": an enrolment spell started by then and not ended by then
    (a spell ending on `day` is off the register that day), of a pupil not removed as entered in error (the
    spells' manager leaves those out, a join from a school does not). `prefix` reaches spells through a
    relation ("spells__"); `day` may be an expression (OuterRef)."""
    return (
        Q(**{f"{prefix}started_on__lte": day})
        & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day}))
        & ~Q(**{f"{prefix}student_id__in": removed_pupils()})
    )


def spells_on_register(day):
    """Every enrolment spell on a register on `day` (read past the spells' manager, whose own exclusion of
    removed pupils on_register_q repeats: one subquery, not two, in every count of the register)."""
    return EnrolmentSpell._base_manager.filter(on_register_q(day))


def on_register(school, day):
    """The enrolment spells of `school` on its register on `day`: the register as it stood that day (not
    scoped to a user: the callers have scoped the school)."""
    return spells_on_register(day).filter(school=school)


def open_spells_visible_to(user):
    """The registers the user may read: open enrolment spells at the schools in their scope."""
    return EnrolmentSpell.objects.filter(ended_on__isnull=True, school__in=schools_visible_to(user).values("pk"))


def students_visible_to(user):
    """Pupils who are, or were, on the register of a school in the user's scope: a school keeps read access
    to the records of pupils who left it (transferred out, withdrew, graduated — DOMAIN Archives)."""
    spells = EnrolmentSpell.objects.filter(school__in=schools_visible_to(user).values("pk"))
    return Student.objects.filter(pk__in=spells.values("student_id"))


def roll_checks_visible_to(user):
    """Semester roll reconciliations of the schools in the user's scope (their staff, their town's officers,
    administrators); another school's is a 404."""
    return RollCheck.objects.filter(school__in=schools_visible_to(user).values("pk"))


def discrepancies_visible_to(user):
    """The differences found by the reconciliations the user may read."""
    return RollDiscrepancy.objects.filter(reconciliation__in=roll_checks_visible_to(user).values("pk"))


def as_left(user, spells):
    """(moment, spells) when the user's schools no longer hold the pupil: the moment the pupil left the
    last of them and the spells up to that one; None when the user's scope holds the pupil's last spell
    (or the user sees every school). `spells` are the pupil's spells in order. A school keeps the record of
    a pupil who moved on as it stood then (DOMAIN Archives: the old school keeps an electronic copy); what
    the next school records later is not its to read.

    The moment is that of the history row that closed the user's last spell (the transfer's approval), or
    the end of its last day when that row is missing."""
    schools = {spell.school_id for spell in spells}
    visible = set(schools_visible_to(user).filter(pk__in=schools).values_list("pk", flat=True))
    if spells[-1].school_id in visible:
        return None
    last = max(index for index, spell in enumerate(spells) if spell.school_id in visible)
    ours = spells[last]
    closed = ours.history.filter(ended_on__isnull=False).order_by("history_date").values_list("history_date")
    moment = closed.first()
    moment = moment[0] if moment else timezone.make_aware(datetime.combine(ours.ended_on, time.max))
    return moment, spells[: last + 1]
