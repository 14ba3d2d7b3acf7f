"""The audit chain's hashes against their documented form (audit.chain's docstring), computed here with hmac
and json directly: a log written today must still verify after an upgrade, and with another key nothing
verifies. Also the walk of a log longer than one chunk, and who gets the alarm."""

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import pytest
from django.core import mail
from django.db import connection
from django.utils import translation

import audit
from audit import integrity
from audit.chain import GENESIS_HASH, event_digest, first_bad_unsealed, link_hash
from audit.integrity import administrators_to_alert, find_break, verify_chain
from audit.models import Event, Seal
from audit.types import LOGIN
from tests.factories import UserFactory

BEIJING = timezone(timedelta(hours=8))


def _reference_mac(key, message):
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _event():
    """An event as the log holds it, its time in Beijing time (the digest is over UTC)."""
    return Event(
        occurred_at=datetime(2026, 11, 30, 9, 15, 0, tzinfo=BEIJING), action="students.record.viewed",
        actor_id=7, actor_name="reg01", actor_full_name="王老师", target_type="students.student", target_id="42",
        target_repr="林晓雨", ip_address="10.0.0.8", school_pk=3, other_school_pk=None, pupil_pk=42,
        data={"fields": ["id_number"], "说明": "查看"}, nonce="abc123",
    )  # fmt: skip


def _documented_digest(key):
    payload = {
        "at": "2026-11-30T01:15:00+00:00", "action": "students.record.viewed", "actor_id": 7,
        "actor_name": "reg01", "actor_full_name": "王老师", "target_type": "students.student", "target_id": "42",
        "target_repr": "林晓雨", "ip": "10.0.0.8", "school_pk": 3, "other_school_pk": None, "pupil_pk": 42,
        "data": {"fields": ["id_number"], "说明": "查看"}, "nonce": "abc123",
    }  # fmt: skip
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _reference_mac(key, "event:" + canonical)


def test_an_event_digest_is_the_keyed_hash_of_its_canonical_json(settings):
    settings.AUDIT_CHAIN_KEY = "chain-key-of-the-county"
    assert event_digest(_event()) == _documented_digest("chain-key-of-the-county")


def test_a_link_hash_is_the_keyed_hash_of_the_previous_hash_and_the_digest(settings):
    settings.AUDIT_CHAIN_KEY = "chain-key-of-the-county"
    digest = "d" * 64
    expected = _reference_mac("chain-key-of-the-county", f"link:{GENESIS_HASH}:{digest}")
    assert link_hash(GENESIS_HASH, digest) == expected


def test_without_a_chain_key_the_secret_key_keys_the_hashes(settings):
    settings.AUDIT_CHAIN_KEY = ""
    settings.SECRET_KEY = "the-site-secret-key-of-at-least-fifty-characters-000000"
    assert event_digest(_event()) == _documented_digest(settings.SECRET_KEY)


def test_a_digest_made_with_another_key_does_not_verify(settings):
    settings.AUDIT_CHAIN_KEY = "chain-key-of-the-county"
    genuine = event_digest(_event())
    settings.AUDIT_CHAIN_KEY = "a-guessed-key"
    assert event_digest(_event()) != genuine
    assert link_hash(GENESIS_HASH, genuine) != _reference_mac(
        "chain-key-of-the-county", f"link:{GENESIS_HASH}:{genuine}"
    )


def _tamper(event):
    with connection.cursor() as cursor:  # a database-level edit, past the application
        cursor.execute("UPDATE audit_event SET actor_name = %s WHERE id = %s", ["someone else", event.pk])


def test_a_log_longer_than_one_chunk_is_walked_to_its_end(db, monkeypatch):
    monkeypatch.setattr(integrity, "CHUNK", 2)
    user = UserFactory()
    events = [audit.record(LOGIN, actor=user, data={"n": n}) for n in range(7)]
    assert find_break() is None
    assert Seal.objects.count() == 7
    _tamper(events[-1])
    broken = find_break()
    assert (broken.event_id, broken.problem) == (events[-1].pk, "edited")


@pytest.fixture
def administrators(db):
    return [
        UserFactory(username="root2", email="root2@example.cn", is_superuser=True),
        UserFactory(username="root1", email="root1@example.cn", is_superuser=True),
        UserFactory(username="root-left", email="left@example.cn", is_superuser=True, is_active=False),
        UserFactory(username="root-no-mail", email="", is_superuser=True),
        UserFactory(username="clerk", email="clerk@example.cn"),
    ]


def test_the_alarm_goes_to_active_administrators_with_an_address_and_to_admins_once(administrators, settings):
    settings.ADMINS = [("Ops", "ops@example.cn"), ("Root", "root1@example.cn")]
    assert administrators_to_alert() == ["root2@example.cn", "root1@example.cn", "ops@example.cn"]


def test_an_intact_chain_raises_no_alarm_and_a_broken_one_mails_once(
    administrators, django_capture_on_commit_callbacks
):
    user = UserFactory()
    events = [audit.record(LOGIN, actor=user, data={"n": n}) for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_chain() is None
    assert mail.outbox == []
    _tamper(events[1])
    with django_capture_on_commit_callbacks(execute=True):
        broken = verify_chain()
    assert (broken.event_id, broken.problem) == (events[1].pk, "edited")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["root2@example.cn", "root1@example.cn"]
    assert f"#{events[1].pk}" in mail.outbox[0].body


@pytest.fixture
def sealed_three(db):
    user = UserFactory()
    events = [audit.record(LOGIN, actor=user, data={"n": n}) for n in range(3)]
    assert find_break() is None  # seals them
    return events


@pytest.mark.parametrize(
    ("change", "at", "problem"),
    [
        ("position = 5 WHERE position = 3", 2, "removed"),  # a gap: a link before it is gone
        (f"prev_hash = '{'a' * 64}' WHERE position = 2", 1, "removed"),  # no longer follows its predecessor
        (f"hash = '{'b' * 64}' WHERE position = 3", 2, "edited"),  # the newest link's own hash forged
    ],
    ids=["position_gap", "prev_hash", "last_hash"],
)
def test_a_link_changed_in_the_database_is_named(sealed_three, change, at, problem):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_seal SET " + change)
    broken = find_break()
    assert (broken.event_id, broken.problem) == (sealed_three[at].pk, problem)


def test_an_event_committed_during_the_walk_is_checked_against_its_digest(db):
    """Events that commit while the walk runs are not sealed yet: each must be queued for its seal and still
    match its digest."""
    user = UserFactory()
    queued = [audit.record(LOGIN, actor=user, data={"n": n}) for n in range(2)]
    pending = {event.pk for event in queued}
    assert first_bad_unsealed(queued, pending) is None
    queued[1].actor_name = "someone else"
    broken = first_bad_unsealed(queued, pending)
    assert (broken.event_id, broken.problem) == (queued[1].pk, "edited")
    broken = first_bad_unsealed(queued, {queued[1].pk})
    assert (broken.event_id, broken.problem) == (queued[0].pk, "inserted")


def test_the_alarm_says_where_and_what_and_what_to_do(administrators, django_capture_on_commit_callbacks, settings):
    settings.DEFAULT_FROM_EMAIL = "xueji@town.example.cn"
    events = [audit.record(LOGIN, actor=UserFactory(), data={"n": n}) for n in range(2)]
    _tamper(events[0])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        verify_chain()
    (message,) = mail.outbox
    assert message.from_email == "xueji@town.example.cn"
    assert message.subject == "[Xueji] The audit log has been tampered with"
    assert message.body == (
        f"The nightly check of the audit log found the hash chain broken at event #{events[0].pk}: its content does"
        " not match its hash (the row was edited).\nCheck the database's access logs and restore the audit table"
        " from a backup; `manage.py verify_audit` repeats the check."
    )


def test_an_event_queued_after_the_sealer_ran_is_not_taken_for_an_inserted_one(db, monkeypatch):
    """Events that commit while the check walks the chain wait in the sealer's queue, unsealed."""
    monkeypatch.setattr(integrity, "seal_pending", lambda: None)
    event = audit.record(LOGIN, actor=UserFactory())
    assert not Seal.objects.filter(event=event).exists()
    assert find_break() is None
