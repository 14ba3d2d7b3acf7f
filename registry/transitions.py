"""One conditional transition (DESIGN §3, STYLE 1): `UPDATE … SET changes WHERE pk = … AND <expected>`, so
of two clicks at once exactly one wins; the winner's row is then saved once more so django-simple-history
writes the history row (a bare `QuerySet.update()` writes none) naming the actor and the reason; then the
audit event. Run it inside the caller's transaction."""

from contextlib import nullcontext

from audit.history import acting_as


def transition(instance, *, expected, changes, actor, reason=None, event=None) -> bool:
    """Apply `changes` to `instance` if its row still matches `expected` (field lookups); refresh `instance`
    either way (so a loser can say who won). When this call won: the history row, with `actor` and `reason`
    (else the enclosing `acting_as`'s), and `event(instance)` if given. Returns whether it won."""
    model = type(instance)
    won = model._default_manager.filter(pk=instance.pk, **expected).update(**changes)
    instance.refresh_from_db()
    if won:
        with acting_as(actor, reason) if reason is not None else nullcontext():
            instance.save()
        if event is not None:
            event(instance)
    return bool(won)
