"""Staff accounts and roles on the staff pages (issue 15): who may grant what where, the last administrator,
one-time passwords that must be changed, and the all-or-nothing staff import."""

from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event
from registry.roles import Role
from registry.scoping import roles_at, schools_visible_to
from registry.services import grant_role
from tests.factories import TEST_PASSWORD, UserFactory

User = get_user_model()


def _events(action, user=None):
    events = Event.objects.filter(action=action)
    if user is not None:
        events = events.filter(target_id=str(user.pk))
    return list(events.values_list("actor_name", flat=True))


def _in_english(client, user):
    """Signed in with the English interface chosen: the rules' messages are matched by their msgids."""
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    return user


@pytest.fixture
def officer(client, world):
    return _in_english(client, world.users["officer"])


@pytest.fixture
def admin(client, world):
    return _in_english(client, world.users["administrator"])


# --- the officer's reach ----------------------------------------------------------------------------------


def test_officer_grants_a_role_at_a_school_of_their_town(client, world, officer):
    clerk = UserFactory(username="clerk")
    response = client.post(
        reverse("staff_grant", args=[clerk.pk]), {"role": "registrar", "where": f"school:{world.school_b.pk}"}
    )
    assert response.status_code == 302
    assert roles_at(User.objects.get(pk=clerk.pk), world.school_b) == {Role.REGISTRAR}
    assert _events("registry.role.granted", clerk) == ["officer"]


def test_officer_cannot_grant_a_role_at_another_towns_school(client, world, officer):
    clerk = UserFactory(username="clerk")
    response = client.post(
        reverse("staff_grant", args=[clerk.pk]), {"role": "registrar", "where": f"school:{world.school_c.pk}"}
    )
    assert response.status_code == 404
    assert not schools_visible_to(User.objects.get(pk=clerk.pk)).exists()
    response = client.post(
        reverse("staff_grant", args=[clerk.pk]), {"role": "officer", "where": f"authority:{world.town2.pk}"}
    )
    assert response.status_code == 404
    assert _events("registry.role.granted", clerk) == []


def test_officer_cannot_see_or_change_staff_of_another_town(client, world, officer):
    other = User.objects.get(username="registrar_other")
    assert client.get(reverse("staff_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("staff_active", args=[other.pk]), {"active": "0"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    listed = client.get(reverse("staff_list")).content.decode()
    assert "registrar_sibling" in listed and "registrar_other" not in listed


def test_officer_cannot_grant_the_administrator_flag(client, world, officer):
    clerk = UserFactory(username="clerk")
    page = client.get(reverse("staff_detail", args=[clerk.pk])).content.decode()
    assert 'value="administrator"' not in page
    response = client.post(reverse("staff_grant", args=[clerk.pk]), {"role": "administrator", "where": ""})
    assert response.status_code == 200  # the form refuses a role it does not offer
    clerk.refresh_from_db()
    assert not clerk.is_superuser
    # nor touch an administrator's account
    admin = world.users["administrator"]
    assert client.post(reverse("staff_password", args=[admin.pk])).status_code == 404


def test_a_registrar_has_no_staff_pages(client, world):
    client.force_login(world.users["registrar"])
    assert client.get(reverse("staff_list")).status_code == 403


# --- the last administrator -------------------------------------------------------------------------------


def test_the_last_administrator_cannot_be_disabled_or_lose_the_role(client, world, admin):
    response = client.post(reverse("staff_active", args=[admin.pk]), {"active": "0", "confirmed": "1"}, follow=True)
    assert "last active administrator" in response.content.decode()
    response = client.post(
        reverse("staff_revoke", args=[admin.pk]), {"role": "administrator", "where": "", "confirmed": "1"}, follow=True
    )
    assert "last active administrator" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.is_superuser
    assert _events("registry.staff.disabled") == [] and _events("registry.role.revoked", admin) == []


def test_with_a_second_administrator_one_can_be_disabled(client, world, admin):
    second = UserFactory(username="second")
    client.post(reverse("staff_grant", args=[second.pk]), {"role": "administrator", "where": ""})
    second.refresh_from_db()
    assert second.is_superuser
    client.post(reverse("staff_active", args=[second.pk]), {"active": "0", "confirmed": "1"})
    second.refresh_from_db()
    assert not second.is_active
    assert _events("registry.staff.disabled", second) == ["admin"]
    # now the first is the last active one again
    client.post(reverse("staff_active", args=[admin.pk]), {"active": "0", "confirmed": "1"})
    admin.refresh_from_db()
    assert admin.is_active


# --- accounts and one-time passwords ----------------------------------------------------------------------


def _one_time_password(response):
    html = response.content.decode()
    start = html.index('id="one-time-password">') + len('id="one-time-password">')
    return html[start : html.index("<", start)]


def test_a_new_account_must_change_its_one_time_password(client, world, officer):
    response = client.post(
        reverse("staff_new"), {"full_name": "王芳", "username": "wangfang", "phone": "13800000000", "email": ""}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = _one_time_password(response)
    user = User.objects.get(username="wangfang")
    assert user.full_name == "王芳" and user.must_change_password
    assert _events("registry.staff.created", user) == ["officer"]

    client.logout()
    assert client.login(username="wangfang", password=password)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Qingshan-2026x", "new_password2": "Qingshan-2026x"},
    )
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_a_taken_user_name_is_refused_and_what_was_typed_kept(client, world, officer):
    response = client.post(
        reverse("staff_new"), {"full_name": "王芳", "username": "registrar", "phone": "", "email": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="王芳"' in html and "one-time-password" not in html
    assert User.objects.filter(username="registrar").count() == 1


def test_reset_password_replaces_the_old_one_and_disable_stops_sign_in(client, world, officer):
    registrar = world.users["registrar"]
    password = _one_time_password(client.post(reverse("staff_password", args=[registrar.pk]), {"confirmed": "1"}))
    registrar.refresh_from_db()
    assert not registrar.check_password(TEST_PASSWORD) and registrar.check_password(password)
    assert registrar.must_change_password
    assert _events("registry.staff.password_reset", registrar) == ["officer"]
    client.post(reverse("staff_active", args=[registrar.pk]), {"active": "0", "confirmed": "1"})
    assert not client.login(username="registrar", password=password)
    client.force_login(world.users["officer"])
    client.post(reverse("staff_active", args=[registrar.pk]), {"active": "1"})
    assert _events("registry.staff.enabled", registrar) == ["officer"]
    assert client.login(username="registrar", password=password)


def test_revoking_a_role_takes_the_school_away(client, world, officer):
    registrar = world.users["registrar"]
    client.post(
        reverse("staff_revoke", args=[registrar.pk]),
        {"role": "registrar", "where": f"school:{world.school_a.pk}", "confirmed": "1"},
    )
    assert roles_at(User.objects.get(pk=registrar.pk), world.school_a) == set()
    assert _events("registry.role.revoked", registrar) == ["officer"]


# --- the staff import -------------------------------------------------------------------------------------


def _workbook(rows, header=("★姓名", "★用户名", "手机号码", "电子邮箱", "角色", "学校标识码或区划代码")):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("staff.xlsx", buffer.getvalue())


def test_the_template_downloads_with_its_columns(client, world, officer):
    response = client.get(reverse("staff_import_template"))
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "★姓名",
        "★用户名",
        "手机号码",
        "电子邮箱",
        "角色",
        "学校标识码或区划代码",
    ]


def test_a_staff_import_with_one_bad_row_creates_nothing_and_names_each_problem(client, world, officer):
    upload = _workbook(
        [
            ("李明", "liming", "13900000000", "li@example.cn", "学籍管理员", world.school_a.code),
            ("赵强", "zhaoqiang", "", "not-an-address", "校长", world.school_c.code),
            ("", "liming", "", "", "", ""),
        ]
    )
    response = client.post(reverse("staff_import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing was imported" in html
    assert f"No school with the code {world.school_c.code} in your reach." in html
    assert "Not an e-mail address: not-an-address." in html
    assert "Also on row 2" in html
    assert "<td>4</td><td>姓名</td>" in html
    assert not User.objects.filter(username__in=["liming", "zhaoqiang"]).exists()
    assert _events("registry.staff.imported") == []


def test_a_clean_staff_import_creates_every_account_with_its_role(client, world, officer):
    upload = _workbook(
        [
            ("李明", "liming", 13900000000, "li@example.cn", "学籍管理员", world.school_b.code),
            ("赵强", "zhaoqiang", "", "", "", ""),
        ]
    )
    response = client.post(reverse("staff_import"), {"file": upload})
    assert response.status_code == 200, response.content.decode()[:3000]
    liming = User.objects.get(username="liming")
    assert liming.phone == "13900000000" and liming.must_change_password
    assert roles_at(liming, world.school_b) == {Role.REGISTRAR}
    assert User.objects.filter(username="zhaoqiang").exists()
    assert response.content.decode().count("<code>") == 2
    assert _events("registry.staff.imported") == ["officer"]


def test_a_staff_import_is_refused_like_a_pupil_import(client, world, officer):
    response = client.post(reverse("staff_import"), {"file": SimpleUploadedFile("staff.xlsx", b"MZ not a workbook")})
    assert "xlsx" in response.content.decode().lower()
    assert response.status_code == 200
    assert _events("registry.staff.imported") == []


def test_grant_role_service_is_still_usable_directly(world):
    clerk = UserFactory(username="clerk")
    grant_role(clerk, Role.ARCHIVIST, world.school_c, actor=world.users["administrator"])
    assert roles_at(clerk, world.school_c) == {Role.ARCHIVIST}


def test_officer_cannot_grant_the_officer_role_at_the_county(client, world, officer):
    clerk = UserFactory(username="clerk")
    response = client.post(
        reverse("staff_grant", args=[clerk.pk]), {"role": "officer", "where": f"authority:{world.county.pk}"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("staff_grant", args=[clerk.pk]), {"role": "officer", "where": f"authority:{world.town1.pk}"}
    )
    assert response.status_code == 302
    assert _events("registry.role.granted", clerk) == ["officer"]
