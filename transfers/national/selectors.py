"""The sets of a school's pupils an export in the national template can hold: the school's register, one
class, the new registrations approved between two dates, the pupils with a change of status (学籍异动, as in
the change list) approved between two dates (each pupil once, in the grade and class of their latest spell)."""

from students.models import EnrolmentSpell
from students.national.export import latest_spells
from transfers.models import ChangeRequest
from transfers.national.changes import approved_changes, bounds

SCHOOL, CLASS, REGISTERED, CHANGED = "school", "class", "registered", "changed"


def export_spells(school, what, *, school_class=None, start=None, end=None):
    """The EnrolmentSpell rows of the set `what` (SCHOOL, CLASS, REGISTERED or CHANGED) of `school`."""
    if what == SCHOOL:
        return EnrolmentSpell.objects.filter(school=school, ended_on__isnull=True)
    if what == CLASS:
        return EnrolmentSpell.objects.filter(school=school, school_class=school_class, ended_on__isnull=True)
    if what == REGISTERED:
        requests = ChangeRequest.objects.filter(
            state=ChangeRequest.State.APPROVED, closed_at__range=bounds(start, end),
            kind=ChangeRequest.Kind.REGISTRATION, school=school,
        )  # fmt: skip
    else:
        requests = approved_changes(school, start, end)
    return latest_spells(requests.values("student"))
