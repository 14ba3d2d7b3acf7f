from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory
from registry.models import Authority, School
from students.models import Student
from transfers.kind_registry import KindCodes, kind_choices


class ChangeRequest(models.Model):
    """One lifecycle change of a pupil's record (学籍异动), decided through ordered ApprovalSteps.

    DESIGN §3: the chain of steps comes from the kind (transfers.kinds) when the request is submitted;
    when the last step approves, the kind's effect is applied in the same transaction; a rejection returns
    the request to its initiating school, which amends and resubmits it. One open request per pupil
    (enforced by the database).
    """

    Kind = KindCodes()  # the registered kinds (transfers.kinds): Kind.TRANSFER == "transfer"

    class State(models.TextChoices):
        PENDING = "pending", _("Under review")
        RETURNED = "returned", _("Returned for amendment")
        APPROVED = "approved", _("Approved")
        WITHDRAWN = "withdrawn", _("Withdrawn by the school")

    OPEN_STATES = (State.PENDING, State.RETURNED)

    kind = models.CharField(_("kind"), max_length=30, choices=kind_choices)
    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="change_requests"
    )
    school = models.ForeignKey(
        School, verbose_name=_("initiating school"), on_delete=models.PROTECT, related_name="change_requests"
    )
    counterpart_school = models.ForeignKey(
        School,
        verbose_name=_("other school"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("The sending school of a transfer, the home school of a guest study."),
    )
    payload = models.JSONField(_("details"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    round = models.PositiveSmallIntegerField(_("submission"), default=1)
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("initiated by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(state__in=["pending", "returned"]), name="one_open_request_per_pupil"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.student}"

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES


class ApprovalStep(models.Model):
    """One party's decision on a change request: a school or an authority, with who, when, why, and the
    deadline in working days (DOMAIN: 15 working days for new records, 10 for transfers and deaths).

    Steps of a submission round are decided in `position` order; a resubmission starts a new round and
    keeps the earlier rounds' steps as they were decided.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    request = models.ForeignKey(
        ChangeRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="steps"
    )
    round = models.PositiveSmallIntegerField(_("submission"))
    position = models.PositiveSmallIntegerField(_("position"))
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, null=True, blank=True)
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, null=True, blank=True
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.CharField(_("opinion"), max_length=500, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "round", "position"], name="one_step_per_position"),
            models.CheckConstraint(
                condition=Q(school__isnull=True, authority__isnull=False)
                | Q(school__isnull=False, authority__isnull=True),
                name="step_has_one_party",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="decided_step_names_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["decision", "authority"]), models.Index(fields=["decision", "school"])]

    def __str__(self):
        return f"{self.request} · {self.party}"

    @property
    def party(self):
        return self.school or self.authority


class ImportJob(models.Model):
    """One upload of the new-pupil import template, worked through by a Celery task (DESIGN §6: large
    imports run in the background, idempotent, with progress the page can poll). The file is kept so a
    killed worker's task can run again; the row-by-row report is stored when the job finishes."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Checking and importing")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Not imported")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    created_count = models.PositiveIntegerField(_("pupils imported"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [row, column, message] triples
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    @property
    def finished(self):
        return self.state in (self.State.IMPORTED, self.State.REFUSED)


class Evidence(models.Model):
    """A document attached to a change request (镇制度 四: the guardian applies in writing, with evidence),
    checked by content on upload (PDF, JPEG or PNG only) and served only as a download. Never edited."""

    class Kind(models.TextChoices):
        COMMITMENT_LETTER = "commitment_letter", _("Parents' commitment letter (承诺书)")
        APPLICATION = "application", _("Guardian's written application")
        HOUSEHOLD_PROOF = "household_proof", _("Household register or property certificate")
        JOB_PROOF = "job_proof", _("Proof of the parent's job")
        TRANSFER_FORM_SCAN = "transfer_form_scan", _("Stamped four-copy transfer form (scan)")
        MEDICAL_CERTIFICATE = "medical_certificate", _("Hospital certificate (county level or above)")
        RECOVERY_CERTIFICATE = "recovery_certificate", _("Recovery certificate")
        DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
        IDENTITY_PROOF = "identity_proof", _("Household register page or other proof of the new details")

    request = models.ForeignKey(
        ChangeRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"


class TransferForm(models.Model):
    """One issue of the four-copy transfer form (转学联系单, 一式四份) of a transfer: issue 1 when the transfer
    is started, issue 2 when it is approved. Rendered to PDF by a Celery task; the (request, issue) pair is
    unique, so a task run twice or redelivered after a killed worker still yields one form. The
    verification code lets anyone confirm on a public page that a paper copy is genuine."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RENDERING = "rendering", _("Being produced")
        READY = "ready", _("Ready")

    request = models.ForeignKey(
        ChangeRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="transfer_forms"
    )
    issue = models.PositiveSmallIntegerField(_("issue"))
    serial = models.CharField(_("serial number"), max_length=30, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    file = models.FileField(_("file"), upload_to="transfer-forms/%Y/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("four-copy transfer form")
        verbose_name_plural = _("four-copy transfer forms")
        ordering = ["request", "issue"]
        constraints = [models.UniqueConstraint(fields=["request", "issue"], name="one_form_per_issue")]

    def __str__(self):
        return self.serial


class InformationPolicy(models.Model):
    """A town's list of what an information change (信息变更) may change only with its approval (镇制度 五(三):
    the town office decides; which fields, is the town's configuration). Items are pupil field names,
    `guardian.<field>` and `guardian.members` (transfers.kinds.information_change.fields); the key fields are
    always decided by the town office whatever the list says. A town without a row has the default of
    transfers.kinds.information_change.policy. Changed only through
    `transfers.information.services.set_approval_fields` (history and an event)."""

    authority = models.OneToOneField(
        Authority, verbose_name=_("town office"), on_delete=models.CASCADE, related_name="information_policy"
    )
    approval_items = models.JSONField(_("fields needing the town office's approval"), default=list)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("information change policy")
        verbose_name_plural = _("information change policies")

    def __str__(self):
        return str(self.authority)
