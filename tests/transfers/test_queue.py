"""The approval queue for the rush (issue 17): filters by kind, school, deadline and the pupil's name (as the
pupil search reads it), four orders, rows linking on the pupil's name with the kind as a badge, and a page
whose queries do not grow with its rows."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import GuardianFactory, StudentFactory
from transfers.registration import register_pupil


def _register(world, name, school_class=None):
    school_class = school_class or world.class_a
    registrar = world.registrations["own" if school_class == world.class_a else "sibling"].initiated_by
    return register_pupil(
        StudentFactory.build(national_number=None, name=name), GuardianFactory.build_batch(2, student=None),
        school_class, actor=registrar,
    )  # fmt: skip


def _names(page):
    """The pupils' names in the queue's rows, in order."""
    if 'data-testid="queue-table"' not in page:
        return []
    table = page.split('data-testid="queue-table"')[1]
    return re.findall(r'<a href="/requests/\d+/\?[^"]*">([^<]+)</a> <span class="badge', table)


def test_a_row_links_on_the_pupils_name_with_the_kind_as_a_badge(client, world):
    request = world.registrations["own"]
    page = client_for(client, world, "officer").get(reverse("approval_queue")).content.decode()
    link = f'<a href="{reverse("request_detail", args=[request.pk])}?sort=due">{request.student.name}</a>'
    assert link in page
    assert f'{link} <span class="badge text-bg-light border" data-testid="kind-badge">新生注册</span>' in page


def test_filters_by_kind_school_deadline_and_name(client, world):
    officer = client_for(client, world, "officer")
    lin = _register(world, "林小雨")
    own, sibling = world.registrations["own"], world.registrations["sibling"]
    today = timezone.localdate()
    own.steps.update(due_on=today - timedelta(days=3))
    sibling.steps.update(due_on=today + timedelta(days=1))
    lin.steps.update(due_on=today + timedelta(days=60))
    url = reverse("approval_queue")

    assert set(_names(officer.get(url).content.decode())) == {own.student.name, sibling.student.name, "林小雨"}
    assert _names(officer.get(url, {"school": world.school_b.code}).content.decode()) == [sibling.student.name]
    assert _names(officer.get(url, {"due": "overdue"}).content.decode()) == [own.student.name]
    assert _names(officer.get(url, {"due": "soon"}).content.decode()) == [sibling.student.name]
    assert _names(officer.get(url, {"q": "小雨"}).content.decode()) == ["林小雨"]
    assert _names(officer.get(url, {"q": "linxiaoyu"}).content.decode()) == ["林小雨"]
    assert _names(officer.get(url, {"q": "lxy"}).content.decode()) == ["林小雨"]
    assert _names(officer.get(url, {"kind": "transfer"}).content.decode()) == []
    assert "没有符合筛选条件的待审核申请" in officer.get(url, {"kind": "transfer"}).content.decode()
    assert _names(officer.get(url, {"kind": "registration", "q": "lxy"}).content.decode()) == ["林小雨"]


def test_an_invalid_filter_lists_nothing_and_says_so(client, world):
    page = client_for(client, world, "officer").get(reverse("approval_queue"), {"kind": "nonsense"}).content.decode()
    assert 'data-testid="queue-table"' not in page and "nonsense" in page  # the field's message names the choice


def test_sorts_by_due_date_submission_school_and_name(client, world):
    officer = client_for(client, world, "officer")
    own, sibling = world.registrations["own"], world.registrations["sibling"]
    zhang = _register(world, "张三", school_class=world.class_b)
    an = _register(world, "安娜")
    today = timezone.localdate()
    for request, days in ((own, 9), (sibling, 2), (zhang, 5), (an, 7)):
        request.steps.update(due_on=today + timedelta(days=days))
    url = reverse("approval_queue")
    by = {sort: _names(officer.get(url, {"sort": sort}).content.decode()) for sort in ("due", "submitted", "name")}
    assert by["due"] == [sibling.student.name, "张三", "安娜", own.student.name]
    assert by["submitted"] == [own.student.name, sibling.student.name, "张三", "安娜"]
    assert by["name"][0] == "安娜" and by["name"][-1] == "张三"  # by pinyin: an… before xue… before zhang…
    by_school = _names(officer.get(url, {"sort": "school"}).content.decode())
    school_a_rows = {own.student.name, "安娜"}
    assert set(by_school[:2]) == school_a_rows or set(by_school[2:]) == school_a_rows


def test_the_page_costs_the_same_queries_for_three_rows_as_for_twenty(client, world):
    officer = client_for(client, world, "officer")
    officer.get(reverse("approval_queue"))  # warm the session and the calendar's year index

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(reverse("approval_queue")).status_code == 200
        return len(captured)

    few = queries()
    for number in range(17):
        _register(world, f"批量{number}")
    assert queries() == few
