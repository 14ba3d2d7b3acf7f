"""The 2026 working-day calendar against the State Council's notice itself (国务院办公厅关于2026年部分节假日安排的
通知, 2025-11-04, as published by Xinhua), typed in here day by day — not taken from the calendar package the
code uses. (The 2027 notice is not checked: it was not at hand to copy from.)"""

from datetime import date, timedelta

import pytest

from registry.organisation.working_days import WorkingDayCalendar, add_working_days


def _days(year, month, first, last):
    return {date(year, month, day) for day in range(first, last + 1)}


HOLIDAYS_2026 = (
    _days(2026, 1, 1, 3)  # 元旦: 1月1日至3日放假调休
    | _days(2026, 2, 15, 23)  # 春节: 2月15日至23日
    | _days(2026, 4, 4, 6)  # 清明节: 4月4日至6日
    | _days(2026, 5, 1, 5)  # 劳动节: 5月1日至5日
    | _days(2026, 6, 19, 21)  # 端午节: 6月19日至21日
    | _days(2026, 9, 25, 27)  # 中秋节: 9月25日至27日
    | _days(2026, 10, 1, 7)  # 国庆节: 10月1日至7日
)
MAKE_UP_WORKDAYS_2026 = {
    date(2026, 1, 4),  # 1月4日（周日）上班
    date(2026, 2, 14),  # 2月14日（周六）上班
    date(2026, 2, 28),  # 2月28日（周六）上班
    date(2026, 5, 9),  # 5月9日（周六）上班
    date(2026, 9, 20),  # 9月20日（周日）上班
    date(2026, 10, 10),  # 10月10日（周六）上班
}


def _notice_says_workday(day):
    if day in HOLIDAYS_2026:
        return False
    return day in MAKE_UP_WORKDAYS_2026 or day.weekday() < 5


def test_every_day_of_2026_is_a_working_day_exactly_when_the_notice_says_so(db):
    calendar = WorkingDayCalendar(date(2026, 1, 1), date(2026, 12, 31))
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    wrong = [day for day in days if calendar.is_workday(day) != _notice_says_workday(day)]
    assert wrong == []
    assert sum(map(_notice_says_workday, days)) == 248  # 261 weekdays − 19 of them off + 6 make-up days
    assert calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Friday before the Spring Festival: the make-up Saturday
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # then nine days off
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # National Day week skipped
        (date(2026, 10, 8), 2, date(2026, 10, 10)),  # …and the make-up Saturday counts
        (date(2026, 4, 30), 1, date(2026, 5, 6)),  # Labour Day, five days
    ],
)
def test_deadlines_around_the_2026_holidays(db, start, count, due):
    assert add_working_days(start, count) == due
