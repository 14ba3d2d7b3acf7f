"""The hash chain over audit events: each event's digest, each link's hash, and the walk that checks them.

An event's digest is a keyed hash (HMAC-SHA256 under `settings.AUDIT_CHAIN_KEY`, a secret kept out of the
database) of its content, written with the event. A link (`Seal`) hashes the previous link's hash and the
event's digest — not the event's data — so a personal detail could later be redacted from an event (its
digest kept) without breaking the chain. Without the key nobody can make a digest or a link that verifies.
"""

import hmac
import json
from dataclasses import dataclass
from datetime import UTC
from hashlib import sha256

from django.conf import settings

GENESIS_HASH = "0" * 64


def _mac(message: str) -> str:
    key = (getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY).encode("utf-8")
    return hmac.new(key, message.encode("utf-8"), sha256).hexdigest()


def event_digest(event) -> str:
    """The keyed hash of every content field of the event, in a canonical JSON form."""
    payload = {
        "at": event.occurred_at.astimezone(UTC).isoformat(),
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "actor_full_name": event.actor_full_name,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "ip": event.ip_address,
        "school_pk": event.school_pk,
        "other_school_pk": event.other_school_pk,
        "pupil_pk": event.pupil_pk,
        "data": event.data,
        "nonce": event.nonce,
    }
    return _mac("event:" + json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def link_hash(prev_hash: str, digest: str) -> str:
    """A link's hash: the previous link's hash and the event's digest."""
    return _mac(f"link:{prev_hash}:{digest}")


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    # "edited": the event's content (or digest) no longer matches what was sealed or written;
    # "removed": a link or event before this one in the chain is gone (or this event's row is);
    # "inserted": an event that never went through audit.record()'s queue, or a link made without the key.
    problem: str


def first_broken_link(seals, events_by_id) -> BrokenLink | None:
    """Walk `seals` in position order; return the first link whose position, previous hash, event or hash
    is wrong. `events_by_id(ids)` returns {id: event} for the events of a chunk of seals."""
    expected_prev, expected_position = GENESIS_HASH, 1
    for chunk in seals:
        events = events_by_id([seal.event_id for seal in chunk])
        for seal in chunk:
            event = events.get(seal.event_id)
            if seal.position != expected_position or seal.prev_hash != expected_prev or event is None:
                return BrokenLink(seal.event_id, "removed")
            if event_digest(event) != event.digest:
                return BrokenLink(event.pk, "edited")
            if link_hash(seal.prev_hash, event.digest) != seal.hash:
                return BrokenLink(event.pk, "edited")
            expected_prev, expected_position = seal.hash, expected_position + 1
    return None


def first_bad_unsealed(events, pending_ids) -> BrokenLink | None:
    """Among events not yet sealed: the first one that never entered the sealer's queue (inserted past
    audit.record()) or whose content does not match its digest (edited, or made up without the key)."""
    for event in events:
        if event.pk not in pending_ids:
            return BrokenLink(event.pk, "inserted")
        if event_digest(event) != event.digest:
            return BrokenLink(event.pk, "edited")
    return None
