"""School numbers (学号, seed 004; DOMAIN School numbers): a pupil gets a number at a school when they come
onto its register (a registration approved, a transfer in completed), keeps it through suspension and class
changes, and it is retired when they leave that school (transfer out, withdrawal, graduation, death). A number
is unique within its school and never handed out again: retired numbers stay in the table, which the
database keeps unique per school. The number is built from the school's format (SchoolNumberFormat). A
class is renumbered in order (after a class change or a reorganisation) with a preview first; the old numbers
are retired, never reused."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, Subquery
from django.utils.translation import gettext as _

from audit.bulk import create_with_history
from audit.history import acting_as
from registry.models import School
from registry.scoping import can
from students import events
from students.models import EnrolmentSpell, SchoolNumber, SchoolNumberFormat
from students.school_numbers.selectors import current_school_numbers

PART_NAMES = ("year", "code", "grade", "class", "seat")


class SchoolNumberRefused(Exception):
    """No number can be made (the format is wrong, or its seat numbers are used up); the message says why."""


def parse_parts(spec):
    """[(part, width)] from a format such as "year:4 class:2 seat:2"; the seat part is required (it is what
    makes each number unique)."""
    parts = []
    for item in spec.split():
        name, _colon, width = item.partition(":")
        if name not in PART_NAMES or not width.isdigit() or not 1 <= int(width) <= 10:
            raise SchoolNumberRefused(
                _("“%(part)s” is not a part of a school number; use year, code, grade, class or seat with a width, "
                  "e.g. year:4.") % {"part": item}
            )  # fmt: skip
        parts.append((name, int(width)))
    if [name for name, _width in parts].count("seat") != 1:
        raise SchoolNumberRefused(_("A school number format needs exactly one seat part (e.g. seat:2)."))
    return parts


def format_of(school):
    """The school's format, or the default (入学年份(4) + 班级号(2) + 座号(2)) when it has set none."""
    return SchoolNumberFormat.objects.filter(school=school).first() or SchoolNumberFormat(school=school)


def _number(parts, values, seat):
    """The parts filled in, each to its width: zero-padded, and a value wider than its part keeps its last
    digits (the seat search below still keeps every number unique)."""
    return "".join(str(seat if name == "seat" else values[name]).zfill(width)[-width:] for name, width in parts)


def _values(spell, number_format, day):
    entry = spell.student.entry_date
    return {
        "year": (entry or day).year,
        "code": number_format.internal_code,
        "grade": spell.grade,
        "class": spell.school_class.number if spell.school_class else 0,
    }


def _prefix(parts, values):
    """The number's parts before its seat: what the pupil's class and entry year fix."""
    return _number(parts[: [name for name, _width in parts].index("seat")], values, 0)


def _first_free(parts, values, taken, school):
    """The parts filled in with the lowest seat number whose result is not in `taken`."""
    for seat in range(1, 10 ** dict(parts)["seat"]):
        number = _number(parts, values, seat)
        if number not in taken:
            return number
    raise SchoolNumberRefused(
        _("%(school)s has used every seat number of %(prefix)s; widen the seat part of its school number format.")
        % {"school": school, "prefix": _prefix(parts, values)}
    )


def next_number(spell, *, day):
    """The next free number for the pupil of `spell` at its school: the parts filled in, with the lowest seat
    number whose result was never used at the school (retired numbers included)."""
    number_format = format_of(spell.school)
    parts = parse_parts(number_format.parts)
    values = _values(spell, number_format, day)
    taken = set(
        SchoolNumber.objects.filter(school=spell.school, number__startswith=_prefix(parts, values)).values_list(
            "number", flat=True
        )
    )
    return _first_free(parts, values, taken, spell.school)


def set_format(school, *, parts, internal_code, actor):
    """The school's registrar sets how its numbers are built; numbers already given stay as they are."""
    parse_parts(parts)
    with transaction.atomic(), acting_as(actor, reason="students.school_number.format"):
        number_format, _created = SchoolNumberFormat.objects.select_for_update().get_or_create(school=school)
        number_format.parts, number_format.internal_code = " ".join(parts.split()), internal_code.strip()
        number_format.save()
    return number_format


def example_number(number_format, *, year):
    """What a number in this format looks like: grade 3, class 3, seat 15, entering in `year`."""
    values = {"year": year, "code": number_format.internal_code, "grade": 3, "class": 3}
    return _number(parse_parts(number_format.parts), values, 15)


def keep_school_numbers(student, *, day, wanted=""):
    """Bring the pupil's numbers in line with their register: retire the current number at any school whose
    register they left, and give them a number at the school whose register they are on, if they have none —
    `wanted` (the number an import gave) if the school never gave it, else the next in its format."""
    spell = student.spells.select_related("school", "school_class").filter(ended_on__isnull=True).first()
    with transaction.atomic():
        current = SchoolNumber.objects.filter(student=student, retired_on__isnull=True)
        if spell is not None:
            current = current.exclude(school=spell.school)
        for number in current:
            number.retired_on = day
            number.save(update_fields=["retired_on"])
        if (
            spell is None
            or SchoolNumber.objects.filter(student=student, school=spell.school, retired_on__isnull=True).exists()
        ):
            return None
        School.objects.select_for_update().get(pk=spell.school_id)  # one number at a time per school
        if not wanted or SchoolNumber.objects.filter(school=spell.school, number=wanted).exists():
            wanted = next_number(spell, day=day)
        return SchoolNumber.objects.create(school=spell.school, student=student, number=wanted, assigned_on=day)


def number_the_register(*, day, actor=None):
    """Give every pupil on a register who has no number at their school one (pupils entered before school
    numbers existed, the demo's), in the order of school, class and name, so seats follow the class list.
    Set-based: per school one lock, one read of its numbers and one bulk insert (history rows naming `actor`,
    else the system account). The count."""
    spells = (
        EnrolmentSpell.objects.filter(ended_on__isnull=True)
        .exclude(Exists(current_school_numbers()))
        .order_by("school", "grade", "school_class__number", "student__name", "pk")
        .select_related("student", "school", "school_class")
    )
    by_school = {}
    for spell in spells:
        by_school.setdefault(spell.school_id, []).append(spell)
    count = 0
    with acting_as(actor, reason="students.school_number.assigned"):
        for school_id, group in by_school.items():
            with transaction.atomic():
                School.objects.select_for_update().get(pk=school_id)  # one numbering at a time per school
                number_format = format_of(group[0].school)
                parts = parse_parts(number_format.parts)
                taken = set(SchoolNumber.objects.filter(school=school_id).values_list("number", flat=True))
                current = set(
                    SchoolNumber.objects.filter(school=school_id, retired_on__isnull=True).values_list(
                        "student", flat=True
                    )
                )
                numbers = []
                for spell in group:
                    if spell.student_id in current:  # numbered meanwhile
                        continue
                    number = _first_free(parts, _values(spell, number_format, day), taken, spell.school)
                    taken.add(number)
                    numbers.append(
                        SchoolNumber(school_id=school_id, student_id=spell.student_id, number=number, assigned_on=day)
                    )
                create_with_history(numbers, SchoolNumber, actor=actor, reason="students.school_number.assigned")
                count += len(numbers)
    return count


@dataclass(frozen=True)
class Renumbering:
    """One line of a class's renumbering: the pupil, their current number ("" for none) and the new one
    ("" when they keep theirs)."""

    spell: EnrolmentSpell
    current: str
    new: str


def renumbering_plan(school_class, *, day, everyone=False):
    """The class's pupils on its register in class-list order (name, then pk), each with the number they
    would get: a pupil whose number does not follow the class (a class change, a reorganisation, none yet)
    gets the next free one in order; with `everyone`, every pupil does. New numbers are never a number the
    school ever gave (retired ones included), so a renumbered class goes on after its highest seat. Three
    queries whatever the class's size."""
    spells = list(
        EnrolmentSpell.objects.filter(school_class=school_class, ended_on__isnull=True)
        .select_related("student", "school", "school_class")
        .annotate(current=Subquery(current_school_numbers().values("number")[:1]))
        .order_by("student__name", "student_id")
    )
    number_format = format_of(school_class.school)
    parts = parse_parts(number_format.parts)
    width = sum(width for _name, width in parts)
    taken = set(SchoolNumber.objects.filter(school=school_class.school_id).values_list("number", flat=True))
    plan = []
    for spell in spells:
        current, values = spell.current or "", _values(spell, number_format, day)
        if not everyone and current.startswith(_prefix(parts, values)) and len(current) == width:
            plan.append(Renumbering(spell, current, ""))
            continue
        number = _first_free(parts, values, taken, school_class.school)
        taken.add(number)
        plan.append(Renumbering(spell, current, number))
    return plan


def renumber_class(school_class, *, actor, day, everyone=False, expected=None):
    """Give the class's pupils their new numbers by the plan (renumbering_plan): each changed pupil's
    current number is retired and the new one given, recorded in history. `expected` ([(pupil pk, new
    number)] of the preview the registrar saw): if the plan differs now, nothing changes. The count."""
    if not can(actor, "school_number.configure", school_class.school):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason="students.school_number.renumbered"):
        School.objects.select_for_update().get(pk=school_class.school_id)  # one numbering at a time per school
        plan = [line for line in renumbering_plan(school_class, day=day, everyone=everyone) if line.new]
        if expected is not None and [(line.spell.student_id, line.new) for line in plan] != list(expected):
            raise SchoolNumberRefused(_("The class or its numbers changed since the preview; look at it again."))
        students = [line.spell.student_id for line in plan]
        for number in SchoolNumber.objects.filter(
            school=school_class.school_id, student__in=students, retired_on__isnull=True
        ):
            number.retired_on = day
            number.save(update_fields=["retired_on"])
        for line in plan:
            SchoolNumber.objects.create(
                school_id=school_class.school_id, student_id=line.spell.student_id, number=line.new, assigned_on=day
            )
        if plan:
            events.class_renumbered(school_class, actor=actor, changes=[[line.current, line.new] for line in plan])
    return len(plan)
