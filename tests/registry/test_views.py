"""What each role sees on its pages: its own scope's data, and navigation only to what it may use."""

import re

from django.urls import reverse

from tests.conftest import client_for
from transfers.services import approve_step, current_step


def test_registrar_home_shows_own_school_and_its_open_requests(client, world):
    page = client_for(client, world, "registrar").get(reverse("home")).content.decode()
    assert world.school_a.name in page
    assert world.school_b.name not in page
    assert world.registrations["own"].student.name in page
    assert world.registrations["sibling"].student.name not in page
    assert reverse("admin:index") not in page


def test_registrar_home_says_what_will_appear_when_empty(client, world):
    approve_step(current_step(world.registrations["own"]), actor=world.users["officer"])
    page = client_for(client, world, "registrar").get(reverse("home")).content.decode()
    assert "xj-empty" in page


def test_officer_home_lists_the_towns_schools_only(client, world):
    page = client_for(client, world, "officer").get(reverse("home")).content.decode()
    assert world.school_a.name in page and world.school_b.name in page
    assert world.school_c.name not in page
    assert reverse("authority_detail", args=[world.town1.pk]) in page


def test_administrator_navigation_links_to_administration(client, world):
    page = client_for(client, world, "administrator").get(reverse("home")).content.decode()
    assert reverse("admin:index") in page


def test_user_without_role_is_told_to_ask_for_one(client, world):
    page = client_for(client, world, "norole").get(reverse("home")).content.decode()
    assert "xj-empty" in page
    assert reverse("semester_list") not in page


def test_school_page_lists_its_classes(client, world):
    page = client_for(client, world, "registrar").get(reverse("school_detail", args=[world.school_a.code]))
    assert str(world.class_a) in page.content.decode()
    assert world.class_a.homeroom_teacher in page.content.decode()


def test_school_page_query_count_does_not_grow_with_classes(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SchoolClassFactory

    client = client_for(client, world, "officer")
    url = reverse("school_detail", args=[world.school_a.code])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    SchoolClassFactory.create_batch(20, school=world.school_a)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count("/classes/") >= 21
    assert len(many) == len(few)


def test_login_page_is_in_chinese_by_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in page
    assert "用户名" in page and "密码" in page
    assert '<label class="form-label" for="id_username">' in page


def test_login_page_in_english_when_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in page
    assert "Username" in page


def test_navigation_marks_only_the_current_page(client, world):
    page = client_for(client, world, "registrar").get(reverse("registration_new", args=[world.school_a.code]))
    html = page.content.decode()
    navigation = re.search(r'<nav[^>]*id="main-navigation".*?</nav>', html, re.S).group(0)
    assert navigation.count('aria-current="page"') == 1
    assert f'href="{reverse("registration_new", args=[world.school_a.code])}" aria-current="page"' in navigation
    breadcrumbs = re.search(r'data-testid="breadcrumbs">.*?</ol>', html, re.S).group(0)
    assert breadcrumbs.count('aria-current="page"') == 1  # the trail ends on the same page


def test_the_class_page_leads_to_the_class_roll(client, world):
    world.class_a.number = 120  # whatever its number (the filter once stopped at 99 and then filtered nothing)
    world.class_a.save()
    client.force_login(world.users["officer"])  # sees schools A and B
    page = client.get(reverse("class_detail", args=[world.school_a.code, world.class_a.pk])).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="class-roll-link"', page).group(1).replace("&amp;", "&")
    roll = client.get(link).content.decode()
    assert world.pupils["own"].name in roll
    assert world.pupils["sibling"].name not in roll  # school B's pupil, visible to the officer, is not on it
