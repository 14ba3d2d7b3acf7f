"""学号 where the issue says it shows: the roll check (the page, the signed snapshot and its PDF — beside each
name that differs, and in the list of pupils to mark absent) and the printed 学生基本信息表 of the archive
bundle and its cover."""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from archives.printing.services import start_print
from archives.services import ensure_archive
from students.models import EnrolmentSpell, RollDiscrepancy, SchoolNumber
from students.rollcheck.services import (
    mark_absent,
    set_headcounts,
    sign_roll_check,
    start_roll_check,
    submit_roll_check,
)
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, SemesterFactory, StudentFactory

CHECK_DATE = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def in_october():
    with time_machine.travel(datetime(2026, 10, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))):
        yield


def _numbered(world, name, number):
    spell = EnrolmentSpellFactory(student=StudentFactory(name=name), school_class=world.class_a)
    SchoolNumber.objects.create(school=world.school_a, student=spell.student, number=number,
                                assigned_on=date(2026, 9, 1))  # fmt: skip
    return spell


@pytest.fixture
def check(world):
    """School A's reconciliation: 张小山 (20260388) is absent, 王大力 (20260389) is in class."""
    registrar = world.users["registrar"]
    absent = _numbered(world, "张小山", "20260388")
    _numbered(world, "王大力", "20260389")
    check = start_roll_check(world.school_a, SemesterFactory(school_year=2026), actor=registrar, check_date=CHECK_DATE)
    mark_absent(check, absent, actor=registrar, reason="随父母迁居外省", action=RollDiscrepancy.Action.TRANSFER_OUT)
    return check


def test_the_roll_check_page_shows_the_school_numbers(client, world, check):
    page = (
        client_for(client, world, "registrar")
        .get(reverse("roll_check", args=[world.school_a.code, check.semester_id]))
        .text
    )
    differences = page.split('data-testid="discrepancies"')[1].split("</table>")[0]
    assert "张小山" in differences and "20260388" in differences
    assert "王大力 20260389" in page  # the pupils left to mark absent, with their number


@pytest.mark.slow
def test_the_signed_snapshot_and_its_pdf_carry_the_school_numbers(client, world, check):
    registrar = world.users["registrar"]
    set_headcounts(check, {world.class_a.pk: EnrolmentSpell.objects.filter(school_class=world.class_a).count() - 1},
                   actor=registrar)  # fmt: skip
    submit_roll_check(check, actor=registrar)
    signature = sign_roll_check(check, actor=world.users["headteacher"])
    [row] = signature.snapshot["classes"]
    assert row["absent"][0]["school_number"] == "20260388"
    assert ["王大力", "20260389"] in [[pupil[1], pupil[3]] for pupil in row["pupils"]]
    content = client_for(client, world, "headteacher").get(reverse("roll_check_pdf", args=[check.pk])).content
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert "20260388" in "".join(text.split())


@pytest.mark.slow
def test_the_printed_basic_information_form_shows_the_school_number(world, django_capture_on_commit_callbacks):
    spell = _numbered(world, "赵小燕", "20260390")
    archive = ensure_archive(spell.student)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_print(world.users["archivist"], archive=archive, reason="转学调档")
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        pages = [page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages]
    assert "20260390" in pages[0]  # the cover
    assert any("20260390" in text for text in pages[1:])  # the 学生基本信息表


def test_the_national_template_export_fills_ban_nei_xue_hao(world):
    """The national template's 班内学号 column carries the pupil's 学号 at the spell's school — the one held
    when they left, for a pupil who has."""
    from openpyxl import load_workbook

    from students.national.columns import HEADERS
    from students.national.export import national_workbook, spells_for_export

    spell = _numbered(world, "钱小川", "20260391")
    SchoolNumber.objects.filter(student=spell.student).update(retired_on=date(2026, 10, 1))  # left since
    content, rows = national_workbook(spells_for_export(EnrolmentSpell.objects.filter(pk=spell.pk)), full_numbers=False)
    sheet = load_workbook(BytesIO(content)).active
    assert rows == 1 and sheet.cell(row=2, column=HEADERS.index("班内学号") + 1).value == "20260391"
