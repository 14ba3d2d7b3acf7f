"""The hash chain over audit events: how a row's hash is computed and how the chain is checked."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

GENESIS_HASH = "0" * 64


def event_digest(event) -> str:
    """SHA-256 over the previous hash and every content field of the event, in a canonical JSON form.

    `school_pk` and `pupil_pk` (added after the first events were written) count only when set: rows
    written before them hash as they always did, and setting or clearing either on any row breaks its hash.
    """
    payload = {
        "prev": event.prev_hash,
        "at": event.occurred_at.astimezone(UTC).isoformat(),
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "ip": event.ip_address,
        "data": event.data,
    }
    for key in ("school_pk", "pupil_pk"):
        if getattr(event, key, None) is not None:
            payload[key] = getattr(event, key)
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    problem: str  # "edited" (content does not match its hash) or "unlinked" (previous row removed/replaced)


def first_broken_link(events) -> BrokenLink | None:
    """Walk events in id order; return the first row whose content or link to its predecessor is wrong."""
    expected_prev = GENESIS_HASH
    for event in events:
        if event.prev_hash != expected_prev:
            return BrokenLink(event.pk, "unlinked")
        if event_digest(event) != event.hash:
            return BrokenLink(event.pk, "edited")
        expected_prev = event.hash
    return None
