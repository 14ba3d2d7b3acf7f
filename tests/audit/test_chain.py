"""The audit log is append-only and hash-chained by a sealer after commit; verify_audit names the first
edited, inserted or removed event; no audit write waits for another transaction (issue 14)."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from kombu.exceptions import OperationalError

import audit
from audit import tasks as audit_tasks
from audit.chain import GENESIS_HASH
from audit.models import AuditLogImmutable, Event, PendingSeal, Seal
from audit.sealing import seal_pending
from audit.types import LOGIN
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _in_english():
    """The command's messages are matched in English (they follow the active language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def three_events(db):
    user = UserFactory()
    events = [audit.record(LOGIN, actor=user, data={"n": n}) for n in range(3)]
    seal_pending()
    return events


def test_the_sealer_links_each_event_to_its_predecessor(three_events):
    first, second, third = (Seal.objects.get(event=event) for event in three_events)
    assert [first.position, second.position, third.position] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert not PendingSeal.objects.exists()


def test_an_event_waits_for_its_seal_until_its_transaction_commits(db, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            event = audit.record(LOGIN, actor=user)
            assert not Seal.objects.filter(event=event).exists()
            audit.record(LOGIN, actor=user)
    assert Seal.objects.count() == 2  # sealed once the transaction committed, by one sealer run
    assert Event.objects.select_related("seal").get(pk=event.pk).is_sealed


def test_with_a_broker_the_request_sends_the_sealing_to_the_worker_instead_of_sealing(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    """Outside the tests' in-place tasks, the commit sends one task message (caught here before the broker) and
    seals nothing itself: the page that audited does not wait for the sealer; the worker's task chains it."""
    sent = []
    monkeypatch.setattr(audit_tasks.seal_audit_events_task, "apply_async", lambda *a, **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        event = audit.record(LOGIN, actor=UserFactory())
    assert len(sent) == 1 and PendingSeal.objects.filter(event=event).exists()
    assert audit_tasks.seal_audit_events_task() == 1  # what the worker runs
    assert Event.objects.select_related("seal").get(pk=event.pk).is_sealed


def test_a_broker_that_cannot_take_the_task_does_not_fail_the_request(
    db, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(audit_tasks.seal_audit_events_task, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        event = audit.record(LOGIN, actor=UserFactory())
    assert PendingSeal.objects.filter(event=event).exists()  # beat's sealing every minute chains it
    assert "audit sealing postponed" in caplog.text


def test_the_sealer_goes_on_batch_by_batch_and_stops_after_a_batch_that_is_not_full(db, monkeypatch):
    """Five events waiting with batches of two: three batches, every event chained in order; and a page that wrote
    one event seals it in one transaction (a second, empty batch would cost every audited request a lock)."""
    monkeypatch.setattr("audit.sealing.BATCH", 2)
    user = UserFactory()
    events = [audit.record(LOGIN, actor=user) for _ in range(5)]
    assert seal_pending() == 5
    assert list(Seal.objects.order_by("position").values_list("event_id", flat=True)) == [e.pk for e in events]
    audit.record(LOGIN, actor=user)
    with CaptureQueriesContext(connection) as queries:
        assert seal_pending() == 1
    assert [q["sql"].split()[0] for q in queries].count("SAVEPOINT") == 1  # one atomic block: one batch


def test_events_committed_out_of_id_order_are_chained_in_the_order_they_committed(db):
    user = UserFactory()
    late, early = audit.record(LOGIN, actor=user), audit.record(LOGIN, actor=user)
    PendingSeal.objects.filter(event=late).delete()  # as if `late`'s transaction had not committed yet
    seal_pending()
    PendingSeal.objects.create(event=late)  # it commits after `early` was sealed
    seal_pending()
    assert list(Seal.objects.order_by("position").values_list("event_id", flat=True)) == [early.pk, late.pk]
    call_command("verify_audit")


def test_verify_audit_passes_on_an_intact_chain(three_events, capsys):
    call_command("verify_audit")
    assert "3 events sealed" in capsys.readouterr().out


def test_verify_audit_detects_an_edited_row(three_events):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET actor_name = %s WHERE id = %s", ["someone else", three_events[1].pk])
    with pytest.raises(CommandError, match=f"#{three_events[1].pk}: .*edited"):
        call_command("verify_audit")


def test_verify_audit_detects_an_edited_row_not_yet_sealed(db):
    event = audit.record(LOGIN, actor=UserFactory())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET data = %s WHERE id = %s", ['{"n": 9}', event.pk])
    with pytest.raises(CommandError, match=f"#{event.pk}: .*edited"):
        call_command("verify_audit")


def test_verify_audit_detects_a_removed_row(three_events):
    with connection.cursor() as cursor:  # the attacker removes the event and its link
        cursor.execute("DELETE FROM audit_seal WHERE event_id = %s", [three_events[1].pk])
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [three_events[1].pk])
    with pytest.raises(CommandError, match=f"#{three_events[2].pk}: .*removed"):
        call_command("verify_audit")


def _insert_copy_of(event, cursor, *, digest):
    cursor.execute(
        "INSERT INTO audit_event (occurred_at, action, actor_name, actor_full_name, target_type, target_id,"
        " target_repr, data, nonce, digest) VALUES (%s, %s, %s, '', '', '', '', %s, '', %s)",
        [event.occurred_at, event.action, "intruder", "{}", digest],
    )
    cursor.execute("SELECT max(id) FROM audit_event")
    return cursor.fetchone()[0]


def test_verify_audit_detects_an_inserted_row(three_events):
    with connection.cursor() as cursor:
        inserted = _insert_copy_of(three_events[0], cursor, digest="f" * 64)
    with pytest.raises(CommandError, match=f"#{inserted}: .*inserted"):
        call_command("verify_audit")


def test_verify_audit_detects_an_inserted_row_that_the_sealer_chained(three_events):
    """Queued like a real event, the forged row is sealed — but its digest cannot be made without the key."""
    with connection.cursor() as cursor:
        inserted = _insert_copy_of(three_events[0], cursor, digest="e" * 64)
        cursor.execute("INSERT INTO audit_pendingseal (event_id) VALUES (%s)", [inserted])
    with pytest.raises(CommandError, match=f"#{inserted}: .*edited"):
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
    with pytest.raises(AuditLogImmutable):
        Seal.objects.all().delete()
    assert Event.objects.get(pk=event.pk).actor_name != "forged"


def test_unregistered_actions_are_refused(db):
    with pytest.raises(ValueError, match="unregistered"):
        audit.record("something.made_up", actor=None)
    assert not Event.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_audit_write_does_not_wait_for_another_open_transaction_that_wrote_events():
    """Issue 14: a long import's transaction holds its events uncommitted; a login meanwhile writes its own
    event and commits at once (before: it waited on the chain's advisory lock until the import committed)."""
    importer, visitor = UserFactory(username="importer"), UserFactory(username="visitor")
    import_wrote, import_may_commit, login_done = threading.Event(), threading.Event(), threading.Event()
    failures = []

    def long_import():
        try:
            with transaction.atomic():
                for n in range(3):
                    audit.record(LOGIN, actor=importer, data={"row": n})
                import_wrote.set()
                import_may_commit.wait(timeout=30)
        except Exception as error:  # noqa: BLE001 - reported by the main thread's assert
            failures.append(error)
        finally:
            connections.close_all()

    def login():
        try:
            with transaction.atomic():
                audit.record(LOGIN, actor=visitor)
            login_done.set()
        except Exception as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=long_import)
    first.start()
    assert import_wrote.wait(timeout=10)
    second = threading.Thread(target=login)
    second.start()
    finished_while_import_open = login_done.wait(timeout=5)
    import_may_commit.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert failures == []
    assert finished_while_import_open, "the audit write waited for the other transaction"
    seal_pending()
    assert Seal.objects.count() == 4
    assert Seal.objects.get(position=1).event.actor_name == "visitor"  # committed first, chained first
    call_command("verify_audit")


def test_verify_audit_detects_the_last_sealed_event_edited(three_events):
    """The newest event is as protected as the others: its content is checked against its digest too."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET data = %s WHERE id = %s", ['{"n": 9}', three_events[-1].pk])
    with pytest.raises(CommandError, match=f"#{three_events[-1].pk}: .*edited"):
        call_command("verify_audit")
