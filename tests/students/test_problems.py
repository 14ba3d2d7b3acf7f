"""Problem records (问题学籍, issue 15): each kind seeded is found on the page of the town officer (their town's
schools) and the administrator (the county); each resolution — keep with evidence, correct, remove — works and
is in the history and the audit log."""

from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from registry.models import School
from reports.statistics.figures import figures
from students import codes
from students.identity import make_id_number
from students.models import EnrolmentSpell, ProblemAcknowledgement, ProblemCount, ProblemKind, Student
from students.national import onboarding
from students.problems.counts import recount
from students.problems.detection import find_problems
from students.selectors import on_register, open_spells_visible_to, students_visible_to
from students.tasks import recount_problems
from tests.conftest import PDF, client_for
from tests.factories import EnrolmentSpellFactory, GuardianFactory, SchoolClassFactory, StudentFactory
from tests.students.national.rosters import pupil_row, xlsx
from tests.transfers.kinds_helpers import approve_all
from transfers.information.services import change_information

BIRTH = date(2019, 3, 8)


@pytest.fixture(autouse=True)
def english(settings):
    """Texts are checked by their English msgids."""
    settings.LANGUAGE_CODE = "en"


def _pupil(school, **fields):
    """A pupil on `school`'s register with two family members (so only the seeded problem shows)."""
    student = StudentFactory(**fields)
    EnrolmentSpellFactory(student=student, school_class=SchoolClassFactory(school=school))
    GuardianFactory.create_batch(2, student=student)
    return student


def _id(sequence, birth=BIRTH, sex=codes.Sex.MALE, region="341122"):
    return make_id_number(region, birth, sequence, sex)


def _wrong_check_digit(number):
    return number[:17] + ("1" if number[17] != "1" else "2")


@pytest.fixture
def seeded(world):
    """One pupil (or pair) per kind of problem, in school A (officer's town) unless said otherwise."""
    a, b, c = world.school_a, world.school_b, world.school_c
    same_id = _id(11)
    pupils = {
        # the same ID number: one record holds it, another's G national number holds it too (and disagrees
        # with that record's own ID number)
        "holder": _pupil(a, name="赵一", id_number=same_id, national_number="L341122201903080001", birth_date=BIRTH),
        "g_holder": _pupil(b, name="钱二", id_number=_id(13), national_number=f"G{same_id}", birth_date=BIRTH),
        # the same name, sex and birth date, one without an ID number, at schools of two towns
        "named": _pupil(a, name="孙三", id_number=_id(15, date(2019, 5, 1)), birth_date=date(2019, 5, 1)),
        "unnamed": _pupil(
            c, name="孙三", id_number="", id_type=codes.IdType.OTHER, national_number=None, birth_date=date(2019, 5, 1)
        ),  # fmt: skip
        # an invalid ID number: a wrong check digit
        "check": _pupil(a, name="李四", id_number=_wrong_check_digit(_id(17)), birth_date=BIRTH),
        # a birth date in the ID number that is not the record's
        "birth": _pupil(a, name="周五", id_number=_id(19, date(2019, 6, 6)), birth_date=date(2019, 6, 7)),
        # required fields missing: birthplace, and only one family member
        "missing": StudentFactory(name="吴六", birthplace=""),
    }
    for name in ("check", "birth"):
        pupils[name].national_number = None
        pupils[name].save()
    EnrolmentSpellFactory(student=pupils["missing"], school_class=SchoolClassFactory(school=a))
    GuardianFactory(student=pupils["missing"])
    for pupil in world.pupils.values():  # the world's pupils have one family member: give them their second
        GuardianFactory(student=pupil)
    return pupils


def _found(problems):
    return {(problem.kind, problem.student_id) for problem in problems}


def _page(client, world, role, **params):
    client = client_for(client, world, role)
    return client.get(reverse("problem_records"), params)


def test_each_kind_of_problem_is_found(world, seeded):
    found = _found(find_problems([world.school_a.pk, world.school_b.pk, world.school_c.pk]))
    p = {name: pupil.pk for name, pupil in seeded.items()}
    expected = {
        (ProblemKind.SAME_ID_NUMBER, p["holder"]), (ProblemKind.SAME_ID_NUMBER, p["g_holder"]),
        (ProblemKind.NATIONAL_NUMBER, p["g_holder"]),
        (ProblemKind.SAME_PERSON, p["named"]), (ProblemKind.SAME_PERSON, p["unnamed"]),
        (ProblemKind.TWO_SCHOOLS, p["named"]), (ProblemKind.TWO_SCHOOLS, p["unnamed"]),
        (ProblemKind.TWO_SCHOOLS, p["holder"]), (ProblemKind.TWO_SCHOOLS, p["g_holder"]),
        (ProblemKind.INVALID_ID_NUMBER, p["check"]), (ProblemKind.INVALID_ID_NUMBER, p["birth"]),
        (ProblemKind.MISSING_FIELDS, p["missing"]),
    }  # fmt: skip
    assert expected <= found
    assert found == expected  # and nothing else


def test_the_page_says_what_is_wrong_and_counts_per_school(client, world, seeded):
    page = _page(client, world, "administrator").content.decode()
    assert "The check digit should be" in page
    assert "is not the record" in page  # the birth date in the ID number
    assert "Missing: birthplace、two family members." in page
    assert "Other records at: 丙小学" in page  # 孙三's namesake, by school only
    counts = _page(client, world, "administrator", kind=ProblemKind.INVALID_ID_NUMBER).context["counts"]
    assert counts == [(world.school_a, 2)]


def test_the_page_filters_by_school_and_kind(client, world, seeded):
    response = _page(client, world, "administrator", school=world.school_b.pk)
    assert {problem.student_id for problem, _pupil, _school in response.context["rows"]} == {seeded["g_holder"].pk}
    response = _page(client, world, "administrator", kind=ProblemKind.TWO_SCHOOLS)
    assert {problem.student_id for problem, _p, _s in response.context["rows"]} == {
        seeded["named"].pk,
        seeded["unnamed"].pk,
        seeded["holder"].pk,
        seeded["g_holder"].pk,
    }


def test_an_officer_sees_only_their_towns_schools(client, world, seeded):
    response = _page(client, world, "officer")
    listed = {problem.student_id for problem, _pupil, _school in response.context["rows"]}
    assert seeded["named"].pk in listed and seeded["g_holder"].pk in listed
    assert seeded["unnamed"].pk not in listed  # school C, town 2
    assert "孙三" in response.content.decode()
    assert _page(client, world, "officer", school=world.school_c.pk).status_code == 404
    keep = reverse("problem_keep", args=[seeded["unnamed"].pk, ProblemKind.SAME_PERSON])
    assert client.get(keep).status_code == 404


def test_school_staff_get_403(client, world):
    for role in ("registrar", "headteacher", "archivist"):
        assert _page(client, world, role).status_code == 403


def _keep(client, pupil, kind, *, reason="双胞胎，户口簿为证", name="proof.pdf", content=PDF):
    return client.post(
        reverse("problem_keep", args=[pupil.pk, kind]),
        {"reason": reason, "evidence": SimpleUploadedFile(name, content)},
    )


def test_keep_with_evidence_stops_the_listing_until_a_different_problem(client, world, seeded):
    client = client_for(client, world, "officer")
    pupil = seeded["check"]
    assert _keep(client, pupil, ProblemKind.INVALID_ID_NUMBER).status_code == 302
    kept = ProblemAcknowledgement.objects.get(student=pupil)
    assert (kept.kind, kept.reason, kept.acknowledged_by) == (
        ProblemKind.INVALID_ID_NUMBER,
        "双胞胎，户口簿为证",
        world.users["officer"],
    )
    assert kept.evidence.read() == PDF
    assert kept.history.get().history_user == world.users["officer"]
    event = Event.objects.get(action="students.problem.kept")
    assert (event.actor, event.pupil_pk, event.school_pk) == (world.users["officer"], pupil.pk, world.school_a.pk)
    listed = {(p.kind, p.student_id) for p, _s, _c in _page(client, world, "officer").context["rows"]}
    assert (ProblemKind.INVALID_ID_NUMBER, pupil.pk) not in listed
    # a different invalid number later on the same record is listed again
    pupil.id_number = pupil.id_number[:16] + "00"
    pupil.save()
    listed = {(p.kind, p.student_id) for p, _s, _c in _page(client, world, "officer").context["rows"]}
    assert (ProblemKind.INVALID_ID_NUMBER, pupil.pk) in listed


def test_keep_needs_a_real_document_and_a_reason(client, world, seeded):
    client = client_for(client, world, "officer")
    response = _keep(client, seeded["check"], ProblemKind.INVALID_ID_NUMBER, name="proof.pdf", content=b"MZ\x90\x00")
    assert "Only PDF, JPEG or PNG" in response.content.decode()
    response = _keep(client, seeded["check"], ProblemKind.INVALID_ID_NUMBER, reason="")
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert not ProblemAcknowledgement.objects.exists()


def test_correct_opens_the_information_change_and_the_corrected_record_is_no_longer_listed(
    client, world, seeded, django_capture_on_commit_callbacks
):
    pupil = seeded["check"]
    page = _page(client, world, "officer").content.decode()
    assert reverse("information_change", args=[pupil.pk]) + "?next=" in page
    right = _id(17)
    recount()
    before, _at = _home_counts(client_for(client, world, "officer"))
    outcome = change_information(
        pupil, actor=world.users["registrar"], changes={"id_number": right}, reason="户口簿更正",
        evidence=SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(outcome.request, world.users["officer"])
    after, _at = _home_counts(client_for(client, world, "officer"))
    assert after[world.school_a.pk] == before[world.school_a.pk] - 1  # the approved change recounted them
    pupil.refresh_from_db()
    assert pupil.id_number == right
    assert pupil.history.latest().history_user == world.users["officer"]
    assert Event.objects.filter(pupil_pk=pupil.pk, action__startswith="transfers.request").exists()
    listed = {p.student_id for p, _s, _c in _page(client, world, "officer").context["rows"]}
    assert pupil.pk not in listed


def test_remove_is_for_administrators_and_asks_for_confirmation(client, world, seeded):
    pupil = seeded["g_holder"]
    url = reverse("problem_remove", args=[pupil.pk])
    officer = client_for(client, world, "officer")
    assert officer.post(url, {"reason": "重复录入", "confirmed": "1"}).status_code == 403
    admin = client_for(client, world, "administrator")
    page = admin.get(url).content.decode()
    assert "data-xj-confirm=" in page
    unconfirmed = admin.post(url, {"reason": "重复录入"})
    assert unconfirmed.status_code == 200 and 'name="confirmed"' in unconfirmed.content.decode()
    assert Student.objects.filter(pk=pupil.pk).exists()
    assert admin.post(url, {"reason": "", "confirmed": "1"}).context["form"].errors["reason"]
    assert Student.objects.filter(pk=pupil.pk).exists()


def test_remove_takes_the_pupil_off_every_register_list_and_count_but_keeps_the_record(client, world, seeded):
    pupil, school = seeded["g_holder"], world.school_b
    admin = client_for(client, world, "administrator")
    before = on_register(school, date.today()).count()
    counted = figures(School.objects.filter(pk=school.pk), date.today())
    response = admin.post(reverse("problem_remove", args=[pupil.pk]), {"reason": "重复录入", "confirmed": "1"})
    assert response.status_code == 302
    # kept in the database, its history and the audit log
    kept = Student.all_records.get(pk=pupil.pk)
    assert kept.removal_reason == "重复录入" and kept.removed_at is not None
    assert kept.history.latest().history_user == world.users["administrator"]
    assert kept.history.latest().removed_at is not None
    event = Event.objects.get(action="students.pupil.removed")
    assert (event.actor, event.pupil_pk, event.school_pk, event.data["reason"]) == (
        world.users["administrator"],
        pupil.pk,
        school.pk,
        "重复录入",
    )
    assert EnrolmentSpell.all_spells.filter(student=pupil).count() == 1
    # off every register, list and count
    assert on_register(school, date.today()).count() == before - 1
    now = figures(School.objects.filter(pk=school.pk), date.today())
    assert now.total.pupils == counted.total.pupils - 1
    assert sum(row["pupils"] for row in now.classes) == sum(row["pupils"] for row in counted.classes) - 1
    admin_user = world.users["administrator"]
    assert not students_visible_to(admin_user).filter(pk=pupil.pk).exists()
    assert not open_spells_visible_to(admin_user).filter(student_id=pupil.pk).exists()
    assert "was removed as entered in error" in admin.get(reverse("home")).content.decode()
    assert pupil.name not in admin.get(reverse("pupil_list")).content.decode()
    assert admin.get(reverse("pupil_detail", args=[pupil.pk])).status_code == 404
    assert pupil.name not in admin.get(reverse("school_detail", args=[school.code])).content.decode()
    # and its problems with it: the other holder of the ID number is no longer a duplicate
    listed = {(p.kind, p.student_id) for p, _s, _c in _page(client, world, "administrator").context["rows"]}
    assert (ProblemKind.SAME_ID_NUMBER, seeded["holder"].pk) not in listed
    assert all(student_id != pupil.pk for _kind, student_id in listed)
    # the ID number and the national number are free again; removing twice is refused
    StudentFactory(id_number=pupil.id_number, national_number=pupil.national_number)
    again = admin.post(reverse("problem_remove", args=[pupil.pk]), {"reason": "重复录入", "confirmed": "1"})
    assert again.status_code == 404


def _home_counts(client):
    section = next(s for s in client.get(reverse("home")).context["sections"] if "problem_counts" in s)
    return {school.pk: n for school, n in section["problem_counts"]}, section["problems_counted_at"]


def test_the_officers_home_counts_problems_per_school(client, world, seeded):
    officer = client_for(client, world, "officer")
    assert "Not counted yet" in officer.get(reverse("home")).content.decode()
    recount_problems.delay()  # as celery beat does
    page = officer.get(reverse("home")).content.decode()
    assert 'data-testid="home-problem-counts"' in page
    assert "As of " in page
    response = _page(client, world, "officer")
    assert response.context["counts"]
    for school, count in response.context["counts"]:
        badge = f'<span class="badge xj-state xj-state-yours">{count}</span>'
        assert f'?school={school.pk}">{school.name}</a> {badge}' in page


def test_the_home_page_reads_the_stored_counts_whatever_the_countys_size(client, world, seeded, monkeypatch):
    officer = client_for(client, world, "officer")
    recount()
    officer.get(reverse("home"))
    with CaptureQueriesContext(connection) as small:
        officer.get(reverse("home"))
    for n in range(30):  # the county grows, with problems at every school
        for i, school in enumerate((world.school_a, world.school_b, world.school_c)):
            number = _wrong_check_digit(_id(500 + 6 * n + 2 * i))
            _pupil(school, name=f"错号{n}", id_number=number, national_number=None)
    monkeypatch.setattr("students.problems.selectors.find_problems", _no_checks_on_the_home_page)
    with CaptureQueriesContext(connection) as large:
        counts, _at = _home_counts(officer)
    assert len(large) == len(small)
    assert not any("students_guardian" in query["sql"] for query in large.captured_queries)  # no family check
    assert counts[world.school_a.pk] == len(_found(find_problems([world.school_a.pk]))) - 30  # as last counted


def _no_checks_on_the_home_page(*args, **kwargs):
    raise AssertionError("the home page ran the problem checks")


def test_a_resolution_updates_the_count_on_the_home_page(client, world, seeded, django_capture_on_commit_callbacks):
    officer = client_for(client, world, "officer")
    recount()
    before, counted_at = _home_counts(officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert _keep(officer, seeded["check"], ProblemKind.INVALID_ID_NUMBER).status_code == 302
    after, recounted_at = _home_counts(officer)
    assert after[world.school_a.pk] == before[world.school_a.pk] - 1
    assert recounted_at > counted_at


def test_celery_beat_recounts_the_problem_records():
    assert settings.CELERY_BEAT_SCHEDULE["count-problem-records"]["task"] == recount_problems.name


def test_the_checks_run_a_fixed_number_of_queries_however_many_problems(world, seeded):
    schools = [world.school_a.pk, world.school_b.pk, world.school_c.pk]
    with CaptureQueriesContext(connection) as few:
        find_problems(schools)
    for n in range(20):
        _pupil(world.school_a, name=f"错号{n}", id_number=_wrong_check_digit(_id(100 + 2 * n)), national_number=None)
        StudentFactory(name="吴六", birthplace="", birth_date=BIRTH)
    with CaptureQueriesContext(connection) as many:
        problems = find_problems(schools)
    assert len(problems) > 20
    assert len(many) == len(few)


def test_the_same_id_number_in_another_spelling_is_found(world):
    number = next(n for n in (_id(sequence) for sequence in range(1, 999, 2)) if n.endswith("X"))
    first = _pupil(world.school_a, id_number=number)
    second = _pupil(world.school_a, id_number=number[:-1] + "x", national_number=None)
    found = _found(find_problems([world.school_a.pk], kinds=[ProblemKind.SAME_ID_NUMBER]))
    assert found == {(ProblemKind.SAME_ID_NUMBER, first.pk), (ProblemKind.SAME_ID_NUMBER, second.pk)}


def test_the_page_runs_a_fixed_number_of_queries_however_many_problems(client, world, seeded):
    client = client_for(client, world, "administrator")
    client.get(reverse("problem_records"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("problem_records"))
    for n in range(30):
        _pupil(world.school_b, name=f"错号{n}", id_number=_wrong_check_digit(_id(300 + 2 * n)), national_number=None)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("problem_records"))
    assert response.context["total"] > 30
    assert len(many) == len(few)


def test_an_onboarding_import_recounts_the_problem_records(world, django_capture_on_commit_callbacks):
    recount()
    counted_at = ProblemCount.objects.get(school=world.school_a).counted_at
    officer, roster = world.users["officer"], xlsx([pupil_row(1, grade=3, class_number=1)])
    with django_capture_on_commit_callbacks(execute=True):
        job = onboarding.start_dry_run(world.school_a, SimpleUploadedFile("roster.xlsx", roster), actor=officer)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert onboarding.start_import(job, actor=officer)
    assert ProblemCount.objects.get(school=world.school_a).counted_at > counted_at
