"""The record request (查询申请) and its printed extract (学号办法 八). Imported by archives.models."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory
from registry.models import School


class RecordRequest(models.Model):
    """A request to see a pupil's record (查询申请). The pupil or a guardian asks in person with proof of
    identity (八1): the registrar records the proof's type and last digits only — never the full number —
    and the request is granted at once. A department of the school asks for its work (八2): the request waits
    for the registry head's approval (someone other than who recorded it) before anything is printed."""

    class Requester(models.TextChoices):
        GUARDIAN = "guardian", _("A guardian")
        PUPIL = "pupil", _("The pupil")
        DEPARTMENT = "department", _("A department of the school")

    class Proof(models.TextChoices):
        ID_CARD = "id_card", _("Resident identity card")
        HOUSEHOLD = "household", _("Household register (户口簿)")
        PASSPORT = "passport", _("Passport or travel permit")
        STAFF_CARD = "staff_card", _("Staff card")
        OTHER = "other", _("Other document")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the registry head")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    archive = models.ForeignKey(
        "archives.ArchiveFile", verbose_name=_("archive file"), on_delete=models.PROTECT,
        related_name="record_requests",
    )  # fmt: skip
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    requester = models.CharField(_("who asks"), max_length=12, choices=Requester.choices)
    requester_name = models.CharField(_("name of the person asking"), max_length=50)
    department = models.CharField(_("department"), max_length=100, blank=True)
    proof_type = models.CharField(_("proof of identity seen"), max_length=12, choices=Proof.choices)
    proof_digits = models.CharField(_("last digits of the proof"), max_length=4)
    purpose = models.CharField(_("purpose"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("record request")
        verbose_name_plural = _("record requests")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester="department") | ~Q(department=""), name="department_query_names_it"
            ),
        ]

    def __str__(self):
        return f"{self.get_requester_display()} {self.requester_name} · {self.archive.student.name}"

    @property
    def proof(self):
        """The proof as recorded: its type and last digits (…1234)."""
        return f"{self.get_proof_type_display()} …{self.proof_digits}"


class RecordExtract(models.Model):
    """One print of a granted request's extract (the basic information form, the enrolment history, the
    status changes; the pupil's ID number in full, the guardians' masked), rendered as a render job."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RENDERING = "rendering", _("Being produced")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    request = models.ForeignKey(
        RecordRequest, verbose_name=_("record request"), on_delete=models.PROTECT, related_name="extracts"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("printed by"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    file = models.FileField(_("file"), upload_to="extracts/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("record extract")
        verbose_name_plural = _("record extracts")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.request} · {self.get_state_display()}"
