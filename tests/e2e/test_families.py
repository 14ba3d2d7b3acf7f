"""Families and the record in a real browser (issue 20). registrar1 prints a class's family confirmation forms
(学籍基础信息确认表: one A4 page per pupil, masked ID numbers, the progress shown), records one return
confirmed, one with a corrected phone (applied as the town's list says) and one with a corrected birth date
(a request for the town office with the scan as evidence); the roll check shows 1 confirmed, 2 corrected,
the rest not returned. And a guardian's request to see the record (查询申请) is recorded, its extract printed
and listed in the archive register with the proof type; another school's registrar finds neither (404)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from archives.record_requests.models import RecordExtract, RecordRequest
from registry.models import School, Semester
from students.identity import make_id_number, mask_id_number
from students.models import Student
from tests.conftest import PDF
from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e
SCHOOL = "2134119901"  # 东湖镇中心小学, registrar1's


def _pupils_of(school_class):
    return list(
        Student.objects.filter(spells__school_class=school_class, spells__ended_on__isnull=True).order_by(
            "name_pinyin", "pk"
        )
    )


def _record_return(page, live_server, pupil, scan, corrections=()):
    page.goto(f"{live_server.url}/pupils/{pupil.pk}/confirmation/")
    page.get_by_label("家长确认结果").select_option("corrected" if corrections else "confirmed")
    page.get_by_label("签字确认表扫描件").set_input_files(str(scan))
    for row, (field, value) in enumerate(corrections, start=1):
        page.locator(f"#id_field_{row}").select_option(field)
        page.locator(f"#id_value_{row}").fill(value)
    page.get_by_role("button", name="登记回执").click()
    expect(page.locator(".alert-success")).to_be_visible()  # recorded (a refusal is an .alert-danger)


def test_registrar_prints_the_forms_and_records_the_returns(page, live_server, transactional_db, tmp_path):
    load_demo()
    school = School.objects.get(code=SCHOOL)
    school_class = school.classes.order_by("grade", "number").first()
    pupils = _pupils_of(school_class)
    semester = Semester.as_of(timezone.localdate())
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(PDF)

    log_in(page, live_server, "registrar1")
    page.goto(f"{live_server.url}/schools/{SCHOOL}/classes/{school_class.pk}/")
    page.get_by_role("link", name="学籍基础信息确认表").click()
    # the worker's task runs inside the request here (eager): the click returns when the whole class is laid out
    page.get_by_role("button", name=f"打印确认表（{len(pupils)} 名学生，每人一页 A4）").click(timeout=300_000)
    ready = page.get_by_test_id("confirmation-print-ready")
    expect(ready).to_have_text(f"PDF 已生成：{len(pupils)} 名学生，共 {len(pupils)} 页。", timeout=120_000)
    expect(page.get_by_role("progressbar", name="打印进度")).to_have_attribute("value", "100")
    with page.expect_download() as download_info:
        page.get_by_test_id("confirmation-print-download").click()
    path = tmp_path / "forms.pdf"
    download_info.value.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) == len(pupils)  # one A4 page per pupil
    first = reader.pages[0].extract_text()
    assert "学籍基础信息确认表" in first and pupils[0].name in first and "监护人签字" in first
    assert pupils[0].id_number not in first and mask_id_number(pupils[0].id_number) in first

    confirmed, phone, birth = pupils[:3]
    new_birth = birth.birth_date + timedelta(days=1)  # the family corrects the birth date and the ID number with it
    new_number = next(
        number
        for sequence in range(int(birth.id_number[14:17]), 1000)
        if not Student.objects.filter(
            id_number=(number := make_id_number(birth.id_number[:6], new_birth, sequence, birth.sex))
        ).exists()
    )  # the demo numbers its pupils in order: the next day's same sequence may be another pupil's
    _record_return(page, live_server, confirmed, scan)
    _record_return(page, live_server, phone, scan, [("phone", "13912345678")])
    _record_return(page, live_server, birth, scan, [("birth_date", new_birth.isoformat()), ("id_number", new_number)])
    phone.refresh_from_db()
    assert phone.phone == "13912345678"  # not on the town's list: applied directly
    birth.refresh_from_db()
    assert birth.birth_date != new_birth  # a key field: waits for the town office
    request = birth.change_requests.get(kind="information_change")
    assert request.evidence.count() == 1  # the scanned form

    page.goto(f"{live_server.url}/schools/{SCHOOL}/roll-checks/{semester.pk}/")
    page.get_by_role("button", name="开始本学期学籍核对").click()
    row = page.get_by_test_id("family-confirmations").locator("tbody tr").filter(has_text=str(school_class))
    expect(row.locator("td")).to_have_text(["1", "2", str(len(pupils) - 3)])
    expect(page.get_by_test_id("family-confirmation-counts")).to_contain_text("确认无误：1 · 需更正：2")


def test_a_guardians_request_is_recorded_printed_and_hidden_from_another_school(
    page, live_server, transactional_db, tmp_path
):
    load_demo()
    pupil = (
        Student.objects.filter(spells__school__code=SCHOOL, spells__ended_on__isnull=True)
        .exclude(id_number="")
        .order_by("name_pinyin", "pk")
        .first()
    )
    log_in(page, live_server, "registrar1")
    page.goto(f"{live_server.url}/pupils/{pupil.pk}/archive/")
    page.get_by_role("link", name="登记查询申请").click()
    page.get_by_label("申请人身份").select_option("guardian")
    page.get_by_label("申请人姓名").fill("王丽")
    page.get_by_label("查验的身份证明").select_option("id_card")
    page.get_by_label("证件号码后 4 位").fill("123X")
    page.get_by_label("用途", exact=True).fill("核对孩子的学籍信息")
    page.get_by_role("button", name="登记申请").click()
    expect(page.get_by_test_id("record-request")).to_contain_text("居民身份证 …123X")
    page.get_by_role("button", name="打印学籍信息摘录").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("extract-download").click()
    path = tmp_path / "extract.pdf"
    download_info.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "学籍信息摘录" in text and pupil.id_number in text  # the pupil's own number in full
    guardian = pupil.guardians.exclude(id_number="").first()
    assert guardian.id_number not in text

    page.goto(f"{live_server.url}/schools/{SCHOOL}/archive-register/")
    register = page.get_by_test_id("archive-register")
    expect(register.locator("tbody tr").filter(has_text="居民身份证 …123X")).to_have_count(1)
    expect(register.locator("tbody tr").filter(has_text="为 王丽 打印学籍信息摘录")).to_have_count(1)

    query, extract = RecordRequest.objects.get(), RecordExtract.objects.get()
    page.get_by_role("button", name="退出登录").click()
    log_in(page, live_server, "registrar3")  # 青山镇中心小学
    for url in (f"/record-requests/{query.pk}/", f"/record-extracts/{extract.pk}/",
                f"/record-extracts/{extract.pk}/download/"):  # fmt: skip
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 404
