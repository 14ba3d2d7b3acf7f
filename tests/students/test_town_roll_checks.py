"""The town office's overview of the semester roll reconciliations (students.rollcheck.report_views:
town_roll_checks and its Excel export): every school of the authority with its state and totals counted
from enrolment spells, for the authority's officers only, in a fixed number of queries."""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Event
from registry.models import Semester
from registry.roles import Role
from registry.services import grant_role
from students.models import EnrolmentSpell, RollCheck, RollDiscrepancy
from students.rollcheck.services import (
    add_unregistered,
    mark_absent,
    receive_roll_check,
    set_headcounts,
    sign_roll_check,
    start_roll_check,
    submit_roll_check,
)
from tests.conftest import client_for
from tests.factories import (
    EnrolmentSpellFactory,
    SchoolClassFactory,
    SchoolFactory,
    SemesterFactory,
    TownFactory,
    UserFactory,
)

CHECK_DATE = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def in_october():
    with time_machine.travel(datetime(2026, 10, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture
def semester(db):
    SemesterFactory(school_year=2025, term=2, starts_on=date(2026, 2, 23), ends_on=date(2026, 7, 10))
    return SemesterFactory(school_year=2026)  # 2026-09-01 – 2027-01-22: contains today


def _staff(school, role, admin):
    user = UserFactory(username=f"{role.value}_{school.code}")
    grant_role(user, role, school, actor=admin)
    return user


def _reconcile(school, semester, admin, *, until, absent=0, unregistered=0, officer=None):
    """Take `school`'s reconciliation as far as `until` (a RollCheck.State), naming `absent` pupils of its
    first class as absent and `unregistered` children as present, so the headcount balances."""
    registrar = _staff(school, Role.REGISTRAR, admin)
    check = start_roll_check(school, semester, actor=registrar, check_date=CHECK_DATE)
    rolls = {}
    for spell in EnrolmentSpell.objects.filter(school=school, ended_on__isnull=True).order_by("pk"):
        rolls.setdefault(spell.school_class_id, []).append(spell)
    first = next(iter(rolls))
    set_headcounts(
        check,
        {pk: len(spells) - (absent if pk == first else 0) + (unregistered if pk == first else 0)
         for pk, spells in rolls.items()},
        actor=registrar,
    )  # fmt: skip
    for spell in rolls[first][:absent]:
        mark_absent(check, spell, actor=registrar, reason="外出务工", action=RollDiscrepancy.Action.TRANSFER_OUT)
    for n in range(unregistered):
        add_unregistered(
            check, school.classes.get(pk=first), f"借读生{n}", actor=registrar, reason="随迁",
            action=RollDiscrepancy.Action.GUEST_STUDY,
        )  # fmt: skip
    if until == RollCheck.State.DRAFT:
        return check
    submit_roll_check(check, actor=registrar)
    if until == RollCheck.State.SUBMITTED:
        return check
    sign_roll_check(check, actor=_staff(school, Role.HEADTEACHER, admin))
    if until == RollCheck.State.RECEIVED:
        receive_roll_check(check, actor=officer)
    return check


def _school_with_pupils(town, name, pupils=3, classes=1):
    school = SchoolFactory(name=name, authority=town)
    for number in range(1, classes + 1):
        school_class = SchoolClassFactory(school=school, number=number)
        EnrolmentSpellFactory.create_batch(pupils, school_class=school_class)
    return school


def _open_spells(school, day=CHECK_DATE):
    return EnrolmentSpell.objects.filter(school=school, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )


@pytest.fixture
def town(world, semester):
    """Town 1: A signed (one absent, one unregistered), B a draft, 丁小学 submitted, 戊小学 received,
    己小学 not started (with a pupil who left before the check date)."""
    admin, officer = world.users["administrator"], world.users["officer"]
    for name in ("张一", "张二"):
        EnrolmentSpellFactory(school_class=world.class_a, student__name=name)
    _reconcile(world.school_a, semester, admin, until=RollCheck.State.SIGNED, absent=1, unregistered=1)
    _reconcile(world.school_b, semester, admin, until=RollCheck.State.DRAFT, absent=1)
    _reconcile(_school_with_pupils(world.town1, "丁小学"), semester, admin, until=RollCheck.State.SUBMITTED)
    received = _school_with_pupils(world.town1, "戊小学", pupils=2, classes=2)
    _reconcile(received, semester, admin, until=RollCheck.State.RECEIVED, officer=officer)
    left = _school_with_pupils(world.town1, "己小学", pupils=4)
    EnrolmentSpell.objects.filter(pk=left.spells.order_by("pk").first().pk).update(
        ended_on=date(2026, 9, 20), exit_reason=EnrolmentSpell.ExitReason.TRANSFERRED_OUT
    )
    return semester


def _overview(client, world, role="officer", **params):
    return client_for(client, world, role).get(reverse("town_roll_checks", args=[world.town1.pk]), params)


def test_every_school_of_the_town_with_its_state(client, world, town):
    response = _overview(client, world)
    assert response.status_code == 200
    assert response.context["semester"] == town
    rows = {row.school.name: row for row in response.context["overview"].rows}
    assert {name: row.state for name, row in rows.items()} == {
        "甲小学": "signed",
        "乙小学": "draft",
        "丁小学": "submitted",
        "戊小学": "received",
        "己小学": "not_started",
    }  # 丙小学 is town 2's
    assert rows["甲小学"].discrepancies == 2 and rows["乙小学"].discrepancies == 1
    assert rows["甲小学"].signature.signed_by.username == f"headteacher_{world.school_a.code}"
    assert rows["己小学"].present is None and rows["己小学"].signature is None
    html = response.content.decode()
    check_a = RollCheck.objects.get(school=world.school_a)
    check_e = RollCheck.objects.get(school__name="戊小学")
    assert reverse("roll_check_pdf", args=[check_a.pk]) in html
    assert reverse("roll_check_pdf", args=[check_e.pk]) in html
    for check in RollCheck.objects.exclude(state__in=["signed", "received"]):
        assert reverse("roll_check_pdf", args=[check.pk]) not in html
    assert reverse("roll_check", args=[world.school_a.code, town.pk]) in html
    assert html.count('data-school="') == 5


def test_totals_agree_with_a_direct_count_of_open_spells(client, world, town):
    overview = _overview(client, world).context["overview"]
    today = date(2026, 10, 20)
    for row in overview.rows:
        assert row.register_day == (CHECK_DATE if row.check_date else today)  # not started: as of today
        assert row.registered == _open_spells(row.school, row.register_day).count(), row.school.name
    assert overview.registered == sum(_open_spells(row.school, row.register_day).count() for row in overview.rows)
    assert (
        overview.registered
        == EnrolmentSpell.objects.filter(school__authority=world.town1, ended_on__isnull=True).count()
    )
    by_name = {row.school.name: row for row in overview.rows}
    assert by_name["甲小学"].registered == 3 and by_name["甲小学"].present == 3  # 3 − 1 absent + 1 unregistered
    assert by_name["己小学"].registered == 3  # one of four left before the check date
    assert overview.present == sum(row.present or 0 for row in overview.rows)


def test_a_school_not_started_is_counted_as_of_today(client, world, town):
    world.school_c.authority = world.town1
    world.school_c.save()
    late = EnrolmentSpellFactory(school_class=world.class_c, started_on=date(2026, 10, 18))
    row = next(row for row in _overview(client, world).context["overview"].rows if row.school == world.school_c)
    assert row.state == "not_started" and row.register_day == date(2026, 10, 20)
    assert row.registered == EnrolmentSpell.objects.filter(school=world.school_c, ended_on__isnull=True).count()
    assert late.started_on <= row.register_day


def test_a_back_dated_change_after_signing_is_flagged(client, world, town):
    spell = _open_spells(world.school_a).filter(student__name="张一").get()
    EnrolmentSpell.objects.filter(pk=spell.pk).update(
        ended_on=CHECK_DATE, exit_reason=EnrolmentSpell.ExitReason.TRANSFERRED_OUT
    )
    row = next(row for row in _overview(client, world).context["overview"].rows if row.school == world.school_a)
    assert row.registered == 2 and row.signed_registered == 3 and row.changed_since_signing


def test_choosing_another_semester(client, world, town):
    spring = Semester.objects.get(school_year=2025)
    response = _overview(client, world, semester=spring.pk)
    assert response.context["semester"] == spring
    assert {row.state for row in response.context["overview"].rows} == {"not_started"}
    assert _overview(client, world, semester=999999).status_code == 404
    assert _overview(client, world, semester="x").status_code == 404


def test_other_towns_officer_and_school_staff_get_404(client, world, town):
    other = UserFactory(username="officer_town2")
    grant_role(other, Role.OFFICER, world.town2, actor=world.users["administrator"])
    client.force_login(other)
    assert client.get(reverse("town_roll_checks", args=[world.town1.pk])).status_code == 404
    assert client.get(reverse("town_roll_checks_export", args=[world.town1.pk])).status_code == 404
    for role in ("registrar", "headteacher", "archivist", "norole"):  # the permission matrix: authority_scoped
        assert _overview(client, world, role).status_code == 404
    assert _overview(client, world, "administrator").status_code == 200


def _town_of(schools, semester, admin, officer):
    town = TownFactory(name=f"测试镇{schools}")
    grant_role(officer, Role.OFFICER, town, actor=admin)
    for n in range(schools):
        school = _school_with_pupils(town, f"测试{schools}-{n}小学", pupils=2, classes=2)
        state = [RollCheck.State.SIGNED, RollCheck.State.DRAFT, None][n % 3]
        if state:
            _reconcile(school, semester, admin, until=state, absent=1)
    return town


def test_a_fixed_number_of_queries_however_many_schools(client, world, semester):
    admin = world.users["administrator"]
    officer = UserFactory(username="officer_queries")
    small, large = _town_of(2, semester, admin, officer), _town_of(6, semester, admin, officer)
    client.force_login(officer)
    client.get(reverse("town_roll_checks", args=[small.pk]))  # warm the content-type cache
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("town_roll_checks", args=[small.pk]))
    assert len(response.context["overview"].rows) == 2
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("town_roll_checks", args=[large.pk]))
    assert len(response.context["overview"].rows) == 6
    assert len(many) == len(few) == 10, [query["sql"] for query in many.captured_queries]


def test_the_excel_export_has_the_header_and_one_row_per_school(client, world, town):
    response = client_for(client, world, "officer").get(
        reverse("town_roll_checks_export", args=[world.town1.pk]), {"semester": town.pk}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="roll-checks-')
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    header = rows[:4]
    assert header[1][1] == world.town1.name  # scope
    assert header[2][1] == str(town)  # semester
    assert header[3][1] == str(world.users["officer"])  # exported by
    assert header[3][3].startswith("2026-10-20")  # exported at
    names = {"甲小学", "乙小学", "丁小学", "戊小学", "己小学"}
    table = [row for row in rows if len(row) > 1 and row[1] in names]
    assert sorted(row[1] for row in table) == sorted(names)  # one row per school, 丙小学 (town 2) not among them
    assert rows.index(table[0]) > 4  # below the header block
    by_name = {row[1]: row for row in table}
    assert by_name["甲小学"][4:7] == [3, 3, 2]  # registered, present, discrepancies
    assert rows[-1][1] == 5  # the totals row counts the schools
    event = Event.objects.get(action="students.roll_check.exported")
    assert event.actor == world.users["officer"] and event.data["rows"] == 5
    assert event.target_id == str(world.town1.pk)


def test_the_authority_page_links_to_the_overview(client, world):
    response = client_for(client, world, "officer").get(reverse("authority_detail", args=[world.town1.pk]))
    assert reverse("town_roll_checks", args=[world.town1.pk]) in response.content.decode()


def test_no_semester_yet(client, world):
    response = _overview(client, world)
    assert response.status_code == 200 and response.context["overview"] is None
    assert client.get(reverse("town_roll_checks_export", args=[world.town1.pk])).status_code == 404
