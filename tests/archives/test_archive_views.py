"""The archive pages as their users meet them: the archivist's catalogue and uploads (checked by content,
nothing stored when refused), superseding, the paper file's loans and hand-over, another school's access
request (404 without it, read-only with it, 404 again after it expires), and the register line each
reading writes."""

import hashlib
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from archives.models import AccessRequest, ArchiveCopy, ArchiveDocument, HandOver, Loan, RegisterEntry
from archives.services import ensure_archive
from registry.roles import Role
from registry.services import grant_role
from tests.conftest import PDF
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, UserFactory
from tests.transfers.kinds_helpers import pupil_in, transfer_to_c
from transfers.models import ChangeRequest

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 300


@pytest.fixture(autouse=True)
def english(settings):
    """Pages in English (the msgids), whatever the translators have done."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _pdf(pages=2):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _user(world, role, school, username):
    user = UserFactory(username=username)
    grant_role(user, role, school, actor=world.users["administrator"])
    return user


def _document(archive, user, title="户口簿复印件", day=date(2026, 9, 1), **fields):
    defaults = {
        "type": ArchiveDocument.Type.EVIDENCE, "source": ArchiveDocument.Source.UPLOADED,
        "file": SimpleUploadedFile("hukou.pdf", PDF), "content_type": "application/pdf", "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }  # fmt: skip
    defaults.update(fields)
    return ArchiveDocument.objects.create(archive=archive, title=title, document_date=day, added_by=user, **defaults)


def _media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _upload(client, archive, name, content, **fields):
    data = {"type": "evidence", "title": "户口簿复印件", "document_date": "2026-09-01"}
    data.update(fields)
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("document_upload", args=[archive.pk]), data)


def test_the_archivist_sees_the_catalogue_in_date_order(client, world):
    archive = ensure_archive(world.pupils["own"])
    archivist = world.users["archivist"]
    later = _document(archive, archivist, title="获奖证书", day=date(2027, 6, 1), type=ArchiveDocument.Type.AWARD)
    earlier = _document(archive, archivist, title="户口簿复印件", day=date(2026, 9, 1))
    generated = _document(
        archive, archivist, title="学生基本信息表", type=ArchiveDocument.Type.BASIC_INFORMATION,
        source=ArchiveDocument.Source.GENERATED, file="", content_type="", size=0, sha256="",
    )  # fmt: skip
    client.force_login(archivist)
    page = client.get(reverse("archive_detail", args=[archive.pk])).content.decode()
    assert page.index("户口簿复印件") < page.index("获奖证书")  # by date, then type
    assert world.school_a.name in page and "Award or sanction" in page
    assert earlier.sha256[:12] in page
    assert f'href="{reverse("document_download", args=[later.pk])}"' in page
    assert f'href="{reverse("document_download", args=[generated.pk])}"' not in page  # no file to download
    assert reverse("document_upload", args=[archive.pk]) in page
    assert 'data-testid="read-only"' not in page
    assert '<label class="form-label" for="id_title">' in page


def test_the_list_finds_the_schools_archives_by_name_and_class_in_constant_queries(client, world):
    client.force_login(world.users["archivist"])
    url = reverse("archive_list")

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    def link(pupil):  # no archive yet: the row links to the pupil's archive, created on opening
        return reverse("pupil_archive", args=[pupil.pk])

    few, page = queries_for_page()
    assert world.pupils["own"].name in page and link(world.pupils["own"]) in page
    assert link(world.pupils["sibling"]) not in page and link(world.pupils["other"]) not in page
    for _ in range(8):
        ensure_archive(EnrolmentSpellFactory(school_class=world.class_a).student)
    many, page = queries_for_page()
    assert many == few
    other_class = SchoolClassFactory(school=world.school_a, grade=2)
    moved = EnrolmentSpellFactory(school_class=other_class).student
    by_class = client.get(url, {"school_class": other_class.pk}).content.decode()
    assert link(moved) in by_class and link(world.pupils["own"]) not in by_class
    by_name = client.get(url, {"q": moved.name}).content.decode()
    assert link(moved) in by_name and link(world.pupils["own"]) not in by_name


def test_uploading_a_pdf_stores_it_with_its_hash_and_page_count(client, world, settings):
    archive = ensure_archive(world.pupils["own"])
    content = _pdf(pages=2)
    client.force_login(world.users["archivist"])
    response = _upload(client, archive, "hukou.pdf", content)
    assert response.status_code == 302 and response["Location"] == reverse("archive_detail", args=[archive.pk])
    document = ArchiveDocument.objects.get(archive=archive)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (document.size, document.pages, document.content_type) == (len(content), 2, "application/pdf")
    assert document.source == ArchiveDocument.Source.UPLOADED and document.added_by == world.users["archivist"]
    assert Path(document.file.path).read_bytes() == content
    assert Path(document.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("scan.pdf", EXECUTABLE, "Only PDF, JPEG or PNG files are accepted; this file is something else."),
        ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "is named scan.pdf but its content is PNG"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_stored(client, world, settings, name, content,
                                                                          message):  # fmt: skip
    archive = ensure_archive(world.pupils["own"])
    before = _media_files(settings)
    client.force_login(world.users["archivist"])
    response = _upload(client, archive, name, content, title="体检表")
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "Nothing has been stored." in page
    assert 'value="体检表"' in page  # what was typed is kept
    assert not ArchiveDocument.objects.filter(archive=archive).exists()
    assert _media_files(settings) == before


@pytest.mark.parametrize("role", ["headteacher", "officer", "administrator"])
def test_only_the_archivist_or_registrar_adds_documents(client, world, settings, role):
    archive = ensure_archive(world.pupils["own"])
    client.force_login(world.users[role])
    assert (
        reverse("document_upload", args=[archive.pk])
        not in client.get(reverse("archive_detail", args=[archive.pk])).content.decode()
    )
    assert _upload(client, archive, "hukou.pdf", _pdf()).status_code == 403
    assert not ArchiveDocument.objects.exists()


def test_superseding_needs_a_reason_and_keeps_both_documents(client, world):
    archive = ensure_archive(world.pupils["own"])
    archivist = world.users["archivist"]
    wrong = _document(archive, archivist, title="户口簿复印件（模糊）")
    right = _document(archive, archivist, title="户口簿复印件（重新扫描）")
    client.force_login(archivist)
    url = reverse("document_supersede", args=[wrong.pk])
    refused = client.post(url, {"replacement": right.pk, "reason": ""})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    wrong.refresh_from_db()
    assert wrong.superseded_by is None
    assert client.post(url, {"replacement": right.pk, "reason": "扫描不清晰", "confirmed": "1"}).status_code == 302
    wrong.refresh_from_db()
    assert (wrong.superseded_by, wrong.supersede_reason) == (right, "扫描不清晰")
    assert ArchiveDocument.objects.filter(archive=archive).count() == 2
    page = client.get(reverse("archive_detail", args=[archive.pk])).content.decode()
    assert "<del>户口簿复印件（模糊）</del>" in page and "扫描不清晰" in page
    assert "Superseded by “户口簿复印件（重新扫描）”" in page
    again = client.post(url, {"replacement": right.pk, "reason": "再次", "confirmed": "1"})
    assert again.status_code == 200 and "This document was already superseded." in again.content.decode()
    wrong.refresh_from_db()
    assert wrong.supersede_reason == "扫描不清晰"


def test_another_school_reads_only_with_an_approved_request_until_it_expires(client, world):
    pupil = world.pupils["own"]
    archive = ensure_archive(pupil)
    _document(archive, world.users["archivist"])
    reader = _user(world, Role.ARCHIVIST, world.school_c, "archivist_other")
    detail = reverse("archive_detail", args=[archive.pk])
    client.force_login(reader)
    assert client.get(detail).status_code == 404

    new = reverse("access_request_new")
    found = client.post(new, {"number": pupil.id_number}).content.decode()
    assert pupil.name in found and world.school_a.name in found
    assert pupil.home_address not in found and pupil.phone not in found
    assert "No pupil with this number" in client.post(new, {"number": "110101201001011234"}).content.decode()
    sent = client.post(new, {"number": pupil.id_number, "school": world.school_c.pk, "reason": "核对转学材料"})
    assert sent.status_code == 302
    access = AccessRequest.objects.get(archive=archive)
    assert (access.requested_by, access.requesting_school, access.state) == (reader, world.school_c, "pending")
    assert client.get(detail).status_code == 404  # pending is not approved

    client.force_login(world.users["archivist"])
    decide = reverse("access_decide", args=[access.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403  # the registry head decides
    client.force_login(world.users["registrar"])
    assert reverse("access_decide", args=[access.pk]) in client.get(detail).content.decode()
    assert client.post(decide, {"decision": "approve", "confirmed": "1"}).status_code == 302
    access.refresh_from_db()
    assert access.state == "approved" and access.valid_until > timezone.now()

    client.force_login(reader)
    response = client.get(detail)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="read-only"' in page and "核对转学材料" in page
    assert reverse("document_upload", args=[archive.pk]) not in page
    assert reverse("archive_location", args=[archive.pk]) not in page
    line = RegisterEntry.objects.filter(archive=archive, user=reader, action="viewed").get()
    assert (line.school, line.why) == (world.school_a, "核对转学材料")
    assert _upload(client, archive, "hukou.pdf", _pdf()).status_code == 403

    AccessRequest.objects.filter(pk=access.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    assert client.get(detail).status_code == 404
    assert "Expired" in client.get(reverse("archive_list")).content.decode()


def test_every_reading_writes_a_register_line(client, world):
    archive = ensure_archive(world.pupils["own"])
    document = _document(archive, world.users["archivist"])
    client.force_login(world.users["headteacher"])
    client.get(reverse("archive_detail", args=[archive.pk]))
    client.get(reverse("archive_detail", args=[archive.pk]))
    client.get(reverse("document_download", args=[document.pk]))
    lines = RegisterEntry.objects.filter(archive=archive, user=world.users["headteacher"]).order_by("pk")
    assert [line.action for line in lines] == ["viewed", "viewed", "downloaded"]
    assert all(line.school == world.school_a for line in lines)
    assert lines[0].what == "Archive viewed" and "户口簿复印件" in lines[2].what


def test_the_paper_file_is_lent_and_returned(client, world):
    archive = ensure_archive(world.pupils["own"])
    client.force_login(world.users["archivist"])
    lend = reverse("loan_new", args=[archive.pk])
    data = {"borrower": "王老师", "purpose": "核对学籍", "taken_on": "2026-03-02", "due_on": "2026-03-09"}
    assert client.post(lend, data).status_code == 302
    loan = Loan.objects.get(archive=archive)
    assert (loan.borrower, loan.due_on, loan.returned_on, loan.recorded_by) == (
        "王老师", date(2026, 3, 9), None, world.users["archivist"],
    )  # fmt: skip
    page = client.get(reverse("archive_detail", args=[archive.pk])).content.decode()
    assert reverse("loan_return", args=[loan.pk]) in page and reverse("loan_new", args=[archive.pk]) not in page
    twice = client.post(lend, {**data, "borrower": "李老师"})
    assert twice.status_code == 200 and "already lent out" in twice.content.decode()
    assert Loan.objects.filter(archive=archive).count() == 1
    early = client.post(reverse("loan_return", args=[loan.pk]), {"returned_on": "2026-03-01", "confirmed": "1"})
    assert early.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_on is None
    returned = client.post(reverse("loan_return", args=[loan.pk]), {"returned_on": "2026-03-05", "confirmed": "1"})
    assert returned.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_on == date(2026, 3, 5)
    assert "2026-03-05" in client.get(reverse("archive_detail", args=[archive.pk])).content.decode()


def test_the_paper_location_is_recorded(client, world):
    archive = ensure_archive(world.pupils["own"])
    client.force_login(world.users["registrar"])
    data = {"room": "档案室", "cabinet": "3", "box": "12", "volume": "2026-001"}
    assert client.post(reverse("archive_location", args=[archive.pk]), data).status_code == 302
    archive.refresh_from_db()
    assert (archive.room, archive.cabinet, archive.box, archive.volume) == ("档案室", "3", "12", "2026-001")


def test_the_pupil_page_links_to_the_archive_which_is_created_on_opening(client, world):
    pupil = world.pupils["own"]
    client.force_login(world.users["archivist"])
    page = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert reverse("pupil_archive", args=[pupil.pk]) in page
    response = client.get(reverse("pupil_archive", args=[pupil.pk]))
    archive = pupil.archive
    assert response.status_code == 302 and response["Location"] == reverse("archive_detail", args=[archive.pk])
    assert archive.school == world.school_a
    assert client.get(reverse("pupil_archive", args=[world.pupils["other"].pk])).status_code == 404


def test_the_archivists_home_links_to_the_archives(client, world):
    client.force_login(world.users["archivist"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("archive_list") in page and reverse("access_request_new") in page


def test_after_a_transfer_the_new_school_holds_the_archive_and_the_old_one_reads_a_copy(client, world):
    pupil = pupil_in(world.school_a, grade=3)
    archive = ensure_archive(pupil)
    old = _document(archive, world.users["archivist"], title="入学登记表")
    request = transfer_to_c(world, pupil)
    assert request.state == ChangeRequest.State.APPROVED
    archive.refresh_from_db()
    assert archive.school == world.school_c
    receiver = _user(world, Role.ARCHIVIST, world.school_c, "archivist_other")
    detail = reverse("archive_detail", args=[archive.pk])

    client.force_login(receiver)
    page = client.get(detail).content.decode()
    assert "入学登记表" in page and 'data-testid="read-only"' not in page
    assert reverse("document_upload", args=[archive.pk]) in page
    assert _upload(client, archive, "award.pdf", _pdf(1), title="三好学生奖状").status_code == 302
    assert "三好学生奖状" in client.get(detail).content.decode()

    client.force_login(world.users["archivist"])
    page = client.get(detail).content.decode()
    assert 'data-testid="read-only"' in page and "入学登记表" in page
    assert "三好学生奖状" not in page  # added after the hand-over: not in the old school's copy
    assert reverse("document_upload", args=[archive.pk]) not in page
    assert client.get(reverse("document_download", args=[old.pk])).status_code == 200
    added = ArchiveDocument.objects.get(title="三好学生奖状")
    assert client.get(reverse("document_download", args=[added.pk])).status_code == 404
    list_page = client.get(reverse("archive_list")).content.decode()
    assert 'data-testid="archive-copies"' in list_page and reverse("archive_detail", args=[archive.pk]) in list_page

    hand_over = HandOver.objects.get(archive=archive)
    assert reverse("hand_over_sent", args=[hand_over.pk]) in page
    client.force_login(receiver)
    received = reverse("hand_over_received", args=[hand_over.pk])
    client.post(received)  # not sent yet: refused, says why
    hand_over.refresh_from_db()
    assert hand_over.received_at is None
    assert client.post(reverse("hand_over_sent", args=[hand_over.pk])).status_code == 403  # not the old school
    client.force_login(world.users["archivist"])
    assert client.post(reverse("hand_over_sent", args=[hand_over.pk]), {"confirmed": "1"}).status_code == 302
    client.force_login(receiver)
    assert client.post(received, {"confirmed": "1"}).status_code == 302
    hand_over.refresh_from_db()
    assert (hand_over.sent_by, hand_over.received_by) == (world.users["archivist"], receiver)
    assert str(receiver) in client.get(detail).content.decode()


def test_a_former_school_reads_its_copy_as_handed_over_not_what_came_after(client, world):
    """One rule (archives.selectors): school A's copy holds the archive as A handed it over; when school C
    later hands it on to school B, A still reads its copy, its own hand-over only, not C's."""
    pupil = pupil_in(world.school_a, grade=3)
    archive = ensure_archive(pupil)
    _document(archive, world.users["archivist"], title="入学登记表")
    transfer_to_c(world, pupil)
    archive.refresh_from_db()
    ArchiveCopy.objects.create(archive=archive, school=world.school_c)
    HandOver.objects.create(
        archive=archive,
        change_request=world.registrations["other"],
        from_school=world.school_c,
        to_school=world.school_b,
    )
    archive.school = world.school_b
    archive.save(update_fields=["school"])
    later = _document(archive, world.users["administrator"], title="转学后体检表")

    client.force_login(world.users["archivist"])
    response = client.get(reverse("archive_detail", args=[archive.pk]))
    assert response.status_code == 200 and response.context["reading"].copy.school == world.school_a
    assert [(h.from_school, h.to_school) for h in response.context["hand_overs"]] == [(world.school_a, world.school_c)]
    page = response.content.decode()
    assert "入学登记表" in page and "转学后体检表" not in page
    assert client.get(reverse("document_download", args=[later.pk])).status_code == 404
