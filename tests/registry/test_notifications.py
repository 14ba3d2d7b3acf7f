"""The inbox: each user's own notifications, the unread badge in the navigation, marking read; and the
reminders' addressing helper (registry.scoping.role_holders)."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Notification
from registry.roles import Role
from registry.scoping import role_holders, users_with_role
from registry.services import grant_role
from tests.conftest import client_for
from tests.factories import UserFactory


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _notify(user, title, *, day=date(2026, 9, 16), key=None, read=False, link=""):
    return Notification.objects.create(
        recipient=user,
        key=key or f"test:{title}",
        day=day,
        title=title,
        body=f"{title} — details",
        link=link,
        read_at="2026-09-16T09:00:00+08:00" if read else None,
    )


def _badge(response):
    """The unread count in the navigation, or None when there is no badge."""
    page = response.content.decode()
    marker = 'data-testid="unread-count">'
    if marker not in page:
        return None
    return int(page.split(marker, 1)[1].split("<", 1)[0])


@pytest.fixture
def inbox(world):
    """The registrar of school A has two unread reminders and one read one; school B's registrar has one."""
    registrar, other = world.users["registrar"], world.registrations["sibling"].initiated_by
    return {
        "older": _notify(registrar, "截止日期提醒", day=date(2026, 9, 15)),
        "newer": _notify(registrar, "休学即将到期", link="/pupils/1/"),
        "read": _notify(registrar, "已读的提醒", day=date(2026, 9, 1), read=True),
        "others": _notify(other, "乙小学的提醒"),
    }


def test_inbox_shows_the_users_own_notifications_newest_first(client, world, inbox):
    response = client_for(client, world, "registrar").get(reverse("notifications"))
    page = response.content.decode()
    assert inbox["others"].title not in page
    assert page.index(inbox["newer"].title) < page.index(inbox["older"].title) < page.index(inbox["read"].title)
    assert page.count("data-unread") == 3  # with the world's own reminder of 2025
    assert [n.pk for n in response.context["notifications"]] == [
        inbox["newer"].pk,
        inbox["older"].pk,
        inbox["read"].pk,
        world.notifications["own"].pk,  # the world's reminder of 2025
    ]


def test_navigation_shows_the_unread_count_on_every_page(client, world, inbox):
    client = client_for(client, world, "registrar")
    assert _badge(client.get(reverse("home"))) == 3  # two of the fixture's, and the world's own one
    assert _badge(client_for(client, world, "headteacher").get(reverse("home"))) is None


def test_marking_one_read_lowers_the_count_in_the_navigation(client, world, inbox):
    client = client_for(client, world, "registrar")
    response = client.post(reverse("notification_read", args=[inbox["older"].pk]), {"page": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("notifications") + "?page=1"
    inbox["older"].refresh_from_db()
    assert inbox["older"].read_at is not None
    assert _badge(client.get(reverse("notifications"))) == 2
    first_read = inbox["older"].read_at
    client.post(reverse("notification_read", args=[inbox["older"].pk]))
    inbox["older"].refresh_from_db()
    assert inbox["older"].read_at == first_read


def test_mark_all_read_clears_the_badge_and_touches_nobody_elses(client, world, inbox):
    client = client_for(client, world, "registrar")
    assert client.post(reverse("notifications_read_all")).status_code == 302
    assert _badge(client.get(reverse("notifications"))) is None
    inbox["others"].refresh_from_db()
    assert inbox["others"].read_at is None


def test_another_users_notification_cannot_be_marked_read(client, world, inbox):
    client = client_for(client, world, "registrar")
    assert client.post(reverse("notification_read", args=[inbox["others"].pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[inbox["others"].pk]), {"open": "1"}).status_code == 404
    inbox["others"].refresh_from_db()
    assert inbox["others"].read_at is None
    assert (
        client_for(client, world, "administrator")
        .post(reverse("notification_read", args=[inbox["others"].pk]))
        .status_code
        == 404
    )


def test_open_marks_read_and_goes_to_the_page_it_is_about(client, world, inbox):
    client = client_for(client, world, "registrar")
    response = client.post(reverse("notification_read", args=[inbox["newer"].pk]), {"open": "1"})
    assert response["Location"] == "/pupils/1/"
    inbox["newer"].refresh_from_db()
    assert inbox["newer"].read_at is not None


def test_open_never_leaves_the_site(client, world):
    registrar = world.users["registrar"]
    for link in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        notification = _notify(registrar, link, link=link)
        response = client_for(client, world, "registrar").post(
            reverse("notification_read", args=[notification.pk]), {"open": "1"}
        )
        assert response["Location"] == reverse("notifications")


def test_reading_needs_a_post(client, world, inbox):
    client = client_for(client, world, "registrar")
    assert client.get(reverse("notification_read", args=[inbox["older"].pk])).status_code == 405
    assert client.get(reverse("notifications_read_all")).status_code == 405


def test_empty_inbox_says_what_will_appear(client, world, english):
    Notification.objects.all().delete()
    response = client_for(client, world, "norole").get(reverse("notifications"))
    assert "xj-empty" in response.content.decode()
    assert "Notifications" in response.content.decode()


def test_inbox_is_paginated_with_a_constant_number_of_queries(client, world):
    registrar = world.users["registrar"]
    client = client_for(client, world, "registrar")
    for n in range(3):
        _notify(registrar, f"提醒{n}", day=date(2026, 9, 1) + timedelta(days=n))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications"))
    for n in range(3, 40):
        _notify(registrar, f"提醒{n}", day=date(2026, 9, 1) + timedelta(days=n))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("notifications"))
    assert len(response.context["notifications"]) == 25
    assert len(many) == len(few)
    second = client.get(reverse("notifications"), {"page": 2})
    assert len(second.context["notifications"]) == 41 - 25
    assert _badge(second) == 41


def test_one_notification_per_recipient_item_and_day(world):
    registrar = world.users["registrar"]
    _notify(registrar, "a", key="deadline:2026-09-30")
    _notify(registrar, "b", key="deadline:2026-09-30", day=date(2026, 9, 17))
    _notify(world.users["headteacher"], "c", key="deadline:2026-09-30")
    with pytest.raises(IntegrityError):
        _notify(registrar, "d", key="deadline:2026-09-30")


# --- role holders ----------------------------------------------------------------------------------------------


def test_role_holders_by_scope_in_one_query(world, django_assert_num_queries):
    county_officer = UserFactory(username="county_officer")
    grant_role(county_officer, Role.OFFICER, world.county, actor=world.users["administrator"])
    with django_assert_num_queries(1):
        holders = role_holders([Role.REGISTRAR, Role.HEADTEACHER], [world.school_a.pk, world.school_b.pk])
    usernames = {key: [user.username for user in users] for key, users in holders.items()}
    assert usernames == {
        (Role.REGISTRAR, world.school_a.pk): ["registrar"],
        (Role.HEADTEACHER, world.school_a.pk): ["headteacher"],
        (Role.REGISTRAR, world.school_b.pk): ["registrar_sibling"],
    }
    assert [user.username for user in users_with_role(Role.OFFICER, world.town1)] == ["officer"]
    assert [user.username for user in users_with_role(Role.OFFICER, world.county)] == ["county_officer"]
    everyone = role_holders([Role.REGISTRAR])
    assert {user.username for users in everyone.values() for user in users} == {
        "registrar",
        "registrar_sibling",
        "registrar_other",
    }
    assert role_holders([Role.REGISTRAR], []) == {}


def test_role_holders_leave_out_inactive_accounts_and_refuse_mixed_roles(world):
    world.users["registrar"].is_active = False
    world.users["registrar"].save(update_fields=["is_active"])
    assert users_with_role(Role.REGISTRAR, world.school_a) == []
    with pytest.raises(ValueError):
        role_holders([Role.REGISTRAR, Role.OFFICER])
