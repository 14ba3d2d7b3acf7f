"""The inbox (通知): delivering reminders and event notices exactly once, counting and marking them read.

Each app's reminder source says what to remind whom of; the collector (registry.notifications.reminders)
hands unsaved Notification rows to `deliver`; this module stores the new ones and e-mails them. The e-mail
is a short digest that names no pupil (minors' data stays on the intranet, DOMAIN Confidentiality): it lists
the reminders' titles and links to the inbox, where the full text is.
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
    """Store the candidates (unsaved Notification rows) that do not exist yet and e-mail those; return the
    rows this call created.

    (recipient, key, day) is unique, so a candidate that exists already — from an earlier run the same
    day, or from a run racing this one — is skipped by the database (`ignore_conflicts`). The rows this
    call inserted are told apart by its own `run` id, so each reminder is e-mailed by exactly the run that
    created it: two queries, however many candidates.
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
    created = list(Notification.objects.filter(run=run).select_related("recipient").order_by("recipient_id", "pk"))
    send_digests(created)
    return created


def send_digests(notifications):
    """One e-mail per recipient with an address who asked for e-mail (User.email_notifications), listing
    their new notifications. A failing mail server is
    logged, not raised: the reminders are in the inbox all the same."""
    messages = []
    inbox_url = settings.SITE_URL.rstrip("/") + reverse("notifications")
    with translation.override(settings.LANGUAGE_CODE):
        for recipient, group in groupby(notifications, key=lambda notification: notification.recipient):
            if not recipient.email or not recipient.email_notifications:
                continue
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
    except Exception:  # the inbox keeps the reminders; a mail outage must not fail the run
        logger.exception("Could not e-mail %d reminder digests", len(messages))
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
