"""Being told, in a real browser (issue 17): officer1 rejects registrar1's registration → registrar1 sees an
unread notification with the reason, opens it (it is read), amends and resubmits → officer1 is told of the
resubmission. headteacher1 sends a roll check back → registrar1 reads the reason in the inbox and on the
roll check page."""

import pytest
from playwright.sync_api import expect

from registry.models import Notification
from tests.e2e.conftest import confirm_dialog, load_demo
from tests.e2e.test_registration import log_in
from transfers.models import ChangeRequest
from transfers.services import current_step

pytestmark = pytest.mark.e2e

SCHOOL = "2134119901"  # registrar1's school in the demo town


def _notification(page, text):
    return page.get_by_test_id("notification").filter(has_text=text)


def test_rejected_registration_is_told_read_amended_and_resubmitted(page, live_server, transactional_db):
    load_demo()
    request = ChangeRequest.objects.filter(school__code=SCHOOL, kind="registration", state="pending").first()
    pupil = request.student.name

    log_in(page, live_server, "officer1")
    page.goto(f"{live_server.url}/requests/{request.pk}/")
    page.get_by_label("驳回理由").fill("户口簿复印件不清晰，请重新上传")
    page.get_by_role("button", name="驳回").click()
    confirm_dialog(page, "将连同驳回原因退回")
    expect(page.get_by_text(f"已驳回给学校：新生注册 · {pupil}。")).to_be_visible()
    page.get_by_role("button", name="退出登录").click()

    log_in(page, live_server, "registrar1")
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    expect(page.get_by_test_id("unread-by-kind").locator('[data-kind="request"]')).to_contain_text("异动申请 1")
    page.get_by_test_id("notifications-link").click()
    told = _notification(page, "户口簿复印件不清晰，请重新上传")
    expect(told).to_have_count(1)
    expect(told).to_have_attribute("data-unread", "")
    expect(told).to_contain_text("您的新生注册申请被驳回")
    expect(told).to_contain_text(pupil)
    told.get_by_role("button", name="打开").click()
    expect(page.get_by_role("heading", name=f"新生注册 · {pupil}")).to_be_visible()
    expect(page.get_by_test_id("unread-by-kind").locator('[data-kind="request"]')).to_have_count(0)
    page.get_by_test_id("notifications-link").click()
    expect(_notification(page, "户口簿复印件不清晰，请重新上传")).not_to_have_attribute("data-unread", "")

    page.goto(f"{live_server.url}/requests/{request.pk}/")
    page.get_by_role("link", name="修改后重新提交").click()
    page.get_by_label("家庭住址", exact=True).first.fill("东湖镇幸福路 21 号")
    page.get_by_role("button", name="重新提交审核").click()
    expect(page.get_by_test_id("request-state")).to_have_text("审核中")
    page.get_by_role("button", name="退出登录").click()

    request.refresh_from_db()
    new_step = current_step(request)
    log_in(page, live_server, "officer1")
    page.get_by_test_id("notifications-link").click()
    about_pupil = _notification(page, pupil)
    expect(about_pupil).to_have_count(2)  # the first submission's, and the resubmission's
    expect(about_pupil.first).to_have_attribute("data-unread", "")
    expect(about_pupil.first).to_contain_text("有一项新生注册申请等待您审核")
    assert Notification.objects.filter(recipient__username="officer1", key=f"step-waiting:{new_step.pk}").count() == 1
    about_pupil.first.get_by_role("button", name="打开").click()
    expect(page.get_by_role("heading", name=f"新生注册 · {pupil}")).to_be_visible()


def test_returned_roll_check_shows_the_reason_to_the_registrar(page, live_server, transactional_db):
    load_demo()
    log_in(page, live_server, "registrar1")
    page.get_by_role("link", name="学期学籍核对").first.click()
    page.get_by_role("button", name="开始本学期学籍核对").click()
    rows = page.get_by_test_id("roll-summary").locator("tbody tr")
    for index in range(rows.count()):
        rows.nth(index).locator("input").fill(rows.nth(index).locator("td").nth(1).inner_text())
    page.get_by_role("button", name="保存实到人数").click()
    page.get_by_role("button", name="提交校长审签").click()
    expect(page.get_by_test_id("roll-check-state")).to_have_text("已提交校长")
    page.get_by_role("button", name="退出登录").click()

    log_in(page, live_server, "headteacher1")
    page.get_by_test_id("notifications-link").click()
    _notification(page, "有一份学期会审等待您签字").get_by_role("button", name="打开").click()
    page.get_by_label("退回原因").fill("三年级(2)班实到人数与点名册不符，请重点")
    page.get_by_role("button", name="退回学籍管理员").click()
    confirm_dialog(page)
    expect(page.get_by_test_id("roll-check-state")).to_have_text("草稿")
    page.get_by_role("button", name="退出登录").click()

    log_in(page, live_server, "registrar1")
    expect(page.get_by_test_id("unread-by-kind").locator('[data-kind="roll_check"]')).to_contain_text("学期会审 1")
    page.get_by_test_id("notifications-link").click()
    told = _notification(page, "三年级(2)班实到人数与点名册不符，请重点")
    expect(told).to_have_attribute("data-unread", "")
    expect(told).to_contain_text("您的学期会审被退回")
    told.get_by_role("button", name="打开").click()
    expect(page.get_by_test_id("return-reason")).to_contain_text("三年级(2)班实到人数与点名册不符，请重点")
    expect(page.get_by_test_id("return-reason")).to_contain_text("退回")
    expect(page.get_by_test_id("return-history").locator("li")).to_have_count(1)
