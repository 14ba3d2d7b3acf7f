"""查询申请 (学号办法 八): a guardian's request recorded with the proof's type and last digits only, its extract
printed (the pupil's ID number in full, the guardians' masked), the register and the audit log; a
department's request waits for the registry head; another school sees nothing of it."""

import pytest
from django.urls import reverse
from django.utils import translation

from archives.models import RegisterEntry
from archives.record_requests.extract import extract_html
from archives.record_requests.models import RecordExtract, RecordRequest
from archives.services import ensure_archive
from audit.models import Event as AuditEvent
from students.identity import mask_id_number


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def archive(world):
    return ensure_archive(world.pupils["own"])


GUARDIAN = {"requester": "guardian", "requester_name": "王丽", "department": "", "proof_type": "id_card",
            "proof_digits": "123X", "purpose": "核对孩子的学籍信息"}  # fmt: skip


def _record(client, user, archive, **data):
    client.force_login(user)
    return client.post(reverse("record_request_new", args=[archive.pk]), {**GUARDIAN, **data})


def test_a_guardian_request_is_granted_and_written_in_the_register_with_the_proof_type(client, world, archive):
    response = _record(client, world.users["registrar"], archive)
    query = RecordRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("record_request_detail", args=[query.pk])
    assert query.state == RecordRequest.State.GRANTED and query.proof_digits == "123X"
    line = RegisterEntry.objects.get(archive=archive, action=RegisterEntry.Action.RECORD_REQUEST)
    assert "Resident identity card …123X" in line.what and line.why == "核对孩子的学籍信息"
    assert AuditEvent.objects.filter(action="archives.record_request.recorded").count() == 1
    register = client.get(reverse("print_register", args=[world.school_a.code])).content.decode()
    assert "Resident identity card …123X" in register


def test_a_full_number_as_proof_is_refused_and_nothing_is_stored(client, world, archive):
    response = _record(client, world.users["registrar"], archive, proof_digits="110101200901011234")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter exactly the last 4 characters" in html and 'value="王丽"' in html
    assert not RecordRequest.objects.exists() and not RegisterEntry.objects.exists()


@pytest.mark.slow
def test_the_extract_prints_the_pupils_full_id_number_and_masks_the_guardians(
    client, world, archive, django_capture_on_commit_callbacks
):
    _record(client, world.users["registrar"], archive)
    query = RecordRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("record_extract_new", args=[query.pk]))
    extract = RecordExtract.objects.get()
    assert response["Location"] == reverse("record_extract", args=[extract.pk])
    assert extract.state == RecordExtract.State.READY and extract.pages >= 1
    download = client.get(reverse("record_extract_download", args=[extract.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    pupil, guardian = world.pupils["own"], world.pupils["own"].guardians.first()
    html = extract_html(extract)
    assert pupil.id_number in html
    assert guardian.id_number not in html and mask_id_number(guardian.id_number) in html
    printed = RegisterEntry.objects.get(archive=archive, action=RegisterEntry.Action.PRINTED)
    assert "王丽" in printed.what
    assert AuditEvent.objects.filter(action="archives.record_request.extract_printed").count() == 1


def test_a_department_request_waits_for_another_registry_head_who_confirms(client, world, archive):
    _record(client, world.users["registrar"], archive, requester="department", department="德育处",
            proof_type="staff_card", proof_digits="0042", purpose="评优核对")  # fmt: skip
    query = RecordRequest.objects.get()
    assert query.state == RecordRequest.State.PENDING
    assert client.post(reverse("record_extract_new", args=[query.pk])).status_code == 302
    assert not RecordExtract.objects.exists()
    decide = reverse("record_request_decide", args=[query.pk])
    assert client.post(decide, {"decision": "approve", "confirmed": "1"}).status_code == 403  # who recorded it
    client.force_login(world.users["headteacher"])
    page = client.post(decide, {"decision": "approve"})
    assert page.status_code == 200 and "德育处 will be allowed to see the record" in page.content.decode()
    query.refresh_from_db()
    assert query.state == RecordRequest.State.PENDING
    client.post(decide, {"decision": "approve", "confirmed": "1"})
    query.refresh_from_db()
    assert query.state == RecordRequest.State.GRANTED and query.decided_by == world.users["headteacher"]


def test_another_schools_registrar_finds_neither_the_request_nor_the_extract(client, world, archive):
    _record(client, world.users["registrar"], archive)
    query = RecordRequest.objects.get()
    extract = RecordExtract.objects.create(request=query, requested_by=world.users["registrar"])
    other = world.users["registrar"].__class__.objects.get(username="registrar_other")
    client.force_login(other)
    for url in (reverse("record_request_detail", args=[query.pk]), reverse("record_extract", args=[extract.pk]),
                reverse("record_extract_download", args=[extract.pk])):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(reverse("record_extract_new", args=[query.pk])).status_code == 404
    assert client.get(reverse("record_request_list", args=[world.school_a.code])).status_code == 404


def test_the_headteacher_finds_the_waiting_department_requests_from_the_school_page(client, world, archive):
    _record(client, world.users["registrar"], archive, requester="department", department="德育处",
            proof_type="staff_card", proof_digits="0042", purpose="评优核对")  # fmt: skip
    client.force_login(world.users["headteacher"])
    school_page = client.get(reverse("school_detail", args=[world.school_a.code])).content.decode()
    assert reverse("record_request_list", args=[world.school_a.code]) in school_page
    listing = client.get(reverse("record_request_list", args=[world.school_a.code])).content.decode()
    assert "德育处" in listing and "Waiting for the registry head" in listing
