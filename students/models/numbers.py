"""School numbers (学号): each school's format and the numbers it gave, never reused."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.history import RegistryHistory
from registry.models import School
from students.models.pupil import Student


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
        # the pupil search by a school number, whatever the school (students.forms.PupilFilterForm)
        indexes = [models.Index(fields=["number"], condition=Q(retired_on__isnull=True), name="current_numbers")]

    def __str__(self):
        return self.number
