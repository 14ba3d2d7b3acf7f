"""The PDF of a signed roll reconciliation (students.rollcheck.report_views.roll_check_pdf): drawn from the
signature's frozen snapshot, a download for the school's staff and its town office, logged; no PDF without a
valid signature."""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from audit.models import Event
from students.models import EnrolmentSpell, RollCheckSignature, RollDiscrepancy, Student
from students.rollcheck.reports import signed_pdf_document
from students.rollcheck.services import (
    add_unregistered,
    class_rolls,
    mark_absent,
    reopen_roll_check,
    set_headcounts,
    sign_roll_check,
    start_roll_check,
    submit_roll_check,
)
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, SemesterFactory, StudentFactory

pytestmark = pytest.mark.slow  # renders PDFs with WeasyPrint; `make test-fast` leaves it out

CHECK_DATE = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def in_october():
    with time_machine.travel(datetime(2026, 10, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


@pytest.fixture
def semester(db):
    return SemesterFactory(school_year=2026)


def _prepared(world, semester):
    """School A's reconciliation, submitted: class A has the world's pupil and three more; 张小山 is absent
    (moved away → transfer out) and 李小红 is present but unregistered (guest study). 4 registered, 4 present."""
    registrar = world.users["registrar"]
    for name in ("张小山", "王大力", "赵小燕"):
        EnrolmentSpellFactory(student=StudentFactory(name=name), school_class=world.class_a)
    check = start_roll_check(world.school_a, semester, actor=registrar, check_date=CHECK_DATE)
    set_headcounts(check, {world.class_a.pk: 4}, actor=registrar)
    spell = EnrolmentSpell.objects.get(student__name="张小山")
    mark_absent(check, spell, actor=registrar, reason="随父母迁居外省", action=RollDiscrepancy.Action.TRANSFER_OUT)
    add_unregistered(
        check, world.class_a, "李小红", actor=registrar, reason="随父母务工", action=RollDiscrepancy.Action.GUEST_STUDY
    )
    submit_roll_check(check, actor=registrar)
    return check


@pytest.fixture
def signed(world, semester):
    check = _prepared(world, semester)
    signature = sign_roll_check(check, actor=world.users["headteacher"])
    return check, signature


def _text(content):
    reader = PdfReader(BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _site_language(message):
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def _up_to_the_hash(text, signature):
    """The paper's text without whitespace up to and including the hash (after it: who printed it, when)."""
    flat = "".join(text.split())
    assert signature.snapshot_hash in flat
    return flat.split(signature.snapshot_hash)[0]


def _download(client, world, role, check):
    return client_for(client, world, role).get(reverse("roll_check_pdf", args=[check.pk]))


def test_the_pdf_shows_what_was_signed(client, world, signed):
    check, signature = signed
    response = _download(client, world, "headteacher", check)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text, pages = _text(response.content)
    flat = "".join(text.split())
    assert _site_language("Semester roll reconciliation sheet") in text
    assert "甲小学" in text and world.school_a.code in text
    assert str(world.class_a) in text
    assert "张小山" in text and "随父母迁居外省" in text  # the absent pupil with reason and action
    assert "李小红" in text and "随父母务工" in text  # the unregistered child
    assert signature.snapshot["registered"] == 4 and signature.snapshot["present"] == 4
    totals = _site_language(
        "%(registered)s on the register, %(present)s present; %(absent)s registered but absent, "
        "%(unregistered)s present but unregistered."
    ) % {"registered": 4, "present": 4, "absent": 1, "unregistered": 1}
    assert "".join(totals.split()) in flat
    assert str(world.users["headteacher"]) in text
    assert signature.snapshot_hash in flat
    assert "2026-10-15" in text  # the check date
    assert f"1 / {pages}" in text  # page numbers


def test_every_print_is_logged(client, world, signed):
    check, signature = signed
    assert _download(client, world, "officer", check).status_code == 200
    assert _download(client, world, "archivist", check).status_code == 200
    events = Event.objects.filter(action="students.roll_check.printed", target_id=str(check.pk))
    assert [event.actor_name for event in events.order_by("pk")] == ["officer", "archivist"]
    assert all(event.data["snapshot_hash"] == signature.snapshot_hash for event in events)


def test_a_change_to_the_register_after_signing_does_not_change_the_pdf(client, world, signed):
    check, signature = signed
    before, _pages = _text(_download(client, world, "registrar", check).content)
    # After the signature: 王大力's spell is closed back-dated to the check date (so the live register of the
    # check date loses him) and the absent pupil is renamed.
    EnrolmentSpell.objects.filter(student__name="王大力").update(
        ended_on=CHECK_DATE, exit_reason=EnrolmentSpell.ExitReason.TRANSFERRED_OUT
    )
    Student.objects.filter(name="张小山").update(name="张晓珊")
    assert sum(roll.registered for roll in class_rolls(check)) == 3  # the live count did change
    after, _pages = _text(_download(client, world, "registrar", check).content)
    assert "张小山" in after and "张晓珊" not in after
    assert "王大力" not in after  # absent/unregistered names only; the register's names are not listed
    assert _up_to_the_hash(after, signature) == _up_to_the_hash(before, signature)
    signature.refresh_from_db()
    assert signature.snapshot["registered"] == 4


def test_no_pdf_before_signing(client, world, semester):
    check = _prepared(world, semester)
    for role in ("headteacher", "registrar", "officer", "administrator"):
        assert _download(client, world, role, check).status_code == 404
    assert not Event.objects.filter(action="students.roll_check.printed").exists()


def test_every_signed_version_stays_printable_after_a_reopening(client, world, signed, semester):
    """Issue 18 item 5: the town office reopens a signed check; the signed version still prints, marked as
    superseded; after the headteacher signs again the new one prints by default, the old one on request."""
    check, first = signed
    reopen_roll_check(check, actor=world.users["officer"], reason="班级人数有误，需重新核对")
    response = _download(client, world, "headteacher", check)
    assert response.status_code == 200
    text, _pages = _text(response.content)
    assert first.snapshot_hash in "".join(text.split())
    assert "班级人数有误" in text  # the superseded banner names the reopening
    submit_roll_check(check, actor=world.users["registrar"])
    second = sign_roll_check(check, actor=world.users["headteacher"])
    latest, _pages = _text(_download(client, world, "officer", check).content)
    assert second.snapshot_hash in "".join(latest.split()) and "班级人数有误" not in latest
    url = reverse("roll_check_pdf", args=[check.pk])
    earlier = client_for(client, world, "officer").get(url, {"signature": first.pk})
    assert earlier.status_code == 200 and first.snapshot_hash in "".join(_text(earlier.content)[0].split())
    page = client_for(client, world, "registrar").get(reverse("roll_check", args=[world.school_a.code, semester.pk]))
    assert f"{url}?signature={first.pk}" in page.content.decode()


def test_another_checks_signature_is_404(client, world, signed, semester):
    check, signature = signed
    url = reverse("roll_check_pdf", args=[check.pk])
    assert client_for(client, world, "officer").get(url, {"signature": signature.pk + 1000}).status_code == 404
    assert client_for(client, world, "officer").get(url, {"signature": "x"}).status_code == 404


def test_names_and_headers_never_break_mid_word_and_the_paper_has_signature_lines(world, signed):
    """Issue 18 item 15: a long list of names wraps between names, never inside one ("张小/明"); the
    headers keep whole ("处/理"); the headteacher's signature and the school stamp have their lines."""
    _check, signature = signed
    snapshot = dict(signature.snapshot)
    names = [f"欧阳{chr(0x4E00 + n * 7)}{chr(0x4E50 + n * 3)}" for n in range(40)]
    entry = dict(snapshot["classes"][0])
    reason = "随父母迁居外省务工，已联系转入学校并电话告知家长，尚未收到转入学校的回执，待下周再次核实"
    entry["absent"] = [{"name": name, "reason": reason, "action": "办理转出手续并在国家系统中登记"} for name in names]
    snapshot["classes"] = [entry]
    signature.snapshot = snapshot  # not saved: only laid out
    reader = PdfReader(BytesIO(signature_pdf_bytes(signature, world)))
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    text = "\n".join(lines)
    for name in names:
        assert name in text, f"{name} broken across lines"
    for header in ("Action", "Reason", "Present but unregistered"):
        assert _site_language(header) in text, header
    assert not [line for line in lines if len(line.strip()) == 1], "a word broken one character per line"
    for line in ("Headteacher's signature", "School stamp"):
        assert _site_language(line) in text, line


def signature_pdf_bytes(signature, world):
    return signed_pdf_document(signature, printed_by=world.users["officer"]).write_pdf()


def test_out_of_scope_is_404(client, world, signed):
    check, _signature = signed
    assert _download(client, world, "norole", check).status_code == 404
    client.logout()
    assert _download(client, world, "anonymous", check).status_code == 302


def test_many_classes_run_over_pages_with_numbers(world, signed):
    _check, signature = signed
    snapshot = dict(signature.snapshot)
    template = snapshot["classes"][0]
    snapshot["classes"] = [dict(template, **{"class": f"{n // 6 + 1}年级{n % 6 + 1}班"}) for n in range(60)]
    signature.snapshot = snapshot  # not saved: only laid out
    document = signed_pdf_document(signature, printed_by=world.users["officer"])
    assert len(document.pages) >= 2
    reader = PdfReader(BytesIO(document.write_pdf()))
    pages = len(reader.pages)
    assert f"{pages} / {pages}" in reader.pages[-1].extract_text()


ALTERED = (
    "The stored snapshot no longer matches the hash recorded when it was signed: it has been changed since. What is "
    "shown below is not what the headteacher signed; tell the administrator."
)


def test_a_snapshot_edited_in_the_database_is_flagged_on_the_paper(client, world, signed):
    check, signature = signed
    warning = "".join(_site_language(ALTERED).split())
    text, _pages = _text(_download(client, world, "headteacher", check).content)
    assert warning not in "".join(text.split())
    RollCheckSignature.objects.filter(pk=signature.pk).update(snapshot={**signature.snapshot, "present": 5})
    text, _pages = _text(_download(client, world, "headteacher", check).content)
    assert warning in "".join(text.split())
