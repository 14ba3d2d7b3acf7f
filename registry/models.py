from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory


class User(AbstractUser):
    """A staff account. What it may see and do comes from its roles (registry.roles), which are
    django-guardian object permissions on one School or Authority row (DESIGN §4)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # 2025 MoE revision (periodic password change): registry.middleware.PasswordAgeMiddleware sends a user
    # whose password is older than PASSWORD_MAX_AGE_DAYS to change it.
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    # The interface language the user chose with the selector; empty: Chinese (registry.accounts.language).
    language = models.CharField(_("interface language"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # A one-time password set by an administrator or officer (registry.accounts.staff): the middleware sends
    # the user to change it before anything else; choosing a password of their own clears it.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # issue 17: an optional e-mail digest of new notifications, per user (the inbox has them either way)
    email_notifications = models.BooleanField(
        _("e-mail me a morning digest of my new notifications"),
        default=True,
        help_text=_("One short e-mail each morning listing new notifications' titles; it names no pupil."),
    )

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    def __str__(self):
        return self.full_name or self.get_username()

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self.must_change_password = False


class Authority(models.Model):
    """An education authority: the county bureau (区/县教育局) or a town office (镇教办), as a tree.

    镇制度 二 / 办法 第三条: the authority approves its schools' registrations and status changes, so a town
    officer's scope is the authority and every school under it.
    """

    class Level(models.TextChoices):
        COUNTY = "county", _("County education bureau")
        TOWN = "town", _("Town education office")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{6}(\d{3})?$", _("Enter a 6- or 9-digit administrative division code."))],
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["code"]
        permissions = [("act_as_officer", _("Act as officer of this authority"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="county", parent__isnull=True) | Q(level="town", parent__isnull=False),
                name="authority_town_has_county_parent",
            ),
        ]

    def __str__(self):
        return self.name


class School(models.Model):
    """A school (学校), identified by its 10-digit 学校标识码 and belonging to one town office.

    Its stage fixes which grades it teaches; `class_size_cap` (班额) bounds every class (DOMAIN: transfers
    respect the class-size cap).
    """

    class Stage(models.TextChoices):
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior secondary school")
        NINE_YEAR = "nine_year", _("Nine-year school")
        SPECIAL = "special", _("Special education school")

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    GRADES = {
        Stage.PRIMARY: range(1, 7),
        Stage.JUNIOR: range(7, 10),
        Stage.NINE_YEAR: range(1, 10),
        Stage.SPECIAL: range(1, 10),
    }

    code = models.CharField(
        _("school code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^\d{10}$", _("The school code (学校标识码) has exactly 10 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, default="public")
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        related_name="schools",
        limit_choices_to={"level": Authority.Level.TOWN},
    )
    class_size_cap = models.PositiveSmallIntegerField(
        _("class-size cap"), default=45, validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]
        permissions = [
            ("act_as_registrar", _("Act as registrar of this school")),
            ("act_as_headteacher", _("Act as headteacher of this school")),
            ("act_as_archivist", _("Act as archivist of this school")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{10}$"), name="school_code_10_digits"),
        ]

    def __str__(self):
        return self.name

    @property
    def grades(self):
        return self.GRADES[self.stage]


class SchoolClass(models.Model):
    """A class (班级): a grade within the school's stage and a number, with its cohort's entry year."""

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField(_("grade"), validators=[MinValueValidator(1), MaxValueValidator(9)])
    number = models.PositiveSmallIntegerField(_("class number"), validators=[MinValueValidator(1)])
    entry_year = models.PositiveSmallIntegerField(_("entry year"))
    homeroom_teacher = models.CharField(_("homeroom teacher"), max_length=50, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["school", "grade", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "grade", "number"], name="one_class_per_grade_and_number"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=9), name="class_grade_1_to_9"),
        ]

    def __str__(self):
        return _("Grade %(grade)s Class %(number)s") % {"grade": self.grade, "number": self.number}

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.school_id and self.grade not in self.school.grades:
            raise ValidationError(
                {
                    "grade": _("A %(stage)s has no grade %(grade)s.")
                    % {"stage": self.school.get_stage_display(), "grade": self.grade}
                }
            )


class Semester(models.Model):
    """A term of a school year (学期), county-wide. Term 1 is the autumn term, term 2 the spring term.

    DOMAIN (Status changes): transfers happen in the semester's transfer windows; outside them the town
    office must approve an exception.
    """

    class Term(models.IntegerChoices):
        AUTUMN = 1, _("First term (autumn)")
        SPRING = 2, _("Second term (spring)")

    school_year = models.PositiveSmallIntegerField(_("school year"), help_text=_("The year the school year starts"))
    term = models.PositiveSmallIntegerField(_("term"), choices=Term.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    history = RegistryHistory()

    class Meta:
        verbose_name = _("semester")
        verbose_name_plural = _("semesters")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "term"], name="one_semester_per_term"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="semester_ends_after_start"),
        ]

    def __str__(self):
        return _("%(start)s–%(end)s school year, %(term)s") % {
            "start": self.school_year,
            "end": self.school_year + 1,
            "term": self.get_term_display(),
        }

    @classmethod
    def containing(cls, day):
        """The semester `day` falls in; None between semesters (the holidays). One query."""
        return cls.objects.filter(starts_on__lte=day, ends_on__gte=day).first()

    @classmethod
    def as_of(cls, day):
        """The semester containing `day`, else the latest one that started before it (the holidays count
        with the term just finished); None when no semester has started by then. One query."""
        return cls.objects.filter(starts_on__lte=day).order_by("-starts_on").first()


class TransferWindow(models.Model):
    """A period of a semester in which transfers may be requested without an exception (DOMAIN: at
    semester end or within the first 10 working days of a semester)."""

    semester = models.ForeignKey(
        Semester, verbose_name=_("semester"), on_delete=models.CASCADE, related_name="transfer_windows"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    history = RegistryHistory()

    class Meta:
        verbose_name = _("transfer window")
        verbose_name_plural = _("transfer windows")
        ordering = ["opens_on"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="window_closes_after_open"),
        ]

    def __str__(self):
        return f"{self.opens_on} – {self.closes_on}"


class CalendarDay(models.Model):
    """An administrator's entry in the working-day calendar: a date that is a working day (a make-up
    workday, 调休) or not (a statutory holiday), for years the chinesecalendar package does not yet know
    or where the local calendar differs. DOMAIN (Dates): deadlines count working days."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.note}"


class Notification(models.Model):
    """One reminder or event notice in a staff member's inbox (通知), e-mailed at most once, in the next
    morning digest (if the recipient asked for e-mail; `emailed_at`).

    Event notices (issue 17: a step waiting for you, your request decided, a roll check returned…) are keyed
    by the event they tell of ("request-returned:<step>") and dated the day it happened, so the same rule
    makes one notice per recipient per event however often the event is reported (registry.notifications.
    dispatch).

    The rule "one reminder per item per day, never duplicated": `key` names the item it is about
    ("step-due:123", "suspension-ending:45", "unregistered:67", "deadline:2026-09-30") and `day` the date
    it reminds of, and (recipient, key, day) is unique in the database. Reminders are inserted with
    `bulk_create(ignore_conflicts=True)` stamped with the inserting run's `run` id, so a second run on the
    same day (celery beat firing twice, a redelivered task, two workers at once) inserts nothing; the digest
    claims rows whose `emailed_at` is empty, so none is mailed twice (registry.notifications.services). The texts are
    rendered when the row is created, in the site's language (LANGUAGE_CODE), so the inbox and the e-mail
    say the same thing.
    """

    class Kind(models.TextChoices):
        """What a notification is about: the navigation counts unread ones per kind."""

        REQUEST = "request", _("Requests")
        ROLL_CHECK = "roll_check", _("Roll checks")
        ACCESS = "access", _("Archive access")
        DOCUMENT = "document", _("Prints and exports")
        IMPORT = "import", _("Imports")
        REMINDER = "reminder", _("Deadlines")

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REMINDER)
    key = models.CharField(_("item"), max_length=100)
    day = models.DateField(_("day"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True, help_text=_("A page of this site."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True, editable=False)
    run = models.UUIDField(_("run"), null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-day", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key", "day"], name="one_notification_per_item_per_day"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.day} {self.title}"

    @property
    def is_read(self):
        return self.read_at is not None
