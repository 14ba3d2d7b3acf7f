"""The round trip: a school exported in the national template, onboarded into an empty register, exported again
gives byte-identical data cells (the template's one module serves both ways)."""

from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import SchoolClass
from students.identity import make_id_number
from students.models import EnrolmentSpell, Guardian, OnboardingJob, Student
from students.national import onboarding
from students.national.export import national_workbook, spells_for_export
from tests.factories import (
    EnrolmentSpellFactory,
    GuardianFactory,
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _school_with_pupils():
    school = SchoolFactory()
    three_1, three_2 = (SchoolClassFactory(school=school, grade=3, number=n, entry_year=2024) for n in (1, 2))
    five = SchoolClassFactory(school=school, grade=5, number=1, entry_year=2022)
    born = date(2017, 3, 4)
    j_code = make_id_number("341102", born, 901, "2")
    pupils = [
        (StudentFactory(former_name="小明", ethnicity="03", left_behind="2", only_child=True, migrant_worker_child=True,
                        health="30", household_type="2", overseas_status="11", boarding="2", entry_method="12",
                        entry_date=date(2024, 9, 2)), three_1),
        (StudentFactory(sex="2", birth_date=born, id_type="Z", id_number="", national_number="J" + j_code,
                        entry_date=date(2024, 9, 1)), three_1),
        (StudentFactory(national_number=None, entry_date=date(2024, 9, 1)), three_2),
        (StudentFactory(id_type="6", id_number="H1234567", national_number="L3411022017030412" + "34",
                        birth_date=date(2017, 3, 4), entry_date=date(2024, 9, 1)), three_2),
        (StudentFactory(inclusive_education=True, preschool=False, orphan=True, entry_date=date(2022, 9, 1)), five),
    ]  # fmt: skip
    pupils[2][0].national_number = f"L341102{pupils[2][0].birth_date:%Y%m%d}0007"
    pupils[2][0].save()
    for pupil, school_class in pupils:
        EnrolmentSpellFactory(student=pupil, school_class=school_class, started_on=pupil.entry_date)
        GuardianFactory(student=pupil, name="父亲", relation="51", employer="东湖镇农场", phone="13900000001")
        GuardianFactory(student=pupil, name="母亲", relation="52", id_number="", phone="13900000002")
    return school


def _export(school):
    spells = spells_for_export(EnrolmentSpell.objects.filter(school=school, ended_on__isnull=True))
    content, _rows = national_workbook(spells, full_numbers=True)
    return content


def _cells(content):
    sheet = openpyxl.load_workbook(BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_export_onboard_export_gives_the_same_data_cells(django_capture_on_commit_callbacks):
    school = _school_with_pupils()
    first = _export(school)
    # an empty register: every pupil, family member, spell and class of the school gone
    EnrolmentSpell.objects.all().delete()
    Guardian.objects.all().delete()
    Student.objects.all().delete()
    SchoolClass.objects.filter(school=school).delete()

    admin = UserFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        job = onboarding.start_dry_run(school, SimpleUploadedFile("export.xlsx", first), actor=admin)
    job.refresh_from_db()
    assert job.state == OnboardingJob.State.CHECKED, job.report
    assert job.report["create_classes"] == [[3, 1, 2024], [3, 2, 2024], [5, 1, 2022]]
    with django_capture_on_commit_callbacks(execute=True):
        assert onboarding.start_import(job, actor=admin)
    job.refresh_from_db()
    assert job.created_count == 5

    second = _export(school)
    first_cells, second_cells = _cells(first), _cells(second)
    assert len(first_cells) == 6 and all(isinstance(cell, str | None) for row in first_cells for cell in row)
    assert second_cells == first_cells
