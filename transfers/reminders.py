"""The daily deadline reminders (DOMAIN "Dates to remember", "Status changes"; DESIGN §6: celery beat at 07:00).

For `today`, each of these becomes a Notification in the inbox of the people who must act, e-mailed as a
digest (registry.notifications.deliver):

- the current step of every pending request (the first undecided step of its current round) that is due
  within 2 working days or overdue → the officers of its authority, or the registrars and headteachers of
  its school (the sending school of a transfer);
- every open suspension ending within 30 days or already past its planned end → the registrars of the
  pupil's school, unless a resumption or an extension is already under review;
- every new pupil who entered more than a month ago and is still not on any register, with an open
  (under review or returned) registration → the registrars of the school that started it (办法: the record
  is created within one month of entry);
- the national deadlines, 30 September (new pupils entered, the other grades' changes done) and 31 July
  (graduation done) → every registrar, 14, 7, 3 and 1 days before and on the day. The rule would allow one
  a day for the last 14 days; fifteen e-mails in a row to every registrar of the county is noise that
  teaches people to ignore the reminders, so only these milestones;
- every school with pupils on its register and no signed (or received) roll reconciliation two weeks
  (ROLL_CHECK_DUE_DAYS) into the current semester → its registrars and headteachers, every day until signed.

A reminder is unique per recipient, item and day, so a second run on one day (beat firing twice, a task
redelivered after a killed worker) creates and e-mails nothing, and the next day reminds again while the
item is still open. A run takes a fixed number of queries, however many items there are.
"""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.models import Notification, School, Semester
from registry.notifications.services import deliver
from registry.organisation.working_days import WorkingDayCalendar
from registry.roles import Role
from registry.scoping import role_holders
from students.models import EnrolmentSpell, RollCheck, Suspension
from transfers.models import ApprovalStep, ChangeRequest

STEP_WARNING_WORKING_DAYS = 2
SUSPENSION_WARNING_DAYS = 30
DEADLINE_REMINDER_DAYS = (14, 7, 3, 1, 0)
ROLL_CHECK_DUE_DAYS = 14  # the semester's roll reconciliation is signed two weeks into the semester
NATIONAL_DEADLINES = (  # (month, day), what must be done by then
    ((9, 30), gettext_lazy("new pupils entered and the other grades' status changes done")),
    ((7, 31), gettext_lazy("graduation done")),
)
# Two working days ahead is never further than this many calendar days (the longest holiday is 8 days).
_STEP_LOOKAHEAD = timedelta(days=21)


def send_daily_reminders(today: date | None = None) -> dict:
    """Create (and e-mail) today's reminders; return how many were created and how many people got one."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        steps = _current_steps(today)
        suspensions = _ending_suspensions(today)
        registrations = _late_registrations(today)
        deadlines = _deadlines(today)
        roll_check_semester, unsigned_schools = _unsigned_roll_checks(today)

        school_pks = {step.school_id for step in steps if step.school_id}
        school_pks |= {suspension.school_pk for suspension in suspensions}
        school_pks |= {request.school_id for request in registrations}
        school_pks |= {school.pk for school in unsigned_schools}
        school_roles = [Role.REGISTRAR, Role.HEADTEACHER]
        if deadlines:  # every registrar, so every school's staff in the same one query
            school_staff = role_holders(school_roles)
        else:
            school_staff = role_holders(school_roles, school_pks) if school_pks else {}
        authority_pks = {step.authority_id for step in steps if step.authority_id}
        officers = role_holders([Role.OFFICER], authority_pks) if authority_pks else {}

        candidates = []
        for step, days_left in steps.items():
            if step.authority_id:
                recipients = officers.get((Role.OFFICER, step.authority_id), [])
            else:
                recipients = [
                    user for role in school_roles for user in school_staff.get((role, step.school_id), [])
                ]  # fmt: skip
            candidates += _for_each(recipients, today, *_step_texts(step, today, days_left))
        for suspension in suspensions:
            recipients = school_staff.get((Role.REGISTRAR, suspension.school_pk), [])
            candidates += _for_each(recipients, today, *_suspension_texts(suspension, today))
        for request in registrations:
            recipients = school_staff.get((Role.REGISTRAR, request.school_id), [])
            candidates += _for_each(recipients, today, *_registration_texts(request))
        for school in unsigned_schools:
            recipients = [user for role in school_roles for user in school_staff.get((role, school.pk), [])]
            candidates += _for_each(recipients, today, *_roll_check_texts(school, roll_check_semester))
        if deadlines:
            registrars = {
                user.pk: user for (role, _pk), users in school_staff.items() if role == Role.REGISTRAR for user in users
            }
            for deadline, what in deadlines:
                candidates += _for_each(registrars.values(), today, *_deadline_texts(deadline, what, today))
    created = deliver(candidates)
    return {"created": len(created), "recipients": len({notification.recipient_id for notification in created})}


def _for_each(recipients, today, key, title, body, link=""):
    return [
        Notification(recipient=user, key=key, day=today, title=title[:200], body=body, link=link) for user in recipients
    ]


# --- what is due -------------------------------------------------------------------------------------------


def _current_steps(today) -> dict:
    """The current step of each pending request that is due within STEP_WARNING_WORKING_DAYS working days
    or overdue, with its working days left (negative when overdue): two queries (steps, calendar)."""
    earlier_undecided = ApprovalStep.objects.filter(
        request=OuterRef("request"),
        round=OuterRef("round"),
        position__lt=OuterRef("position"),
        decision=ApprovalStep.Decision.PENDING,
    )
    steps = list(
        ApprovalStep.objects.filter(
            decision=ApprovalStep.Decision.PENDING,
            request__state=ChangeRequest.State.PENDING,
            round=F("request__round"),
            due_on__lte=today + _STEP_LOOKAHEAD,
        )
        .exclude(Exists(earlier_undecided))
        .select_related("request__student", "request__school")
        .order_by("due_on", "pk")
    )
    if not steps:
        return {}
    working_days = WorkingDayCalendar(min(steps[0].due_on, today), today + _STEP_LOOKAHEAD)
    due = {}
    for step in steps:
        days_left = working_days.working_days_between(today, step.due_on)
        if days_left <= STEP_WARNING_WORKING_DAYS:
            due[step] = days_left
    return due


def _ending_suspensions(today):
    """Open suspensions ending within SUSPENSION_WARNING_DAYS days or past their end, with the school of the
    pupil's open enrolment spell (`school_pk`); none whose resumption or extension is under review."""
    open_spell_school = EnrolmentSpell.objects.filter(student=OuterRef("student"), ended_on__isnull=True).values(
        "school"
    )[:1]
    under_review = ChangeRequest.objects.filter(
        student=OuterRef("student"),
        state=ChangeRequest.State.PENDING,
        kind__in=[ChangeRequest.Kind.RESUMPTION, ChangeRequest.Kind.SUSPENSION],
    )
    return list(
        Suspension.objects.filter(ended_on__isnull=True, ends_on__lte=today + timedelta(days=SUSPENSION_WARNING_DAYS))
        .annotate(school_pk=Subquery(open_spell_school))
        .filter(school_pk__isnull=False)
        .exclude(Exists(under_review))
        .select_related("student")
        .order_by("ends_on", "pk")
    )


def _late_registrations(today):
    """Open registrations (under review or returned) of pupils who entered more than a month ago and are on
    no register. An open request is always the pupil's latest (one open request per pupil)."""
    return list(
        ChangeRequest.objects.filter(
            kind=ChangeRequest.Kind.REGISTRATION,
            state__in=ChangeRequest.OPEN_STATES,
            student__entry_date__lt=_one_month_before(today),
        )
        .exclude(Exists(EnrolmentSpell.objects.filter(student=OuterRef("student"))))
        .select_related("student")
        .order_by("student__entry_date", "pk")
    )


def _unsigned_roll_checks(today):
    """The semester that started at least ROLL_CHECK_DUE_DAYS days ago and has not ended, and the schools with
    pupils on their register whose reconciliation of it is not signed or received (`roll_check_state`: None
    when not started): two queries, or one when no semester is due."""
    semester = (
        Semester.objects.filter(starts_on__lte=today - timedelta(days=ROLL_CHECK_DUE_DAYS), ends_on__gte=today)
        .order_by("-starts_on")
        .first()
    )
    if semester is None:
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


def _one_month_before(day):
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _deadlines(today):
    """The national deadlines that today is a reminder day of."""
    found = []
    for (month, day), what in NATIONAL_DEADLINES:
        deadline = date(today.year, month, day)
        if (deadline - today).days in DEADLINE_REMINDER_DAYS:
            found.append((deadline, what))
    return found


# --- what the reminders say (titles name no pupil: they go out by e-mail) --------------------------------------


def _step_texts(step, today, days_left):
    request = step.request
    subject = {"kind": request.get_kind_display(), "pupil": request.student.name, "school": request.school.name}
    due_on = step.due_on.isoformat()
    if step.due_on < today:
        title = _("Overdue: %(kind)s, due on %(date)s") % {**subject, "date": due_on}
        body = _("%(kind)s of %(pupil)s (%(school)s) awaits your decision; it was due on %(date)s.") % {
            **subject,
            "date": due_on,
        }
        if days_left < 0:
            body += " " + ngettext(
                "Overdue by %(days)d working day.", "Overdue by %(days)d working days.", -days_left
            ) % {"days": -days_left}
    else:
        title = _("%(kind)s due on %(date)s") % {**subject, "date": due_on}
        body = _("%(kind)s of %(pupil)s (%(school)s) awaits your decision by %(date)s.") % {**subject, "date": due_on}
        body += " " + (
            _("It is due today.")
            if step.due_on == today
            else ngettext("%(days)d working day left.", "%(days)d working days left.", days_left) % {"days": days_left}
        )
    return f"step-due:{step.pk}", title, body, reverse("request_detail", args=[request.pk])


def _suspension_texts(suspension, today):
    days = (suspension.ends_on - today).days
    subject = {"pupil": suspension.student.name, "date": suspension.ends_on.isoformat()}
    if days >= 0:
        title = _("A suspension ends on %(date)s") % subject
        body = (
            _("The suspension of %(pupil)s ends today, %(date)s.") % subject
            if days == 0
            else ngettext(
                "The suspension of %(pupil)s ends on %(date)s, in %(days)d day.",
                "The suspension of %(pupil)s ends on %(date)s, in %(days)d days.",
                days,
            )
            % {**subject, "days": days}
        )
        body += " " + _(
            "Start the resumption when the pupil returns, or apply for an extension 15 working days before the end."
        )
    else:
        title = _("Overdue: a suspension ended on %(date)s") % subject
        body = ngettext(
            "The suspension of %(pupil)s ended on %(date)s, %(days)d day ago, and the pupil has not resumed.",
            "The suspension of %(pupil)s ended on %(date)s, %(days)d days ago, and the pupil has not resumed.",
            -days,
        ) % {**subject, "days": -days}
        body += " " + _("Start the resumption or an extension.")
    return f"suspension-ending:{suspension.pk}", title, body, reverse("pupil_detail", args=[suspension.student_id])


def _registration_texts(request):
    student = request.student
    subject = {"pupil": student.name, "date": student.entry_date.isoformat()}
    title = _("A pupil who entered on %(date)s is still not registered") % subject
    body = (
        _("%(pupil)s entered on %(date)s and is still not registered; the record is due within one month of entry.")
        % subject
    )
    if request.state == ChangeRequest.State.RETURNED:
        body += " " + _("The registration was returned for amendment: correct it and submit it again.")
    else:
        body += " " + _("The registration is awaiting the town office's review.")
    return f"unregistered:{student.pk}", title, body, reverse("request_detail", args=[request.pk])


def _roll_check_texts(school, semester):
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
    link = reverse("roll_check", args=[school.code, semester.pk])
    return f"roll-check:{semester.pk}:{school.pk}", title, body, link


def _deadline_texts(deadline, what, today):
    days = (deadline - today).days
    subject = {"date": deadline.isoformat(), "what": what}
    title = _("National deadline %(date)s: %(what)s") % subject
    if days == 0:
        body = _("Today, %(date)s, is the national deadline: %(what)s.") % subject
    else:
        body = ngettext(
            "The national deadline is %(date)s, in %(days)d day: %(what)s.",
            "The national deadline is %(date)s, in %(days)d days: %(what)s.",
            days,
        ) % {**subject, "days": days}
    return f"deadline:{deadline.isoformat()}", title, body
