"""The inbox (通知): delivering reminders and event notices exactly once, counting and marking them read.

Each app's reminder source says what to remind whom of; the collector (registry.notifications.reminders)
and the event notices (registry.notifications.dispatch) hand unsaved Notification rows to `deliver`, which
stores the new ones; each morning's run mails every user who asked for it one digest of what is new. The
e-mail names no pupil (minors' data stays on the intranet, DOMAIN Confidentiality): it lists the titles and
links to the inbox, where the full text is.
"""

import logging
import uuid
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.models import Notification

logger = logging.getLogger(__name__)


def deliver(candidates) -> list[Notification]:
    """Store the candidates (unsaved Notification rows) that do not exist yet; return the rows this call
    created.

    (recipient, key, day) is unique, so a candidate that exists already — from an earlier run the same
    day, or from a run racing this one — is skipped by the database (`ignore_conflicts`). The rows this
    call inserted are told apart by its own `run` id: two queries, however many candidates. Nothing is
    e-mailed here: the morning digest (`send_digests`) mails what is new.
    """
    run = uuid.uuid4()
    rows, seen = [], set()
    for candidate in candidates:
        identity = (candidate.recipient_id, candidate.key, candidate.day)
        if identity not in seen:
            seen.add(identity)
            candidate.run = run
            rows.append(candidate)
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return list(Notification.objects.filter(run=run).select_related("recipient").order_by("recipient_id", "pk"))


def send_digests() -> int:
    """E-mail each user who asked for it (User.email_notifications, with an address) one digest of their
    unread notifications not mailed yet — the day's reminders and the event notices since the last digest
    — and mark them mailed; return how many e-mails were sent.

    Each notification is mailed at most once: the rows are claimed by one conditional update (`emailed_at`
    still empty) stamped with this run's id, so two runs at once split them and never both mail one. A
    failing mail server is logged, not raised: the notifications are in the inbox all the same."""
    run = uuid.uuid4()
    Notification.objects.filter(
        emailed_at__isnull=True, read_at__isnull=True, recipient__email_notifications=True, recipient__is_active=True
    ).exclude(recipient__email="").update(emailed_at=timezone.now(), run=run)
    claimed = Notification.objects.filter(run=run).select_related("recipient").order_by("recipient_id", "pk")
    messages = []
    inbox_url = settings.SITE_URL.rstrip("/") + reverse("notifications")
    with translation.override(settings.LANGUAGE_CODE):
        for recipient, group in groupby(claimed, key=lambda notification: notification.recipient):
            group = list(group)
            subject = ngettext(
                "Xueji: %(count)d new notification", "Xueji: %(count)d new notifications", len(group)
            ) % {"count": len(group)}
            lines = [_("Hello %(name)s,") % {"name": recipient}, ""]
            lines += [f"- {notification.title}" for notification in group]
            lines += ["", _("Read them in your Xueji inbox: %(url)s") % {"url": inbox_url}]
            messages.append(EmailMessage(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [recipient.email]))
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # the inbox keeps the notifications; a mail outage must not fail the run
        logger.exception("Could not e-mail %d notification digests", len(messages))
        return 0


def unread_by_kind(user) -> list[tuple[str, str, int]]:
    """The user's unread notifications counted per kind, in the kinds' order: (kind, label, count) for each
    kind with any; one query."""
    counts = dict(
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .values_list("kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [(kind, label, counts[kind]) for kind, label in Notification.Kind.choices if counts.get(kind)]


def mark_read(notification):
    """Mark one notification read (once: a second click keeps the first time)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def set_email_notifications(user, *, on: bool):
    """The user's own choice of an e-mail digest of their new notifications (history names them)."""
    with transaction.atomic():
        user.email_notifications = on
        user.save(update_fields=["email_notifications"])
