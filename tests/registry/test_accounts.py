"""Accounts (issue 7): login lockout and address throttling, password rules, password age, idle accounts."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from registry.tasks import disable_idle_accounts_task
from tests.factories import TEST_PASSWORD, UserFactory

NOW = timezone.datetime(2026, 11, 20, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def errors(response):
    """What the login page says went wrong (the form-wide alert), and its status."""
    summary = r'<div class="alert alert-danger[^"]*" role="alert"[^>]*>(.*?)</div>'
    found = re.search(summary, response.content.decode(), re.S)
    return response.status_code, found.group(1) if found else None


def signed_in(client):
    return "_auth_user_id" in client.session


# Lockout


def test_five_failures_lock_the_account_for_15_minutes_with_the_unknown_user_message(client, db):
    UserFactory(username="registrar9")
    with time_machine.travel(NOW, tick=False) as clock:
        for _attempt in range(5):
            wrong = log_in(client, "registrar9", "not the password")
            assert errors(wrong)[1] is not None
        refused = log_in(client, "registrar9", TEST_PASSWORD)
        assert not signed_in(client)
        unknown = log_in(client, "nobody-here", TEST_PASSWORD)
        assert errors(refused) == errors(unknown) == errors(wrong)
        assert errors(refused)[0] == 200
        assert "请输入一个正确的" in errors(refused)[1]
        # every refused attempt is a failed-login audit event
        assert Event.objects.filter(action="auth.login_failed", data__target_username="registrar9").count() == 6

        clock.shift(timedelta(minutes=14))
        log_in(client, "registrar9", TEST_PASSWORD)
        assert not signed_in(client)  # still locked (the refused attempt restarted the 15 minutes)

        clock.shift(timedelta(minutes=16))
        response = log_in(client, "registrar9", TEST_PASSWORD)
        assert response.status_code == 302 and response["Location"] == reverse("home")
        assert signed_in(client)


def test_an_unknown_user_name_is_locked_the_same_way(client, db):
    with time_machine.travel(NOW, tick=False):
        answers = {errors(log_in(client, "ghost", "whatever password")) for _attempt in range(7)}
    assert len(answers) == 1


def test_four_failures_do_not_lock(client, db):
    UserFactory(username="registrar9")
    for _attempt in range(4):
        log_in(client, "registrar9", "not the password")
    assert log_in(client, "registrar9", TEST_PASSWORD).status_code == 302
    assert signed_in(client)


def test_one_address_is_throttled_across_user_names(client, db, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    UserFactory(username="registrar9")
    for number in range(8):  # a different name each time: no user name reaches 5
        log_in(client, f"guess{number}", "not the password", address="10.1.1.1")
    log_in(client, "registrar9", TEST_PASSWORD, address="10.1.1.1")
    assert not signed_in(client)
    assert log_in(client, "registrar9", TEST_PASSWORD, address="10.2.2.2").status_code == 302
    assert signed_in(client)


# Password rules


@pytest.fixture
def signed_in_user(client, db):
    user = UserFactory(username="registrar9", full_name="王学籍")
    client.force_login(user)
    return user


def change_password(client, new_password):
    return client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )


@pytest.mark.parametrize(
    "password",
    [
        "Abc-defg-123",  # 12 characters, 4 kinds: accepted
        "Abcdefgh-12",  # 11 characters
        "abcdefgh1234",  # 12 characters but only 2 kinds
        "Qwertyuiop12",  # 3 kinds, but on the common-password list
    ],
)
def test_password_rules_through_the_change_form(client, signed_in_user, password):
    response = change_password(client, password)
    signed_in_user.refresh_from_db()
    accepted = signed_in_user.check_password(password)
    if password == "Abc-defg-123":
        assert response.status_code == 302 and accepted
    else:
        assert response.status_code == 200 and not accepted
        assert response.context["form"].errors["new_password2"]


def test_each_rule_gives_its_own_reason(db):
    def codes(password):
        with pytest.raises(ValidationError) as refused:
            validate_password(password)
        return {error.code for error in refused.value.error_list}

    assert "password_too_short" in codes("Abcdefgh-12")
    assert codes("abcdefgh1234") == {"password_too_simple"}
    assert codes("Qwertyuiop12") == {"password_too_common"}
    validate_password("Abc-defg-123")


def test_the_demo_password_meets_the_rules(db):
    validate_password(settings.DEMO_PASSWORD)
    validate_password(TEST_PASSWORD)


# Password age


def test_a_91_day_old_password_must_be_changed_before_anything_else(client, db):
    user = UserFactory(username="registrar9")
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get(reverse("pupil_list")).status_code == 302
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert [message.level_tag for message in page.context["messages"]] == ["warning", "warning"]  # one per refusal
    assert "90" in str(list(page.context["messages"])[0])  # the message says why
    done = change_password(client, "Neue-Passwort-2027")
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.password_changed_at > timezone.now() - timedelta(minutes=1)
    assert client.get(reverse("home")).status_code == 200  # still signed in, and free to go on


def test_an_89_day_old_password_is_left_alone(client, db):
    user = UserFactory(username="registrar9")
    user.password_changed_at = timezone.now() - timedelta(days=89)
    user.save()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


def test_logout_stays_reachable_with_an_old_password(client, db):
    user = UserFactory(username="registrar9", password_changed_at=timezone.now() - timedelta(days=200))
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not signed_in(client)


def test_setting_a_password_records_when(db):
    user = UserFactory(username="registrar9", password_changed_at=timezone.now() - timedelta(days=200))
    user.set_password("Another-Password-9")
    user.save()
    user.refresh_from_db()
    assert user.password_changed_at > timezone.now() - timedelta(minutes=1)


# Idle accounts


def idle_user(username, days, **fields):
    """An account last seen `days` ago (its password set long before)."""
    long_ago = timezone.now() - timedelta(days=400)
    seen = timezone.now() - timedelta(days=days)
    return UserFactory(username=username, last_login=seen, password_changed_at=long_ago, **fields)


def test_the_nightly_task_disables_accounts_idle_for_180_days(db):
    now = timezone.now()
    idle = idle_user("idle181", 181)
    recent = idle_user("recent179", 179)
    never = idle_user("never", 0, date_joined=now - timedelta(days=181))
    never.last_login = None
    never.save()
    new = UserFactory(username="new", last_login=None, date_joined=now - timedelta(days=10))
    admin = idle_user("idleadmin", 200, is_superuser=True, is_staff=True)
    reset = UserFactory(username="reset", last_login=now - timedelta(days=300))  # password set today

    assert sorted(disable_idle_accounts_task.delay().get()) == ["idle181", "idleadmin", "never"]

    for user, active in ((idle, False), (recent, True), (never, False), (new, True), (admin, False), (reset, True)):
        user.refresh_from_db()
        assert user.is_active is active, user.username
    events = Event.objects.filter(action="registry.account.disabled_idle")
    assert sorted(events.values_list("target_repr", flat=True)) == sorted([str(idle), str(never), str(admin)])
    assert {event.data["by"] for event in events} == {"task"}
    assert {event.actor_id for event in events} == {None}
    assert disable_idle_accounts_task.delay().get() == []  # a second run changes nothing
    assert events.count() == 3


def test_a_disabled_account_cannot_log_in(client, db):
    idle_user("idle181", 181)
    disable_idle_accounts_task.delay()
    log_in(client, "idle181", TEST_PASSWORD)
    assert not signed_in(client)


def test_the_command_lists_first_and_disables_with_commit(db, capsys):
    idle = idle_user("idle181", 181)
    call_command("disable_idle_accounts")
    assert "idle181" in capsys.readouterr().out
    idle.refresh_from_db()
    assert idle.is_active
    call_command("disable_idle_accounts", "--commit")
    idle.refresh_from_db()
    assert not idle.is_active
    assert Event.objects.get(action="registry.account.disabled_idle").data == {"days": 180, "by": "command"}


def test_the_task_is_scheduled_nightly():
    assert settings.CELERY_BEAT_SCHEDULE["disable-idle-accounts"]["task"] == disable_idle_accounts_task.name
