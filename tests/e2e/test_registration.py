"""The registration journey in a real browser: the registrar enters a pupil, fixes the ID number the
validator flags, submits; officer1 approves; the pupil is 在籍 with G + ID number."""

from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from students.identity import check_digit, make_id_number
from tests.e2e.conftest import confirm_dialog, load_demo
from tests.e2e.new_pupil import fill_new_pupil

pytestmark = pytest.mark.e2e

BIRTH = date(2019, 11, 3)
GOOD_ID = make_id_number("341199", BIRTH, 731, "1")
WRONG_ID = GOOD_ID[:17] + ("0" if check_digit(GOOD_ID[:17]) != "0" else "1")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_registrar_registers_and_officer_approves(page, live_server, transactional_db):
    load_demo()
    log_in(page, live_server, "registrar1")
    page.get_by_role("link", name="录入新生").click()
    fill_new_pupil(page, name="周子轩", sex="男", id_number=WRONG_ID, birth=BIRTH,
                   guardians=[("周大伟", "父亲", "13900001111"), ("李芳", "母亲", "13900002222")])  # fmt: skip
    page.get_by_role("button", name="提交审核").click()

    expect(page.locator("#id_id_number_error")).to_have_text(f"校验位应为 {GOOD_ID[-1]}，而不是 {WRONG_ID[-1]}。")
    expect(page.get_by_label("姓名").first).to_have_value("周子轩")
    page.get_by_label("身份证件号").first.fill(GOOD_ID)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("request-state")).to_have_text("审核中")

    page.get_by_role("button", name="退出登录").click()
    log_in(page, live_server, "officer1")
    page.get_by_role("link", name="待审核").first.click()
    row = page.get_by_role("row").filter(has_text="周子轩")
    expect(row.get_by_test_id("kind-badge")).to_have_text("新生注册")
    row.get_by_role("link", name="周子轩").click()
    expect(page.get_by_role("heading", name="新生注册 · 周子轩")).to_be_visible()
    expect(page.get_by_test_id("information-sheet")).to_contain_text("出生地")
    page.get_by_label("审核意见").fill("材料齐全，同意注册")
    page.get_by_role("button", name="通过", exact=True).click()
    confirm_dialog(page, "将为 周子轩 生成学籍号 G…")
    expect(page.get_by_text("已通过：新生注册 · 周子轩。")).to_be_visible()

    page.goto(f"{live_server.url}/pupils/?q=周子轩")
    page.get_by_role("link", name="周子轩").click()
    expect(page.get_by_test_id("national-number")).to_have_text(f"G{GOOD_ID[:4]}**********{GOOD_ID[-4:]}")
    expect(page.get_by_test_id("id-number")).to_have_text(f"{GOOD_ID[:4]}**********{GOOD_ID[-4:]}")
    expect(page.get_by_role("cell", name="新生注册")).to_be_visible()
    expect(page.get_by_test_id("pupil-status")).to_have_text("在籍")
