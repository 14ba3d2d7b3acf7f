"""Working days in China: statutory holidays off, make-up workdays (调休) on.

The chinesecalendar package knows the State Council's calendar for the years it covers; the
administrator's CalendarDay rows take precedence and extend it; beyond both, Monday to Friday.
"""

from datetime import date, timedelta

import chinese_calendar

from registry.models import CalendarDay


class WorkingDayCalendar:
    """Answers "is this a working day?" for a span of dates with one query for the overrides."""

    def __init__(self, start: date, end: date):
        self.overrides = dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))

    def working_days_between(self, today: date, due: date) -> int:
        """Working days from `today` until `due` (both within this calendar's span); negative if past."""
        sign = 1 if due >= today else -1
        first, last = (today, due) if sign > 0 else (due, today)
        days = sum(1 for offset in range(1, (last - first).days + 1) if self.is_workday(first + timedelta(days=offset)))
        return sign * days

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (the deadline of a step started on `start`)."""
    calendar = WorkingDayCalendar(start, start + timedelta(days=count * 3 + 30))
    day, remaining = start, count
    while remaining > 0:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            remaining -= 1
    return day
