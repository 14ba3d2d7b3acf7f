"""Headers and configuration an education office can sign (issue 7, ASVS 14.4, Django's deployment checklist):
a Content-Security-Policy with no inline script or style, nosniff, no framing, a referrer policy, no view
exempt from CSRF, and uploads refused over their size with a message."""

import re
from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import PDF
from tests.transfers.kinds_helpers import pupil_in
from transfers.models import ChangeRequest
from transfers.uploads import MAX_EVIDENCE_BYTES

ROOT = Path(__file__).resolve().parent.parent
APPS = ["registry", "students", "transfers", "archives", "audit"]
# WeasyPrint's templates are rendered to PDF, never served as pages, so they may keep their <style>.
PRINT_TEMPLATES = re.compile(r"(/print/|_pdf\.html$|transfers/transfer_form\.html$)")


def _policy(response):
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }


def test_every_page_carries_the_security_headers(client, world):
    client.force_login(world.users["registrar"])
    response = client.get(reverse("pupil_detail", args=[world.pupils["own"].pk]))
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    login = client.get(reverse("login"))
    assert "Content-Security-Policy" in login and login["X-Frame-Options"] == "DENY"


def test_no_template_served_as_a_page_has_inline_script_or_style():
    """What the policy would block: inline <script> (a JSON data block is not script), on* handlers,
    style attributes and <style> elements."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if PRINT_TEMPLATES.search("/" + name):
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", r"\son[a-z]+\s*=", r"\sstyle=", r"<style"):
            if re.search(pattern, text):
                offenders.append(f"{name}: {pattern}")
    assert offenders == []


def test_htmx_injects_no_style_element(client, world):
    client.force_login(world.users["registrar"])
    page = client.get(reverse("home")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in page


def test_no_view_is_exempt_from_csrf():
    found = [
        f"{path.relative_to(ROOT)}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "csrf_exempt" in path.read_text()
    ]
    assert found == []


def test_an_oversize_form_body_is_refused(client, world, settings):
    """More than DATA_UPLOAD_MAX_MEMORY_SIZE of form fields is a 400 before any view runs."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 2**20 and settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 2**20
    client.force_login(world.users["registrar"])
    url = reverse("reveal_id_numbers", args=[world.pupils["own"].pk])
    response = client.post(url, {"reason": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 400


def test_an_oversize_upload_is_refused_with_a_message_and_nothing_is_started(client, world):
    pupil = pupil_in(world.school_a)
    client.force_login(world.users["registrar"])
    today = timezone.localdate()
    too_big = SimpleUploadedFile("cert.pdf", PDF + b"\0" * MAX_EVIDENCE_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("change_new", args=[pupil.pk, "suspension"]),
        {
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=100)).isoformat(),
            "reason": "肺炎住院治疗",
            "medical_certificate": too_big,
        },
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert translation.gettext("The file is larger than 10 MB.") in response.content.decode()
    assert not ChangeRequest.objects.filter(student=pupil).exists()
