"""Reading school numbers beside a list of enrolment spells: the number the pupil holds at the spell's school."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from students.models import SchoolNumber


def current_school_numbers():
    """The current numbers of an outer spell's pupil at the spell's school (for Exists/Subquery)."""
    return SchoolNumber.objects.filter(student=OuterRef("student"), school=OuterRef("school"), retired_on__isnull=True)


def with_school_numbers(spells):
    """`spells` with `school_number`: the pupil's current number at the spell's school ("" when none)."""
    return spells.annotate(school_number=Subquery(current_school_numbers().values("number")[:1]))


def school_numbers_of(student_id, *, as_of=None):
    """The pupil's numbers at every school, oldest first; for a former school's view (`as_of`, the moment the
    pupil left it) only those assigned by then."""
    numbers = SchoolNumber.objects.filter(student_id=student_id).select_related("school").order_by("assigned_on", "pk")
    if as_of is not None:
        numbers = numbers.filter(assigned_on__lte=timezone.localdate(as_of))
    return list(numbers)
