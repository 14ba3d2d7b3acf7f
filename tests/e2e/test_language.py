"""Chinese unless the user chooses (issue 21): a browser that asks for English, with no language cookie, gets
the Chinese interface; English comes only from the selector and is kept for the account. Each page is also
audited by axe-core (conftest) in English."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from registry.models import User
from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "extra_http_headers": {"Accept-Language": "en-US,en;q=0.9"}}


def test_an_english_browser_gets_chinese_until_the_user_chooses_english(page, live_server, transactional_db):
    load_demo()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="登录")).to_be_visible()

    log_in(page, live_server, "registrar1")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert User.objects.get(username="registrar1").language == "en"

    pupil_list = f"{live_server.url}{reverse('pupil_list')}"
    page.goto(pupil_list)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pupils on the register")
    page.goto(f"{live_server.url}{reverse('registration_new', args=['2134119901'])}")
    expect(page.get_by_label("Ethnicity")).to_contain_text("Han")  # the national code tables in English
