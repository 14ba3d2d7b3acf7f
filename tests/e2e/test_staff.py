"""Issue 15, staff accounts and roles: the administrator adds a school in the admin, creates its registrar
and grants the role on the staff pages; the registrar signs in with the one-time password, must choose their
own, and then sees only that school. A town officer cannot grant a role at another town's school."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from registry.models import School
from tests.e2e.conftest import load_demo

pytestmark = pytest.mark.e2e

NEW_CODE = "2134119909"
NEW_NAME = "东湖镇新塘小学"


def log_in(page, live_server, username, password=settings.DEMO_PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_administrator_sets_up_a_registrar_who_must_change_the_password(page, live_server, transactional_db):
    load_demo()
    log_in(page, live_server, "admin")

    # a new school, in the admin (the operator's first day needs no shell)
    page.goto(f"{live_server.url}/admin/registry/school/add/")
    page.locator("#id_code").fill(NEW_CODE)
    page.locator("#id_name").fill(NEW_NAME)
    page.locator("#id_stage").select_option("primary")
    page.locator("#id_authority").select_option(label="东湖镇教办")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    school = School.objects.get(code=NEW_CODE)

    # the registrar's account and role, on the staff pages
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("home-administration").get_by_role("link", name="用户与角色").click()  # the home page's way in
    page.get_by_role("link", name="新建用户账号").click()
    page.get_by_label("姓名", exact=True).fill("冯新塘")
    page.get_by_label("用户名").fill("registrar9")
    page.get_by_role("button", name="创建账号").click()
    password = page.locator("#one-time-password").inner_text()
    assert len(password) == 14
    page.get_by_role("link", name="查看该账号").click()
    page.get_by_label("角色", exact=True).select_option("registrar")
    page.get_by_label("学校或镇教办").select_option(f"school:{school.pk}")
    page.get_by_role("button", name="授予", exact=True).click()
    expect(page.get_by_text(f"已授予 冯新塘 角色：学籍管理员（{NEW_NAME}）。")).to_be_visible()

    # the registrar signs in with the one-time password and must choose their own
    log_in(page, live_server, "registrar9", password)
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    expect(page.get_by_text("您使用的是一次性密码，请先设置自己的密码再继续。")).to_be_visible()
    page.goto(f"{live_server.url}/pupils/")
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    page.locator("#id_old_password").fill(password)
    page.locator("#id_new_password1").fill("Xintang-2026-own")
    page.locator("#id_new_password2").fill("Xintang-2026-own")
    page.get_by_role("button", name="修改密码").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/done/$"))
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name=f"{NEW_NAME} · 学籍管理员")).to_be_visible()
    expect(page.get_by_role("link", name="东湖镇中心小学")).to_have_count(0)
    expect(page.get_by_role("link", name="用户与角色")).to_have_count(0)
    response = page.goto(f"{live_server.url}/schools/2134119901/")
    assert response.status == 404
    assert page.goto(f"{live_server.url}/schools/{NEW_CODE}/").status == 200


def test_officer1_cannot_grant_a_role_at_a_town2_school(page, live_server, transactional_db):
    load_demo()
    town2_school = School.objects.get(code="2134119905")
    log_in(page, live_server, "officer1")
    page.goto(f"{live_server.url}/staff/")
    page.get_by_label("姓名或用户名").fill("registrar1")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("link", name="registrar2")).to_have_count(0)
    page.get_by_role("link", name="registrar1", exact=True).click()
    options = page.get_by_label("学校或镇教办").locator("option").all_inner_texts()
    assert any("东湖镇中心小学" in option for option in options)
    assert not any("青山镇" in option for option in options)
    assert "系统管理员" not in page.get_by_label("角色", exact=True).locator("option").all_inner_texts()
    # a hand-made request naming a town-2 school is a 404, and grants nothing
    status = page.evaluate(
        """async (where) => {
            const form = document.querySelector('form[action$="/grant/"]');
            const body = new FormData(form);
            body.set('role', 'registrar');
            body.set('where', where);
            return (await fetch(form.action, {method: 'POST', body})).status;
        }""",
        f"school:{town2_school.pk}",
    )
    assert status == 404
    # and registrar3 (a town-2 school's) is not officer1's to open
    assert page.goto(f"{live_server.url}/staff/?q=registrar3").ok
    expect(page.get_by_role("link", name="registrar3")).to_have_count(0)
