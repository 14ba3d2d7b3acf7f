"""Errors a screen reader hears (issue 21): after a failed submit the error summary has the focus and links to
each field; each field's error carries the id its aria-describedby names; invalid fields are aria-invalid and
drawn red; the guardians' error is in the domain's words."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e


def test_a_failed_new_pupil_form_reads_its_errors_first(page, live_server, transactional_db):
    load_demo()
    log_in(page, live_server, "registrar1")
    page.get_by_role("link", name="录入新生").click()
    page.get_by_label("姓名").first.fill("周子轩")
    page.evaluate("document.querySelectorAll('#guardians .row').forEach(row => row.remove())")
    page.locator("#id_guardians-TOTAL_FORMS").evaluate("input => input.value = '0'")
    page.get_by_role("button", name="提交审核").click()

    summary = page.locator("[data-xj-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("请至少填写两位家庭成员或监护人")
    expect(page.locator("#guardians")).to_contain_text("请至少填写两位家庭成员或监护人")
    expect(page.locator("#guardians legend")).to_be_visible()

    birth_date = page.get_by_label("出生日期")
    expect(birth_date).to_have_attribute("aria-invalid", "true")
    described_by = birth_date.get_attribute("aria-describedby").split()
    for error_id in described_by:
        expect(page.locator(f"[id='{error_id}']")).to_have_count(1)
    expect(page.locator(f"[id='{described_by[-1]}']")).to_contain_text("这个字段是必填项")
    border = birth_date.evaluate("input => getComputedStyle(input).borderTopColor")
    assert border == "rgb(220, 53, 69)"  # Bootstrap's danger red, not the grey of a valid field

    summary.get_by_role("link", name="出生日期").click()
    expect(birth_date).to_be_focused()
    expect(page.get_by_label("姓名").first).to_have_value("周子轩")  # what was typed is kept
