"""Sessions (issue 7, ASVS 3.2/3.3): a new key at login, 15 minutes idle and 8 hours absolute timeouts,
logout ends the session for good, and the cookies' flags in production."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, UserFactory

NOW = timezone.datetime(2026, 11, 20, 8, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def log_in(client):
    UserFactory(username="registrar9")
    response = client.post(reverse("login"), {"username": "registrar9", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def sent_to_login(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_gives_a_new_session_key(client, db):
    before = client.session
    before["language_hint"] = "zh-hans"
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    log_in(client)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()


def test_15_minutes_idle_ends_the_session(client, db):
    with time_machine.travel(NOW, tick=False) as clock:
        log_in(client)
        clock.shift(timedelta(minutes=14))
        assert client.get(reverse("home")).status_code == 200
        clock.shift(timedelta(minutes=14))  # 28 minutes after login, but only 14 idle
        assert client.get(reverse("home")).status_code == 200
        clock.shift(timedelta(minutes=15, seconds=5))
        response = client.get(reverse("pupil_list"))
        assert sent_to_login(response)
        assert "next=" in response["Location"]  # back to the page after logging in again
        assert "_auth_user_id" not in client.session
        assert sent_to_login(client.get(reverse("home")))


def test_8_hours_after_login_the_session_ends_however_active(client, db):
    with time_machine.travel(NOW, tick=False) as clock:
        log_in(client)
        elapsed = timedelta()
        while elapsed + timedelta(minutes=10) <= timedelta(hours=8):
            clock.shift(timedelta(minutes=10))
            elapsed += timedelta(minutes=10)
            assert client.get(reverse("home")).status_code == 200, elapsed
        clock.shift(timedelta(minutes=10))  # 8 h 10 min after login, 10 minutes after the last request
        assert sent_to_login(client.get(reverse("home")))


def test_an_htmx_request_of_an_ended_session_sends_the_whole_page_to_login(client, db):
    with time_machine.travel(NOW, tick=False) as clock:
        log_in(client)
        clock.shift(timedelta(minutes=16))
        response = client.get(reverse("pupil_list"), headers={"HX-Request": "true"})
        assert response.headers["HX-Redirect"] == reverse("login")


def test_logout_ends_the_session_for_good(client, db):
    log_in(client)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=old_key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key  # replaying the old cookie
    assert sent_to_login(client.get(reverse("home")))


def test_logout_needs_a_post(client, db):
    log_in(client)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_session_cookie_is_http_only_and_same_site(client, db):
    log_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 8 * 60 * 60


def test_production_cookies_are_secure_http_only_and_same_site():
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "XUEJI_PROFILE": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "registry.settings",
    }
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SAMESITE, s.SESSION_COOKIE_AGE, s.SESSION_IDLE_TIMEOUT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "Lax", "Lax", "28800", "900"], result.stderr
