"""Exports in the national template: a semester's change list lists every approved 学籍异动 with its JY/T 1001
code; the sets of pupils by what happened to them; masked numbers unless revealed with a reason, logged."""

from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import Event
from students.models import EnrolmentSpell
from students.national.columns import HEADERS
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, SemesterFactory
from tests.transfers.kinds_helpers import approve_all, evidence, pupil_in, transfer_to_c
from transfers.models import ChangeRequest, Evidence
from transfers.national.changes import HEADERS as CHANGE_HEADERS
from transfers.national.changes import change_rows
from transfers.services import submit_request

Kind = ChangeRequest.Kind
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _submit(world, kind, pupil, payload, proof=None):
    return submit_request(
        kind=kind, student=pupil, school=world.school_a, payload=payload, actor=world.users["registrar"],
        evidence=evidence(proof) if proof else (),
    )  # fmt: skip


@pytest.fixture
def changes(world):
    """School A's approved changes today: a suspension, a class change, a withdrawal, a transfer out to school C,
    and a pending withdrawal (not approved, not listed)."""
    officer = world.users["officer"]
    suspended = pupil_in(world.school_a)
    approve_all(_submit(world, Kind.SUSPENSION, suspended, {
        "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=180)).isoformat(), "reason": "病休",
    }, Evidence.Kind.MEDICAL_CERTIFICATE), officer)  # fmt: skip
    one = SchoolClassFactory(school=world.school_a, grade=3, number=31)
    two = SchoolClassFactory(school=world.school_a, grade=3, number=32)
    moved = EnrolmentSpellFactory(school_class=one).student
    _submit(world, Kind.CLASS_CHANGE, moved, {"school_class": two.pk, "reason": "家长申请"})
    left = pupil_in(world.school_a)
    approve_all(_submit(world, Kind.WITHDRAWAL, left, {"reason_code": "abroad", "reason": "随父母出国定居"},
                        Evidence.Kind.APPLICATION), officer)  # fmt: skip
    transferred = transfer_to_c(world, pupil_in(world.school_a, number=1))
    _submit(world, Kind.WITHDRAWAL, pupil_in(world.school_a), {"reason_code": "other", "reason": "家长要求转走"},
            Evidence.Kind.APPLICATION)  # fmt: skip
    return {"suspended": suspended, "moved": moved, "left": left, "transferred": transferred.student}


def test_the_change_list_of_a_semester_lists_every_approved_change_with_its_code(world, changes):
    rows = change_rows(world.school_a, TODAY - timedelta(days=1), TODAY, full_numbers=True)
    by_name = {row[0]: dict(zip(CHANGE_HEADERS, row, strict=True)) for row in rows}
    assert {name: row["异动类别"] for name, row in by_name.items()} == {
        changes["suspended"].name: "11", changes["moved"].name: "29", changes["left"].name: "31",
        changes["transferred"].name: "21",
    }  # fmt: skip
    moved = by_name[changes["moved"].name]
    assert (moved["原年级"], moved["原班级"], moved["现年级"], moved["现班级"]) == ("3", "31", "3", "32")
    assert moved["异动原因"] == "家长申请" and moved["审批日期"] == TODAY.isoformat()
    left = by_name[changes["left"].name]
    assert (left["原年级"], left["现年级"], left["现学校标识码"]) == ("3", "", world.school_a.code)
    out = by_name[changes["transferred"].name]
    assert (out["原学校标识码"], out["现学校标识码"]) == (world.school_a.code, world.school_c.code)
    assert out["学籍号"] == changes["transferred"].national_number
    # the receiving school reports the same transfer as 转入
    (incoming,) = change_rows(world.school_c, TODAY, TODAY, full_numbers=False)
    assert incoming[3] == "22" and "*" in incoming[2]
    assert change_rows(world.school_a, TODAY + timedelta(days=1), TODAY + timedelta(days=30), full_numbers=True) == []


def _download(client, school, **data):
    response = client.post(reverse("national_export", args=[school.code]), data)
    assert response.status_code == 200, response.content[:2000]
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    return [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_the_semester_change_list_downloads_from_the_export_page(client, world, changes):
    semester = SemesterFactory(school_year=TODAY.year + 40, starts_on=TODAY - timedelta(days=5), ends_on=TODAY)
    rows = _download(client_for(client, world, "officer"), world.school_a, what="change_list", semester=semester.pk)
    assert rows[0] == CHANGE_HEADERS and sorted(row[3] for row in rows[1:]) == ["11", "21", "29", "31"]


def test_an_export_is_masked_unless_the_full_numbers_are_asked_for_with_a_reason(client, world):
    pupil = world.pupils["own"]
    client = client_for(client, world, "registrar")
    masked = _download(client, world.school_a, what="school")
    assert masked[0] == HEADERS
    (row,) = [r for r in masked[1:] if r[0] == pupil.name]
    assert pupil.id_number not in row and pupil.national_number not in row and any("*" in cell for cell in row)
    event = Event.objects.filter(action="students.national.exported").latest("pk")
    assert event.data["revealed"] is False and event.data["rows"] == 1

    refused = client.post(
        reverse("national_export", args=[world.school_a.code]), {"what": "school", "full_numbers": "on"}
    )
    assert refused.status_code == 200 and "请说明为何需要完整号码" in refused.content.decode()  # the page's language

    full = _download(client, world.school_a, what="school", full_numbers="on", reason="上报国家学籍系统")
    (row,) = [r for r in full[1:] if r[0] == pupil.name]
    assert pupil.id_number in row and pupil.national_number in row
    event = Event.objects.filter(action="students.national.exported").latest("pk")
    assert event.data["revealed"] is True and event.data["reason"] == "上报国家学籍系统"


def test_the_sets_of_pupils_by_class_and_by_what_happened_to_them(client, world, changes):
    client = client_for(client, world, "officer")
    one = changes["moved"].spells.get(ended_on__isnull=True).school_class
    by_class = _download(client, world.school_a, what="class", school_class=one.pk)
    assert [row[0] for row in by_class[1:]] == [changes["moved"].name]
    changed = _download(client, world.school_a, what="changed", start=TODAY.isoformat(), end=TODAY.isoformat())
    names = {row[0] for row in changed[1:]}
    assert names == {changes[key].name for key in ("suspended", "moved", "left", "transferred")}
    left = next(row for row in changed[1:] if row[0] == changes["left"].name)
    assert left[HEADERS.index("年级")] == "3", "a pupil who left is exported with the grade of the last spell"
    assert not EnrolmentSpell.objects.filter(student=changes["left"], ended_on__isnull=True).exists()


def test_new_registrations_approved_in_the_period(client, world):
    request = world.registrations["own"]
    approve_all(request, world.users["officer"])
    rows = _download(client_for(client, world, "officer"), world.school_a, what="registered",
                     start=TODAY.isoformat(), end=TODAY.isoformat())  # fmt: skip
    assert [row[0] for row in rows[1:]] == [request.student.name]
