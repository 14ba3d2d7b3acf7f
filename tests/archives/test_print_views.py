"""The printing pages: the print form (full bundle or chosen documents), the class batch, the job's
progress and download (its requester's alone), and the school's archive register."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from archives.models import ArchiveDocument, PrintJob, RegisterEntry
from archives.services import ensure_archive, record
from registry.roles import Role
from registry.services import grant_role
from tests.conftest import PDF
from tests.factories import UserFactory

pytestmark = pytest.mark.slow  # renders PDFs with WeasyPrint; `make test-fast` leaves it out


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages in English (the language cookie), so the assertions read as the page does."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def archive(world):
    archive = ensure_archive(world.pupils["own"])
    ArchiveDocument.objects.create(
        archive=archive, type=ArchiveDocument.Type.AWARD, title="三好学生奖状", document_date=date(2026, 6, 1),
        source=ArchiveDocument.Source.UPLOADED, file=SimpleUploadedFile("award.pdf", PDF),
        content_type="application/pdf", size=len(PDF), sha256="0" * 64, added_by=world.users["archivist"],
    )  # fmt: skip
    return archive


def _printed(client, world, archive, capture, **data):
    client.force_login(world.users["archivist"])
    with capture(execute=True):
        response = client.post(reverse("print_new", args=[archive.pk]), {"what": "full", "reason": "升学调档", **data})
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("print_job", args=[job.pk])
    return job


def test_the_print_form_offers_the_documents_with_real_labels(client, world, archive):
    client.force_login(world.users["archivist"])
    response = client.get(reverse("print_new", args=[archive.pk]))
    html = response.content.decode()
    document = archive.documents.get()
    label = "Award or sanction · 三好学生奖状 · 2026-06-01"
    assert f'<label class="form-check-label" for="id_documents_0">{label}</label>' in html
    assert f'value="{document.pk}"' in html and 'for="id_reason"' in html
    assert 'for="id_reveal_reason"' in html  # the holding school's archivist may print them, with a reason


def test_choosing_documents_needs_at_least_one(client, world, archive):
    client.force_login(world.users["archivist"])
    response = client.post(reverse("print_new", args=[archive.pk]), {"what": "documents", "reason": "调档"})
    assert response.status_code == 200
    assert "Choose at least one document" in response.content.decode()
    assert not PrintJob.objects.exists()


def test_printing_chosen_documents(client, world, archive, django_capture_on_commit_callbacks):
    document = archive.documents.get()
    job = _printed(client, world, archive, django_capture_on_commit_callbacks, what="documents",
                   documents=[document.pk])  # fmt: skip
    assert job.documents == [document.pk] and job.state == PrintJob.State.READY


def test_the_job_page_shows_the_download_once_ready(client, world, archive, django_capture_on_commit_callbacks):
    job = _printed(client, world, archive, django_capture_on_commit_callbacks)
    response = client.get(reverse("print_job", args=[job.pk]))
    assert reverse("print_download", args=[job.pk]) in response.content.decode()
    partial = client.get(reverse("print_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert b'id="print-progress"' in partial.content and b"<html" not in partial.content


def test_a_running_job_is_polled(client, world, archive):
    job = PrintJob.objects.create(school=world.school_a, requested_by=world.users["archivist"], archive=archive,
                                  reason="调档", state=PrintJob.State.RENDERING, total=4, done=1)  # fmt: skip
    client.force_login(world.users["archivist"])
    html = client.get(reverse("print_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and '<progress class="xj-progress" max="100" value="25"' in html


def test_someone_elses_job_is_not_found(client, world, archive, django_capture_on_commit_callbacks):
    job = _printed(client, world, archive, django_capture_on_commit_callbacks)
    colleague = UserFactory(username="archivist2")
    grant_role(colleague, Role.ARCHIVIST, world.school_a, actor=world.users["administrator"])
    for user in (colleague, world.users["registrar"], world.users["administrator"]):
        client.force_login(user)
        assert client.get(reverse("print_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("print_download", args=[job.pk])).status_code == 404


def test_the_download_is_an_attachment(client, world, archive, django_capture_on_commit_callbacks):
    job = _printed(client, world, archive, django_capture_on_commit_callbacks)
    response = client.get(reverse("print_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_job_not_ready_has_no_download(client, world, archive):
    job = PrintJob.objects.create(school=world.school_a, requested_by=world.users["archivist"], archive=archive,
                                  reason="调档")  # fmt: skip
    client.force_login(world.users["archivist"])
    assert client.get(reverse("print_download", args=[job.pk])).status_code == 404


def test_printing_a_class(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["archivist"])
    url = reverse("print_class", args=[world.school_a.code, world.class_a.pk])
    assert "1 pupil on the class" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "学期归档"})
    job = PrintJob.objects.get()
    assert response["Location"] == reverse("print_job", args=[job.pk])
    assert job.school_class == world.class_a and job.state == PrintJob.State.READY and job.done == job.total == 1


def test_the_register_lists_the_print(client, world, archive, django_capture_on_commit_callbacks):
    _printed(client, world, archive, django_capture_on_commit_callbacks)
    record(archive, user=world.users["registrar"], action=RegisterEntry.Action.VIEWED, what="Archive page")
    url = reverse("print_register", args=[world.school_a.code])
    for role in ("registrar", "headteacher", "officer"):
        client.force_login(world.users[role])
        html = client.get(url).content.decode()
        assert "升学调档" in html and world.pupils["own"].name in html
        assert RegisterEntry.objects.get(action="printed").what in html
    html = client.get(url, {"action": "viewed"}).content.decode()
    assert "Archive page" in html and "升学调档" not in html
    assert 'for="id_action"' in html
    client.force_login(world.users["registrar"])
    assert client.get(reverse("print_register", args=[world.school_c.code])).status_code == 404
