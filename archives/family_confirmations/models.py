"""The confirmation forms' print jobs and the families' returns (学籍基础信息确认表). Imported by archives.models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory
from registry.models import School, SchoolClass, Semester


class ConfirmationPrint(models.Model):
    """The confirmation forms of one class for one semester, one A4 page per pupil on its register,
    rendered a few pupils at a time by a render job (registry.render_jobs) so its page can show the progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RENDERING = "rendering", _("Being produced")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    semester = models.ForeignKey(Semester, verbose_name=_("semester"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("printed by"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("pupils done"), default=0)
    total = models.PositiveIntegerField(_("pupils"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    file = models.FileField(_("file"), upload_to="confirmations/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("confirmation forms print")
        verbose_name_plural = _("confirmation forms prints")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.school_class} · {self.semester}"


class FamilyConfirmation(models.Model):
    """One family's signed form for one semester: confirmed as is, or with corrections — which open the
    information change for the pupil (`change_request` when the town's list sends a field for approval) with
    the scan as its evidence. The scan itself is filed in the pupil's archive (`document`). One per pupil and
    semester: a second return is refused."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed as is")
        CORRECTED = "corrected", _("Corrections asked")

    student = models.ForeignKey(
        "students.Student", verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="family_confirmations"
    )
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    semester = models.ForeignKey(Semester, verbose_name=_("semester"), on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    corrections = models.JSONField(_("corrections"), default=list, blank=True)  # the fields asked to be corrected
    change_request = models.ForeignKey(
        "transfers.ChangeRequest", verbose_name=_("information change request"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    document = models.ForeignKey(
        "archives.ArchiveDocument", verbose_name=_("signed form"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("family confirmation")
        verbose_name_plural = _("family confirmations")
        ordering = ["semester", "school_class", "student"]
        constraints = [
            models.UniqueConstraint(fields=["student", "semester"], name="one_confirmation_per_pupil_and_semester")
        ]

    def __str__(self):
        return f"{self.student} · {self.semester} · {self.get_outcome_display()}"


class ClassScan(models.Model):
    """A class's signed forms scanned as one PDF, its pages in the printed order (one per pupil). The
    registrar previews which page goes to which pupil, then records each return with its page as the scan;
    the page (not the whole class) is what goes into the pupil's archive."""

    school_class = models.ForeignKey(SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+")
    semester = models.ForeignKey(Semester, verbose_name=_("semester"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to="confirmation-scans/%Y/%m/")
    pages = models.PositiveIntegerField(_("pages"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("class scan of confirmation forms")
        verbose_name_plural = _("class scans of confirmation forms")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.school_class} · {self.semester}"
