"""Each role's home page says what to do today (issue 17): what waits for the user (overdue first, with
deadlines), the user's requests and their state, the semester's roll check, what is being produced, the problem
records, the key figures with the way to the statistics — in few queries, whatever the size of the town."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from archives.models import PrintJob
from registry.organisation import home
from registry.roles import Role
from registry.services import grant_role
from students.rollcheck.services import return_roll_check, set_headcounts, start_roll_check, submit_roll_check
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, SemesterFactory, StudentFactory, TownFactory, UserFactory
from transfers.models import ApprovalStep, ImportJob
from transfers.registration import register_pupil
from transfers.services import current_step, reject_step


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def semester(world):
    today = timezone.localdate()
    return SemesterFactory(school_year=today.year, starts_on=today - timedelta(days=30),
                           ends_on=today + timedelta(days=60))  # fmt: skip


def _home(client, world, role):
    client.logout()
    return client_for(client, world, role).get(reverse("home")).content.decode()


def _testid(page, testid):
    """The HTML of the element with data-testid=`testid` (a <section>) and what it holds."""
    match = re.search(rf'<section[^>]*data-testid="{testid}".*?</section>', page, re.S)
    assert match, testid
    return match.group(0)


def _register(world, count):
    """`count` more pending registrations from school A, waiting for the town office."""
    from tests.factories import GuardianFactory

    return [
        register_pupil(StudentFactory.build(national_number=None), GuardianFactory.build_batch(1, student=None),
                       world.class_a, actor=world.users["registrar"])  # fmt: skip
        for _ in range(count)
    ]


def test_the_officer_sees_what_waits_overdue_first_with_the_count(client, world):
    added = _register(world, 2)
    late = added[1]
    ApprovalStep.objects.filter(request=late).update(due_on=timezone.localdate() - timedelta(days=3))
    waiting = _testid(_home(client, world, "officer"), "home-awaiting")
    names = re.findall(r'href="/requests/\d+/">([^<]+)</a>', waiting)
    assert names[0] == late.student.name  # overdue first
    town1 = [world.registrations["own"], world.registrations["sibling"], *added]
    assert sorted(names) == sorted(request.student.name for request in town1)
    assert world.registrations["other"].student.name not in waiting  # another town's
    assert "1 request is past its deadline: decide it first." in waiting and "Overdue" in waiting
    assert '<span class="badge xj-state xj-state-waiting">4</span>' in waiting  # how many wait, in the heading


def test_the_registrar_sees_their_requests_returned_first_with_one_badge_per_state(client, world):
    returned = world.registrations["own"]
    pending = _register(world, 1)[0]
    reject_step(current_step(returned), actor=world.users["officer"], reason="材料不全")
    mine = _testid(_home(client, world, "registrar"), "home-my-requests")
    assert mine.index(returned.student.name) < mine.index(pending.student.name)
    assert 'class="badge xj-state xj-state-yours" data-state="returned">Returned for amendment<' in mine
    assert 'class="badge xj-state xj-state-waiting" data-state="pending">Under review<' in mine
    assert world.registrations["sibling"].student.name not in mine
    # the same state has the same badge on the request's own page
    detail = client.get(reverse("request_detail", args=[returned.pk])).content.decode()
    assert 'xj-state xj-state-yours" data-state="returned" data-testid="request-state"' in detail


def test_the_roll_check_says_what_each_role_does_next(client, world, semester):
    registrar, headteacher = world.users["registrar"], world.users["headteacher"]
    card = _testid(_home(client, world, "registrar"), "home-roll-check")
    assert "Not started" in card and "Start it" in card
    assert reverse("roll_check", args=[world.school_a.code, semester.pk]) in card
    check = start_roll_check(world.school_a, semester, actor=registrar)
    set_headcounts(check, {c.school_class_id: 0 for c in check.classes.all()} | {world.class_a.pk: 1}, actor=registrar)
    submit_roll_check(check, actor=registrar)
    card = _testid(_home(client, world, "headteacher"), "home-roll-check")
    assert 'data-state="submitted"' in card and "Submitted to you: review the whole school and sign" in card
    return_roll_check(check, actor=headteacher, reason="三班人数需复核")
    card = _testid(_home(client, world, "registrar"), "home-roll-check")
    assert 'data-state="draft"' in card and "三班人数需复核" in card  # why it came back
    officer = _testid(_home(client, world, "officer"), "home-roll-checks")
    counts = dict(re.findall(r'data-state-count="(\w+)">(\d+)<', officer))
    assert counts == {"none": "1", "draft": "1", "submitted": "0", "signed": "0", "received": "0"}


def test_imports_forms_and_prints_still_running_show_their_progress(client, world):
    ImportJob.objects.create(school=world.school_a, created_by=world.users["registrar"], filename="一年级新生.xlsx")
    running = _testid(_home(client, world, "registrar"), "home-running")
    assert "一年级新生.xlsx" in running and 'data-state="queued"' in running and "<progress" in running
    PrintJob.objects.create(school=world.school_a, requested_by=world.users["archivist"], school_class=world.class_a,
                            reason="期末核对", state=PrintJob.State.RENDERING, done=3, total=4)  # fmt: skip
    running = _testid(_home(client, world, "archivist"), "home-running")
    assert 'value="75"' in running and 'data-state="rendering"' in running
    assert "home-running" not in _home(client, world, "headteacher")  # nothing of theirs runs: no panel


def test_the_problem_records_show_when_an_app_counts_them(client, world, monkeypatch):
    assert "home-problems" not in _home(client, world, "registrar")  # nothing counts them for a registrar

    def problems(user, grant, section):
        section["problem_counts"] = [(world.school_a, 3)]

    monkeypatch.setattr(home, "_contributors", [*home._contributors, problems])
    card = _testid(_home(client, world, "registrar"), "home-problems")
    assert world.school_a.name in card and ">3<" in card
    assert f'href="{reverse("problem_records")}?school={world.school_a.pk}"' in card


def test_key_figures_count_the_register_and_link_to_the_statistics(client, world):
    figures = _testid(_home(client, world, "registrar"), "home-figures")
    assert re.search(r"<dt>Pupils on the register</dt><dd>1</dd>", figures)  # the world's one pupil of school A
    assert reverse("school_statistics", args=[world.school_a.code]) in figures
    figures = _testid(_home(client, world, "officer"), "home-figures")
    assert re.search(r"<dt>Pupils on the register</dt><dd>2</dd>", figures)  # schools A and B, not town 2's C
    assert reverse("authority_statistics", args=[world.town1.pk]) in figures


def test_the_home_page_stays_at_a_few_queries_however_big_the_town(client, world, semester):
    def queries(role):
        client.logout()
        client_for(client, world, role)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    roles = ("registrar", "headteacher", "archivist", "officer", "administrator")
    queries(roles[0])  # warm the caches (content types, permissions) that the first request of a process fills
    few = {role: queries(role) for role in roles}
    _register(world, 12)
    for _ in range(20):
        EnrolmentSpellFactory(school_class=world.class_a)
    many = {role: queries(role) for role in few}
    assert many == few
    assert max(few.values()) <= 25, few


def test_each_roles_empty_queue_speaks_of_its_own_work(client, world):
    for role, says, never in [
        ("headteacher", "your school's agreement is asked here", "town's schools"),
        ("registrar", "comes here for your agreement", "town's schools"),
    ]:
        client.logout()
        page = client_for(client, world, role).get(reverse("approval_queue")).content.decode()
        assert says in page and never not in page, role
        assert says in _home(client, world, role)
    quiet_town = TownFactory(name="白水镇教办", parent=world.town1.parent)
    officer = UserFactory(username="officer_quiet")
    grant_role(officer, Role.OFFICER, quiet_town, actor=world.users["administrator"])
    client.logout()
    client.force_login(officer)
    page = client.get(reverse("approval_queue")).content.decode()
    assert "of your town's schools will appear here" in page


def test_the_navigation_is_grouped_by_task_and_the_breadcrumbs_lead_home(client, world):
    page = client_for(client, world, "registrar").get(reverse("pupil_detail", args=[world.pupils["own"].pk]))
    html = page.content.decode()
    groups = re.findall(r'<p class="xj-nav-heading"[^>]*>([^<]+)</p>', html)
    assert [unescape(group) for group in groups] == ["Today's work", "Pupils and changes", "Semester", "Reports"]
    crumbs = re.search(r'data-testid="breadcrumbs">(.*?)</ol>', html, re.S).group(1)
    assert [text.strip() for text in re.findall(r">([^<>]+)</(?:a|li)>", crumbs) if text.strip()] == [
        "Home", "Pupils", world.pupils["own"].name,
    ]  # fmt: skip
    assert 'aria-current="page">' + world.pupils["own"].name in crumbs
    problems = f'href="{reverse("problem_records")}"'
    navigation = re.search(r'<nav[^>]*id="main-navigation".*?</nav>', html, re.S).group(0)
    assert problems not in navigation  # a registrar does not review problem records
    officer_navigation = re.search(r'<nav[^>]*id="main-navigation".*?</nav>', _home(client, world, "officer"), re.S)
    assert problems in officer_navigation.group(0)
