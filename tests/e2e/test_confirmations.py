"""Confirmation before what cannot be undone, in a real browser (issue 17). With JavaScript the button opens
the layout's dialog saying what will happen: cancelling, or leaving it open, changes nothing; confirming
acts. Without JavaScript the same button answers a confirmation page saying the same: its Cancel goes back
with nothing changed, its button acts."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import build_world
from tests.e2e.conftest import confirm_dialog
from tests.factories import TEST_PASSWORD
from tests.permission_matrix import _hand_over
from transfers.models import ChangeRequest

pytestmark = pytest.mark.e2e


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_archivist_receives_a_paper_file_through_the_dialog(page, live_server, transactional_db):
    world = build_world()
    hand_over = _hand_over(world, "own", sent=True)  # sent by 丙小学 to the archivist's 甲小学
    pupil = world.pupils["own"].name
    _log_in(page, live_server, "archivist")
    page.goto(live_server.url + reverse("archive_detail", args=[hand_over.archive_id]))
    receive = page.get_by_role("button", name="登记纸质档案已收到")

    # the page without the dialog (a form posted by script skips it), audited for accessibility like any page
    page.locator("form[action$='/received/']").evaluate("form => form.submit()")
    expect(page.get_by_test_id("confirm-page")).to_contain_text(pupil)
    hand_over.refresh_from_db()
    assert hand_over.received_at is None
    page.get_by_role("link", name="取消").click()

    receive.click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(pupil)
    expect(dialog).to_contain_text("丙小学")
    expect(dialog).to_contain_text("此操作不可撤销。")
    hand_over.refresh_from_db()
    assert hand_over.received_at is None  # asked, not done
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    hand_over.refresh_from_db()
    assert hand_over.received_at is None

    receive.click()
    confirm_dialog(page, expect_text=pupil)
    expect(page.get_by_role("alert").filter(has_text="已登记收到纸质档案。")).to_be_visible()
    hand_over.refresh_from_db()
    assert hand_over.received_at is not None and hand_over.received_by.username == "archivist"


def test_the_registrar_withdraws_a_request_on_the_confirmation_page_without_javascript(
    browser, live_server, transactional_db
):
    world = build_world()
    request = world.registrations["own"]
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server, "registrar")
    detail = live_server.url + reverse("request_detail", args=[request.pk])

    def withdraw():
        page.goto(detail)
        page.get_by_text("撤回此申请").click()  # <details>: opens without JavaScript
        page.get_by_label("撤回原因").fill("家长决定暂缓入学")
        page.get_by_role("button", name="撤回", exact=True).click()
        confirm = page.get_by_test_id("confirm-page")
        expect(confirm).to_contain_text(request.student.name)
        expect(confirm).to_contain_text("此操作不可撤销。")
        request.refresh_from_db()
        assert request.state == ChangeRequest.State.PENDING  # asked, not done
        return confirm

    withdraw().get_by_role("link", name="取消").click()
    expect(page.get_by_test_id("request-state")).to_be_visible()
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.PENDING

    withdraw().get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("request-state")).to_be_visible()
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.WITHDRAWN and request.history.first().history_user.username == (
        "registrar"
    )
    context.close()
