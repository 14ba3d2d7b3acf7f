"""The browser tests' accessibility audit itself (conftest): a violation is reported for every visit of the page
that has it, including a visit whose markup was audited before and is not run through axe again."""

import pytest

pytestmark = pytest.mark.e2e

UNLABELLED = (
    '<!doctype html><html lang="zh-hans"><head><title>无标签</title></head>'
    '<body><main><h1>无标签</h1><img src="data:,"><input name="q"></main></body></html>'
)


def test_a_violation_is_reported_on_each_visit_of_the_same_markup(page, live_server, accessibility_audits):
    address = f"{live_server.url}/audit-check/"
    page.route(address, lambda route: route.fulfill(status=200, content_type="text/html", body=UNLABELLED))
    page.goto(address)
    page.goto(address)  # the same markup again: its findings come from the first audit
    page.goto(f"{live_server.url}/accounts/login/")
    found = [(url, sorted(violation["id"] for violation in violations)) for url, violations in accessibility_audits]
    assert found[:2] == [("/audit-check/", ["image-alt", "label"])] * 2
    accessibility_audits.clear()  # the violations were this test's point: the end-of-test check is not asked
