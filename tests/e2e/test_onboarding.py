"""Issue 15, 建档导入: officer1 onboards a 200-pupil roster of 东湖镇中心小学 in the national template (G, J and L
numbers; two classes the school does not have yet). The dry run lists what it will create and the one bad row;
the corrected file is imported in the background with a progress bar; registrar1 finds the pupils with their
national numbers; the same file again creates nothing."""

import pytest
from playwright.sync_api import expect

from registry.models import School
from students.identity import mask_national_number
from students.models import OnboardingJob, Student
from students.national import onboarding
from tests.e2e.conftest import load_demo
from tests.e2e.test_staff import log_in
from tests.students.national.rosters import pupil_row, xlsx

pytestmark = pytest.mark.e2e

CLASSES = [(2, 8), (2, 9), (3, 1), (4, 1)]  # grade 2's classes 8 and 9 do not exist in the demo


def _roster():
    rows = []
    for n in range(200):
        grade, number = CLASSES[n // 50]
        rows.append(pupil_row(5000 + n, grade=grade, class_number=number, form="GGJL"[n % 4]))
    return rows


def _upload(page, live_server, school, path):
    page.goto(f"{live_server.url}/schools/{school.code}/")
    page.locator(f"a[href='/schools/{school.code}/onboarding/']").click()
    page.locator("#id_file").set_input_files(str(path))
    page.locator("main form button[type=submit]").click()


def test_officer_onboards_a_roster_in_the_national_template(page, live_server, transactional_db, tmp_path, monkeypatch):
    load_demo()
    school = School.objects.get(name="东湖镇中心小学")
    assert not school.classes.filter(grade=2, number__in=(8, 9)).exists()
    roster = _roster()
    good = tmp_path / "roster.xlsx"
    good.write_bytes(xlsx(roster))
    bad_rows = [dict(row) for row in roster]
    bad_rows[50]["national_number"] = bad_rows[50]["national_number"][:-1] + "0"  # sheet row 52: check digit
    if bad_rows[50]["national_number"] == roster[50]["national_number"]:
        bad_rows[50]["national_number"] = bad_rows[50]["national_number"][:-1] + "1"
    bad = tmp_path / "roster-bad.xlsx"
    bad.write_bytes(xlsx(bad_rows))
    # the import's task is left for the test to run, as a worker would, so the page shows its progress bar
    real_enqueue, imports = onboarding.enqueue, []

    def enqueue(name, *args):
        if name.endswith("onboarding_import"):
            return imports.append(args[0])
        return real_enqueue(name, *args)

    monkeypatch.setattr(onboarding, "enqueue", enqueue)

    log_in(page, live_server, "officer1")
    _upload(page, live_server, school, bad)
    problems = page.get_by_test_id("onboarding-problems")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(problems.locator("tbody tr")).to_contain_text("52")
    expect(problems.locator("tbody tr")).to_contain_text("学籍号")
    expect(page.get_by_test_id("classes-to-create").locator("li")).to_have_count(2)
    expect(page.locator("form[action$='/import/']")).to_have_count(0)

    _upload(page, live_server, school, good)
    expect(page.get_by_test_id("onboarding-outcome")).to_contain_text("200")
    expect(page.get_by_test_id("classes-to-create").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("class-counts").locator("tbody tr")).to_have_count(4)
    page.locator("form[action$='/import/'] button").click()
    page.locator("[data-xj-confirm-ok]").click()
    expect(page.get_by_test_id("onboarding-progress")).to_be_visible()
    (job_pk,) = imports
    onboarding.run_import(job_pk)  # the worker
    expect(page.get_by_test_id("onboarding-outcome")).to_contain_text("200")
    expect(page.get_by_test_id("onboarding-progress")).to_have_count(0)
    assert OnboardingJob.objects.get(pk=job_pk).created_count == 200
    assert school.classes.filter(grade=2, number__in=(8, 9)).count() == 2

    log_in(page, live_server, "registrar1")
    for values in (roster[0], roster[2], roster[3]):  # a G, a J and an L number
        page.goto(f"{live_server.url}/pupils/?q={values['name']}")
        row = page.locator("tbody tr", has_text=values["name"])
        expect(row).to_have_count(1)
        expect(row).to_contain_text(mask_national_number(values["national_number"]))
        assert Student.objects.get(name=values["name"]).national_number == values["national_number"]

    pupils = Student.objects.count()
    log_in(page, live_server, "officer1")
    _upload(page, live_server, school, good)
    expect(page.get_by_test_id("onboarding-outcome")).to_contain_text("200")
    expect(page.locator("form[action$='/import/']")).to_have_count(0)
    assert Student.objects.count() == pupils and len(imports) == 1
