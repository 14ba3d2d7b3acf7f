"""Logins, failed logins and logouts are audit events."""

from django.urls import reverse

from audit.models import Event
from tests.factories import TEST_PASSWORD, UserFactory


def test_login_failed_login_and_logout_are_recorded(client, db):
    user = UserFactory(username="registrar9")
    client.post(reverse("login"), {"username": "registrar9", "password": "wrong password"})
    client.post(reverse("login"), {"username": "registrar9", "password": TEST_PASSWORD})
    client.post(reverse("logout"))
    actions = list(Event.objects.values_list("action", "actor_id"))
    assert actions == [("auth.login_failed", None), ("auth.login", user.pk), ("auth.logout", user.pk)]
    failed = Event.objects.get(action="auth.login_failed")
    assert failed.data == {"target_username": "registrar9"}
    assert failed.ip_address == "127.0.0.1"


def test_failed_login_keeps_the_user_name_and_says_what_is_wrong(client, db):
    UserFactory(username="registrar9")
    page = client.post(reverse("login"), {"username": "registrar9", "password": "wrong"}).content.decode()
    assert 'value="registrar9"' in page
    assert "请输入一个正确的" in page  # Django's zh-hans message: enter a correct user name and password
