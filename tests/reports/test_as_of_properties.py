"""Property test (Hypothesis) of the as-of rule the statistics count by (students.selectors.on_register_q):
a spell is on the register on day D exactly when it started on or before D and had not ended by D — a
spell ending on D is off the register that day."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.models import School
from reports.statistics.figures import figures
from students.models import EnrolmentSpell
from students.selectors import on_register

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FIRST = date(2026, 9, 1)


@PROPERTY
@given(start=st.integers(0, 60), length=st.one_of(st.none(), st.integers(1, 60)), day=st.integers(-5, 130))
def test_a_spell_counts_on_day_d_exactly_when_started_by_d_and_not_ended_by_d(world, start, length, day):
    started = FIRST + timedelta(days=start)
    ended = None if length is None else started + timedelta(days=length)
    on = FIRST + timedelta(days=day)
    pupil_spell = world.pupils["own"].spells.get()
    EnrolmentSpell.objects.filter(pk=pupil_spell.pk).update(
        started_on=started, ended_on=ended, exit_reason="" if ended is None else "withdrawn"
    )
    expected = started <= on and (ended is None or on < ended)
    assert on_register(world.school_a, on).filter(pk=pupil_spell.pk).exists() == expected
    others = on_register(world.school_a, on).exclude(pk=pupil_spell.pk).count()
    schools = School.objects.filter(pk=world.school_a.pk)
    assert figures(schools, on).total.pupils == others + expected
