"""Problem records (问题学籍): what a town officer or administrator decided about a record the checks flag."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory
from students.models.pupil import Student


class ProblemKind(models.TextChoices):
    """The kinds of problem record of the national system (DOMAIN National-system details: duplicate types),
    with the checks issue 15 adds."""

    SAME_ID_NUMBER = "same_id_number", _("Same ID number twice")
    SAME_PERSON = "same_person", _("Same name, sex and birth date, one without an ID number")
    TWO_SCHOOLS = "two_schools", _("On the registers of two schools")
    INVALID_ID_NUMBER = "invalid_id_number", _("Invalid ID number")
    MISSING_FIELDS = "missing_fields", _("Required fields missing")
    NATIONAL_NUMBER = "national_number", _("National number disagrees with the ID number")


class ProblemAcknowledgement(models.Model):
    """A problem kept with evidence (保留, with 佐证): the officer or administrator found the record right as
    it stands and filed the proof. It is keyed by the problem's fingerprint (the values that made it a
    problem), so the same problem is no longer listed while a later, different problem of the same kind on
    the same record is listed again."""

    student = models.ForeignKey(
        Student, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="problem_acknowledgements"
    )
    kind = models.CharField(_("kind of problem"), max_length=20, choices=ProblemKind.choices)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    reason = models.CharField(_("reason"), max_length=200)
    evidence = models.FileField(_("evidence"), upload_to="problems/%Y/%m/")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("kept on"), default=timezone.now)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("problem kept with evidence")
        verbose_name_plural = _("problems kept with evidence")
        constraints = [
            models.UniqueConstraint(fields=["student", "kind", "fingerprint"], name="one_acknowledgement_per_problem")
        ]

    def __str__(self):
        return f"{self.student} · {self.get_kind_display()}"


class ProblemCount(models.Model):
    """The open problem records of one school as last counted (students.problems.counts): the officer's home
    page reads these few rows instead of running the checks on every load, and says when they were counted.
    Celery beat recounts every school every few minutes, and a recount is queued after anything that can
    change a count (a resolution, an approved change, an onboarding import). A figure derived from the
    records, so no history of its own."""

    school = models.OneToOneField(
        "registry.School", verbose_name=_("school"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    open_problems = models.PositiveIntegerField(_("open problem records"), default=0)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("problem count")
        verbose_name_plural = _("problem counts")

    def __str__(self):
        return f"{self.school_id}: {self.open_problems}"
