from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    """学籍异动: the approval engine and every change kind (the pupil-records and status-change issues)."""

    name = "transfers"
    verbose_name = _("Status changes")

    def ready(self):
        from transfers import (  # noqa: F401  (register the audit event types)
            events,
            reminders,  # noqa: F401  (the status changes' reminder source)
            transfer_forms,
        )
