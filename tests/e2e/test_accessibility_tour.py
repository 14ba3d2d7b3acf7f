"""Each role's main pages in both languages, audited by axe-core (WCAG 2.0/2.1 A and AA, conftest): every link of
the navigation, the notifications and the password page. Django's own admin site (/admin/) is not ours and
is left out."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e

ROLES = ["registrar1", "headteacher1", "archivist1", "officer1", "admin"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("username", ROLES)
def test_each_roles_pages_pass_the_audit(page, live_server, transactional_db, accessibility_audits, username, language):
    load_demo()
    log_in(page, live_server, username)
    expect(page.locator("#main")).to_be_visible()
    if language == "en":
        page.locator("#language-select").select_option("en")
        page.locator("#language-select").locator("xpath=ancestor::form").get_by_role("button").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    links = page.locator("#main-navigation .nav-link").evaluate_all("links => links.map(link => link.pathname)")
    links += ["/notifications/", "/accounts/password/"]
    shown = []
    for path in links:
        if path.startswith("/admin/"):
            continue
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        shown.append(page.url.removeprefix(live_server.url))
    page.reload()  # the last page's audit is done before it is left
    audited = {url for url, _violations in accessibility_audits}
    assert set(shown) <= audited  # every page was audited (a violation fails the test: conftest)
