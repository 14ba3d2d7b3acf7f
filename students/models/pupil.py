"""The pupil and their record: identity, family members, enrolment spells, suspensions, guest study."""

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf, Substr, Upper
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory
from registry.models import School, SchoolClass
from students import codes


class OnRecordManager(models.Manager):
    """Pupils not removed: a pupil removed as entered in error (students.problems.services.remove_pupil) is
    off every register, list and count, while the row, its history and its audit events stay."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


# The national template's required fields (★, DOMAIN Code tables) that the record holds as text.
REQUIRED_TEXT_FIELDS = (
    "name", "birthplace", "native_place", "ethnicity", "nationality", "id_type", "overseas_status",
    "household_place", "household_type", "home_address", "phone", "health", "entry_method", "boarding",
)  # fmt: skip


def incomplete_record():
    """A record with a required text field empty, or without an ID number although its ID type needs one:
    the condition of the partial index `incomplete_pupils` and of the problem check that uses it
    (students.problems.detection), so the check reads the few incomplete records, never the county."""
    empty = Q(id_number="") & ~Q(id_type=codes.IdType.OTHER)
    for name in REQUIRED_TEXT_FIELDS:
        empty |= Q(**{name: ""})
    return empty


def id_number_in_another_spelling():
    """A record not removed whose ID number is stored with a lower-case x: it may be another record's number
    (the partial index `id_numbers_spelt_otherwise`, read by the duplicate check)."""
    return Q(removed_at__isnull=True) & ~Q(id_number=Upper("id_number"))


def foreign_g_number():
    """A record not removed whose `G` national number is not `G` + its own ID number: the ID number inside
    may be another record's (the partial index `foreign_g_numbers`, read by the duplicate check)."""
    return Q(removed_at__isnull=True, national_number__startswith="G") & ~Q(
        Exact(Substr("national_number", 2), F("id_number"))
    )


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
    national_number = models.CharField(  # noqa: DJ001 (NULL until approval: nulls never collide in the unique constraint)
        _("national student number"), max_length=19, null=True, blank=True
    )
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
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True, editable=False)
    removal_reason = models.CharField(_("reason for removal"), max_length=200, blank=True, editable=False)

    history = RegistryHistory()
    objects = OnRecordManager()
    all_records = models.Manager()  # noqa: DJ012 (a second manager, not a field)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        indexes = [
            models.Index(fields=["name_folded", "birth_date", "sex"]),
            models.Index(fields=["removed_at"], condition=Q(removed_at__isnull=False), name="removed_pupils"),
            models.Index(fields=["id"], condition=incomplete_record(), name="incomplete_pupils"),
            models.Index(fields=["id"], condition=id_number_in_another_spelling(), name="id_numbers_spelt_otherwise"),
            models.Index(fields=["id"], condition=foreign_g_number(), name="foreign_g_numbers"),
            # the same-person check (students.problems.detection): the few records without an ID number, and
            # the records sharing one's name (simplified, else as written), birth date and sex
            models.Index(fields=["id"], condition=Q(id_number="", removed_at__isnull=True), name="without_id_number"),
            models.Index(Coalesce(NullIf("name_folded", Value("")), "name"), "birth_date", "sex", name="same_person"),
        ]
        constraints = [
            # 一生一籍 (办法 第六条): one record per ID number and per national number anywhere in the system;
            # a record removed as entered in error no longer holds its numbers.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number="") & Q(removed_at__isnull=True),
                name="one_record_per_id_number",
            ),
            models.UniqueConstraint(
                fields=["national_number"], condition=Q(removed_at__isnull=True), name="one_record_per_national_number"
            ),
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


def removed_pupils():
    """The ids of the pupils removed as entered in error (a handful; a partial index holds them)."""
    return Student.all_records.filter(removed_at__isnull=False).values("pk")


class RegisterManager(models.Manager):
    """Spells of pupils not removed: a removed pupil is on no register, past or present."""

    def get_queryset(self):
        return super().get_queryset().exclude(student_id__in=removed_pupils())


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
    objects = RegisterManager()
    all_spells = models.Manager()  # noqa: DJ012 (a second manager, not a field)

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
