"""The transfer journey in a real browser: registrar3 (town 2) starts a transfer-in of a registrar1 pupil;
registrar1, officer1 and officer2 approve in turn; the pupil is enrolled at registrar3's school with the
same national number; the four-copy form downloads with four pages and its code verifies publicly."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from registry.models import School
from students.models import EnrolmentSpell
from tests.e2e.conftest import confirm_dialog, load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e

SENDING, RECEIVING = "2134119901", "2134119905"


def _approve_as(page, live_server, username, pupil_name):
    log_in(page, live_server, username)
    page.get_by_role("link", name="待审核").first.click()
    page.get_by_role("row").filter(has_text=pupil_name).get_by_role("link").first.click()
    page.get_by_label("审核意见").fill("同意转出" if username == "registrar1" else "同意")
    page.get_by_role("button", name="通过", exact=True).click()
    confirm_dialog(page)
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text("已通过")
    page.get_by_role("button", name="退出登录").click()


def test_a_transfer_between_towns_from_start_to_verified_form(page, live_server, transactional_db, browser):
    load_demo()
    receiving = School.objects.get(code=RECEIVING)
    grade = min(set(receiving.grades) - {6, 9})
    spell = (
        EnrolmentSpell.objects.filter(school__code=SENDING, grade=grade, ended_on__isnull=True)
        .select_related("student")
        .first()
    )
    pupil = spell.student

    log_in(page, live_server, "registrar3")
    page.get_by_role("link", name="转入").first.click()
    page.get_by_label("身份证件号或学籍号").fill(pupil.id_number)
    page.get_by_role("button", name="查找学生").click()
    expect(page.get_by_test_id("found-pupil")).to_contain_text(pupil.name)
    expect(page.get_by_test_id("found-pupil")).to_contain_text(spell.school.name)
    page.get_by_label("转入班级").select_option(index=1)
    page.get_by_label("原因", exact=True).fill("随父母迁居青山镇")
    page.get_by_label("例外原因").fill("家长工作调动，需立即转学")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_test_id("request-state")).to_have_text("审核中")
    request_url = page.url
    page.get_by_test_id("transfer-forms").get_by_role("link").first.click()
    expect(page.get_by_role("link", name="下载 PDF")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="退出登录").click()

    for username in ("registrar1", "officer1", "officer2"):
        _approve_as(page, live_server, username, pupil.name)

    pupil.refresh_from_db()
    spells = list(pupil.spells.order_by("pk"))
    assert [s.school.code for s in spells] == [SENDING, RECEIVING]
    assert spells[-1].ended_on is None and spells[0].exit_reason == "transferred_out"
    assert pupil.national_number == f"G{pupil.id_number}"

    log_in(page, live_server, "registrar3")
    page.goto(request_url)
    expect(page.get_by_test_id("request-state")).to_have_text("已通过")
    forms = page.get_by_test_id("transfer-forms").get_by_role("link")
    expect(forms).to_have_count(2)  # issued when started, re-issued on approval
    forms.last.click()
    code = page.get_by_test_id("verification-code").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    assert len(pdf.pages) == 4
    text = "".join(p.extract_text() for p in pdf.pages)
    assert pupil.name in text and pupil.id_number not in text

    stranger = browser.new_context(locale="zh-CN").new_page()  # not logged in
    stranger.goto(f"{live_server.url}/verify/")
    stranger.get_by_label("验证码").fill(code)
    stranger.get_by_role("button", name="核验").click()
    result = stranger.get_by_test_id("verification-result")
    expect(result).to_contain_text("真实")
    expect(result).to_contain_text(spell.school.name)
    expect(result).to_contain_text(receiving.name)
    expect(result).not_to_contain_text(pupil.name)

    page.goto(f"{live_server.url}/pupils/{pupil.pk}/")
    expect(page.get_by_test_id("pupil-status")).to_have_text("在籍")
