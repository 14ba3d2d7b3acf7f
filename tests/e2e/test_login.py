"""A registrar logs in through the real login page and lands on the school's home page."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import load_demo

pytestmark = pytest.mark.e2e


def test_registrar1_logs_in_and_sees_the_schools_home(page, live_server, transactional_db):
    load_demo()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("用户名").fill("registrar1")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="东湖镇中心小学 · 学籍管理员")).to_be_visible()
    expect(page.get_by_role("link", name="东湖镇中心小学")).to_be_visible()
    expect(page.get_by_text("系统管理")).to_have_count(0)
