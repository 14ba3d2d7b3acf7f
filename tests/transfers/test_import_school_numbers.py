"""The import template's 学号 column (optional): a given number is the pupil's on approval, once checked free
in the school (retired numbers included, and the other rows); an empty one is made from the school's format."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from students.models import SchoolNumber
from students.spreadsheet import COLUMNS
from tests.conftest import client_for
from tests.transfers.test_imports import filled_template, pupil_row, upload
from transfers.models import ChangeRequest
from transfers.services import approve_step, current_step

HEADER_POSITION = next(position for position, column in enumerate(COLUMNS, start=1) if column.key == "school_number")


def test_a_given_number_is_kept_and_an_empty_one_is_made(client, world, django_capture_on_commit_callbacks):
    rows = [{**pupil_row(1, world.class_a), "school_number": "20269901"}, pupil_row(2, world.class_a)]
    job, _page = upload(client_for(client, world, "registrar"), world, filled_template(rows),
                        django_capture_on_commit_callbacks)  # fmt: skip
    assert job.state == "imported"
    for request in ChangeRequest.objects.filter(school=world.school_a, student__name__startswith="导入学生"):
        approve_step(current_step(request), actor=world.users["officer"])
    numbers = dict(SchoolNumber.objects.filter(school=world.school_a).values_list("student__name", "number"))
    assert numbers["导入学生1"] == "20269901"
    assert numbers["导入学生2"].startswith("2026") and numbers["导入学生2"] != "20269901"


def test_a_number_the_school_gave_or_another_row_has_is_refused_by_row(
    client, world, django_capture_on_commit_callbacks
):
    retired = SchoolNumber.objects.create(school=world.school_a, student=world.pupils["own"], number="20260101",
                                          assigned_on="2025-09-01", retired_on="2026-01-01")  # fmt: skip
    rows = [
        {**pupil_row(1, world.class_a), "school_number": retired.number},
        {**pupil_row(2, world.class_a), "school_number": "20269902"},
        {**pupil_row(3, world.class_a), "school_number": "20269902"},
    ]
    job, page = upload(client_for(client, world, "registrar"), world, filled_template(rows),
                       django_capture_on_commit_callbacks)  # fmt: skip
    assert job.state == "refused" and job.created_count == 0
    errors = {(row, message) for row, _column, message in job.errors}
    assert any(row == 2 and "20260101" in message for row, message in errors)
    assert any(row == 4 and "3" in message for row, message in errors)  # the same number as row 3
    assert not ChangeRequest.objects.filter(student__name__startswith="导入学生").exists()


def test_the_column_may_be_headed_ban_nei_xue_hao(client, world, django_capture_on_commit_callbacks):
    file = filled_template([{**pupil_row(1, world.class_a), "school_number": "20269903"}])
    workbook = load_workbook(BytesIO(file.read()))
    workbook["学生信息"].cell(row=1, column=HEADER_POSITION, value="班内学号")
    buffer = BytesIO()
    workbook.save(buffer)
    job, _page = upload(client_for(client, world, "registrar"), world, SimpleUploadedFile("c.xlsx", buffer.getvalue()),
                        django_capture_on_commit_callbacks)  # fmt: skip
    request = ChangeRequest.objects.get(student__name="导入学生1")
    assert job.state == "imported" and request.payload["school_number"] == "20269903"
