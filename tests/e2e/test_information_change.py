"""An information change (信息变更) in a real browser: registrar1 changes a guardian's phone directly (saved at
once, the pupil's history names registrar1); then asks to change the home address, which goes to officer1
with the proof (old → new on the request page); officer1 rejects it, registrar1 amends and resubmits, officer1
approves and the address changes."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from registry.models import User
from students.models import EnrolmentSpell, Guardian
from tests.conftest import PDF
from tests.e2e.conftest import confirm_dialog, load_demo
from tests.e2e.test_registration import log_in
from transfers.models import ChangeRequest

pytestmark = pytest.mark.e2e

SCHOOL = "2134119901"  # registrar1's school in the demo
NEW_PHONE = "13912345678"
FIRST_ADDRESS = "东湖镇新街 8 号"
AMENDED_ADDRESS = "东湖镇新街 18 号 3 单元"


def _pupil():
    """An enrolled pupil of registrar1's school with two family members and no open request."""
    for spell in EnrolmentSpell.objects.filter(school__code=SCHOOL, ended_on__isnull=True).select_related("student"):
        pupil = spell.student
        if pupil.guardians.count() >= 2 and not pupil.change_requests.filter(state__in=["pending", "returned"]):
            return pupil
    raise AssertionError("the demo has no such pupil")


def _log_out(page):
    page.get_by_role("button", name="退出登录").click()


def test_direct_edit_then_a_change_decided_by_the_town_office(page, live_server, transactional_db, tmp_path):
    load_demo()
    pupil = _pupil()
    old_address = pupil.home_address
    guardian = pupil.guardians.order_by("pk").first()
    log_in(page, live_server, "registrar1")
    page.goto(live_server.url + reverse("pupil_detail", args=[pupil.pk]))

    # a family member's phone: the school's own field, saved at once
    page.get_by_role("link", name="修改家庭成员").click()
    expect(page.get_by_role("heading", name=f"直接修改 · {pupil.name}")).to_be_visible()
    expect(page.get_by_label("家庭住址")).to_have_count(0)  # the town office's field is not offered here
    page.locator(f"#id_guardian-{guardian.pk}-phone").fill(NEW_PHONE)
    page.get_by_label("原因").fill("家长来电，更换手机号")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"已为{pupil.name}保存")).to_be_visible()
    registrar1 = str(User.objects.get(username="registrar1"))  # shown by name (赵学籍)
    change = page.get_by_test_id("timeline").locator('li[data-source="history"]', has_text="联系电话").first
    expect(change).to_contain_text(registrar1)
    expect(change).to_contain_text(f"{guardian.name}（")
    expect(change).to_contain_text("139****5678")
    assert Guardian.objects.get(pk=guardian.pk).phone == NEW_PHONE
    assert Guardian.history.filter(id=guardian.pk).latest().history_user.username == "registrar1"

    # the home address: the town office decides, on the proof
    page.get_by_test_id("information-links").get_by_role("link", name="申请变更").click()
    page.get_by_label("家庭住址").fill(FIRST_ADDRESS)
    page.get_by_label("原因").fill("搬家")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_identity_proof_error")).to_be_visible()  # the proof is required
    expect(page.get_by_label("家庭住址")).to_have_value(FIRST_ADDRESS)  # what was typed is kept
    proof = tmp_path / "hukou.pdf"
    proof.write_bytes(PDF)
    page.locator("#id_identity_proof").set_input_files(str(proof))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("request-state")).to_have_text("审核中")
    expect(page.get_by_test_id("request-details")).to_contain_text(f"{old_address} → {FIRST_ADDRESS}")
    request = ChangeRequest.objects.get(student=pupil, kind="information_change")
    assert pupil.home_address == old_address and request.evidence.count() == 1

    # officer1 rejects it; registrar1 amends and resubmits
    _log_out(page)
    log_in(page, live_server, "officer1")
    page.goto(live_server.url + reverse("request_detail", args=[request.pk]))
    expect(page.get_by_test_id("request-details")).to_contain_text(f"{old_address} → {FIRST_ADDRESS}")
    page.get_by_label("驳回理由").fill("门牌号与户口簿不符")
    page.get_by_role("button", name="驳回").click()
    confirm_dialog(page)
    _log_out(page)
    log_in(page, live_server, "registrar1")
    page.goto(live_server.url + reverse("request_detail", args=[request.pk]))
    expect(page.get_by_test_id("request-state")).to_have_text("已驳回待修改")
    page.get_by_role("link", name="修改后重新提交").click()
    expect(page.get_by_label("家庭住址")).to_have_value(FIRST_ADDRESS)
    page.get_by_label("家庭住址").fill(AMENDED_ADDRESS)
    page.get_by_label("原因").fill("按户口簿更正门牌号")
    page.get_by_role("button", name="重新提交").click()
    expect(page.get_by_test_id("request-state")).to_have_text("审核中")
    expect(page.get_by_test_id("request-details")).to_contain_text(f"{old_address} → {AMENDED_ADDRESS}")

    # officer1 approves: the address changes
    _log_out(page)
    log_in(page, live_server, "officer1")
    page.goto(live_server.url + reverse("request_detail", args=[request.pk]))
    page.get_by_label("审核意见").fill("与户口簿一致")
    page.get_by_role("button", name="通过", exact=True).click()
    confirm_dialog(page)
    page.goto(live_server.url + reverse("request_detail", args=[request.pk]))
    expect(page.get_by_test_id("request-state")).to_have_text("已通过")
    expect(page.get_by_test_id("request-details")).to_contain_text(f"{old_address} → {AMENDED_ADDRESS}")
    pupil.refresh_from_db()
    assert pupil.home_address == AMENDED_ADDRESS
