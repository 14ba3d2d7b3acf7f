"""The archivist's main journey in a real browser: archivist1 finds a pupil's archive from the home page,
prints the full bundle (a Celery task, in-process here), downloads the PDF — its text has the pupil's name
and the catalogue of contents, no full ID number — and finds the print in the school's register."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from registry.models import School
from students.models import Student
from tests.e2e.conftest import load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e


def test_archivist_prints_a_full_bundle_and_sees_it_registered(page, live_server, transactional_db, tmp_path):
    load_demo()
    school = School.objects.get(code="2134119901")  # archivist1's school
    pupil = (
        Student.objects.filter(spells__school=school, spells__ended_on__isnull=True, id_number__isnull=False)
        .exclude(id_number="")
        .order_by("name_pinyin", "pk")
        .first()
    )

    log_in(page, live_server, "archivist1")
    page.get_by_role("link", name="查找学生档案").click()
    page.get_by_label("姓名、拼音或首字母、学籍号，或身份证号后几位").fill(pupil.name)
    page.get_by_role("button", name="查询").click()
    page.get_by_test_id("held-archives").get_by_role("link", name=pupil.name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(pupil.name)

    page.get_by_role("link", name="打印", exact=True).click()
    page.get_by_label("完整档案").check()
    page.get_by_label("打印用途").fill("转学前核对纸质档案")
    page.get_by_role("button", name="打印", exact=True).click()

    download_link = page.get_by_test_id("print-download")
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        download_link.click()
    path = tmp_path / "bundle.pdf"
    download_info.value.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "".join(page_.extract_text() for page_ in reader.pages)
    assert pupil.name in text
    assert "卷内目录" in text and "学生基本信息表" in text
    assert pupil.id_number not in text  # masked: the archivist did not reveal

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="档案打印与查阅登记").click()
    register = page.get_by_test_id("archive-register")
    printed = register.locator("tbody tr").filter(has_text="转学前核对纸质档案")  # the purpose given
    expect(printed).to_have_count(1)
    expect(printed).to_contain_text(pupil.name)
    expect(printed.locator("td").nth(2)).to_have_text("打印")
    expect(printed).to_contain_text("周档案")  # archivist1
