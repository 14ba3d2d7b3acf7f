"""The roll-reconciliation reminder of the daily run (registry.notifications.reminders): a school with pupils on its
register and no signed (or received) reconciliation two weeks into the semester reminds its registrars and
headteachers, once a day, until it is signed. Texts are checked in English (LANGUAGE_CODE = "en")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Notification
from registry.notifications.reminders import send_daily_reminders
from registry.roles import Role
from registry.services import grant_role
from students.rollcheck.services import (
    receive_roll_check,
    set_headcounts,
    sign_roll_check,
    start_roll_check,
    submit_roll_check,
)
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, SchoolFactory, SemesterFactory, UserFactory

DUE = date(2026, 9, 15)  # two weeks into the autumn 2026 semester (1 September)


@pytest.fixture(autouse=True)
def first_of_september():
    with time_machine.travel(datetime(2026, 9, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def semester(db):
    return SemesterFactory(school_year=2026)  # 2026-09-01 – 2027-01-22


def _roll_check_reminders(**filters):
    return Notification.objects.filter(key__startswith="roll-check:", **filters)


def _recipients(day, school, semester):
    return sorted(
        _roll_check_reminders(day=day, key=f"roll-check:{semester.pk}:{school.pk}").values_list(
            "recipient__username", flat=True
        )
    )


def _sign(world, semester):
    registrar, headteacher = world.users["registrar"], world.users["headteacher"]
    check = start_roll_check(world.school_a, semester, actor=registrar, check_date=date(2026, 9, 10))
    set_headcounts(check, {world.class_a.pk: 1}, actor=registrar)
    submit_roll_check(check, actor=registrar)
    sign_roll_check(check, actor=headteacher)
    return check


def test_no_reminder_in_the_first_two_weeks(world, semester):
    send_daily_reminders(date(2026, 9, 14))
    assert not _roll_check_reminders().exists()


def test_two_weeks_in_every_school_without_a_signature_is_reminded(world, semester):
    send_daily_reminders(DUE)
    assert _recipients(DUE, world.school_a, semester) == ["headteacher", "registrar"]
    assert _recipients(DUE, world.school_b, semester) == ["registrar_sibling"]
    assert _recipients(DUE, world.school_c, semester) == ["registrar_other"]
    assert not _roll_check_reminders(recipient=world.users["officer"]).exists()
    assert not _roll_check_reminders(recipient=world.users["archivist"]).exists()
    reminder = _roll_check_reminders(recipient=world.users["registrar"]).get()
    assert reminder.title == f"The roll reconciliation of {semester} is not signed"
    assert "has not started" in reminder.body and "2026-09-15" in reminder.body
    assert reminder.link == reverse("roll_check", args=[world.school_a.code, semester.pk])


def test_once_a_day_and_again_the_next_day(world, semester):
    send_daily_reminders(DUE)
    count = _roll_check_reminders().count()
    assert count == 4
    send_daily_reminders(DUE)  # beat fired twice
    assert _roll_check_reminders().count() == count
    send_daily_reminders(date(2026, 9, 16))
    assert _roll_check_reminders(day=date(2026, 9, 16)).count() == count


def test_a_signed_or_received_reconciliation_is_done(world, semester):
    check = _sign(world, semester)
    send_daily_reminders(DUE)
    assert _recipients(DUE, world.school_a, semester) == []
    assert _recipients(DUE, world.school_b, semester) == ["registrar_sibling"]
    receive_roll_check(check, actor=world.users["officer"])
    send_daily_reminders(date(2026, 9, 16))
    assert _recipients(date(2026, 9, 16), world.school_a, semester) == []


def test_a_draft_or_submitted_one_still_reminds_and_says_where_it_stands(world, semester):
    registrar = world.users["registrar"]
    check = start_roll_check(world.school_a, semester, actor=registrar, check_date=date(2026, 9, 10))
    send_daily_reminders(DUE)
    assert "still being prepared" in _roll_check_reminders(recipient=registrar).get().body
    set_headcounts(check, {world.class_a.pk: 1}, actor=registrar)
    submit_roll_check(check, actor=registrar)
    send_daily_reminders(date(2026, 9, 16))
    body = _roll_check_reminders(recipient=world.users["headteacher"], day=date(2026, 9, 16)).get().body
    assert "awaits the headteacher's signature" in body


def test_no_reminder_after_the_semester_or_without_a_semester(world, semester):
    send_daily_reminders(date(2027, 1, 23))
    assert not _roll_check_reminders().exists()
    semester.delete()
    send_daily_reminders(DUE)
    assert not _roll_check_reminders().exists()


def test_a_school_with_nobody_on_its_register_is_not_reminded(world, semester):
    empty = SchoolFactory(name="新建小学", authority=world.town1)
    registrar = UserFactory(username="registrar_empty")
    grant_role(registrar, Role.REGISTRAR, empty, actor=world.users["administrator"])
    send_daily_reminders(DUE)
    assert not _roll_check_reminders(recipient=registrar).exists()


def test_a_fixed_number_of_queries_however_many_schools(world, semester):
    admin = world.users["administrator"]

    def schools(n):
        for _ in range(n):
            school = SchoolFactory(authority=world.town1)
            EnrolmentSpellFactory(school_class=SchoolClassFactory(school=school))
            grant_role(UserFactory(), Role.REGISTRAR, school, actor=admin)
            grant_role(UserFactory(), Role.HEADTEACHER, school, actor=admin)

    day = date(2026, 10, 12)
    with CaptureQueriesContext(connection) as few:
        send_daily_reminders(day)
    assert _roll_check_reminders(day=day).count() == 4
    Notification.objects.filter(day=day).delete()
    schools(5)
    with CaptureQueriesContext(connection) as many:
        send_daily_reminders(day)
    assert _roll_check_reminders(day=day).count() == 4 + 10
    assert len(many) == len(few)
