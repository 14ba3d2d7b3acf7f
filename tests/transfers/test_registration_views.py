"""The registrar's new-pupil form and the officer's decision pages, as a user meets them."""

import hashlib
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.identity import check_digit, make_id_number
from students.models import Student
from tests.conftest import PDF, client_for
from tests.factories import EnrolmentSpellFactory, StudentFactory
from transfers.models import ChangeRequest, Evidence
from transfers.services import approve_step, current_step

BIRTH = date(2019, 10, 8)
GOOD_ID = make_id_number("341199", BIRTH, 555, "2")


def _wrong_check_digit(number):
    wrong = "0" if check_digit(number[:17]) != "0" else "1"
    return number[:17] + wrong


def form_data(world, **overrides):
    data = {
        "name": "林小雨", "sex": "2", "birth_date": BIRTH.isoformat(), "id_type": "1", "id_number": GOOD_ID,
        "ethnicity": "01", "nationality": "CHN", "overseas_status": "00", "birthplace": "安徽省示范县",
        "native_place": "安徽省示范县", "household_place": "安徽省示范县东湖镇", "household_type": "1",
        "home_address": "东湖镇幸福路 18 号", "phone": "13812340000", "health": "10", "left_behind": "0",
        "preschool": "on", "entry_date": "2026-09-01", "entry_method": "11", "boarding": "1",
        "school_class": world.class_a.pk,
        "guardians-TOTAL_FORMS": "2", "guardians-INITIAL_FORMS": "0", "guardians-MIN_NUM_FORMS": "2",
        "guardians-MAX_NUM_FORMS": "1000",
        "guardians-0-name": "林大山", "guardians-0-relation": "51", "guardians-0-phone": "13900000001",
        "guardians-1-name": "陈秀英", "guardians-1-relation": "52", "guardians-1-phone": "13900000002",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_form_labels_are_real_labels(client, world):
    page = client_for(client, world, "registrar").get(reverse("registration_new", args=[world.school_a.code]))
    html = page.content.decode()
    assert '<label class="form-label" for="id_id_number">身份证件号</label>' in html
    assert '<label class="form-label" for="id_guardians-0-name">姓名</label>' in html


def test_wrong_check_digit_says_the_right_one_and_keeps_the_input(client, world):
    url = reverse("registration_new", args=[world.school_a.code])
    wrong = _wrong_check_digit(GOOD_ID)
    page = client_for(client, world, "registrar").post(url, form_data(world, id_number=wrong)).content.decode()
    assert f"校验位应为 {GOOD_ID[-1]}，而不是 {wrong[-1]}。" in page
    assert 'value="林小雨"' in page and 'value="陈秀英"' in page
    assert not Student.objects.filter(name="林小雨").exists()


def test_full_width_digits_are_accepted(client, world):
    url = reverse("registration_new", args=[world.school_a.code])
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in GOOD_ID)
    response = client_for(client, world, "registrar").post(url, form_data(world, id_number=full_width))
    assert response.status_code == 302
    assert Student.objects.get(name="林小雨").id_number == GOOD_ID


def test_submission_creates_a_pending_registration(client, world):
    url = reverse("registration_new", args=[world.school_a.code])
    response = client_for(client, world, "registrar").post(url, form_data(world))
    student = Student.objects.get(name="林小雨")
    request = student.change_requests.get()
    assert response["Location"] == reverse("request_detail", args=[request.pk])
    assert (request.state, request.school, student.national_number) == ("pending", world.school_a, None)
    assert student.guardians.count() == 2
    assert student.history.get().history_user == world.users["registrar"]


def test_birth_date_and_sex_must_agree_with_the_id_number(client, world):
    url = reverse("registration_new", args=[world.school_a.code])
    page = client_for(client, world, "registrar").post(url, form_data(world, birth_date="2019-10-09", sex="1"))
    html = page.content.decode()
    assert "出生日期与身份证号不一致，身份证号中为 2019-10-08。" in html
    assert "性别与身份证号（第 17 位）不一致。" in html


def test_same_id_number_at_another_school_is_a_hard_stop_naming_only_the_school(client, world):
    other = world.pupils["other"]
    url = reverse("registration_new", args=[world.school_a.code])
    html = (
        client_for(client, world, "registrar").post(url, form_data(world, id_number=other.id_number)).content.decode()
    )
    assert f"该身份证号已在{world.school_c.name}有学籍记录" in html
    assert other.name not in html
    assert Student.objects.filter(id_number=other.id_number).count() == 1


def test_same_name_birth_date_and_sex_needs_confirmation(client, world):
    twin = StudentFactory(name="林小雨", sex="2", birth_date=BIRTH)
    EnrolmentSpellFactory(student=twin, school_class=world.class_c)
    client = client_for(client, world, "registrar")
    url = reverse("registration_new", args=[world.school_a.code])
    html = client.post(url, form_data(world)).content.decode()
    assert f"同名、同出生日期、同性别的学生在{world.school_c.name}有学籍" in html
    assert not ChangeRequest.objects.filter(student__id_number=GOOD_ID).exists()
    response = client.post(url, form_data(world, confirm_not_duplicate="on"))
    assert response.status_code == 302


def test_traditional_characters_are_folded_for_the_duplicate_warning(client, world):
    twin = StudentFactory(name="林曉雨", sex="2", birth_date=BIRTH)
    EnrolmentSpellFactory(student=twin, school_class=world.class_c)
    url = reverse("registration_new", args=[world.school_a.code])
    html = client_for(client, world, "registrar").post(url, form_data(world, name="林晓雨")).content.decode()
    assert f"同名、同出生日期、同性别的学生在{world.school_c.name}有学籍" in html


def _young_child(world):
    young = date(2020, 9, 2)
    return form_data(world, birth_date=young.isoformat(), id_number=make_id_number("341199", young, 555, "2"))


def test_grade_one_pupil_under_six_needs_the_commitment_letter(client, world):
    url = reverse("registration_new", args=[world.school_a.code])
    html = client_for(client, world, "registrar").post(url, _young_child(world)).content.decode()
    assert "2020-08-31" in html and "承诺书" in html
    assert not Student.objects.filter(name="林小雨").exists()


def test_commitment_letter_is_attached_and_downloadable(client, world):
    client = client_for(client, world, "registrar")
    letter = SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("registration_new", args=[world.school_a.code]),
                           {**_young_child(world), "commitment_letter": letter})  # fmt: skip
    assert response.status_code == 302
    evidence = Student.objects.get(name="林小雨").change_requests.get().evidence.get()
    assert (evidence.kind, evidence.content_type, evidence.sha256) == (
        "commitment_letter",
        "application/pdf",
        hashlib.sha256(PDF).hexdigest(),
    )
    download = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF


def test_a_renamed_executable_is_refused_and_nothing_is_stored(client, world):
    program = SimpleUploadedFile("承诺书.pdf", b"MZ\x90\x00" + b"\x00" * 300, content_type="application/pdf")
    page = client_for(client, world, "registrar").post(
        reverse("registration_new", args=[world.school_a.code]), {**_young_child(world), "commitment_letter": program}
    )
    assert "只接受 PDF、JPEG 或 PNG 文件" in page.content.decode()
    assert not Student.objects.filter(name="林小雨").exists()
    assert Evidence.objects.filter(original_name="承诺书.pdf").count() == 0


def test_officer_approves_from_the_request_page(client, world):
    request = world.registrations["own"]
    client = client_for(client, world, "officer")
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert reverse("approve_request", args=[request.pk]) in page
    response = client.post(reverse("approve_request", args=[request.pk]), {"comment": "同意", "confirmed": "1"})
    assert response["Location"] == reverse("approval_queue")
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    request.student.refresh_from_db()
    number = request.student.national_number
    assert number == f"G{request.student.id_number}"
    assert f"G{number[1:5]}**********{number[-4:]}" in page and number not in page
    assert "已通过" in page


def test_officer_rejects_and_the_registrar_amends(client, world):
    request = world.registrations["own"]
    officer = client_for(client, world, "officer")
    officer.post(reverse("reject_request", args=[request.pk]), {"reason": "家庭住址不完整", "confirmed": "1"})
    officer.logout()
    registrar = client_for(client, world, "registrar")
    page = registrar.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "家庭住址不完整" in page and reverse("registration_amend", args=[request.pk]) in page
    student = request.student
    data = form_data(
        world, name=student.name, sex=student.sex, birth_date=student.birth_date.isoformat(),
        id_number=student.id_number, home_address="东湖镇幸福路 18 号 3 单元 201 室",
        **{"guardians-INITIAL_FORMS": "2"},
    )  # fmt: skip
    for index, guardian in enumerate(student.guardians.order_by("pk")):
        data[f"guardians-{index}-id"] = guardian.pk
        data[f"guardians-{index}-student"] = student.pk
    response = registrar.post(reverse("registration_amend", args=[request.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    student.refresh_from_db()
    assert (request.state, request.round, student.home_address) == ("pending", 2, "东湖镇幸福路 18 号 3 单元 201 室")


def test_queue_lists_oldest_first_with_days_left(client, world):
    page = client_for(client, world, "officer").get(reverse("approval_queue")).content.decode()
    own, sibling = world.registrations["own"], world.registrations["sibling"]
    assert page.index(own.student.name) < page.index(sibling.student.name)
    assert world.registrations["other"].student.name not in page
    assert "剩余工作日" in page


def test_overdue_requests_are_marked(client, world):
    step = world.registrations["own"].steps.get()
    step.due_on = date(2026, 1, 5)
    step.save()
    page = client_for(client, world, "officer").get(reverse("approval_queue")).content.decode()
    assert "table-danger" in page and "已超期" in page


def test_a_pupil_without_an_id_card_gets_a_j_number(client, world):
    data = form_data(world, id_type="A", id_number="E12345678")  # a passport
    response = client_for(client, world, "registrar").post(
        reverse("registration_new", args=[world.school_a.code]), data
    )
    assert response.status_code == 302
    request = Student.objects.get(name="林小雨").change_requests.get()
    approve_step(current_step(request), actor=world.users["officer"])
    student = Student.objects.get(name="林小雨")
    code = student.national_number[1:]
    assert student.national_number[0] == "J" and len(student.national_number) == 19
    assert code[:6] == world.town1.code[:6] and code[6:14] == BIRTH.strftime("%Y%m%d")
    assert code[-1] == check_digit(code[:17]) and int(code[16]) % 2 == 0  # a girl: even sequence


def test_resident_id_card_needs_its_number(client, world):
    url = reverse("registration_new", args=[world.school_a.code])
    html = client_for(client, world, "registrar").post(url, form_data(world, id_number="")).content.decode()
    assert "请填写居民身份证号码" in html
