"""Issue 18 item 4: figures for a past day never change afterwards. A decision takes effect on the register
on the day it is made — a registration approved on 30 November opens the spell on 30 November (the entry date
stays on the pupil), a death or a suspension reported late counts from the decision — so the figures "as of
1 September" are the same before and after any later approval."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from registry.models import School
from reports.statistics import figures as statistics
from students.models import EnrolmentSpell, Suspension
from tests.factories import GuardianFactory, SemesterFactory, StudentFactory
from tests.transfers.kinds_helpers import approve_all, evidence, pupil_in
from transfers.models import ChangeRequest, Evidence
from transfers.registration import register_pupil
from transfers.services import submit_request

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2026, 9, 1)
DECIDED = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)


def _pupils_on(schools, day):
    return statistics.figures(schools, day).total.pupils


@pytest.fixture
def autumn(db):
    return SemesterFactory(school_year=2026)


def test_a_registration_approved_in_november_leaves_september_as_printed(world, autumn):
    schools = School.objects.filter(pk=world.school_a.pk)
    with time_machine.travel(datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        request = register_pupil(
            StudentFactory.build(national_number=None, entry_date=FIRST_DAY),
            GuardianFactory.build_batch(2, student=None), world.class_a, actor=world.users["registrar"],
        )  # fmt: skip
    printed = _pupils_on(schools, FIRST_DAY)
    with time_machine.travel(DECIDED, tick=False):
        approve_all(request, world.users["officer"])
    assert _pupils_on(schools, FIRST_DAY) == printed
    assert _pupils_on(schools, DECIDED.date()) == printed + 1
    spell = request.student.spells.get()
    assert spell.started_on == DECIDED.date()
    request.student.refresh_from_db()
    assert request.student.entry_date == FIRST_DAY  # the entry date (入学年月) is kept on the pupil


def test_a_death_reported_late_leaves_earlier_figures_as_printed(world, autumn):
    with time_machine.travel(datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        pupil = pupil_in(world.school_a)
    EnrolmentSpell.objects.filter(student=pupil).update(started_on=FIRST_DAY)
    schools = School.objects.filter(pk=world.school_a.pk)
    october = date(2026, 10, 15)
    printed = _pupils_on(schools, october)
    with time_machine.travel(DECIDED, tick=False):
        request = submit_request(
            kind=ChangeRequest.Kind.DEATH, student=pupil, school=world.school_a,
            payload={"died_on": date(2026, 10, 1).isoformat()}, actor=world.users["registrar"],
            evidence=evidence(Evidence.Kind.DEATH_CERTIFICATE),
        )  # fmt: skip
        approve_all(request, world.users["officer"])
    assert _pupils_on(schools, october) == printed
    assert _pupils_on(schools, DECIDED.date() + timedelta(days=1)) == printed - 1


def test_a_suspension_asked_from_a_past_day_counts_from_the_decision(world, autumn):
    with time_machine.travel(datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        pupil = pupil_in(world.school_a)
    with time_machine.travel(DECIDED, tick=False):
        request = submit_request(
            kind=ChangeRequest.Kind.SUSPENSION, student=pupil, school=world.school_a,
            payload={"starts_on": "2026-11-20", "ends_on": "2027-03-01", "reason": "病休"},
            actor=world.users["registrar"], evidence=evidence(Evidence.Kind.MEDICAL_CERTIFICATE),
        )  # fmt: skip
        approve_all(request, world.users["officer"])
    assert Suspension.objects.get(student=pupil).started_on == DECIDED.date()
