"""`manage.py demo` builds the demo town once; every demo account logs in to its own home page."""

from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from audit.models import Event
from registry.demo import ACCOUNTS
from registry.models import Authority, School, SchoolClass, User
from students.identity import parse_id_number
from students.models import EnrolmentSpell, Guardian, SchoolNumber, Student
from tests.conftest import FAST_PASSWORD_HASHERS, rolled_back_after
from transfers.models import ChangeRequest
from transfers.selectors import requests_awaiting


@pytest.fixture(scope="module")
def _module_demo(django_db_setup, django_db_blocker):
    """The demo town, built once for the module; each test's changes roll back."""
    with rolled_back_after(django_db_blocker):
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
            call_command("demo")
        yield


@pytest.fixture
def demo(_module_demo, db):
    pass


def _footprint():
    return (
        User.objects.count(),
        Authority.objects.count(),
        School.objects.count(),
        SchoolClass.objects.count(),
        School.history.count(),
        Student.objects.count(),
        Student.history.count(),
        SchoolClass.history.count(),
        Event.objects.count(),
        ChangeRequest.objects.count(),
        SchoolNumber.objects.count(),
    )


def test_demo_builds_two_towns_with_primary_and_junior_schools(demo):
    towns = Authority.objects.filter(level=Authority.Level.TOWN)
    assert towns.count() == 2
    assert School.objects.count() >= 8
    for town in towns:
        stages = set(town.schools.values_list("stage", flat=True))
        assert {School.Stage.PRIMARY, School.Stage.JUNIOR} <= stages
    assert SchoolClass.objects.filter(school__code="2134119901").count() == 12


def test_running_demo_twice_changes_nothing(demo):
    before = _footprint()
    call_command("demo")
    assert _footprint() == before


def test_demo_rows_name_their_actor(demo):
    for model in (School, SchoolClass, Student, Guardian, EnrolmentSpell, SchoolNumber):
        assert model.history.exists()
        assert not model.history.filter(history_user__isnull=True).exists(), model.__name__


def test_each_town_office_has_pending_registrations_in_its_queue(demo):
    for officer in ("officer1", "officer2"):
        assert requests_awaiting(User.objects.get(username=officer)).count() >= 3


def test_demo_has_about_3000_valid_pupils_on_the_register(demo):
    on_register = Student.objects.filter(national_number__isnull=False)
    assert 2800 <= on_register.count() <= 3200
    for id_number, sex, birth_date, national_number in on_register.values_list(
        "id_number", "sex", "birth_date", "national_number"
    ):
        info = parse_id_number(id_number)
        assert (info.sex, info.birth_date, national_number) == (sex, birth_date, f"G{id_number}")
    on_register = Student.objects.filter(national_number__isnull=False)
    assert EnrolmentSpell.objects.filter(ended_on__isnull=True).count() == on_register.count()
    assert Guardian.objects.count() == 2 * Student.objects.count()
    grade_one = EnrolmentSpell.objects.filter(grade=1).select_related("student")[:50]
    assert all(date(2019, 9, 1) <= spell.student.birth_date <= date(2020, 8, 31) for spell in grade_one)


def test_every_demo_account_logs_in_to_its_own_home(client, demo):
    for account in ACCOUNTS:  # one demo build for all accounts: it takes seconds
        client.logout()
        assert client.login(username=account.username, password=settings.DEMO_PASSWORD), account.username
        page = client.get(reverse("home")).content.decode()
        if account.scope is None:
            assert reverse("admin:index") in page
        elif account.role == "officer":
            assert Authority.objects.get(code=account.scope).name in page, account.username
        else:
            assert School.objects.get(code=account.scope).name in page, account.username


def test_registrar2_cannot_open_registrar1s_school(client, demo):
    client.login(username="registrar2", password=settings.DEMO_PASSWORD)
    school = School.objects.get(code="2134119901")
    assert client.get(reverse("school_detail", args=[school.code])).status_code == 404
    school_class = school.classes.first()
    assert client.get(reverse("class_detail", args=[school.code, school_class.pk])).status_code == 404


def test_every_demo_pupil_has_a_school_number_in_the_schools_format(demo):
    """学号: each pupil on a register holds one current number at their school, 入学年份(4) + 班级号(2) +
    座号(2), seats following the class list; registrar1's school included."""
    spells = EnrolmentSpell.objects.filter(ended_on__isnull=True).select_related("student", "school_class")
    numbers = dict(SchoolNumber.objects.filter(retired_on__isnull=True).values_list("student_id", "number"))
    assert len(numbers) == spells.count()
    for spell in spells.filter(school__code=School.objects.get(name="东湖镇中心小学").code)[:200]:
        number = numbers[spell.student_id]
        assert number[:4] == str(spell.student.entry_date.year) and number[4:6] == f"{spell.school_class.number:02d}"
