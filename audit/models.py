from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogImmutable(Exception):
    """Raised by any attempt to edit or delete an audit event."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("audit events cannot be updated")

    def delete(self):
        raise AuditLogImmutable("audit events cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogImmutable("audit events cannot be updated")

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditLogImmutable("audit events are written one by one through audit.record()")


class Event(models.Model):
    """One thing that happened (a login, a reveal, a print, an approval), append-only and hash-chained.

    Each row carries `digest`, a keyed hash of its own content written with it (audit.chain); the chain
    itself is kept apart, in `Seal` rows that the sealer appends after the event's transaction commits
    (audit.sealing), so writing an event reads and locks nothing shared. `manage.py verify_audit` finds an
    edited, inserted or removed row. Rows are written only by `audit.record()`; saving an existing row or
    deleting one raises. Names are copied in (actor_name, target_repr) so the log still reads
    after a user or an object is gone (STYLE 8); the sentence shown to people is rendered at display time
    from `action` and `data` (STYLE 7).
    """

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Which school's and which pupil's record the event concerns, as plain ids (audit imports no domain
    # app, and the log must outlive the rows it names): the audit search scopes a town officer's view by
    # school_pk, a pupil's timeline finds its events by pupil_pk. Part of the hash when set (audit.chain).
    school_pk = models.PositiveBigIntegerField(_("school"), null=True, blank=True, db_index=True)
    # The other school an event concerns (the sending school of a transfer): its town sees the event too.
    other_school_pk = models.PositiveBigIntegerField(_("other school"), null=True, blank=True, db_index=True)
    pupil_pk = models.PositiveBigIntegerField(_("pupil"), null=True, blank=True, db_index=True)
    # The acting user's real name at the time (actor_name is their user name), shown and searched.
    actor_full_name = models.CharField(_("operator's name"), max_length=150, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Random per event, so two events alike in every field (same user, same second) still differ, and a
    # copied row collides with its original on `digest`.
    nonce = models.CharField(_("nonce"), max_length=32, blank=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.actor_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("audit events cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("audit events cannot be deleted")

    @property
    def operator(self):
        """Who acted, as people know them: the real name copied in, else the user name ("" for the system)."""
        return self.actor_full_name or self.actor_name

    @property
    def local_time(self):
        """When it happened, in the site's time zone, as the log and its export show it (formatted here: the
        template's date filter cost the search page a tenth of its time for fifty rows)."""
        return timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M:%S")

    @property
    def is_sealed(self):
        """Whether the sealer has chained the event yet (select_related("seal") avoids a query per row)."""
        return hasattr(self, "seal")


class SealQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("seals cannot be updated")

    def delete(self):
        raise AuditLogImmutable("seals cannot be deleted")


class Seal(models.Model):
    """One link of the hash chain: the event at `position` (1, 2, 3, … with no gap), the previous link's
    hash, and this link's hash over both the previous hash and the event's digest (audit.chain.link_hash).

    Positions are handed out by the one sealer (audit.sealing), in the order events are found committed, so
    the chain never waits for a transaction that is still open. Append-only like the events."""

    position = models.PositiveBigIntegerField(_("position"), primary_key=True)
    event = models.OneToOneField(Event, verbose_name=_("audit event"), on_delete=models.PROTECT, related_name="seal")
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    sealed_at = models.DateTimeField(_("sealed at"))

    objects = SealQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}: #{self.event_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("seals cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("seals cannot be deleted")


class PendingSeal(models.Model):
    """The sealer's queue: one row per event written but not yet chained, inserted in the event's own
    transaction and removed by the sealer when it chains the event (so the sealer reads only what waits)."""

    event = models.OneToOneField(Event, primary_key=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("event awaiting its seal")
        verbose_name_plural = _("events awaiting their seal")

    def __str__(self):
        return f"#{self.event_id}"
