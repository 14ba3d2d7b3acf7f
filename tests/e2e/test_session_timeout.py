"""The session timeout keeps the form (issue 21): with a short idle timeout a registrar fills half the new-pupil
form, the warning appears, they let it lapse, submit, log in again, and the form is back with what they typed;
with "继续工作" the session goes on."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e

IDLE = 6  # seconds; the warning shows after half of it (at most two minutes before the end)


@pytest.fixture
def short_idle_timeout(settings):
    settings.SESSION_IDLE_TIMEOUT = IDLE


def _open_new_pupil_form(page, live_server):
    load_demo()
    log_in(page, live_server, "registrar1")
    page.get_by_role("link", name="录入新生").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("新生注册")


def test_a_lapsed_session_gives_the_form_back_after_the_login(page, live_server, transactional_db, short_idle_timeout):
    _open_new_pupil_form(page, live_server)
    page.get_by_label("姓名").first.fill("周子轩")
    page.get_by_label("家庭住址").fill("东湖镇幸福路 20 号")
    page.get_by_label("户口性质").select_option(label="农业")

    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_visible(timeout=IDLE * 1000)
    expect(warning.get_by_role("button", name="继续工作")).to_be_visible()
    expect(warning.get_by_text("已填写的内容不会丢失")).to_be_visible(timeout=IDLE * 1000)  # let it lapse

    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    expect(page.get_by_text("已填写的内容已保留")).to_be_visible()
    page.get_by_label("用户名").fill("registrar1")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_test_id("kept-form")).to_be_visible()
    expect(page.get_by_label("姓名").first).to_have_value("周子轩")
    expect(page.get_by_label("家庭住址")).to_have_value("东湖镇幸福路 20 号")
    expect(page.get_by_label("户口性质").locator("option:checked")).to_have_text("农业")


def test_continue_working_keeps_the_session(page, live_server, transactional_db, short_idle_timeout):
    _open_new_pupil_form(page, live_server)
    page.get_by_label("姓名").first.fill("周子轩")
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_visible(timeout=IDLE * 1000)
    warning.get_by_role("button", name="继续工作").click()
    expect(warning).to_be_hidden()
    page.wait_for_timeout(IDLE / 2 * 1000 + 1500)  # past the end the session would have had without the click
    page.get_by_role("link", name="学生", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("在籍学生")  # still signed in
