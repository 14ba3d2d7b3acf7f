"""The sealer: chains committed audit events after their transactions, so no audit write waits on another.

`audit.record()` inserts an event and a `PendingSeal` row inside the caller's transaction and takes no lock. After
a commit (`transaction.on_commit` sends the worker a task: audit.tasks.seal_after_commit), and every minute from
celery beat as a safety net, `seal_pending()` takes a short PostgreSQL advisory lock — held only by sealers, for
the few milliseconds of one batch, never across a business transaction — and appends `Seal` links for the events
waiting, at positions it hands out itself (last position + 1, …).

Why positions of its own rather than event ids: ids are drawn when a row is inserted, not when its
transaction commits, so id 100 (a long import) may commit after id 101 (a login) has been sealed. Sealing in
id order would have to wait for gaps that may never fill (a rolled-back transaction leaves one forever). The
sealer instead chains what it finds committed, lowest id first within a batch: the chain is in the order
events became visible, contiguous by construction, and a late event is chained when it arrives. The
uncommitted are invisible to it, so it never reads, waits for or forks around them.
"""

from django.db import connection, transaction
from django.utils import timezone

from audit.chain import GENESIS_HASH, link_hash
from audit.models import Event, PendingSeal, Seal

SEAL_LOCK_KEY = 0x58554A49  # "XUJI": taken only by sealers
BATCH = 1000


def _lock_sealer():
    """Serialise sealers (PostgreSQL; SQLite serialises writers itself). Gives up after 5 s rather than pile
    up: a sealer that gives up leaves its events to the next one.

    A sealer's commit does not wait for the disk (`synchronous_commit = off`: the request that audited does not
    pay a second flush): links are derived data. Were the server to crash in the fraction of a second before the
    write-ahead log reaches the disk, the batch's links and the removal of its pending rows are lost together
    (one transaction, and the log is replayed in order), so those events are pending again and the next sealer
    chains them; the events themselves were committed, and flushed, by the transactions that wrote them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL lock_timeout = '5s'")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])


def seal_batch() -> int:
    """Chain up to BATCH waiting events (lowest id first) after the last link; return how many."""
    with transaction.atomic():
        _lock_sealer()
        head = Seal.objects.order_by("-position").values_list("position", "hash").first()
        position, prev = head if head else (0, GENESIS_HASH)
        waiting = list(
            Event.objects.filter(pk__in=PendingSeal.objects.values("event_id"))
            .order_by("id")
            .values_list("id", "digest")[:BATCH]
        )
        if not waiting:
            return 0
        now, seals = timezone.now(), []
        for event_id, digest in waiting:
            position += 1
            seal = Seal(position=position, event_id=event_id, prev_hash=prev, sealed_at=now)
            seal.hash = prev = link_hash(seal.prev_hash, digest)
            seals.append(seal)
        Seal.objects.bulk_create(seals)
        PendingSeal.objects.filter(event_id__in=[event_id for event_id, _digest in waiting]).delete()
    return len(waiting)


def seal_pending() -> int:
    """Chain every event waiting, batch by batch, until a batch is not full (what commits after it is sealed by
    its own transaction's hook or by beat); return how many were sealed."""
    sealed = 0
    while True:
        count = seal_batch()
        sealed += count
        if count < BATCH:
            return sealed
