"""Reading school numbers beside a list of enrolment spells: the number the pupil holds at the spell's school."""

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from students.models import SchoolNumber


def current_school_numbers():
    """The current numbers of an outer spell's pupil at the spell's school (for Exists/Subquery)."""
    return SchoolNumber.objects.filter(student=OuterRef("student"), school=OuterRef("school"), retired_on__isnull=True)


def latest_school_numbers():
    """An outer spell's pupil's numbers at the spell's school, latest first: the current one, or the one they
    held when they left (for Subquery)."""
    return SchoolNumber.objects.filter(student=OuterRef("student"), school=OuterRef("school")).order_by(
        "-assigned_on", "-pk"
    )


def numbers_held_on(day, *, school=None):
    """The number an outer row's pupil (`student`) held at its school (`school`, or the given school pk) on
    `day`, for a Subquery: the oldest not retired by then (a number given later, e.g. to pupils entered before
    school numbers existed, stands for the day; one given by a later renumbering does not)."""
    return SchoolNumber.objects.filter(
        Q(retired_on__isnull=True) | Q(retired_on__gt=day),
        student=OuterRef("student"),
        school=OuterRef("school") if school is None else school,
    ).order_by("assigned_on", "pk")


def with_school_numbers(spells, *, as_of=None):
    """`spells` with `school_number`: the pupil's current number at the spell's school (None when none), or
    the one they held on `as_of` (a roll check's date)."""
    numbers = current_school_numbers() if as_of is None else numbers_held_on(as_of)
    return spells.annotate(school_number=Subquery(numbers.values("number")[:1]))


def school_numbers_of(student_id, *, as_of=None):
    """The pupil's numbers at every school, oldest first; for a former school's view (`as_of`, the moment the
    pupil left it) only those assigned by then."""
    numbers = SchoolNumber.objects.filter(student_id=student_id).select_related("school").order_by("assigned_on", "pk")
    if as_of is not None:
        numbers = numbers.filter(assigned_on__lte=timezone.localdate(as_of))
    return list(numbers)
