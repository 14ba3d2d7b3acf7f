from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory
from registry.models import School, SchoolClass
from students import codes


class Student(models.Model):
    """A pupil (学生) with the national basic-information fields of 学生基本信息表 (镇制度 三(二)1).

    `national_number` (学籍号) is `G` + the ID number, or `J…` for a pupil without one; it is unique and,
    once given, never reused or changed except through an approved key-information change (一人一号，终身
    不变). It stays empty until the town office approves the registration. Where the pupil is enrolled lives
    in EnrolmentSpell rows, never in a field set by hand.
    """

    name = models.CharField(_("full name"), max_length=50)
    former_name = models.CharField(_("former name"), max_length=50, blank=True)
    name_folded = models.CharField(_("name in simplified characters"), max_length=50, blank=True, editable=False)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, blank=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=codes.Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_type = models.CharField(_("ID type"), max_length=1, choices=codes.IdType.choices, default=codes.IdType.RESIDENT)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    national_number = models.CharField(_("national student number"), max_length=19, null=True, blank=True, unique=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=codes.Ethnicity.choices, default="01")
    nationality = models.CharField(_("nationality"), max_length=3, default="CHN")
    overseas_status = models.CharField(
        _("Hong Kong, Macao, Taiwan or overseas Chinese"),
        max_length=2,
        choices=codes.OverseasStatus.choices,
        default="00",
    )
    birthplace = models.CharField(_("birthplace"), max_length=100)
    native_place = models.CharField(_("native place"), max_length=100)
    household_place = models.CharField(_("household registration place"), max_length=200)
    household_type = models.CharField(
        _("household registration type"), max_length=1, choices=codes.HouseholdType.choices
    )
    home_address = models.CharField(_("home address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20)
    health = models.CharField(_("health"), max_length=2, choices=codes.Health.choices, default="10")
    only_child = models.BooleanField(_("only child"), default=False)
    left_behind = models.CharField(_("left-behind child"), max_length=1, choices=codes.LeftBehind.choices, default="0")
    migrant_worker_child = models.BooleanField(_("migrant worker's child"), default=False)
    orphan = models.BooleanField(_("orphan"), default=False)
    disabled = models.BooleanField(_("disability"), default=False)
    inclusive_education = models.BooleanField(_("learning in a regular class (随班就读)"), default=False)
    preschool = models.BooleanField(_("pre-school education"), default=True)
    entry_date = models.DateField(_("entry date"))
    entry_method = models.CharField(
        _("entry method"), max_length=2, choices=codes.EntryMethod.choices, default=codes.EntryMethod.CATCHMENT
    )
    boarding = models.CharField(_("boarding"), max_length=1, choices=codes.Boarding.choices, default=codes.Boarding.DAY)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        indexes = [models.Index(fields=["name_folded", "birth_date", "sex"])]
        constraints = [
            # 一生一籍 (办法 第六条): one record per ID number anywhere in the system.
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""), name="one_record_per_id_number"),
            models.CheckConstraint(
                condition=Q(national_number__isnull=True)
                | Q(national_number__startswith="G")
                | Q(national_number__startswith="J")
                | Q(national_number__startswith="L"),
                name="national_number_form",
            ),
        ]

    def __str__(self):
        return self.name


class Guardian(models.Model):
    """A family member or guardian of a pupil; the national template requires two (镇制度 三(二)1)."""

    student = models.ForeignKey(Student, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("full name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=2, choices=codes.GuardianRelation.choices)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    employer = models.CharField(_("employer"), max_length=100, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["student", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_relation_display()}）"


class EnrolmentSpell(models.Model):
    """A period in which a pupil is on one school's register (在籍), in one class and grade.

    A pupil has at most one open spell (the database enforces it); a spell closes with an exit reason
    when a status change takes effect (transfer out, withdrawal, death, graduation).
    """

    class EntryReason(models.TextChoices):
        REGISTRATION = "registration", _("New-student registration")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        RESUMPTION = "resumption", _("Resumption")
        PROMOTION = "promotion", _("Promotion")
        CLASS_CHANGE = "class_change", _("Class change")

    class ExitReason(models.TextChoices):
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECEASED = "deceased", _("Deceased")
        GRADUATED = "graduated", _("Graduated")
        PROMOTED = "promoted", _("Promoted")
        PLACED = "placed", _("Placed in another grade or class")

    student = models.ForeignKey(Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="spells")
    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="spells")
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="spells", null=True, blank=True
    )
    grade = models.PositiveSmallIntegerField(_("grade"))
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    entry_reason = models.CharField(_("entry reason"), max_length=20, choices=EntryReason.choices)
    exit_reason = models.CharField(_("exit reason"), max_length=20, choices=ExitReason.choices, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("enrolment spell")
        verbose_name_plural = _("enrolment spells")
        ordering = ["student", "started_on"]
        constraints = [
            models.UniqueConstraint(fields=["student"], condition=Q(ended_on__isnull=True), name="one_open_spell"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="spell_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, exit_reason="") | (Q(ended_on__isnull=False) & ~Q(exit_reason="")),
                name="closed_spell_has_exit_reason",
            ),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=9), name="spell_grade_1_to_9"),
        ]
        indexes = [models.Index(fields=["school", "ended_on"])]

    def __str__(self):
        return f"{self.student} @ {self.school} ({self.started_on} – {self.ended_on or ''})"


class Suspension(models.Model):
    """A suspension of study (休学): the pupil stays on the school's register (the enrolment spell stays open)
    but is not attending. DOMAIN: one year at a time, extensions allowed, consecutive suspension normally at
    most two years; `ended_on` is set when the pupil resumes (复学). At most one open suspension per pupil."""

    student = models.ForeignKey(Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="suspensions")
    started_on = models.DateField(_("from"))
    ends_on = models.DateField(_("planned end"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["student", "started_on"]
        constraints = [
            models.UniqueConstraint(fields=["student"], condition=Q(ended_on__isnull=True), name="one_open_suspension"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("started_on")), name="suspension_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.student} {self.started_on} – {self.ends_on}"


class GuestStudy(models.Model):
    """Guest study (借读): the pupil studies at the host school while the record stays at the home school
    (DOMAIN Status changes). At most one open guest study per pupil; `ended_on` closes it."""

    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="guest_studies"
    )
    host_school = models.ForeignKey(
        School, verbose_name=_("host school"), on_delete=models.PROTECT, related_name="guest_pupils"
    )
    host_class = models.ForeignKey(
        SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_on = models.DateField(_("from"))
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("guest study")
        verbose_name_plural = _("guest studies")
        ordering = ["student", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(ended_on__isnull=True), name="one_open_guest_study"
            ),
        ]

    def __str__(self):
        return f"{self.student} @ {self.host_school}"


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


class SchoolNumberFormat(models.Model):
    """How a school builds its pupils' school numbers (学号办法): parts in order, each with its width, e.g.
    "year:4 class:2 seat:2" → 20260315. Parts: year (entry year), code (the school's internal code), grade,
    class (class number), seat (the running number that makes the number unique, never reused)."""

    DEFAULT_PARTS = "year:4 class:2 seat:2"

    school = models.OneToOneField(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="school_number_format"
    )
    parts = models.CharField(_("parts of the school number"), max_length=100, default=DEFAULT_PARTS)
    internal_code = models.CharField(_("school's internal code"), max_length=10, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("school number format")
        verbose_name_plural = _("school number formats")

    def __str__(self):
        return self.parts


class SchoolNumber(models.Model):
    """A pupil's number at one school (学号): unique within the school for ever — a retired number stays
    here, so it is never handed out again; at most one current number per pupil and school."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="school_numbers"
    )
    number = models.CharField(_("school number"), max_length=30)
    assigned_on = models.DateField(_("assigned on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("school number")
        verbose_name_plural = _("school numbers")
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="school_number_never_reused"),
            models.UniqueConstraint(
                fields=["school", "student"], condition=Q(retired_on__isnull=True), name="one_current_school_number"
            ),
        ]

    def __str__(self):
        return self.number
