"""The Content-Security-Policy in a real browser: the daily pages of a registrar, an archivist and a town
officer load with no CSP violation reported by chromium, the statistics charts still draw, and htmx still
polls a print job's progress and swaps in the download link when the job is done."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from archives.models import PrintJob
from archives.services import ensure_archive
from registry.models import Authority, User
from students.selectors import students_visible_to
from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e


def _watch_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_pages_work_under_the_content_security_policy(page, live_server, transactional_db):
    load_demo()
    violations = _watch_violations(page)

    log_in(page, live_server, "registrar1")
    registrar = User.objects.get(username="registrar1")
    pupil = students_visible_to(registrar).order_by("pk").first()
    for url in (reverse("home"), reverse("pupil_list"), reverse("pupil_detail", args=[pupil.pk])):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("h1").first).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server, "officer1")
    town = Authority.objects.get(code="341199101")
    page.goto(f"{live_server.url}{reverse('authority_statistics', args=[town.pk])}")
    expect(page.get_by_test_id("chart-grades")).to_have_attribute("data-rendered", "true")
    page.context.clear_cookies()

    archivist = User.objects.get(username="archivist1")
    archive = ensure_archive(students_visible_to(archivist).order_by("pk").first())
    job = PrintJob.objects.create(
        school=archive.school, requested_by=archivist, archive=archive, reason="转学调档", state=PrintJob.State.QUEUED
    )
    log_in(page, live_server, "archivist1")
    page.goto(f"{live_server.url}{reverse('print_job', args=[job.pk])}")
    expect(page.locator("#print-progress progress")).to_be_visible()
    with page.expect_request(lambda request: request.headers.get("hx-request") == "true"):
        pass  # htmx polls every second
    job.file.save("print.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    PrintJob.objects.filter(pk=job.pk).update(
        state=PrintJob.State.READY, file=job.file.name, finished_at=timezone.now(), pages=1
    )
    expect(page.get_by_test_id("print-download")).to_be_visible(timeout=10_000)  # swapped in by htmx

    assert violations == []
