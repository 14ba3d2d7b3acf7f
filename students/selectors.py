"""Reads of pupils, always scoped through registry.scoping: a pupil of another school is not found."""

from registry.scoping import schools_visible_to
from students.models import EnrolmentSpell, Student


def open_spells_visible_to(user):
    """The registers the user may read: open enrolment spells at the schools in their scope."""
    return EnrolmentSpell.objects.filter(ended_on__isnull=True, school__in=schools_visible_to(user).values("pk"))


def students_visible_to(user):
    """Pupils who are, or were, on the register of a school in the user's scope: a school keeps read access
    to the records of pupils who left it (transferred out, withdrew, graduated — DOMAIN Archives)."""
    spells = EnrolmentSpell.objects.filter(school__in=schools_visible_to(user).values("pk"))
    return Student.objects.filter(pk__in=spells.values("student_id"))
