"""The September rush in a real browser (issue 17): officer1 narrows the queue to new registrations, ticks
three, reads the preview (the one confirmation) and approves them; then reviews the next one and uses
"approve and next", which confirms in the dialog and opens the following request with the focus on its
record."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import confirm_dialog, load_demo
from tests.e2e.test_registration import log_in
from transfers.models import ChangeRequest

pytestmark = pytest.mark.e2e


def test_officer_bulk_approves_then_approves_and_goes_on(page, live_server, transactional_db):
    load_demo()
    log_in(page, live_server, "officer1")
    page.get_by_role("link", name="待审核").first.click()
    page.get_by_label("类别").select_option(label="新生注册")
    page.get_by_role("button", name="筛选").click()
    rows = page.get_by_test_id("queue-table").locator("tbody tr")
    names = [rows.nth(index).get_by_role("link").inner_text() for index in range(3)]
    for name in names:
        page.get_by_role("checkbox", name=f"选择 {name}").check()
    page.get_by_role("button", name="批量审核所选申请").click()

    preview = page.get_by_test_id("confirm-page")
    expect(preview).to_contain_text("批准 3 项申请")
    for name in names:
        expect(page.get_by_test_id("confirm-consequences")).to_contain_text(name)
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_text("已批准 3 项申请。")).to_be_visible()
    expect(page.get_by_label("类别")).to_have_value("registration")  # back in the same filtered queue
    approved = ChangeRequest.objects.filter(student__name__in=names, state=ChangeRequest.State.APPROVED)
    assert approved.count() == 3

    first, second = (rows.nth(index).get_by_role("link").inner_text() for index in range(2))
    rows.nth(0).get_by_role("link").click()
    expect(page.get_by_role("heading", name=f"新生注册 · {first}")).to_be_visible()
    page.get_by_role("button", name="通过并审核下一项").click()
    confirm_dialog(page, f"将为 {first} 生成学籍号")
    expect(page.get_by_role("heading", name=f"新生注册 · {second}")).to_be_visible()
    expect(page.locator("#review")).to_be_focused()
