"""The masking scan: every page of the permission matrix, for every role that may open it, in every scope,
carries no full ID number and no full mobile number — in the HTML source, in JSON, in an Excel export's
cells or a PDF's text (个人信息保护法 第二十八条: a minor's personal numbers are sensitive data; DESIGN §4).

The only page allowed to show them is the one rendered right after an audited reveal (tested below).
"""

import re
from io import BytesIO

import pytest
from django.urls import reverse

from audit.models import Event
from students.models import Guardian, Student
from tests.conftest import ROLES, client_for
from tests.factories import GuardianFactory
from tests.permission_matrix import MATRIX, SCOPES
from transfers.models import ChangeRequest
from transfers.services import current_step, reject_step


@pytest.fixture
def world(shared_world):
    """Built once for the module (tests/conftest.py `shared_world`); each test's changes roll back."""
    return shared_world


# A valid-format 18-character ID number (17 digits and a digit or X), or an 11-digit mainland mobile number,
# not part of a longer run of digits.
ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9Xx])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def _pdf_dictionaries(reader) -> str:
    """Every object of the PDF as pypdf reads it — including those packed in object streams (links, outlines,
    annotations) — but a stream's dictionary without its bytes: a font's, an image's or a page's drawing bytes
    are no text anyone reads (the page's text is extracted instead) and may hold any run of digits (a font
    subset's bytes once held 18 of them)."""
    from pypdf.errors import PdfReadError
    from pypdf.generic import IndirectObject, StreamObject

    parts = []
    for number in range(1, int(reader.trailer.get("/Size", 0))):
        try:
            obj = reader.get_object(IndirectObject(number, 0, reader))
        except PdfReadError:  # a free or broken entry of the cross-reference table: nothing to read
            continue
        parts.append(str(dict(obj.items())) if isinstance(obj, StreamObject) else str(obj))
    return "\n".join(parts)


REVEALS = {"reveal_id_numbers"}  # the audited reveal itself: checked in test_the_reveal_shows_them_and_is_logged


def _secrets():
    """Every personal number the world holds: the pupils' and guardians' ID numbers and phones."""
    numbers = set()
    for id_number, national_number, phone in Student.objects.values_list("id_number", "national_number", "phone"):
        numbers |= {id_number, (national_number or "")[1:], phone}
    for id_number, phone in Guardian.objects.values_list("id_number", "phone"):
        numbers |= {id_number, phone}
    return {number for number in numbers if number and len(number) >= 11}


def body_text(response) -> str:
    """What a person (or a script) can read in the response: the source of a page or JSON, the cells of an
    Excel workbook, the text of a PDF."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content.startswith(b"PK") or "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        workbook = load_workbook(BytesIO(content), read_only=True)
        return "\n".join(
            " ".join(str(value) for value in row if value is not None)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if content.startswith(b"%PDF"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(BytesIO(content))
            metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
            return "\n".join(
                [*(page.extract_text() or "" for page in reader.pages), metadata, _pdf_dictionaries(reader)]
            )
        except (PdfReadError, ValueError, KeyError):
            return content.decode("latin-1")  # the world's stand-in uploads are a bare PDF header with no pages
    return content.decode("utf-8", errors="replace")


def leaks_in(text: str, secrets) -> list[str]:
    found = {match.group(0) for match in ID_NUMBER.finditer(text)} | {m.group(0) for m in MOBILE.finditer(text)}
    found |= {secret for secret in secrets if secret in text}
    return sorted(found)


def _scan(client, world, url, method="get", data=None, roles=ROLES):
    """Each role's view of the page, the client signed in as each in turn (and left as the last); the leaks by
    role, and how many roles opened it."""
    secrets = _secrets()
    assert secrets, "the world has personal numbers to look for"
    leaks, opened = {}, 0
    for role in roles:
        client.cookies.clear()  # the previous role's session cookie
        response = getattr(client_for(client, world, role), method)(url, data or {})
        if response.status_code != 200:
            continue
        opened += 1
        found = leaks_in(body_text(response), secrets)
        if found:
            leaks[role] = found
    return leaks, opened


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("name", sorted(set(MATRIX) - REVEALS))
def test_no_full_personal_number_on_any_page(client, world, name, scope):
    route = MATRIX[name]
    url = route.url(world, scope)
    leaks, _opened = _scan(client, world, url, route.method, route.data)
    assert leaks == {}, f"{route.method.upper()} {url} shows full personal numbers"


KINDS = ["suspension", "withdrawal", "death", "transfer_out_external"]


@pytest.mark.parametrize("kind", KINDS)
def test_no_full_personal_number_on_change_forms(client, world, kind):
    """The forms that start a status change."""
    url = reverse("change_new", args=[world.pupils["own"].pk, kind])
    leaks, opened = _scan(client, world, url, roles=["registrar"])
    assert opened == 1 and leaks == {}


@pytest.mark.parametrize("only", ["", "direct", "approval"])
def test_no_full_personal_number_on_the_information_change_page(client, world, only):
    """The information change page (which took over the key-information change's form) must not carry today's
    ID numbers or phones — the pupil's and the family members' — in an input's value."""
    url = reverse("information_change", args=[world.pupils["own"].pk]) + (f"?only={only}" if only else "")
    leaks, opened = _scan(client, world, url, roles=["registrar"])
    assert opened == 1 and leaks == {}


def test_no_full_personal_number_when_amending_a_returned_registration(client, world):
    """A returned registration's edit form shows the numbers masked; the inputs are empty (kept if left so)."""
    change_request = world.registrations["own"]
    reject_step(current_step(change_request), actor=world.users["officer"], reason="户口簿复印件不清晰")
    change_request.refresh_from_db()
    assert change_request.state == ChangeRequest.State.RETURNED
    url = reverse("registration_amend", args=[change_request.pk])
    leaks, opened = _scan(client, world, url, roles=["registrar"])
    assert opened == 1 and leaks == {}
    leaks, opened = _scan(client, world, reverse("request_detail", args=[change_request.pk]))
    assert opened >= 3 and leaks == {}


def test_the_scan_finds_a_full_number(world):
    """The scanner itself: a full ID number, a national number and a phone are found; masked ones are not."""
    pupil = world.pupils["own"]
    guardian = pupil.guardians.first()
    secrets = _secrets()
    assert leaks_in(f"<td>{pupil.id_number}</td>", secrets) == [pupil.id_number]
    assert leaks_in(f'<input value="{pupil.national_number}">', secrets) == [pupil.id_number]
    assert leaks_in(f'data-phone="{guardian.phone}"', secrets) == [guardian.phone]
    masked = "3411**********1234 · 139****4321 · G3411**********1234"
    assert leaks_in(masked, secrets) == []


def test_the_reveal_shows_them_and_is_logged(client, world):
    """The one exception: a registrar who gives a reason sees the full numbers once, and the reveal is in
    the audit log with the reason; without a reason nothing is shown and nothing is logged."""
    pupil = world.pupils["own"]
    guardian = pupil.guardians.first()
    client.force_login(world.users["registrar"])
    url = reverse("reveal_id_numbers", args=[pupil.pk])
    refused = client.post(url, {"reason": ""})
    assert pupil.id_number not in refused.content.decode()
    assert not Event.objects.filter(action="students.id_number.revealed").exists()
    page = client.post(url, {"reason": "核对转学材料"}).content.decode()
    assert pupil.id_number in page and guardian.id_number in page and guardian.phone in page
    event = Event.objects.get(action="students.id_number.revealed")
    assert event.actor == world.users["registrar"] and event.data["reason"] == "核对转学材料"
    again = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert pupil.id_number not in again  # the next page is masked again


def test_no_full_personal_number_in_rendered_pdfs(client, world, django_capture_on_commit_callbacks):
    """The matrix downloads stand-in files; here the real PDFs are rendered by their Celery tasks (eager in
    tests) and downloaded: a four-copy transfer form and an archive print bundle of a pupil with guardians."""
    from django.utils import timezone

    from archives.printing.services import start_print
    from archives.services import ensure_archive
    from transfers.slip.services import issue_transfer_form

    pupil = world.pupils["own"]
    transfer = ChangeRequest.objects.create(
        kind="transfer", student=world.pupils["sibling"], school=world.school_a, counterpart_school=world.school_b,
        payload={"school_class": world.class_a.pk, "grade": 1, "reason": "随父母务工迁居", "from_grade": 1,
                 "from_school_class": world.class_b.pk},
        initiated_by=world.users["registrar"], submitted_at=timezone.now(),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        form = issue_transfer_form(transfer, 1, actor=world.users["registrar"])
        job = start_print(world.users["archivist"], archive=ensure_archive(pupil), reason="转学调档")
    form.refresh_from_db()
    job.refresh_from_db()
    assert form.state == "ready" and job.state == "ready"
    secrets = _secrets()
    for role, url in (
        ("registrar", reverse("transfer_form_download", args=[form.pk])),
        ("archivist", reverse("print_download", args=[job.pk])),
    ):
        client.cookies.clear()
        response = client_for(client, world, role).get(url)
        assert response.status_code == 200
        text = body_text(response)
        assert pupil.name in text or world.pupils["sibling"].name in text  # the PDF's text was read
        assert leaks_in(text, secrets) == [], url


def test_no_full_personal_number_around_a_key_change(client, world):
    """A key-information change carries the old and the new ID number in its payload and in history: its page
    and the pupil's page (timeline of history rows and requests) show both masked, before and after approval."""
    from students.identity import make_id_number
    from tests.transfers.kinds_helpers import approve_all, evidence
    from transfers.services import submit_request

    pupil = world.pupils["own"]
    new_id = make_id_number("341199", pupil.birth_date, 777, pupil.sex)
    request = submit_request(
        kind="key_change", student=pupil, school=world.school_a, actor=world.users["registrar"],
        payload={"changes": {"id_number": new_id}, "previous": {"id_number": pupil.id_number}, "reason": "户口簿更正"},
        evidence=evidence("identity_proof"),
    )  # fmt: skip
    pages = [reverse("request_detail", args=[request.pk]), reverse("pupil_detail", args=[pupil.pk])]
    for url in pages:
        leaks, opened = _scan(client, world, url)
        assert opened >= 5 and leaks == {}, url
    approve_all(request, world.users["officer"])
    pupil.refresh_from_db()
    assert pupil.id_number == new_id
    for url in pages:
        leaks, opened = _scan(client, world, url)
        assert opened >= 5 and leaks == {}, url
    assert new_id in _secrets() and any(new_id[:4] + "*" in body_text(client.get(url)) for url in pages)


def test_no_full_national_number_when_amending_a_returned_transfer_in_from_outside(client, world):
    """The national number a pupil brings from outside the system (G + ID number) is not sent back in full
    either; left empty, the amended request keeps it."""
    from tests.factories import StudentFactory
    from tests.transfers.kinds_helpers import evidence
    from transfers.registration import register_pupil

    student = StudentFactory.build(national_number=None)
    number = f"G{student.id_number}"
    request = register_pupil(
        student, GuardianFactory.build_batch(2, student=None), world.class_a, actor=world.users["registrar"],
        evidence=evidence("transfer_form_scan"), kind=ChangeRequest.Kind.TRANSFER_IN_EXTERNAL,
        extra={"national_number": number, "origin_school": "外省某小学", "origin_authority": "外省某局",
               "reason": "迁居"},
    )  # fmt: skip
    reject_step(current_step(request), actor=world.users["officer"], reason="联系单不清晰")
    url = reverse("registration_amend", args=[request.pk])
    leaks, opened = _scan(client, world, url, roles=["registrar"])
    assert opened == 1 and leaks == {}
    page = client.get(url).content.decode()
    assert "G3411**********" in page  # the masked value is shown in the help text


def test_numbers_left_empty_on_the_amend_form_are_kept(client, world):
    """The amend form's empty ID and phone inputs keep the saved numbers; a number typed in replaces one."""
    from tests.transfers.test_registration_views import form_data

    request = world.registrations["own"]
    reject_step(current_step(request), actor=world.users["officer"], reason="家庭住址不完整")
    student = request.student
    guardians = list(student.guardians.order_by("pk"))
    saved = (student.id_number, student.phone, [(g.id_number, g.phone) for g in guardians])
    data = form_data(
        world, name=student.name, sex=student.sex, birth_date=student.birth_date.isoformat(), id_number="",
        phone="", home_address="东湖镇幸福路 18 号 3 单元 201 室", **{"guardians-INITIAL_FORMS": "2"},
    )  # fmt: skip
    for index, guardian in enumerate(guardians):
        data.update({f"guardians-{index}-id": guardian.pk, f"guardians-{index}-student": student.pk,
                     f"guardians-{index}-phone": "", f"guardians-{index}-id_number": ""})  # fmt: skip
    data["guardians-1-phone"] = "13700001111"
    client.force_login(world.users["registrar"])
    response = client.post(reverse("registration_amend", args=[request.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    student.refresh_from_db()
    after = [(g.id_number, g.phone) for g in student.guardians.order_by("pk")]
    assert (student.id_number, student.phone) == saved[:2] and student.home_address.endswith("201 室")
    assert after == [saved[2][0], (saved[2][1][0], "13700001111")]
