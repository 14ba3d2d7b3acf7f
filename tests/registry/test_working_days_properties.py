"""Property tests (Hypothesis) of working days: n working days after a day is itself a working day (never
a holiday or a plain weekend), and counting back from it gives n."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.organisation.working_days import WorkingDayCalendar, add_working_days

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(start=st.dates(date(2025, 1, 1), date(2027, 12, 31)), count=st.integers(1, 40))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_away(db, start, count):
    due = add_working_days(start, count)
    calendar = WorkingDayCalendar(start, due)
    assert calendar.is_workday(due)
    assert calendar.working_days_between(start, due) == count
