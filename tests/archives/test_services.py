"""The archive's rules: one per pupil at the holding school, approved requests filed into it, the
hand-over on a transfer (the sending school keeps a read-only copy), access requests, never-edited
documents and register lines."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from archives.models import AccessRequest, ArchiveDocument, HandOver, RegisterEntry
from archives.selectors import archives_visible_to, can_manage, can_print
from archives.services import (
    ArchiveRefused,
    decide_access,
    ensure_archive,
    lend,
    receive_paper,
    request_access,
    return_loan,
    send_paper,
    supersede,
)
from registry.roles import Role
from registry.services import grant_role
from tests.factories import UserFactory
from tests.transfers.kinds_helpers import approve_all, pupil_in, transfer_to_c


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _archivist(world, school, username):
    user = UserFactory(username=username)
    grant_role(user, Role.ARCHIVIST, school, actor=world.users["administrator"])
    return user


def test_a_pupil_has_one_archive_at_their_school(world):
    archive = ensure_archive(world.pupils["own"])
    assert archive.school == world.school_a
    assert ensure_archive(world.pupils["own"]) == archive
    assert ensure_archive(world.registrations["own"].student) is None  # not registered yet: no archive


def test_an_approved_registration_opens_the_archive_with_its_decision(world):
    request = approve_all(world.registrations["own"], world.users["officer"])
    archive = request.student.archive
    assert archive.school == world.school_a
    decision = archive.documents.get(type=ArchiveDocument.Type.CHANGE_DECISION)
    assert decision.change_request == request and decision.source == "generated"
    letter = archive.documents.get(type=ArchiveDocument.Type.EVIDENCE)  # the world's commitment letter
    assert letter.sha256 == world.evidence["own"].sha256


def test_a_transfer_hands_the_archive_over_and_the_sending_school_keeps_a_copy(world):
    pupil = pupil_in(world.school_a, grade=3)
    archive = ensure_archive(pupil)
    archive.room, archive.cabinet = "档案室", "3"
    archive.save()
    archivist_c = _archivist(world, world.school_c, "archivist_c")
    other_archivist = _archivist(world, world.school_b, "archivist_b")
    request = transfer_to_c(world, pupil)
    archive.refresh_from_db()
    assert archive.school == world.school_c and archive.room == ""
    assert list(archive.copies.values_list("school", flat=True)) == [world.school_a.pk]
    hand_over = HandOver.objects.get(archive=archive)
    assert (hand_over.change_request, hand_over.from_school, hand_over.to_school) == (
        request, world.school_a, world.school_c
    )  # fmt: skip
    # the receiving archivist manages it; the sending archivist still reads and prints the copy
    assert can_manage(archivist_c, archive) and not can_manage(world.users["archivist"], archive)
    assert archives_visible_to(world.users["archivist"]).filter(pk=archive.pk).exists()
    assert can_print(world.users["archivist"], archive)
    assert not archives_visible_to(other_archivist).filter(pk=archive.pk).exists()
    registers = set(
        RegisterEntry.objects.filter(archive=archive, action="handed_over").values_list("school", flat=True)
    )
    assert registers == {world.school_a.pk, world.school_c.pk}
    # the paper file: sent by the old school, then received by the new one
    with pytest.raises(ArchiveRefused):
        receive_paper(hand_over, actor=archivist_c)
    with pytest.raises(PermissionDenied):
        send_paper(hand_over, actor=archivist_c)
    send_paper(hand_over, actor=world.users["archivist"])
    receive_paper(hand_over, actor=archivist_c)
    hand_over.refresh_from_db()
    assert hand_over.sent_by == world.users["archivist"] and hand_over.received_by == archivist_c


def test_another_school_reads_only_with_an_approved_unexpired_request(world):
    archive = ensure_archive(world.pupils["own"])
    reader = _archivist(world, world.school_b, "archivist_b")
    assert not archives_visible_to(reader).filter(pk=archive.pk).exists()
    access = request_access(archive, actor=reader, school=world.school_b, reason="核对转学生原始档案")
    assert not archives_visible_to(reader).filter(pk=archive.pk).exists()
    with pytest.raises(PermissionDenied):
        decide_access(access, actor=world.users["archivist"], approve=True)  # the registry head decides
    decide_access(access, actor=world.users["registrar"], approve=True, days=3)
    assert archives_visible_to(reader).filter(pk=archive.pk).exists()
    assert not can_manage(reader, archive)
    with pytest.raises(ArchiveRefused, match="already decided"):
        decide_access(access, actor=world.users["headteacher"], approve=False)
    AccessRequest.objects.filter(pk=access.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    assert not archives_visible_to(reader).filter(pk=archive.pk).exists()


def test_documents_are_superseded_with_a_reason_never_edited(world):
    archive = ensure_archive(world.pupils["own"])
    archivist = world.users["archivist"]
    first, second = (
        ArchiveDocument.objects.create(
            archive=archive,
            type="award",
            title=title,
            document_date=timezone.localdate(),
            source="uploaded",
            added_by=archivist,
        )  # fmt: skip
        for title in ("三好学生（错）", "三好学生")
    )
    with pytest.raises(ArchiveRefused, match="reason"):
        supersede(first, second, actor=archivist, reason=" ")
    supersede(first, second, actor=archivist, reason="证书年份录错")
    first.refresh_from_db()
    assert (first.superseded_by, first.supersede_reason) == (second, "证书年份录错")
    assert first.history.latest().history_user == archivist
    with pytest.raises(ArchiveRefused, match="already superseded"):
        supersede(first, second, actor=archivist, reason="again")
    entry = RegisterEntry.objects.create(archive=archive, school=world.school_a, user=archivist, action="viewed",
                                         what="x")  # fmt: skip
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_the_paper_file_is_lent_to_one_borrower_at_a_time(world):
    archive = ensure_archive(world.pupils["own"])
    archivist = world.users["archivist"]
    today = timezone.localdate()
    loan = lend(archive, actor=archivist, borrower="李老师", purpose="核对学籍", taken_on=today)
    with pytest.raises(ArchiveRefused, match="already lent"):
        lend(archive, actor=archivist, borrower="王老师", purpose="查阅", taken_on=today)
    with pytest.raises(PermissionDenied):
        lend(archive, actor=world.users["headteacher"], borrower="王老师", purpose="查阅", taken_on=today)
    return_loan(loan, actor=archivist)
    assert lend(archive, actor=archivist, borrower="王老师", purpose="查阅", taken_on=today).pk != loan.pk
