"""A form posted after the session ended is kept for that user and filled in again after the login (issue 21);
"continue working" keeps the session open."""

import json
import re
from datetime import timedelta

import time_machine
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from tests.registry.test_sessions import NOW


def _kept_fields(page):
    match = re.search(r'<script id="xj-kept-form" type="application/json">(.*?)</script>', page, re.S)
    return dict(json.loads(match.group(1))) if match else None


def _log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_a_form_posted_into_an_ended_session_comes_back_after_the_login(client, world):
    registrar = world.users["registrar"]
    registrar.set_password(TEST_PASSWORD)
    registrar.save()
    form_url = reverse("registration_new", args=[world.school_a.code])
    with time_machine.travel(NOW, tick=False) as clock:
        _log_in(client, registrar)
        assert client.get(form_url).status_code == 200
        clock.shift(timedelta(minutes=16))
        response = client.post(form_url, {"name": "周子轩", "home_address": "东湖镇幸福路 20 号"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert response["Location"].endswith("next=" + form_url)

        response = client.post(
            f"{reverse('login')}?next={form_url}",
            {"username": registrar.username, "password": TEST_PASSWORD, "next": form_url},
        )
        assert response["Location"] == form_url
        page = client.get(form_url).content.decode()
        assert _kept_fields(page) == {"name": ["周子轩"], "home_address": ["东湖镇幸福路 20 号"]}
        assert 'data-testid="kept-form"' in page
        assert _kept_fields(client.get(form_url).content.decode()) is None  # given back once


def test_a_kept_form_is_not_given_to_another_user(client, world):
    registrar, other = world.users["registrar"], world.users["headteacher"]
    for user in (registrar, other):
        user.set_password(TEST_PASSWORD)
        user.save()
    form_url = reverse("registration_new", args=[world.school_a.code])
    with time_machine.travel(NOW, tick=False) as clock:
        _log_in(client, registrar)
        clock.shift(timedelta(minutes=16))
        client.post(form_url, {"name": "周子轩"})
        _log_in(client, other)
        assert _kept_fields(client.get(form_url).content.decode()) is None


def test_continue_working_keeps_the_session_open(client, world):
    registrar = world.users["registrar"]
    with time_machine.travel(NOW, tick=False) as clock:
        client.force_login(registrar)
        for _ in range(3):
            clock.shift(timedelta(minutes=14))
            assert client.post(reverse("session_keep_alive")).status_code == 204
        clock.shift(timedelta(minutes=14))
        assert client.get(reverse("home")).status_code == 200  # 56 minutes after login, never 15 idle
