"""Every change to registry data writes a history row naming the acting user."""

from django.urls import reverse

from audit.history import acting_as
from registry.models import School
from tests.conftest import client_for
from tests.factories import SchoolFactory, TownFactory, UserFactory


def test_change_through_the_web_names_the_user(client, world):
    admin = world.users["administrator"]
    school = world.school_a
    url = reverse("admin:registry_school_change", args=[school.pk])
    response = client_for(client, world, "administrator").post(
        url,
        {
            "code": school.code,
            "name": "甲小学（新校名）",
            "stage": school.stage,
            "ownership": school.ownership,
            "authority": school.authority_id,
            "class_size_cap": 40,
            "address": "",
        },
    )
    assert response.status_code == 302
    latest = school.history.latest()
    assert latest.name == "甲小学（新校名）"
    assert latest.history_user == admin
    assert latest.prev_record.name == "甲小学"


def test_change_in_a_command_or_task_names_the_explicit_actor(db):
    clerk = UserFactory()
    town = TownFactory()
    with acting_as(clerk, reason="import from the county list"):
        school = SchoolFactory(authority=town)
        school.class_size_cap = 40
        school.save()
    rows = list(school.history.order_by("history_id"))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert {row.history_user for row in rows} == {clerk}
    assert {row.history_change_reason for row in rows} == {"import from the county list"}


# Not registry data: the user account (its logins are audit events) and a user's own reminder inbox.
NO_HISTORY = {"User", "Notification"}


def test_every_registry_model_keeps_history():
    from django.apps import apps

    for model in apps.get_app_config("registry").get_models():
        if model.__name__.startswith("Historical") or model.__name__ in NO_HISTORY:
            continue
        assert hasattr(model, "history"), f"{model.__name__} keeps no history"
    assert School.history.model.__name__ == "HistoricalSchool"
