"""The audit log's integrity: the nightly task finds a row edited in the database and raises the alarm (an
event and one e-mail to the administrators); the admin cannot change events or revert history."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse

import audit
from audit.integrity import find_break
from audit.models import Event
from audit.sealing import seal_pending
from audit.tasks import verify_audit_chain_task
from audit.types import LOGIN
from tests.conftest import client_for
from tests.factories import UserFactory


@pytest.fixture
def logins(db):
    user = UserFactory(username="clerk")
    return [audit.record(LOGIN, actor=user, data={"n": n}) for n in range(5)]  # sealed by the check


@pytest.fixture
def administrators(db):
    UserFactory(username="root", email="root@example.cn", is_superuser=True, is_staff=True)
    UserFactory(username="root-no-mail", email="", is_superuser=True, is_staff=True)


def test_the_task_is_scheduled_nightly():
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "audit.tasks.verify_audit_chain_task"
    )
    assert entry["schedule"].hour == {3}


def test_an_intact_chain_raises_no_alarm(logins, administrators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_audit_chain_task.delay().get() is None
    assert not Event.objects.filter(action="audit.chain_broken").exists()
    assert mail.outbox == []


def test_a_row_edited_in_the_database_is_detected_with_an_alarm_and_one_email(
    logins, administrators, django_capture_on_commit_callbacks
):
    tampered = logins[2]
    with connection.cursor() as cursor:  # a database-level edit, past the application
        cursor.execute("UPDATE audit_event SET actor_name = %s WHERE id = %s", ["someone else", tampered.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_audit_chain_task.delay().get() == tampered.pk
    alarm = Event.objects.get(action="audit.chain_broken")
    assert alarm.data == {"event_id": tampered.pk, "problem": "edited"}
    assert alarm.actor is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["root@example.cn"]
    assert f"#{tampered.pk}" in message.body


def test_a_deleted_row_is_detected(logins, administrators, django_capture_on_commit_callbacks):
    seal_pending()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_seal WHERE event_id = %s", [logins[1].pk])
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [logins[1].pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_audit_chain_task.delay().get() == logins[2].pk
    assert Event.objects.get(action="audit.chain_broken").data["problem"] == "removed"
    assert len(mail.outbox) == 1


def test_school_and_pupil_are_part_of_the_hash(world):
    from students.services import reveal_id_numbers

    reveal_id_numbers(world.pupils["own"], world.school_a, actor=world.users["registrar"], reason="核对")
    event = Event.objects.latest("id")
    assert (event.school_pk, event.pupil_pk) == (world.school_a.pk, world.pupils["own"].pk)
    with connection.cursor() as cursor:  # moving the event out of town 1's sight is an edit too
        cursor.execute("UPDATE audit_event SET school_pk = NULL WHERE id = %s", [event.pk])
    assert find_break().event_id == event.pk


def test_admin_cannot_change_or_delete_an_event(client, world, logins):
    client = client_for(client, world, "administrator")
    event = logins[0]
    url = reverse("admin:audit_event_change", args=[event.pk])
    assert client.get(url).status_code == 200  # it can be read
    response = client.post(url, {"action": "auth.logout", "actor_name": "forged", "data": "{}"})
    assert response.status_code == 403
    assert client.post(reverse("admin:audit_event_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_event_add")).status_code == 403
    event.refresh_from_db()
    assert (event.action, event.actor_name) == ("auth.login", "clerk")


def test_admin_cannot_revert_a_record_to_a_history_row(client, world):
    school = world.school_a
    first = school.history.earliest()
    school.name = "甲小学（新校名）"
    school.save()
    client = client_for(client, world, "administrator")
    url = reverse("admin:registry_school_simple_history", args=[school.pk, first.history_id])
    assert client.get(url).status_code == 200  # a past version can be read
    response = client.post(url, {"code": school.code, "name": first.name, "stage": school.stage,
                                 "ownership": school.ownership, "authority": school.authority_id,
                                 "class_size_cap": school.class_size_cap, "address": ""})  # fmt: skip
    assert response.status_code == 403
    school.refresh_from_db()
    assert school.name == "甲小学（新校名）"


def test_no_history_model_is_editable_in_the_admin():
    from django.contrib import admin

    for model in admin.site._registry:
        assert not model.__name__.startswith("Historical"), f"{model.__name__} is registered in the admin"
