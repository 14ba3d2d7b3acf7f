"""Issue 18 item 18: an ID number pasted from Word or WeChat — surrounding spaces, full-width digits — works in
the browser too: the input does not cut it to 18 characters before the server can clean it."""

from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from students.identity import make_id_number
from students.models import Student
from tests.e2e.conftest import load_demo
from tests.e2e.new_pupil import fill_new_pupil

pytestmark = pytest.mark.e2e

BIRTH = date(2019, 4, 1)
GOOD_ID = make_id_number("320481", BIRTH, 201, "1")
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
PASTED = "\u3000 " + GOOD_ID[:6] + " " + GOOD_ID[6:].translate(FULL_WIDTH) + "  "


def test_a_pasted_id_number_with_spaces_and_full_width_digits_is_accepted(page, live_server, transactional_db):
    load_demo()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("registrar1")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="录入新生").click()
    fill_new_pupil(page, name="林小雨", sex="男", id_number=PASTED, birth=BIRTH,
                   guardians=[("林大山", "父亲", "13900003333"), ("王梅", "母亲", "13900004444")])  # fmt: skip
    expect(page.get_by_label("身份证件号").first).to_have_value(PASTED)  # nothing cut by the browser
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("request-state")).to_have_text("审核中")
    assert Student.objects.get(name="林小雨").id_number == GOOD_ID
