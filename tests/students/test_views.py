"""The pupil list and a pupil's page: scoped, searchable, with ID numbers masked until an audited reveal."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from tests.conftest import client_for
from tests.factories import EnrolmentSpellFactory, StudentFactory

FULL_ID = re.compile(r"\d{17}[\dX]")


def test_registrar_lists_only_own_schools_pupils(client, world):
    page = client_for(client, world, "registrar").get(reverse("pupil_list")).content.decode()
    assert world.pupils["own"].name in page
    assert world.pupils["sibling"].name not in page and world.pupils["other"].name not in page


def test_officer_lists_every_pupil_of_the_town(client, world):
    page = client_for(client, world, "officer").get(reverse("pupil_list")).content.decode()
    assert world.pupils["own"].name in page and world.pupils["sibling"].name in page
    assert world.pupils["other"].name not in page


def test_no_full_id_number_in_list_or_detail_html(client, world):
    client = client_for(client, world, "officer")
    pupil = world.pupils["own"]
    for url in (reverse("pupil_list"), reverse("pupil_detail", args=[pupil.pk])):
        html = client.get(url).content.decode()
        assert not FULL_ID.search(html), url
        assert pupil.id_number[:4] + "**********" + pupil.id_number[-4:] in html


def test_search_by_name_id_tail_and_national_number(client, world):
    client = client_for(client, world, "officer")
    own, sibling = world.pupils["own"], world.pupils["sibling"]
    for query in (own.name, own.id_number[-6:], own.national_number, "　" + own.id_number[-4:] + " "):
        page = client.get(reverse("pupil_list"), {"q": query}).content.decode()
        assert own.name in page and sibling.name not in page, query


def test_reveal_needs_a_reason_and_is_logged(client, world):
    client = client_for(client, world, "registrar")
    pupil = world.pupils["own"]
    url = reverse("reveal_id_numbers", args=[pupil.pk])
    page = client.post(url, {"reason": ""}).content.decode()
    assert pupil.id_number not in page
    assert "invalid-feedback" in page
    assert not Event.objects.filter(action="students.id_number.revealed").exists()

    page = client.post(url, {"reason": "核对户口簿"}).content.decode()
    assert pupil.id_number in page
    guardian = pupil.guardians.get()
    assert guardian.id_number in page and guardian.phone in page
    event = Event.objects.get(action="students.id_number.revealed")
    assert (event.actor, event.target_id, event.data) == (
        world.users["registrar"],
        str(pupil.pk),
        {"reason": "核对户口簿"},
    )


def test_headteacher_sees_the_pupil_without_a_reveal_form(client, world):
    page = client_for(client, world, "headteacher").get(reverse("pupil_detail", args=[world.pupils["own"].pk]))
    assert page.status_code == 200
    assert reverse("reveal_id_numbers", args=[world.pupils["own"].pk]) not in page.content.decode()


def test_pupil_list_queries_do_not_grow_with_rows(client, world):
    client = client_for(client, world, "officer")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("pupil_list"))
    for _ in range(30):
        EnrolmentSpellFactory(student=StudentFactory(), school_class=world.class_a)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("pupil_list"))
    assert len(re.findall(r'href="/pupils/\d+/"', page.content.decode())) == 32
    assert len(many) == len(few)
