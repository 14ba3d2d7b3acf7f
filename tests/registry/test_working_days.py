"""Deadlines count Chinese working days: holidays off, make-up workdays on, administrator's table first."""

from datetime import date

from registry.models import CalendarDay
from registry.organisation.working_days import WorkingDayCalendar, add_working_days


def test_national_day_week_is_skipped_and_the_make_up_saturday_counts(db):
    # 2026: 1–7 October off; Saturday 10 October is a make-up workday.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)


def test_fifteen_working_days_for_a_new_record(db):
    assert add_working_days(date(2026, 11, 25), 15) == date(2026, 12, 16)


def test_administrator_table_extends_years_the_package_does_not_know(db):
    assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 8)  # plain Monday beyond the package
    CalendarDay.objects.create(date=date(2027, 2, 8), is_workday=False, note="春节")
    CalendarDay.objects.create(date=date(2027, 2, 7), is_workday=True, note="调休")
    assert add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 7)
    assert add_working_days(date(2027, 2, 7), 1) == date(2027, 2, 9)


def test_days_left_is_negative_when_overdue(db):
    calendar = WorkingDayCalendar(date(2026, 11, 20), date(2026, 12, 5))
    assert calendar.working_days_between(date(2026, 11, 25), date(2026, 11, 27)) == 2
    assert calendar.working_days_between(date(2026, 11, 27), date(2026, 11, 27)) == 0
    assert calendar.working_days_between(date(2026, 11, 30), date(2026, 11, 26)) == -2
