"""建档导入: the dry run, the all-or-nothing import, a file imported twice, a row that differs, .xls files."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from audit.models import Event
from students.models import EnrolmentSpell, OnboardingJob, Student
from students.national import onboarding
from students.national.reader import read_rows
from tests.students.national.rosters import pupil_row, xls, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def officer(world):
    return world.users["officer"]


def _upload(world, officer, data, name="roster.xlsx"):
    job = onboarding.start_dry_run(world.school_a, SimpleUploadedFile(name, data), actor=officer)
    job.refresh_from_db()
    return job


def _roster():
    rows = [pupil_row(n, grade=3, class_number=1) for n in range(4)]
    rows += [pupil_row(10, grade=3, class_number=2, form="L"), pupil_row(11, grade=4, class_number=1, form="J")]
    return rows


def test_the_dry_run_lists_what_would_be_created_and_saves_nothing(world, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _upload(world, officer, xlsx(_roster()))
    job.refresh_from_db()
    assert job.state == OnboardingJob.State.CHECKED, job.report
    report = job.report
    assert report["new"] == 6 and report["errors"] == [] and report["unchanged"] == 0
    assert report["create_classes"] == [[3, 1, 2024], [3, 2, 2024], [4, 1, 2023]]
    assert {(c["grade"], c["number"]): c["new"] for c in report["classes"]} == {(3, 1): 4, (3, 2): 1, (4, 1): 1}
    assert not Student.objects.filter(name__startswith="建档生").exists()


def test_the_import_puts_every_pupil_on_the_register_with_the_national_number_as_given(
    world, officer, django_capture_on_commit_callbacks
):
    roster = _roster()
    with django_capture_on_commit_callbacks(execute=True):
        job = _upload(world, officer, xlsx(roster))
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert onboarding.start_import(job, actor=officer)
    job.refresh_from_db()
    assert job.state == OnboardingJob.State.IMPORTED and job.created_count == 6
    for values in roster:
        pupil = Student.objects.get(national_number=values["national_number"])
        spell = EnrolmentSpell.objects.get(student=pupil, ended_on__isnull=True)
        assert (spell.school, spell.grade, spell.school_class.number) == (
            world.school_a,
            values["grade"],
            values["class_number"],
        )
        assert spell.started_on == values["entry_date"] == date(2026 - values["grade"] + 1, 9, 1)
        assert pupil.guardians.count() == 2
        history = pupil.history.get()
        assert history.history_user == officer and "roster.xlsx" in history.history_change_reason
    assert {c.number for c in world.school_a.classes.filter(grade=3)} >= {1, 2}
    event = Event.objects.get(action="students.onboarding.imported")
    assert event.data["created"] == 6 and event.data["filename"] == "roster.xlsx"
    assert Event.objects.filter(action="students.onboarding.imported").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = _upload(world, officer, xlsx(roster))
    again.refresh_from_db()
    assert again.report["new"] == 0 and again.report["unchanged"] == 6 and again.report["create_classes"] == []
    assert not onboarding.start_import(again, actor=officer), "nothing to import"


def test_a_row_that_differs_from_the_stored_pupil_is_reported_not_overwritten(
    world, officer, django_capture_on_commit_callbacks
):
    roster = _roster()
    with django_capture_on_commit_callbacks(execute=True):
        first = _upload(world, officer, xlsx(roster))
    first.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.start_import(first, actor=officer)
    roster[0]["home_address"] = "新地址1号"
    roster[1]["former_name"] = ""  # an optional cell left empty says nothing
    mid_month = roster[1]["entry_date"].replace(day=15)  # the template keeps the month only
    Student.objects.filter(name="建档生1").update(former_name="小明", entry_date=mid_month)
    with django_capture_on_commit_callbacks(execute=True):
        job = _upload(world, officer, xlsx(roster))
    job.refresh_from_db()
    ((row, name, found),) = job.report["differs"]
    assert (row, name) == (2, "建档生0") and found == [["家庭地址", "东湖镇0号", "新地址1号"]]
    assert Student.objects.get(name="建档生0").home_address == "东湖镇0号"


def test_every_problem_row_is_reported_with_its_column_and_nothing_is_imported(world, officer):
    rows = _roster()
    rows[1]["national_number"] = "G" + rows[1]["id_number"][:-1] + ("0" if rows[1]["id_number"][-1] != "0" else "1")
    rows[2]["national_number"] = rows[0]["national_number"]
    rows[3]["entry_date"] = None
    rows[4]["national_number"] = rows[4]["national_number"][:7] + "20150101" + rows[4]["national_number"][15:]
    plan = onboarding.plan(world.school_a, read_rows(xlsx(rows), "xlsx"))
    errors = {(row, column): message for row, column, message in plan.errors}
    assert "check digit" in errors[(3, "学籍号")]
    assert "row 2" in errors[(4, "学籍号")]
    assert errors[(5, "入学年月")] == "Required."
    assert "2015-01-01" in errors[(6, "学籍号")]
    assert len(plan.errors) == 4


def test_a_grade_the_school_does_not_teach_is_a_problem(world):
    plan = onboarding.plan(world.school_a, read_rows(xlsx([pupil_row(1, grade=8)]), "xlsx"))
    assert plan.errors and plan.errors[0][1] == "年级"


def test_the_national_systems_xls_is_read_like_the_xlsx(world):
    rows = _roster()
    from_xls = read_rows(xls(rows), "xls")
    from_xlsx = read_rows(xlsx(rows), "xlsx")
    assert [r.values for r in from_xls] == [r.values for r in from_xlsx]
    assert all(r.ok for r in from_xls)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "not an Excel workbook"),
        (b"just text", "not an Excel .xlsx"),
    ],
)
def test_a_file_that_is_no_workbook_is_refused_at_once_and_not_kept(world, officer, data, says):
    job = _upload(world, officer, data)
    assert job.state == OnboardingJob.State.REFUSED and says in job.report["refusal"] and not job.file


def test_only_officers_and_administrators_onboard(world):
    with pytest.raises(onboarding.PermissionDenied):
        onboarding.start_dry_run(world.school_a, SimpleUploadedFile("r.xlsx", b"x"), actor=world.users["registrar"])


def test_the_national_systems_xls_is_onboarded(world, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _upload(world, officer, xls(_roster()), name="学生信息.xls")
    job.refresh_from_db()
    assert job.state == OnboardingJob.State.CHECKED and job.report["new"] == 6, job.report


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, officer, monkeypatch):
    from students.spreadsheet import columns

    monkeypatch.setattr(columns, "MAX_UPLOAD_BYTES", 1000)
    job = _upload(world, officer, xls(_roster()), name="big.xls")
    assert job.state == OnboardingJob.State.REFUSED and "larger than" in job.report["refusal"]


def test_a_redelivered_import_task_imports_nothing_twice(world, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _upload(world, officer, xlsx(_roster()))
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.start_import(job, actor=officer)
    onboarding.run_import(job.pk)  # the same task delivered again
    job.refresh_from_db()
    assert job.state == OnboardingJob.State.IMPORTED and job.created_count == 6
    assert Student.objects.filter(name__startswith="建档生").count() == 6


def _checked(world, officer, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = _upload(world, officer, data)
    job.refresh_from_db()
    assert job.state == OnboardingJob.State.CHECKED, job.report
    return job


def test_the_import_takes_the_rows_its_dry_run_read_and_checks_them_again_against_the_system(
    world, officer, django_capture_on_commit_callbacks, monkeypatch
):
    data = xlsx(_roster())
    first = _checked(world, officer, data, django_capture_on_commit_callbacks)
    second = _checked(world, officer, data, django_capture_on_commit_callbacks)  # the same file, dry-run again
    monkeypatch.setattr(onboarding, "read_rows", lambda *args: pytest.fail("the file was converted again"))
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.start_import(first, actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.start_import(second, actor=officer)  # its dry run said 6 new; they are stored now
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == OnboardingJob.State.IMPORTED and first.created_count == 6
    assert second.state == OnboardingJob.State.REFUSED and second.created_count == 0
    assert second.report["new"] == 0 and second.report["unchanged"] == 6
    assert Student.objects.filter(name__startswith="建档生").count() == 6


def test_when_the_kept_rows_are_gone_the_import_reads_the_file_again(
    world, officer, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    job = _checked(world, officer, xlsx(_roster()), django_capture_on_commit_callbacks)
    cache.clear()  # expired or evicted, or a worker with another cache
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.start_import(job, actor=officer)
    job.refresh_from_db()
    assert job.state == OnboardingJob.State.IMPORTED and job.created_count == 6
