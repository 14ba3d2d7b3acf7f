"""One timeline on the pupil's page and on a request's page: field changes (old → new, in Chinese labels),
the requests' steps and the audit events about the record, newest first, with personal numbers masked,
and a query count that does not grow with the number of entries."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.history import acting_as
from tests.conftest import client_for
from transfers.services import approve_step, current_step

BEIJING = ZoneInfo("Asia/Shanghai")


def _at(day, hour):
    """A moment after the world's registrations were submitted (today): `day` days later, at `hour`."""
    moment = datetime.combine(timezone.localdate() + timedelta(days=day), time(hour), tzinfo=BEIJING)
    return time_machine.travel(moment, tick=False)


def _stamp(day, hour):
    return f"{timezone.localdate() + timedelta(days=day):%Y-%m-%d} {hour:02d}:00"


def _timeline(html):
    """The timeline's entries in page order: (source, action, text) with the text's tags stripped."""
    section = html.split('data-testid="timeline"', 1)[1].split("</ol>", 1)[0]
    entries = []
    for item in section.split('<li class="mb-2')[1:]:
        attributes, text = item.split(">", 1)
        source = re.search(r'data-source="(\w+)"', attributes).group(1)
        action = re.search(r'data-action="([\w.]+)"', attributes)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
        entries.append((source, action.group(1) if action else "", text))
    return entries


def _index(entries, source, action=None, contains=""):
    return next(
        i
        for i, (s, a, text) in enumerate(entries)
        if s == source and (action is None or a == action) and contains in text
    )


def _approved_pupil(world):
    """The registration submitted at school A (today), approved by the town officer two days later."""
    registration = world.registrations["own"]
    with _at(2, 10):
        approve_step(current_step(registration), actor=world.users["officer"], comment="材料齐全")
    registration.refresh_from_db()
    return registration


def test_pupil_page_merges_changes_requests_and_reveals_newest_first(client, world):
    registration = _approved_pupil(world)
    pupil = registration.student
    registrar = world.users["registrar"]
    old_phone, new_phone = pupil.phone, "13912345678"
    with _at(3, 9), acting_as(registrar, reason="家长来电更正"):
        pupil.home_address, pupil.phone = "东湖镇新村 8 号", new_phone
        pupil.save()
    with _at(4, 15):  # signed in then: sessions time out after 15 idle minutes
        client = client_for(client, world, "registrar")
        response = client.post(reverse("reveal_id_numbers", args=[pupil.pk]), {"reason": "核对转学材料"})
        assert response.status_code == 200
        html = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    entries = _timeline(html)

    reveal = _index(entries, "event", "students.id_number.revealed")
    change = _index(entries, "history", contains="家庭住址")
    approval = _index(entries, "request", "approved")
    submission = _index(entries, "request", "submitted")
    assert reveal < change < approval < submission  # newest first
    assert entries[reveal][2].startswith(_stamp(4, 15)) and "核对转学材料" in entries[reveal][2]
    assert "家庭住址：东湖镇幸福路 8 号 → 东湖镇新村 8 号" in entries[change][2]
    assert str(registrar) in entries[change][2] and "家长来电更正" in entries[change][2]
    assert "联系电话：138****5678 → 139****5678" in entries[change][2]
    assert new_phone not in html and (not old_phone or old_phone not in html)
    assert entries[approval][2].startswith(_stamp(2, 10))
    assert str(world.users["officer"]) in entries[approval][2] and "材料齐全" in entries[approval][2]


def test_request_page_shows_its_own_timeline(client, world):
    registration = _approved_pupil(world)
    html = client_for(client, world, "officer").get(reverse("request_detail", args=[registration.pk])).content
    entries = _timeline(html.decode())
    approval = _index(entries, "request", "approved")
    state_change = _index(entries, "history", contains="→")
    submission = _index(entries, "request", "submitted")
    assert entries[approval][2].startswith(_stamp(2, 10)) and "材料齐全" in entries[approval][2]
    assert "已通过" in entries[state_change][2]  # the request's state, old → new, in its Chinese label
    assert approval < submission and state_change < submission


def _reveal_times(world, pupil, count):
    from students.services import reveal_id_numbers

    for n in range(count):
        with acting_as(world.users["registrar"], reason=f"更正 {n}"):
            pupil.home_address = f"东湖镇新村 {n} 号"
            pupil.save()
        reveal_id_numbers(pupil, world.school_a, actor=world.users["registrar"], reason=f"核对 {n}")


def _queries_for_pupil_page(client, pupil):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("pupil_detail", args=[pupil.pk]))
    assert response.status_code == 200
    return len(queries)


def test_pupil_page_query_count_does_not_grow_with_the_timeline(client, world):
    pupil = world.pupils["own"]
    client = client_for(client, world, "registrar")
    _reveal_times(world, pupil, 2)
    client.get(reverse("pupil_detail", args=[pupil.pk]))  # warm per-process caches (content types, …)
    few = _queries_for_pupil_page(client, pupil)
    _reveal_times(world, pupil, 8)
    html = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert len(_timeline(html)) >= 20
    assert _queries_for_pupil_page(client, pupil) == few


def test_request_page_query_count_does_not_grow_with_the_timeline(client, world):
    registration = world.registrations["own"]
    client = client_for(client, world, "officer")
    url = reverse("request_detail", args=[registration.pk])

    def amend(count):
        for n in range(count):
            with acting_as(world.users["registrar"], reason=f"补充材料 {n}"):
                registration.payload = {**registration.payload, "note": n}
                registration.save()

    amend(2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    amend(8)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
