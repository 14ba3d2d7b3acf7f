"""Working days in China: statutory holidays off, make-up workdays (调休) on.

The chinesecalendar package knows the State Council's calendar for the years it covers; the
administrator's CalendarDay rows take precedence and extend it; beyond both, Monday to Friday.

Counting is by a cumulative index, not day by day: per year (built once per process) the number of national
working days from 1 January through each day, so the working days between two dates are one subtraction; the
administrator's overrides inside a calendar's span are a sorted list of corrections (+1 for a declared
working day the national calendar has off, −1 the other way) with their running sum, found by bisection.
A queue page costs one override query and one lookup per row, whatever the distance to each deadline.
"""

import functools
from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate

import chinese_calendar

from registry.models import CalendarDay

ONE_DAY = timedelta(days=1)


def _national_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


@functools.cache
def _year_index(year: int) -> tuple[int, ...]:
    """National working days from 1 January of `year` through each of its days (index: day of the year − 1)."""
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    return tuple(accumulate(int(_national_workday(first + timedelta(days=n))) for n in range(days)))


def _national_through(day: date, base_year: int) -> int:
    """National working days from 1 January of `base_year` through `day` (inclusive)."""
    before = sum(_year_index(year)[-1] for year in range(base_year, day.year))
    before -= sum(_year_index(year)[-1] for year in range(day.year, base_year))
    return before + _year_index(day.year)[day.timetuple().tm_yday - 1]


class WorkingDayCalendar:
    """Answers "is this a working day?" and "how many working days between?" for a span of dates, with one
    query for the administrator's overrides in that span."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.overrides = dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))
        corrections = sorted(
            (day, int(workday) - int(_national_workday(day)))
            for day, workday in self.overrides.items()
            if workday != _national_workday(day)
        )
        self._override_days = [day for day, _delta in corrections]
        self._override_sums = list(accumulate(delta for _day, delta in corrections))

    def _through(self, day: date) -> int:
        """Working days from 1 January of the span's first year through `day`, overrides applied."""
        position = bisect_right(self._override_days, day)
        corrected = self._override_sums[position - 1] if position else 0
        return _national_through(day, self.start.year) + corrected

    def working_days_between(self, today: date, due: date) -> int:
        """Working days from `today` until `due` (both within this calendar's span); negative if past."""
        return self._through(due) - self._through(today)

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _national_workday(day)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (the deadline of a step started on `start`)."""
    calendar = WorkingDayCalendar(start, start + timedelta(days=count * 3 + 30))
    day, remaining = start, count
    while remaining > 0:
        day += ONE_DAY
        if calendar.is_workday(day):
            remaining -= 1
    return day
