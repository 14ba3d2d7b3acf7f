"""Reminder source of the status changes (DOMAIN "Status changes", "Dates to remember"), collected and sent
by registry.notifications.reminders:

- the current step of every pending request (the first undecided step of its current round) that is due
  within 2 working days or overdue → the officers of its authority, or the registrars and headteachers of
  its school (the sending school of a transfer);
- every open suspension ending within 30 days or already past its planned end → the registrars of the
  pupil's school, unless a resumption or an extension is already under review;
- every new pupil who entered more than a month ago and is still not on any register, with an open
  (under review or returned) registration → the registrars of the school that started it (办法: the record
  is created within one month of entry).

Three queries and the working-day calendar's one, however many items there are.
"""

import calendar
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.notifications.reminders import Reminder, reminder_source
from registry.organisation.working_days import WorkingDayCalendar
from registry.roles import Role
from students.models import EnrolmentSpell, Suspension
from transfers.models import ApprovalStep, ChangeRequest

STEP_WARNING_WORKING_DAYS = 2
SUSPENSION_WARNING_DAYS = 30
# Two working days ahead is never further than this many calendar days (the longest holiday is 8 days).
_STEP_LOOKAHEAD = timedelta(days=21)
SCHOOL_STAFF = (Role.REGISTRAR, Role.HEADTEACHER)


@reminder_source
def status_change_reminders(today):
    """Today's reminders of due steps, ending suspensions and late registrations."""
    reminders = []
    for step, days_left in _current_steps(today).items():
        key, title, body, link = _step_texts(step, today, days_left)
        if step.authority_id:
            reminders.append(Reminder((Role.OFFICER,), key, title, body, link, authority_pk=step.authority_id))
        else:
            reminders.append(Reminder(SCHOOL_STAFF, key, title, body, link, school_pk=step.school_id))
    for suspension in _ending_suspensions(today):
        key, title, body, link = _suspension_texts(suspension, today)
        reminders.append(Reminder((Role.REGISTRAR,), key, title, body, link, school_pk=suspension.school_pk))
    for request in _late_registrations(today):
        key, title, body, link = _registration_texts(request)
        reminders.append(Reminder((Role.REGISTRAR,), key, title, body, link, school_pk=request.school_id))
    return reminders


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


def _one_month_before(day):
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
