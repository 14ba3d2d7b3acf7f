from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports, the top layer: figures read from every app below it (statistics as of a day, the town's
    summaries); nothing below imports from here."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports.statistics import events  # noqa: F401  (register the audit event types)
