"""Reminder source of the semester roll reconciliation: every school with pupils on its register and no
signed (or received) reconciliation two weeks (ROLL_CHECK_DUE_DAYS) into the current semester → its
registrars and headteachers, every day until signed. Collected and sent by registry.notifications.reminders;
two queries, or one when no semester is due."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from registry.models import School, Semester
from registry.notifications.reminders import Reminder, reminder_source
from registry.roles import Role
from students.models import EnrolmentSpell, RollCheck

ROLL_CHECK_DUE_DAYS = 14  # the semester's roll reconciliation is signed two weeks into the semester


@reminder_source
def unsigned_roll_checks(today):
    semester, schools = _unsigned(today)
    return [_roll_check_reminder(school, semester) for school in schools]


def _unsigned(today):
    """The semester that started at least ROLL_CHECK_DUE_DAYS days ago and has not ended, and the schools with
    pupils on their register whose reconciliation of it is not signed or received (`roll_check_state`: None
    when not started)."""
    semester = Semester.containing(today)
    if semester is None or semester.starts_on > today - timedelta(days=ROLL_CHECK_DUE_DAYS):
        return None, []
    checks = RollCheck.objects.filter(school=OuterRef("pk"), semester=semester)
    done = checks.filter(state__in=[RollCheck.State.SIGNED, RollCheck.State.RECEIVED])
    pupils = EnrolmentSpell.objects.filter(school=OuterRef("pk"), ended_on__isnull=True)
    schools = (
        School.objects.filter(Exists(pupils))
        .exclude(Exists(done))
        .annotate(roll_check_state=Subquery(checks.values("state")[:1]))
        .order_by("code")
    )
    return semester, list(schools)


def _roll_check_reminder(school, semester):
    subject = {
        "school": school.name,
        "semester": str(semester),
        "date": (semester.starts_on + timedelta(days=ROLL_CHECK_DUE_DAYS)).isoformat(),
    }
    title = _("The roll reconciliation of %(semester)s is not signed") % subject
    if school.roll_check_state is None:
        body = _("%(school)s has not started the roll reconciliation of %(semester)s.") % subject
    elif school.roll_check_state == RollCheck.State.SUBMITTED:
        body = _("The roll reconciliation of %(school)s for %(semester)s awaits the headteacher's signature.") % subject
    else:
        body = _("The roll reconciliation of %(school)s for %(semester)s is still being prepared.") % subject
    body += " " + _("It was due to be signed by %(date)s, two weeks into the semester.") % subject
    return Reminder(
        (Role.REGISTRAR, Role.HEADTEACHER),
        f"roll-check:{semester.pk}:{school.pk}",
        title,
        body,
        reverse("roll_check", args=[school.code, semester.pk]),
        school_pk=school.pk,
    )
