"""The semester roll reconciliation's records: the check, its headcounts and differences, returns and signatures."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory
from registry.models import School, SchoolClass
from students.models.pupil import Student


class RollCheck(models.Model):
    """A school's semester roll reconciliation (学期会审, 校制度 第二条; 责任书 二、五、六): per class, the
    pupils on the register as of `check_date` (counted from enrolment spells, never stored) against the
    number actually present, with every difference named and explained.

    States: draft (the registrar prepares) → submitted → signed by the headteacher (only the headteacher;
    the signature freezes a snapshot of every class list with its hash, see RollCheckSignature) → received
    by the town office. A signed check is locked; only the town office reopens it, with a reason, and the
    signed version is kept. One check per school and semester.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the headteacher")
        SIGNED = "signed", _("Signed by the headteacher")
        RECEIVED = "received", _("Received by the town office")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="roll_checks")
    semester = models.ForeignKey(
        "registry.Semester", verbose_name=_("semester"), on_delete=models.PROTECT, related_name="roll_checks"
    )
    check_date = models.DateField(_("check date"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("roll reconciliation")
        verbose_name_plural = _("roll reconciliations")
        ordering = ["semester", "school"]
        constraints = [models.UniqueConstraint(fields=["school", "semester"], name="one_roll_check_per_semester")]

    def __str__(self):
        return f"{self.school} · {self.semester}"

    @property
    def locked(self):
        return self.state in (self.State.SIGNED, self.State.RECEIVED)


class RollCheckClass(models.Model):
    """The headcount of one class: how many pupils were actually present on the check date."""

    reconciliation = models.ForeignKey(
        RollCheck, verbose_name=_("reconciliation"), on_delete=models.CASCADE, related_name="classes"
    )
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    present = models.PositiveSmallIntegerField(_("present"), null=True, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("class headcount")
        verbose_name_plural = _("class headcounts")
        ordering = ["reconciliation", "school_class__grade", "school_class__number"]
        constraints = [
            models.UniqueConstraint(fields=["reconciliation", "school_class"], name="one_headcount_per_class")
        ]

    def __str__(self):
        return f"{self.school_class}: {self.present}"


class RollDiscrepancy(models.Model):
    """A name that differs between register and classroom: a registered-but-absent pupil (有籍无生), picked
    from the class list, or a present-but-unregistered child (有生无籍), entered by name. Each needs a reason
    and an action before the headteacher can sign."""

    class Kind(models.TextChoices):
        ABSENT = "absent", _("Registered but absent (有籍无生)")
        UNREGISTERED = "unregistered", _("Present but unregistered (有生无籍)")

    class Action(models.TextChoices):
        TRANSFER_OUT = "transfer_out_external", _("Transfer out")
        SUSPENSION = "suspension", _("Suspension")
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        EXPLAINED = "explained", _("Explained, no change needed")
        REGISTRATION = "registration", _("Registration")
        GUEST_STUDY = "guest_study", _("Guest study")

    ACTIONS = {
        Kind.ABSENT: (Action.TRANSFER_OUT, Action.SUSPENSION, Action.WITHDRAWAL, Action.EXPLAINED),
        Kind.UNREGISTERED: (Action.REGISTRATION, Action.GUEST_STUDY, Action.EXPLAINED),
    }

    reconciliation = models.ForeignKey(
        RollCheck, verbose_name=_("reconciliation"), on_delete=models.CASCADE, related_name="discrepancies"
    )
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=50)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=25, choices=Action.choices, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["reconciliation", "school_class__grade", "school_class__number", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="absent", student__isnull=False) | Q(kind="unregistered", student__isnull=True),
                name="absent_pupil_is_on_the_register",
            ),
            models.UniqueConstraint(fields=["reconciliation", "student"], name="one_discrepancy_per_pupil"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name}"


class RollCheckReturn(models.Model):
    """The headteacher sending a submitted reconciliation back to the registrar: who, when and why (issue 17:
    the registrar must see why it came back; the page lists every return, oldest first)."""

    reconciliation = models.ForeignKey(
        RollCheck, verbose_name=_("reconciliation"), on_delete=models.PROTECT, related_name="returns"
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("returned by"), on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"))
    reason = models.CharField(_("reason for sending it back"), max_length=500)

    class Meta:
        verbose_name = _("return of a roll reconciliation")
        verbose_name_plural = _("returns of roll reconciliations")
        ordering = ["reconciliation", "returned_at", "pk"]

    def __str__(self):
        return f"{self.reconciliation} · {self.returned_at:%Y-%m-%d}"


class RollCheckSignature(models.Model):
    """The headteacher's signature of a reconciliation: who, when, and the frozen snapshot of every class's
    list and counts with its SHA-256, so what was signed can be shown and printed later unchanged whatever
    happens to the register afterwards. A reopening supersedes it (with who and why) but never deletes it."""

    reconciliation = models.ForeignKey(
        RollCheck, verbose_name=_("reconciliation"), on_delete=models.PROTECT, related_name="signatures"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    snapshot = models.JSONField(_("snapshot"))
    snapshot_hash = models.CharField(_("snapshot SHA-256"), max_length=64)
    superseded_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reopen_reason = models.CharField(_("reason for reopening"), max_length=300, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["reconciliation", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reconciliation"], condition=Q(superseded_at__isnull=True), name="one_valid_signature"
            ),
        ]

    def __str__(self):
        return f"{self.reconciliation} · {self.signed_by} · {self.signed_at:%Y-%m-%d %H:%M}"
