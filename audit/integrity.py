"""The nightly check of the audit log (等保 2.0 audit-record protection): walk the hash chain and, on a
break, raise the alarm in the log itself and by e-mail to the administrators."""

from contextlib import closing

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from audit import events
from audit.chain import BrokenLink, first_bad_unsealed, first_broken_link
from audit.models import Event, PendingSeal, Seal
from audit.sealing import seal_pending
from audit.types import describe_problem

CHUNK = 2000


def _seal_chunks():
    chunk, last = [], 0
    while True:
        chunk = list(Seal.objects.filter(position__gt=last).order_by("position")[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].position


def find_break() -> BrokenLink | None:
    """Seal what waits, then walk the chain link by link (in chunks, so memory stays flat however long the
    log), then check the events still unsealed (those whose transaction committed while we walked)."""
    seal_pending()
    broken = first_broken_link(_seal_chunks(), lambda ids: Event.objects.in_bulk(ids))
    if broken is not None:
        return broken
    pending = set(PendingSeal.objects.values_list("event_id", flat=True))
    # closed at once: a cursor left to the garbage collector after the connection closed prints a traceback
    with closing(Event.objects.filter(seal__isnull=True).order_by("id").iterator(CHUNK)) as unsealed:
        return first_bad_unsealed(unsealed, pending)


def administrators_to_alert() -> list[str]:
    """E-mail addresses of the active administrators (superusers), plus settings.ADMINS."""
    users = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    addresses = list(users.order_by("pk").values_list("email", flat=True))
    addresses += [address for _name, address in settings.ADMINS if address not in addresses]
    return addresses


def verify_chain() -> BrokenLink | None:
    """Check every event in id order, reading them in chunks so memory stays flat however long the log.

    On a break: an "audit.chain_broken" event naming the first broken row, and one e-mail to the
    administrators sent once that event is committed. Returns the break, or None when the chain holds.
    """
    broken = find_break()
    if broken is None:
        return None
    with transaction.atomic():
        events.chain_broken(broken)
        recipients = administrators_to_alert()
        if recipients:
            transaction.on_commit(lambda: _send_alarm(broken, recipients))
    return broken


def _send_alarm(broken, recipients):
    problem = describe_problem(broken.problem)
    send_mail(
        _("[Xueji] The audit log has been tampered with"),
        _(
            "The nightly check of the audit log found the hash chain broken at event #%(event)s: %(problem)s.\n"
            "Check the database's access logs and restore the audit table from a backup; "
            "`manage.py verify_audit` repeats the check."
        )
        % {"event": broken.event_id, "problem": problem},
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


