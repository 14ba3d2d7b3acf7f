"""Issue 15, problem records (问题学籍): a town officer finds their town's problem records from the home page,
keeps one with evidence and sees it leave the list; the administrator removes a pupil entered in error after
confirming, and the pupil leaves the list of pupils."""

from datetime import date

import pytest
from playwright.sync_api import expect

from registry.roles import Role
from registry.services import grant_role
from students import codes
from students.identity import make_id_number
from students.models import ProblemAcknowledgement, Student
from students.tasks import recount_problems
from tests.conftest import PDF
from tests.factories import (
    TEST_PASSWORD,
    EnrolmentSpellFactory,
    GuardianFactory,
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    TownFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e

BIRTH = date(2019, 3, 8)


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def _pupil(school, **fields):
    student = StudentFactory(birth_date=BIRTH, **fields)
    EnrolmentSpellFactory(student=student, school_class=SchoolClassFactory(school=school))
    GuardianFactory.create_batch(2, student=student)
    return student


def test_an_officer_keeps_a_problem_with_evidence_and_the_administrator_removes_a_pupil(
    page, live_server, transactional_db, tmp_path
):
    town1 = TownFactory(name="东湖镇教办")
    town2 = TownFactory(name="青山镇教办", parent=town1.parent)
    school_a = SchoolFactory(name="东湖镇中心小学", authority=town1)
    school_c = SchoolFactory(name="青山镇中心小学", authority=town2)
    admin = UserFactory(username="admin", full_name="管理员")
    grant_role(admin, Role.ADMINISTRATOR, actor=admin)
    officer = UserFactory(username="officer1", full_name="镇审核员")
    grant_role(officer, Role.OFFICER, town1, actor=admin)
    bad_number = make_id_number("341122", BIRTH, 17, codes.Sex.MALE)
    bad_number = bad_number[:17] + ("1" if bad_number[17] != "1" else "2")  # a wrong check digit
    wrong = _pupil(school_a, name="李四", id_number=bad_number, national_number=None)
    twice = _pupil(school_a, name="孙三", id_number=make_id_number("341122", BIRTH, 21, codes.Sex.MALE))
    _pupil(school_c, name="孙三", id_number="", id_type=codes.IdType.OTHER, national_number=None)

    recount_problems.delay()  # as celery beat does every ten minutes

    # the officer's home counts the town's problem records; the school's link opens them
    log_in(page, live_server, "officer1")
    counts = page.get_by_test_id("home-problem-counts")
    expect(counts).to_contain_text("东湖镇中心小学")
    counts.get_by_role("link", name="东湖镇中心小学").click()
    rows = page.get_by_test_id("problem-list")
    expect(rows).to_contain_text("李四")
    expect(rows).to_contain_text("孙三")
    expect(rows).to_contain_text("青山镇中心小学")  # the namesake's school, named only
    row = rows.locator("tr", has_text="李四")
    expect(row).to_contain_text("身份证件号无效")

    # keep it with evidence
    row.get_by_role("link", name="佐证保留").click()
    proof = tmp_path / "户口簿.pdf"
    proof.write_bytes(PDF)
    page.get_by_label("佐证材料").set_input_files(proof)
    page.get_by_label("原因").fill("户口簿所载号码即为此号，已报公安核实")
    page.get_by_role("button", name="佐证保留").click()
    expect(page.get_by_text("已以佐证保留 李四 的学籍。")).to_be_visible()
    expect(page.get_by_test_id("problem-list")).not_to_contain_text("李四")
    assert ProblemAcknowledgement.objects.get(student=wrong).acknowledged_by == officer

    # the administrator removes the pupil entered in error, after confirming
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/problems/?school={school_a.pk}&kind=same_person")
    page.get_by_test_id("problem-list").locator("tr", has_text="孙三").get_by_role("link", name="删除").click()
    page.get_by_label("误录原因").fill("同一学生重复录入")
    page.get_by_role("button", name="删除该学生").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("将作为误录学籍从所有在籍名册、列表和统计中删除")
    dialog.locator("[data-xj-confirm-ok]").click()
    expect(page.get_by_text("已将误录的 孙三 删除。")).to_be_visible()
    assert Student.all_records.get(pk=twice.pk).removed_at is not None
    page.goto(f"{live_server.url}/pupils/?school={school_a.pk}")
    expect(page.locator("main")).not_to_contain_text("孙三")
