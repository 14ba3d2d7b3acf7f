"""新生导入: a class of 45 from the template; a file with bad rows reports exactly those rows and writes nothing."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from audit.models import Event
from students.identity import make_id_number
from students.models import Student
from students.spreadsheet import COLUMNS, build_template
from tests.conftest import client_for
from transfers.batches import RequestsRefused
from transfers.imports import import_registrations_file
from transfers.models import ChangeRequest, ImportJob
from transfers.registration import register_pupils


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
    program = SimpleUploadedFile("x" * 230 + ".xlsx", b"MZ\x90\x00" + b"\x00" * 200)
    job, page = upload(client_for(client, world, "registrar"), world, program, django_capture_on_commit_callbacks)
    assert job.state == "refused"
    refusal = gettext("This file is not an Excel .xlsx workbook (a renamed file?).")
    assert (job.filename, job.errors, job.file.name) == ("x" * 200, [[0, "", refusal]], "")
    assert job.finished_at is not None
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
    job.refresh_from_db()  # the job still says what it did the first time
    assert (job.state, job.created_count, job.errors) == ("imported", 1, [])
    other = world.import_jobs["sibling"]  # another school's job, still waiting for its task
    other.refresh_from_db()
    assert other.state == ImportJob.State.QUEUED


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


def _import(world, rows, **kwargs):
    with translation.override("en"):
        return import_registrations_file(
            world.school_a, filled_template(rows), actor=world.users["registrar"], filename="c.xlsx", **kwargs
        )


def test_each_rows_problem_is_reported_whole_on_its_column_and_nothing_is_saved(world):
    """The checks across rows and against the system, each on its row and column: a class the school lacks, an
    ID number already held (一人一籍) or twice in the file, a namesake born the same day (entered one by one), a
    grade-1 pupil under six — the age message lands on that pupil's row even after a row without a class."""
    own = world.pupils["own"]
    rows = [pupil_row(n, world.class_a) for n in range(2, 9)]
    rows[0]["class_number"] = 9  # row 2
    other = world.pupils["other"]
    rows[1].update(id_number=other.id_number, birth_date=other.birth_date.isoformat(), sex=other.sex)  # row 3
    rows[3].update(id_number=rows[2]["id_number"], birth_date=rows[2]["birth_date"], sex=rows[2]["sex"])  # row 5
    rows[4].update(name=own.name, birth_date=own.birth_date.isoformat(), sex=own.sex,
                   id_number=make_id_number("341199", own.birth_date, 777, own.sex))  # row 6  # fmt: skip
    young = date(2020, 10, 1)
    rows[5].update(birth_date=young.isoformat(), id_number=make_id_number("341199", young, 601, rows[5]["sex"]))
    before = Student.objects.count()
    report = _import(world, rows)
    assert report.errors == [
        (2, "class number", f"{world.school_a.name} has no class 9 in grade {world.class_a.grade}."),
        (3, "ID number", f"This ID number already has a record at {world.school_c.name}; one pupil has one record "
                         "(一人一籍)."),
        (5, "ID number", "The same ID number as row 4."),
        (6, "full name", "A pupil with the same name, birth date and sex already has a record; enter this pupil on "
                         "the new-pupil form, where you can confirm they differ."),
        (7, "birth date", "A grade 1 pupil must be 6 by 31 August of the entry year (born on or before 2020-08-31). "
                          "For a younger child, upload the parents' signed commitment letter (承诺书) on the "
                          "new-pupil form."),
    ]  # fmt: skip
    assert report.created == 0 and Student.objects.count() == before


def test_a_row_refused_at_saving_undoes_the_rows_saved_before_it(world, monkeypatch):
    """All or nothing across chunks: when the registrations of a later chunk are refused (a class removed
    meanwhile, say), the pupils of the chunks already saved are rolled back and the refused row is named."""
    from transfers import imports

    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    calls = []

    def register_or_refuse(pupils, **kwargs):
        calls.append(len(pupils))
        if len(calls) == 2:
            raise RequestsRefused({0: "Choose a class of 甲小学."})
        return register_pupils(pupils, **kwargs)

    monkeypatch.setattr(imports, "register_pupils", register_or_refuse)
    progress = []
    report = _import(
        world, [pupil_row(n, world.class_a) for n in range(3)], progress=lambda *done: progress.append(done)
    )
    assert calls == [2, 1] and progress == [(2, 3), (3, 3)]
    assert report.errors == [(4, "", "Choose a class of 甲小学.")] and report.created == 0
    assert not Student.objects.filter(name__startswith="导入学生").exists()
    assert not Event.objects.filter(action="transfers.registrations.imported").exists()


def test_every_chunk_is_saved_with_the_rows_values_and_both_guardians(world, monkeypatch):
    from transfers import imports

    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    progress = []
    rows = [pupil_row(n, world.class_a) for n in range(3)]
    report = _import(world, rows, progress=lambda *done: progress.append(done))
    assert (report.errors, report.created, progress) == ([], 3, [(2, 3), (3, 3)])
    pupil = Student.objects.get(name="导入学生1")
    assert (pupil.sex, pupil.birth_date, pupil.id_number, pupil.home_address, pupil.phone, pupil.national_number) == (
        "1", date(2019, 9, 8), rows[1]["id_number"], "东湖镇新村 1 号", "13800000001", None
    )  # fmt: skip
    guardians = list(pupil.guardians.order_by("pk").values_list("name", "relation", "phone", "employer"))
    assert guardians == [("家长甲1", "51", "13900000001", ""), ("家长乙1", "52", "13700000001", "")]
    event = Event.objects.get(action="transfers.registrations.imported")
    assert (event.data["rows"], event.data["filename"], [row for row, _pupil, _request in event.data["pupils"]]) == (
        3, "c.xlsx", [2, 3, 4]
    )  # fmt: skip
    assert (event.actor, event.target_id, event.school_pk) == (world.users["registrar"], str(world.school_a.pk),
                                                               world.school_a.pk)  # fmt: skip


def test_a_school_number_a_waiting_registration_holds_is_not_given_again(world):
    first = _import(world, [{**pupil_row(1, world.class_a), "school_number": "20269911"}])
    assert (first.errors, first.created) == ([], 1)
    second = _import(world, [{**pupil_row(2, world.class_a), "school_number": "20269911"}])
    assert second.errors == [
        (2, "school number", "20269911 is already a school number of this school (numbers are never given twice); "
                             "leave it empty to have the next one made."),
    ]  # fmt: skip
    assert not Student.objects.filter(name="导入学生2").exists()


def test_a_file_without_pupil_rows_is_refused_saying_so(client, world, django_capture_on_commit_callbacks):
    job, page = upload(client_for(client, world, "registrar"), world, filled_template([]),
                       django_capture_on_commit_callbacks)  # fmt: skip
    assert (job.state, job.created_count, job.errors) == ("refused", 0, [[0, "", "文件中没有学生数据行。"]])
    assert job.finished_at is not None
    finished = Event.objects.get(action="transfers.import.finished", target_id=str(job.pk))
    assert (finished.actor, finished.data) == (
        world.users["registrar"],
        {"state": "refused", "created": 0, "errors": 1},
    )


def test_a_finished_import_says_what_it_did_and_only_the_schools_registrar_starts_one(
    client, world, django_capture_on_commit_callbacks
):
    from transfers.imports import import_progress, start_import_job

    cache.clear()  # a stray progress key (a mutant's "None" key in the shared Redis) must not answer for this job
    job, _page = upload(client_for(client, world, "registrar"), world,
                        filled_template([pupil_row(n, world.class_a) for n in range(2)], name="x" * 230 + ".xlsx"),
                        django_capture_on_commit_callbacks)  # fmt: skip
    assert (job.state, job.created_count, job.errors, job.filename) == ("imported", 2, [], ("x" * 230)[:200])
    assert import_progress(job) == (2, 2) and job.finished_at is not None
    finished = Event.objects.get(action="transfers.import.finished", target_id=str(job.pk))
    assert finished.data == {"state": "imported", "created": 2, "errors": 0}
    refused, _page = upload(
        client_for(client, world, "registrar"),
        world,
        filled_template([pupil_row(3, world.class_a)] * 2),
        django_capture_on_commit_callbacks,
    )
    assert (refused.state, refused.created_count) == ("refused", 0)
    assert [error[:2] for error in refused.errors] == [[3, "身份证件号"]]
    with pytest.raises(PermissionDenied):
        start_import_job(world.school_c, filled_template([]), actor=world.users["registrar"])


def test_a_file_refused_by_the_full_read_says_why_and_imports_nothing(
    client, world, django_capture_on_commit_callbacks
):
    """The cheap checks in the upload pass; the task's full read finds the name column gone: the job is refused
    with the reader's message, nothing created."""
    file = filled_template([pupil_row(1, world.class_a)])
    workbook = load_workbook(BytesIO(file.read()))
    name_column = next(position for position, column in enumerate(COLUMNS, start=1) if column.key == "name")
    workbook["学生信息"].cell(row=1, column=name_column, value="备注")
    buffer = BytesIO()
    workbook.save(buffer)
    job, page = upload(client_for(client, world, "registrar"), world, SimpleUploadedFile("c.xlsx", buffer.getvalue()),
                       django_capture_on_commit_callbacks)  # fmt: skip
    assert (job.state, job.created_count) == ("refused", 0)
    assert job.errors == [[0, "", "第一行缺少必填列：姓名。请使用导入模板填写。"]]
    assert not Student.objects.filter(name="导入学生1").exists()


def progress_shown(client, job):
    """The import page's fragment as htmx asks for it every second: the bar's value and the "saved / total" line."""
    html = client.get(reverse("import_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    return re.search(r'<progress[^>]* value="(\d+)"', html)[1], re.search(r'text-muted">(.*?)</p>', html, re.S)[1]


def test_a_running_import_shows_the_rows_saved_so_far_and_a_waiting_one_shows_none(client, world):
    """The task writes (saved, total) to the cache after each chunk; the page reads it back for the job it shows.
    A job whose task has not saved a chunk yet shows an empty bar and no count."""
    from transfers import imports

    cache.clear()  # the progress of earlier tests' jobs (ids come round again on SQLite) and stray keys
    running = ImportJob.objects.create(
        school=world.school_a, created_by=world.users["registrar"], filename="b.xlsx", state=ImportJob.State.RUNNING
    )
    cache.set(imports._progress_key(running.pk), (1000, 3000), 3600)
    client = client_for(client, world, "registrar")
    assert progress_shown(client, running) == ("33", "1000 / 3000")
    assert progress_shown(client, world.import_jobs["own"]) == ("0", "")


def test_a_school_number_twice_in_the_file_is_named_on_the_later_row_only(world):
    rows = [
        {**pupil_row(1, world.class_a), "school_number": "20269921"},
        {**pupil_row(2, world.class_a), "school_number": "20269922"},
        {**pupil_row(3, world.class_a), "school_number": "20269921"},
    ]
    report = _import(world, rows)
    assert report.errors == [(4, "school number", "The same school number as row 2.")] and report.created == 0
    assert not Student.objects.filter(name__startswith="导入学生").exists()


def test_another_schools_numbers_and_a_withdrawn_registrations_number_are_free(world):
    """A school number is unique within its school: the numbers another school gave or holds for a waiting
    registration, and the number of this school's withdrawn registration (never given), may be given here."""
    from students.models import SchoolNumber

    SchoolNumber.objects.create(school=world.school_c, student=world.pupils["other"], number="20269931",
                                assigned_on="2026-09-01")  # fmt: skip
    for scope, number, state in (("other", "20269932", "pending"), ("own", "20269933", "withdrawn")):
        registration = world.registrations[scope]
        ChangeRequest.objects.filter(pk=registration.pk).update(
            state=state, payload={**registration.payload, "school_number": number}
        )
    rows = [{**pupil_row(n, world.class_a), "school_number": f"2026993{n}"} for n in (1, 2, 3)]
    report = _import(world, rows)
    assert (report.errors, report.created) == ([], 3)
    kept = ChangeRequest.objects.filter(student__name__startswith="导入学生").order_by("student__name")
    assert [request.payload["school_number"] for request in kept] == ["20269931", "20269932", "20269933"]


def test_a_file_longer_than_one_round_of_lookups_finds_what_each_round_holds(world, monkeypatch):
    """The file's ID numbers, names and school numbers are looked up 1,000 at a time (here 2 at a time, standing
    for a file of thousands of rows): a held ID number, a namesake and a school number already given are found
    whether they sort first or last."""
    from functools import partial

    from students.models import SchoolNumber
    from tests.factories import EnrolmentSpellFactory, StudentFactory
    from transfers import imports

    monkeypatch.setattr(imports, "_chunks", partial(imports._chunks, size=2))
    early, late = (StudentFactory(birth_date=born, sex="1") for born in (date(2019, 1, 5), date(2020, 8, 20)))
    first_name, last_name = (StudentFactory(name=name, birth_date=date(2019, 10, 10), sex="2")
                             for name in ("丁一", "龙二"))  # fmt: skip
    for pupil in (early, late, first_name, last_name):
        EnrolmentSpellFactory(student=pupil, school_class=world.class_c)
    own = world.pupils["own"]
    SchoolNumber.objects.create(school=world.school_a, student=own, number="20260001", assigned_on="2025-09-01",
                                retired_on="2026-01-01")  # fmt: skip
    SchoolNumber.objects.create(school=world.school_a, student=own, number="20269999", assigned_on="2026-09-01")

    def holding(pupil, n):
        born = pupil.birth_date.isoformat()
        return {**pupil_row(n, world.class_a), "id_number": pupil.id_number, "birth_date": born, "sex": pupil.sex}

    def namesake(pupil, n):
        number = make_id_number("341199", pupil.birth_date, 700 + 2 * n, pupil.sex)
        return {**pupil_row(n, world.class_a), "name": pupil.name, "birth_date": pupil.birth_date.isoformat(),
                "sex": pupil.sex, "id_number": number}  # fmt: skip

    rows = [
        {**holding(early, 1), "school_number": "20260001"},  # row 2: sorts first by ID number and school number
        namesake(first_name, 2),  # row 3: sorts first by name
        {**pupil_row(3, world.class_a), "school_number": "20265001"},
        namesake(last_name, 4),  # row 5: sorts last by name
        {**holding(late, 5), "school_number": "20269999"},  # row 6: sorts last by ID number and school number
    ]
    report = _import(world, rows)
    given = "%s is already a school number of this school (numbers are never given twice); leave it empty to have " \
            "the next one made."  # fmt: skip
    held = f"This ID number already has a record at {world.school_c.name}; one pupil has one record (一人一籍)."
    namesake_message = ("A pupil with the same name, birth date and sex already has a record; enter this pupil on "
                        "the new-pupil form, where you can confirm they differ.")  # fmt: skip
    assert report.errors == [
        (2, "school number", given % "20260001"), (2, "ID number", held),
        (3, "full name", namesake_message),
        (5, "full name", namesake_message),
        (6, "school number", given % "20269999"), (6, "ID number", held),
    ]  # fmt: skip
    assert report.created == 0 and not Student.objects.filter(name__startswith="导入学生").exists()


def test_checking_a_file_costs_as_many_queries_for_six_rows_as_for_two(world):
    """The cross-row and system checks read the database a fixed number of times per file, not per row (issue
    14: a 10,000-row file made 10,000 queries). Every row here has a reader's error, so nothing is saved."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(rows):
        with CaptureQueriesContext(connection) as captured:
            report = _import(world, [{**row, "ethnicity": "火星族"} for row in rows])
        assert report.created == 0 and len(report.errors) == len(rows)
        return len(captured.captured_queries)

    queries([pupil_row(0, world.class_a)])  # the first use fills per-process caches
    assert queries([pupil_row(n, world.class_a) for n in range(2)]) == queries(
        [pupil_row(n, world.class_a) for n in range(2, 8)]
    )


def test_a_row_already_wrong_gets_only_its_own_message(world):
    """A row with a reader's error is not also warned of a namesake (that warning is for rows otherwise fine), and
    a row without a class number gets the reader's message, not a second one about a class the school lacks."""
    own = world.pupils["own"]
    rows = [
        {**pupil_row(1, world.class_a), "name": own.name, "birth_date": own.birth_date.isoformat(), "sex": own.sex,
         "id_number": make_id_number("341199", own.birth_date, 777, own.sex), "ethnicity": "火星族"},
        {**pupil_row(2, world.class_a), "class_number": None},
    ]  # fmt: skip
    report = _import(world, rows)
    assert report.errors == [(2, "民族", "Unknown value 火星族; choose from the list."), (3, "班号", "Required.")]
    assert report.created == 0
