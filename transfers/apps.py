from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """学籍异动: the approval engine and every change kind (the pupil-records and status-change issues)."""

    name = "transfers"
    verbose_name = _("Status changes")

    def ready(self):
        import transfers.home  # noqa: F401  (what the status changes add to the home page)
        import transfers.record_parts  # noqa: F401  (what they add to a pupil's page)
        import transfers.reminders  # noqa: F401  (the status changes' reminder source)
        from transfers import events, transfer_forms  # noqa: F401  (register the audit event types)
