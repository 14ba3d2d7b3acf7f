"""新生导入: a class of 45 from the template; a file with bad rows reports exactly those rows and writes nothing."""

from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Event
from students.identity import make_id_number
from students.models import Student
from students.spreadsheet import COLUMNS, build_template
from tests.conftest import client_for
from transfers.models import ChangeRequest, ImportJob


def pupil_row(n, school_class):
    birth = date(2019, 9, 1) + timedelta(days=n * 7)
    sex = "1" if n % 2 else "2"
    return {
        "name": f"导入学生{n}", "sex": sex, "birth_date": birth.isoformat(), "id_type": "1",
        "id_number": make_id_number("341199", birth, 600 + 2 * n, sex), "ethnicity": "01 汉族", "nationality": "CHN",
        "overseas_status": "00", "birthplace": "安徽省示范县", "native_place": "安徽省示范县",
        "household_place": "安徽省示范县东湖镇", "household_type": "1", "home_address": f"东湖镇新村 {n} 号",
        "phone": f"1380000{n:04d}", "health": "10", "only_child": "否", "preschool": "是",
        "grade": school_class.grade, "class_number": school_class.number, "entry_date": "2026-09-01",
        "entry_method": "11", "boarding": "1",
        "guardian1_name": f"家长甲{n}", "guardian1_relation": "51", "guardian1_phone": f"1390000{n:04d}",
        "guardian2_name": f"家长乙{n}", "guardian2_relation": "52", "guardian2_phone": f"1370000{n:04d}",
    }  # fmt: skip


def upload(client, world, file, capture):
    """Post the file as the registrar and follow to the job page (the task runs eagerly on commit)."""
    with capture(execute=True):
        response = client.post(reverse("registration_import", args=[world.school_a.code]), {"file": file})
    job = ImportJob.objects.filter(school=world.school_a).first()
    assert response.status_code == 302 and response["Location"] == reverse("import_job", args=[job.pk])
    return job, client.get(response["Location"])


def filled_template(rows, name="class.xlsx"):
    workbook = load_workbook(BytesIO(build_template()))
    sheet = workbook["学生信息"]
    for index, values in enumerate(rows, start=2):
        for position, column in enumerate(COLUMNS, start=1):
            value = values.get(column.key)
            if value is not None:
                sheet.cell(row=index, column=position, value=value)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_class_of_45_is_imported_and_submitted(client, world, django_capture_on_commit_callbacks):
    rows = [pupil_row(n, world.class_a) for n in range(45)]
    client = client_for(client, world, "registrar")
    job, page = upload(client, world, filled_template(rows), django_capture_on_commit_callbacks)
    assert (job.state, job.created_count) == ("imported", 45)
    assert "45 名新生已导入" in page.content.decode()
    imported = Student.objects.filter(name__startswith="导入学生")
    assert imported.count() == 45
    assert ChangeRequest.objects.filter(student__in=imported, state="pending", school=world.school_a).count() == 45
    assert all(student.guardians.count() == 2 for student in imported[:5])
    event = Event.objects.get(action="transfers.registrations.imported")
    assert (event.data["rows"], event.data["filename"]) == (45, "class.xlsx")
    requests = ChangeRequest.objects.filter(student__in=imported)
    by_pk = requests.order_by("pk")
    assert event.data["pupils"] == [[row, r.student_id, r.pk] for row, r in zip(range(2, 47), by_pk, strict=True)]
    # one event for the job, none per pupil; every record still has its history naming the registrar
    assert not Event.objects.filter(action="transfers.request.submitted", target_id__in=[
        str(pk) for pk in requests.values_list("pk", flat=True)]).exists()  # fmt: skip
    registrar = world.users["registrar"]
    for student in imported[:3]:
        (created,) = student.history.all()
        assert (created.history_type, created.history_user, created.history_change_reason) == (
            "+", registrar, "new-student registration")  # fmt: skip
        request = student.change_requests.get()
        assert request.history.get().history_user == registrar
        assert request.steps.get().history.get().history_user == registrar
        assert all(guardian.history.get().history_user == registrar for guardian in student.guardians.all())


def test_three_bad_rows_are_reported_exactly_and_nothing_is_written(client, world, django_capture_on_commit_callbacks):
    rows = [pupil_row(n, world.class_a) for n in range(10)]
    rows[2]["id_number"] = rows[2]["id_number"][:17] + ("0" if rows[2]["id_number"][-1] != "0" else "1")
    rows[5]["ethnicity"] = "火星族"
    rows[7]["id_number"] = rows[1]["id_number"]  # the same ID number twice in the file
    rows[7]["birth_date"], rows[7]["sex"] = rows[1]["birth_date"], rows[1]["sex"]
    job, page = upload(
        client_for(client, world, "registrar"), world, filled_template(rows), django_capture_on_commit_callbacks
    )
    html = page.content.decode()
    assert job.state == "refused"
    assert "导入学生" not in "".join(Student.objects.values_list("name", flat=True))
    assert sorted({row for row, _column, _message in job.errors}) == [4, 7, 9]
    assert "校验位应为" in html and "火星族" in html and "与第 3 行的身份证号相同" in html


def test_unknown_class_and_id_number_held_elsewhere(client, world, django_capture_on_commit_callbacks):
    rows = [pupil_row(1, world.class_a), pupil_row(2, world.class_a)]
    rows[0]["class_number"] = 9
    rows[1]["id_number"] = world.pupils["other"].id_number
    rows[1]["birth_date"] = world.pupils["other"].birth_date.isoformat()
    rows[1]["sex"] = world.pupils["other"].sex
    job, page = upload(
        client_for(client, world, "registrar"), world, filled_template(rows), django_capture_on_commit_callbacks
    )
    messages = [message for _row, _column, message in job.errors]
    assert any("没有 1 年级 9 班" in message for message in messages)
    assert any(world.school_c.name in message for message in messages)
    assert world.pupils["other"].name not in page.content.decode()


def test_a_renamed_program_is_refused_with_a_clear_message(client, world, django_capture_on_commit_callbacks):
    program = SimpleUploadedFile("class.xlsx", b"MZ\x90\x00" + b"\x00" * 200)
    job, page = upload(client_for(client, world, "registrar"), world, program, django_capture_on_commit_callbacks)
    assert job.state == "refused"
    assert "不是 Excel .xlsx 工作簿" in page.content.decode()
    assert (
        not ChangeRequest.objects.filter(state="pending", school=world.school_a)
        .exclude(pk=world.registrations["own"].pk)
        .exists()
    )


def test_template_download_has_the_chinese_headers(client, world):
    response = client_for(client, world, "registrar").get(reverse("registration_template", args=[world.school_a.code]))
    headers = [cell.value for cell in load_workbook(BytesIO(response.content))["学生信息"][1]]
    assert "★姓名" in headers and "★身份证件号" in headers


def test_running_a_job_twice_imports_once(client, world, django_capture_on_commit_callbacks):
    from transfers.imports import run_import

    job, _page = upload(
        client_for(client, world, "registrar"), world, filled_template([pupil_row(1, world.class_a)]),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    run_import(job.pk)  # a redelivered task
    assert Student.objects.filter(name="导入学生1").count() == 1


def test_progress_fragment_for_htmx(client, world):
    job = ImportJob.objects.create(school=world.school_a, created_by=world.users["registrar"], filename="a.xlsx")
    page = client_for(client, world, "registrar").get(reverse("import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert html.lstrip().startswith('<div id="import-progress"') and 'hx-trigger="every 1s"' in html


def test_a_file_of_900000_formatted_empty_rows_is_refused_within_the_upload_request(
    client, world, django_capture_on_commit_callbacks
):
    import time

    from tests.students.test_spreadsheet import formatted_empty_rows

    data = formatted_empty_rows()
    client = client_for(client, world, "registrar")
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("registration_import", args=[world.school_a.code]), {"file": SimpleUploadedFile("c.xlsx", data)}
        )
    elapsed = time.perf_counter() - started
    assert elapsed < 2, elapsed
    assert not queued  # refused in the request: no task is queued, nothing is parsed in full
    job = ImportJob.objects.filter(school=world.school_a).first()
    assert response["Location"] == reverse("import_job", args=[job.pk])
    assert (job.state, job.file.name) == ("refused", "")  # the file is not kept
    page = client.get(response["Location"]).content.decode()
    assert "空行" in page or "empty rows" in page


def test_a_macro_enabled_workbook_is_refused_and_not_stored(client, world, django_capture_on_commit_callbacks):
    from tests.students.test_spreadsheet import MACRO_TYPES, as_content_type

    xlsm = as_content_type(
        filled_template([pupil_row(1, world.class_a)]).read(), MACRO_TYPES[1], {"xl/vbaProject.bin": b"macro"}
    )
    job, page = upload(
        client_for(client, world, "registrar"), world, SimpleUploadedFile("class.xlsm", xlsm),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert (job.state, job.file.name) == ("refused", "")
    assert not Student.objects.filter(name="导入学生1").exists()
    assert "宏" in page.content.decode() or "macros" in page.content.decode()
