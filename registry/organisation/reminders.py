"""Reminder source of the national calendar (DOMAIN "Dates to remember"): 30 September (new pupils entered,
the other grades' changes done) and 31 July (graduation done) → every registrar, 14, 7, 3 and 1 days before
and on the day. The rule would allow one a day for the last 14 days; fifteen e-mails in a row to every
registrar of the county is noise that teaches people to ignore the reminders, so only these milestones.
Collected and sent by registry.notifications.reminders."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.notifications.reminders import Reminder, reminder_source
from registry.roles import Role

DEADLINE_REMINDER_DAYS = (14, 7, 3, 1, 0)
NATIONAL_DEADLINES = (  # (month, day), what must be done by then
    ((9, 30), gettext_lazy("new pupils entered and the other grades' status changes done")),
    ((7, 31), gettext_lazy("graduation done")),
)


@reminder_source
def national_deadlines(today):
    """The national deadlines that today is a reminder day of, to every registrar."""
    reminders = []
    for (month, day), what in NATIONAL_DEADLINES:
        deadline = date(today.year, month, day)
        days = (deadline - today).days
        if days in DEADLINE_REMINDER_DAYS:
            reminders.append(_deadline_reminder(deadline, what, days))
    return reminders


def _deadline_reminder(deadline, what, days):
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
    return Reminder((Role.REGISTRAR,), f"deadline:{deadline.isoformat()}", title, body)
