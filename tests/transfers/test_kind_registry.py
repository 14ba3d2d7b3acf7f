"""The kind registry: a kind added by one module and one template goes through start → approve; a class
deleted between submission and approval is refused with the rule's message."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for
from tests.transfers import commendation_kind
from transfers.kinds import KINDS, ChangeRefused, register, unregister
from transfers.models import ChangeRequest
from transfers.services import approve_step, current_step


@pytest.fixture
def commendation(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], Path(__file__).parent / "templates"]}]
    register(commendation_kind.Commendation)
    yield KINDS["commendation"]
    unregister("commendation")
    commendation_kind.APPLIED.clear()


def test_a_kind_added_by_one_module_is_started_and_approved_through_the_pages(client, world, commendation):
    pupil = world.pupils["own"]
    start = reverse("change_new", args=[pupil.pk, "commendation"])
    registrar = client_for(client, world, "registrar")
    with translation.override("en"):
        refused = registrar.post(start, {"citation": " "})
    assert "A commendation needs its citation." in refused.content.decode()
    response = registrar.post(start, {"citation": "市三好学生"})
    request = ChangeRequest.objects.get(kind="commendation")
    assert response.status_code == 302 and response["Location"] == reverse("request_detail", args=[request.pk])
    assert request.get_kind_display() == "Commendation"
    officer = client_for(client, world, "officer")
    page = officer.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert 'data-testid="commendation">Citation: 市三好学生' in page
    officer.post(reverse("approve_request", args=[request.pk]), {"comment": "", "confirmed": "1"})
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.APPROVED
    assert commendation_kind.APPLIED == [(pupil.pk, "市三好学生")]


def test_an_unregistered_kind_has_no_start_page(client, world):
    url = reverse("change_new", args=[world.pupils["own"].pk, "commendation"])
    assert client_for(client, world, "registrar").get(url).status_code == 404


def test_a_class_deleted_before_approval_is_refused_with_the_rule_not_a_crash(client, world):
    from tests.factories import SchoolClassFactory

    registration = world.registrations["own"]
    emptied = SchoolClassFactory(school=world.school_a, grade=1)
    registration.payload = {**registration.payload, "school_class": emptied.pk}
    registration.save(update_fields=["payload"])
    emptied.delete()
    response = client_for(client, world, "officer").post(
        reverse("approve_request", args=[registration.pk]), {"confirmed": "1"}, follow=True
    )
    assert response.status_code == 200
    assert f"{world.school_a.name}" in response.content.decode().split('role="alert"')[1]
    registration.refresh_from_db()
    assert registration.state == ChangeRequest.State.PENDING and current_step(registration) is not None
    with translation.override("en"), pytest.raises(ChangeRefused, match="Choose a class of"):
        approve_step(current_step(registration), actor=world.users["officer"])
