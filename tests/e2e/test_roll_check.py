"""The semester roll reconciliation in a real browser: registrar1 counts every class, names one absent
pupil (moved away → starts a transfer-out) and one unregistered child, and submits; headteacher1 cannot
sign while the child's reason is missing, gives it, signs; officer1 sees it signed; the PDF prints."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from students.models import RollCheck
from tests.conftest import PDF
from tests.e2e.conftest import confirm_dialog, load_demo
from tests.e2e.test_registration import log_in

pytestmark = pytest.mark.e2e


def test_registrar_prepares_headteacher_signs_officer_sees(page, live_server, transactional_db, tmp_path):
    load_demo()
    log_in(page, live_server, "registrar1")
    page.get_by_role("link", name="学期学籍核对").first.click()
    page.get_by_role("button", name="开始本学期学籍核对").click()
    expect(page.get_by_test_id("roll-check-state")).to_have_text("草稿")

    rows = page.get_by_test_id("roll-summary").locator("tbody tr")
    registered_total = 0
    for index in range(rows.count()):
        registered = int(rows.nth(index).locator("td").nth(1).inner_text())
        registered_total += registered
        rows.nth(index).locator("input").fill(str(registered))  # one absent, one extra child: same headcount
    page.get_by_role("button", name="保存实到人数").click()
    first_class = rows.first.locator("td").first.inner_text()

    section = page.locator("details").filter(has_text=first_class).first
    section.evaluate("details => { details.open = true; }")
    absent_select = section.get_by_label("有籍无生")
    absent_name = absent_select.locator("option").nth(1).inner_text()
    absent_select.select_option(index=1)
    section.get_by_label("原因").first.fill("随父母搬家到外省")
    section.get_by_label("处理").first.select_option(label="转出")
    section.get_by_role("button", name="添加").first.click()
    section = page.locator("details").filter(has_text=first_class).first
    section.evaluate("details => { details.open = true; }")
    section.get_by_label("有生无籍：姓名").fill("王小明")
    section.get_by_role("button", name="添加").last.click()

    differences = page.get_by_test_id("discrepancies")
    expect(differences).to_contain_text(absent_name)
    expect(differences).to_contain_text("王小明")
    differences.get_by_role("link", name="发起异动").click()  # the absent pupil's transfer out
    page.get_by_label("转入学校").fill("浙江省某市实验小学")
    page.get_by_label("所在教育局").fill("某市教育局")
    page.get_by_label("原因", exact=True).fill("随父母搬家到外省")
    page.get_by_label("例外原因").fill("学期中随父母迁居，需立即转学")
    scan = tmp_path / "form.pdf"
    scan.write_bytes(PDF)
    page.get_by_label("盖章的转学联系单（扫描件）").set_input_files(str(scan))
    page.get_by_role("button", name="提交镇教办审核").click()
    expect(page.get_by_test_id("request-state")).to_have_text("审核中")

    page.go_back()
    page.go_back()
    page.reload()
    page.get_by_role("button", name="提交校长审签").click()
    expect(page.get_by_test_id("roll-check-state")).to_have_text("已提交校长")
    page.get_by_role("button", name="退出登录").click()

    log_in(page, live_server, "headteacher1")
    page.get_by_role("link", name="学期学籍核对").first.click()
    page.get_by_role("button", name="签字").click()
    confirm_dialog(page, expect_text="东湖镇中心小学")
    expect(page.get_by_role("alert").filter(has_text="王小明")).to_be_visible()
    row = page.get_by_test_id("discrepancies").locator("tr").filter(has_text="王小明")
    row.get_by_label("原因").fill("随父母来本镇务工，学籍在原籍")
    row.get_by_label("处理").select_option(label="借读")
    row.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="签字").click()
    confirm_dialog(page)
    expect(page.get_by_test_id("roll-check-state")).to_have_text("校长已签字")
    digest = page.get_by_test_id("snapshot-hash").inner_text()
    page.get_by_role("button", name="退出登录").click()

    log_in(page, live_server, "officer1")
    check = RollCheck.objects.get(school__code="2134119901")
    page.goto(f"{live_server.url}/schools/2134119901/roll-checks/{check.semester_id}/")
    expect(page.get_by_test_id("roll-check-state")).to_have_text("校长已签字")
    with page.expect_download() as download:
        page.get_by_role("link", name="打印（PDF）").click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    assert str(registered_total) in text and absent_name in text and "王小明" in text and digest in text
