"""The TOTP second factor (issue 7): enrolment, the code after login, and the officers' obligation."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Event
from registry.roles import Role
from registry.services import grant_role
from tests.factories import TEST_PASSWORD, TownFactory, UserFactory

NOW = timezone.datetime(2026, 11, 20, 8, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def code_of(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def log_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def confirmed_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_a_user_enrols_an_authenticator_app(client, db):
    user = UserFactory(username="registrar9")
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("two_factor_setup"))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<svg" in html and "otpauth" not in html  # the QR code is drawn here, the secret not linked out
        assert "<script" not in html.split("</head>")[1]
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        refused = client.post(reverse("two_factor_setup"), {"token": "000000" if code_of(device) != "000000" else "1"})
        assert refused.status_code == 200
        device.refresh_from_db()
        assert not device.confirmed
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):  # past django-otp's throttle
        response = client.post(reverse("two_factor_setup"), {"token": code_of(device)})
        assert response.status_code == 302 and response["Location"] == reverse("home")
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("home")).status_code == 200  # verified in this session
    assert Event.objects.filter(action="registry.account.two_factor_enrolled", actor=user).exists()


def test_after_login_a_user_with_a_device_enters_the_code_before_anything_else(client, db):
    user = UserFactory(username="registrar9")
    device = confirmed_device(user)
    with time_machine.travel(NOW, tick=False) as clock:
        log_in(client, "registrar9")
        for name in ("home", "pupil_list", "password_change", "notifications"):
            response = client.get(reverse(name))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("two_factor_verify")), name
        page = client.get(reverse("two_factor_verify") + "?next=" + reverse("pupil_list"))
        assert page.status_code == 200

        wrong = client.post(reverse("two_factor_verify"), {"token": "12345x", "next": reverse("pupil_list")})
        assert wrong.status_code == 200 and wrong.context["form"].errors
        bad = "111111" if code_of(device) != "111111" else "222222"
        assert client.post(reverse("two_factor_verify"), {"token": bad}).status_code == 200
        assert Event.objects.filter(action="registry.account.two_factor_failed").count() == 1
        assert client.get(reverse("home")).status_code == 302

        clock.shift(timedelta(minutes=1))
        right = client.post(reverse("two_factor_verify"), {"token": code_of(device), "next": reverse("pupil_list")})
        assert right.status_code == 302 and right["Location"] == reverse("pupil_list")
        assert client.get(reverse("home")).status_code == 200


def test_the_device_cannot_be_replaced_without_the_code(client, db):
    user = UserFactory(username="registrar9")
    confirmed_device(user)
    log_in(client, "registrar9")
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_setup"), {"token": "123456"})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_logout_is_reachable_before_the_code(client, db):
    user = UserFactory(username="registrar9")
    confirmed_device(user)
    log_in(client, "registrar9")
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_without_a_device_nothing_is_asked(client, db):
    UserFactory(username="registrar9")
    log_in(client, "registrar9")
    assert client.get(reverse("home")).status_code == 200


@pytest.fixture
def officer(db):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    user = UserFactory(username="officer9")
    grant_role(user, Role.OFFICER, TownFactory(), actor=admin)
    return user


def test_with_the_setting_on_an_officer_without_a_device_must_enrol(client, officer, settings):
    settings.REQUIRE_TOTP_FOR_OFFICERS = True
    log_in(client, "officer9")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("two_factor_setup")
    assert client.get(reverse("approval_queue")).status_code == 302
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_with_the_setting_on_an_administrator_must_enrol_and_a_registrar_need_not(client, officer, settings):
    settings.REQUIRE_TOTP_FOR_OFFICERS = True
    log_in(client, "admin")
    assert client.get(reverse("home"))["Location"] == reverse("two_factor_setup")
    client.post(reverse("logout"))
    UserFactory(username="registrar9")
    log_in(client, "registrar9")
    assert client.get(reverse("home")).status_code == 200


def test_with_the_setting_off_an_officer_goes_straight_in(client, officer, settings):
    settings.REQUIRE_TOTP_FOR_OFFICERS = False
    log_in(client, "officer9")
    assert client.get(reverse("home")).status_code == 200
