"""Deadlines count Chinese working days: holidays off, make-up workdays on, administrator's table first."""

from datetime import date, timedelta

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


def _counted_day_by_day(calendar, today, due):
    sign = 1 if due >= today else -1
    first, last = (today, due) if sign > 0 else (due, today)
    return sign * sum(calendar.is_workday(first + timedelta(days=n)) for n in range(1, (last - first).days + 1))


def test_the_index_counts_as_the_calendar_does_across_years_and_overrides(db):
    CalendarDay.objects.create(date=date(2027, 2, 8), is_workday=False, note="春节")
    CalendarDay.objects.create(date=date(2027, 2, 7), is_workday=True, note="调休")
    CalendarDay.objects.create(date=date(2026, 10, 12), is_workday=True, note="same as the national calendar")
    calendar = WorkingDayCalendar(date(2025, 12, 1), date(2027, 3, 31))
    days = [date(2025, 12, 1) + timedelta(days=n) for n in range(0, 485, 17)] + [date(2027, 2, 7), date(2027, 2, 8)]
    for today in days[::3]:
        for due in days:
            assert calendar.working_days_between(today, due) == _counted_day_by_day(calendar, today, due)
    assert calendar.working_days_between(date(2027, 2, 5), date(2027, 2, 9)) == 2  # 7th on, 8th off


def test_a_queue_page_asks_the_national_calendar_nothing_per_row(db, monkeypatch):
    import chinese_calendar

    calendar = WorkingDayCalendar(date(2026, 1, 1), date(2026, 12, 31))
    calendar.working_days_between(date(2026, 1, 1), date(2026, 12, 31))  # the year is indexed once per process
    calls = []
    original = chinese_calendar.is_workday
    monkeypatch.setattr(chinese_calendar, "is_workday", lambda day: calls.append(day) or original(day))
    for offset in range(200):
        calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 2) + timedelta(days=offset))
    assert calls == []


def test_an_administrators_holiday_far_ahead_still_moves_a_long_deadline(db):
    # 60 working days from Monday 1 March 2027 (beyond the package: Monday to Friday) end on Monday 24 May
    assert add_working_days(date(2027, 3, 1), 60) == date(2027, 5, 24)
    CalendarDay.objects.create(date=date(2027, 5, 20), is_workday=False, note="declared late in the year")
    assert add_working_days(date(2027, 3, 1), 60) == date(2027, 5, 25)
