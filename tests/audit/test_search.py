"""The audit search of the town office and administrators: filters by operator, school, pupil, action and
date range; a town officer reads their own town's events only; the search and its export are logged."""

from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Event
from registry.roles import Role
from registry.services import grant_role
from students.services import reveal_id_numbers
from tests.conftest import client_for
from tests.factories import UserFactory

BEIJING = ZoneInfo("Asia/Shanghai")
REVEALED = "students.id_number.revealed"


@pytest.fixture
def reveals(world):
    """Reveals of the own pupil (school A, town 1) on 1 and 10 March and of the other pupil (school C,
    town 2) on 5 March; returns the events by name."""
    admin, registrar = world.users["administrator"], world.users["registrar"]
    made = {}
    for name, day, pupil, school, actor in [
        ("own_early", 1, world.pupils["own"], world.school_a, registrar),
        ("other", 5, world.pupils["other"], world.school_c, admin),
        ("own_late", 10, world.pupils["own"], world.school_a, admin),
    ]:
        with time_machine.travel(datetime(2026, 3, day, 10, tzinfo=BEIJING), tick=False):
            reveal_id_numbers(pupil, school, actor=actor, reason=f"核对 {name}")
        made[name] = Event.objects.filter(action=REVEALED).latest("id")
    return made


def _shown(response):
    """Ids of the events listed on the page (the search's own event is written after the page is built)."""
    assert response.status_code == 200
    return {event.pk for event, _sentence in response.context["rows"]}


def test_officer_sees_their_towns_events_only(client, world, reveals):
    shown = _shown(client_for(client, world, "officer").get(reverse("audit_search"), {"action": REVEALED}))
    assert shown == {reveals["own_early"].pk, reveals["own_late"].pk}


def test_officer_of_town_2_does_not_see_town_1(client, world, reveals):
    officer2 = UserFactory(username="officer2")
    grant_role(officer2, Role.OFFICER, world.town2, actor=world.users["administrator"])
    client.force_login(officer2)
    shown = _shown(client.get(reverse("audit_search"), {"action": REVEALED}))
    assert shown == {reveals["other"].pk}
    # naming town 1's pupil or school changes nothing: still none of town 1's events
    assert _shown(client.get(reverse("audit_search"), {"pupil": world.pupils["own"].pk})) == set()
    response = client.get(reverse("audit_search"), {"school": world.school_a.pk})
    assert _shown(response) == set() and response.context["form"].errors
    content = client.get(reverse("audit_export"), {"action": REVEALED}).content
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[5:]] == [reveals["other"].pk]


def test_registrar_and_headteacher_may_not_search(client, world):
    for role in ("registrar", "headteacher", "archivist", "norole"):
        assert client_for(client, world, role).get(reverse("audit_search")).status_code == 403


def test_administrator_filters_by_user_pupil_action_and_dates(client, world, reveals):
    client = client_for(client, world, "administrator")
    search = reverse("audit_search")
    assert _shown(client.get(search, {"action": REVEALED})) == {event.pk for event in reveals.values()}
    assert _shown(client.get(search, {"action": REVEALED, "user": "registrar"})) == {reveals["own_early"].pk}
    assert _shown(client.get(search, {"pupil": world.pupils["other"].pk})) == {reveals["other"].pk}
    assert _shown(client.get(search, {"pupil": world.pupils["own"].name, "action": REVEALED})) == {
        reveals["own_early"].pk,
        reveals["own_late"].pk,
    }
    dated = {"action": REVEALED, "date_from": "2026-03-02", "date_to": "2026-03-10"}
    assert _shown(client.get(search, dated)) == {reveals["other"].pk, reveals["own_late"].pk}
    assert _shown(client.get(search, {**dated, "school": world.school_a.pk})) == {reveals["own_late"].pk}
    response = client.get(search, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert "date_to" in response.context["form"].errors


def test_the_search_itself_is_logged_with_its_filters(client, world, reveals):
    client_for(client, world, "officer").get(reverse("audit_search"), {"action": REVEALED, "user": "admin"})
    event = Event.objects.filter(action="audit.searched").latest("id")
    assert event.actor == world.users["officer"]
    assert event.data["filters"] == {"user": "admin", "action": REVEALED}
    assert event.data["rows"] == 1


def test_export_writes_the_filtered_events_and_is_logged_with_its_row_count(client, world, reveals):
    response = client_for(client, world, "officer").get(reverse("audit_export"), {"action": REVEALED})
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == world.town1.name  # the scope
    assert rows[1][1] == str(world.users["officer"])  # who exported it
    data = rows[5:]
    assert [row[0] for row in data] == [reveals["own_late"].pk, reveals["own_early"].pk]
    assert data[1][2] == world.users["registrar"].full_name and "核对 own_early" in data[1][4]  # real name
    event = Event.objects.filter(action="audit.exported").latest("id")
    assert (event.actor, event.data["rows"], event.data["filters"]) == (world.users["officer"], 2, {"action": REVEALED})


def test_pages_hold_fifty_events_newest_first(client, world, reveals):
    for n in range(55):
        reveal_id_numbers(world.pupils["own"], world.school_a, actor=world.users["registrar"], reason=f"批量 {n}")
    client = client_for(client, world, "administrator")
    first = client.get(reverse("audit_search"), {"action": REVEALED})
    ids = [event.pk for event, _sentence in first.context["rows"]]
    assert len(ids) == 50 and ids == sorted(ids, reverse=True)
    second = client.get(reverse("audit_search"), {"action": REVEALED, "page": 2})
    assert len(second.context["rows"]) == 58 - 50
    assert timedelta(0) <= first.context["rows"][0][0].occurred_at - reveals["own_late"].occurred_at


def test_the_audit_log_is_in_the_navigation_of_officers_and_administrators_only(client, world):
    link = f'href="{reverse("audit_search")}"'
    for role, shown in [("officer", True), ("administrator", True), ("registrar", False), ("headteacher", False)]:
        client.logout()
        html = client_for(client, world, role).get(reverse("home")).content.decode()
        assert (link in html) is shown, role


def test_the_pupil_page_links_officers_to_the_pupils_audit_events(client, world, reveals):
    pupil = world.pupils["own"]
    html = client_for(client, world, "officer").get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    link = f'href="{reverse("audit_search")}?pupil={pupil.pk}"'
    assert link in html
    shown = _shown(client.get(reverse("audit_search"), {"pupil": pupil.pk}))
    assert {reveals["own_early"].pk, reveals["own_late"].pk} <= shown and reveals["other"].pk not in shown
    client.logout()
    html = client_for(client, world, "registrar").get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert link not in html
