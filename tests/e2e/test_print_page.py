"""Printing a page from the browser (issue 21): no navigation, buttons or forms on paper, and a footer with the
pupil, the school, the date and who printed it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from registry.models import User
from students.selectors import students_visible_to
from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e


def test_a_printed_pupil_page_has_no_controls_and_says_who_printed_it(page, live_server, transactional_db):
    load_demo()
    pupil = students_visible_to(User.objects.get(username="registrar1")).order_by("pk").first()
    log_in(page, live_server, "registrar1")
    page.goto(f"{live_server.url}{reverse('pupil_detail', args=[pupil.pk])}")
    footer = page.get_by_test_id("print-footer")
    expect(footer).to_be_hidden()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    expect(page.get_by_role("button", name="退出登录")).to_be_hidden()
    expect(page.locator("main form").first).to_be_hidden()
    expect(footer).to_be_visible()
    expect(footer).to_contain_text(f"{pupil.name} · 东湖镇中心小学")
    expect(footer).to_contain_text("打印人：赵学籍")
