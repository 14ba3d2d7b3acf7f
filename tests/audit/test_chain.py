"""The audit log is append-only and hash-chained; verify_audit finds the first edited or removed row."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

import audit
from audit.models import AuditLogImmutable, Event
from audit.types import LOGIN
from tests.factories import UserFactory


@pytest.fixture
def three_events(db):
    user = UserFactory()
    return [audit.record(LOGIN, actor=user, data={"n": n}) for n in range(3)]


def test_events_link_to_their_predecessor(three_events):
    first, second, third = three_events
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert first.actor_name == second.actor_name


def test_verify_audit_passes_on_an_intact_chain(three_events, capsys):
    call_command("verify_audit")
    assert "3 events" in capsys.readouterr().out


def test_verify_audit_detects_an_edited_row(three_events):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET actor_name = %s WHERE id = %s", ["someone else", three_events[1].pk])
    with pytest.raises(CommandError, match=f"#{three_events[1].pk}.*edited"):
        call_command("verify_audit")


def test_verify_audit_detects_a_removed_row(three_events):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [three_events[1].pk])
    with pytest.raises(CommandError, match=f"#{three_events[2].pk}.*removed"):
        call_command("verify_audit")


def test_events_cannot_be_edited_or_deleted_through_the_orm(three_events):
    event = three_events[0]
    event.actor_name = "forged"
    with pytest.raises(AuditLogImmutable):
        event.save()
    with pytest.raises(AuditLogImmutable):
        event.delete()
    with pytest.raises(AuditLogImmutable):
        Event.objects.filter(pk=event.pk).update(actor_name="forged")
    with pytest.raises(AuditLogImmutable):
        Event.objects.all().delete()
    assert Event.objects.get(pk=event.pk).actor_name != "forged"


def test_unregistered_actions_are_refused(db):
    with pytest.raises(ValueError, match="unregistered"):
        audit.record("something.made_up", actor=None)
    assert not Event.objects.exists()
