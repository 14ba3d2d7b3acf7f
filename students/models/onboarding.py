"""One onboarding job (建档导入): a school's roster in the national template, checked in a dry run, then
imported all or nothing — both in the background (students.national.onboarding)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import School


class OnboardingJob(models.Model):
    """An uploaded roster and what became of it. The file is kept so that the import reads exactly what the
    dry run read, and so that a killed worker's task can run again; `report` holds the dry run's findings
    (counts per class, classes to create, problem rows, pupils already there, rows that differ from them),
    refreshed by the import's own check. Moves CHECKING → CHECKED (or REFUSED) → IMPORTING → IMPORTED (or
    REFUSED when the import's check finds what the dry run did not)."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Dry run")
        CHECKED = "checked", _("Checked, ready to import")
        REFUSED = "refused", _("Not imported")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")

    school = models.ForeignKey(School, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
    )  # fmt: skip
    file = models.FileField(_("file"), upload_to="onboarding/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CHECKING)
    report = models.JSONField(_("dry run"), default=dict, blank=True)
    created_count = models.PositiveIntegerField(_("pupils imported"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("onboarding job")
        verbose_name_plural = _("onboarding jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    @property
    def running(self):
        return self.state in (self.State.CHECKING, self.State.IMPORTING)
