import importlib
import pkgutil

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from audit import reasons


class TransfersConfig(AppConfig):
    """学籍异动: the approval engine and every change kind (the pupil-records and status-change issues)."""

    name = "transfers"
    verbose_name = _("Status changes")

    def ready(self):
        import transfers.home  # noqa: F401  (what the status changes add to the home page)
        import transfers.information.record_parts  # noqa: F401  (family members' history on a pupil's page)
        import transfers.notifications  # noqa: F401  (who is told of a request's events)
        import transfers.receivers  # noqa: F401  (school numbers follow the approved changes)
        import transfers.record_parts  # noqa: F401  (what they add to a pupil's page)
        import transfers.reminders  # noqa: F401  (the status changes' reminder source)
        from transfers import events  # noqa: F401  (register the audit event types)
        from transfers.information import events as information_events  # noqa: F401  (the same)
        from transfers.slip import services  # noqa: F401  (register the audit event types)

        load_kinds()
        reasons.PARAMETER_LABELS["kind"] = _kind_label


def _kind_label(code):
    from transfers.kinds import KINDS

    return str(KINDS[code].label) if code in KINDS else code


def load_kinds():
    """Import every module of transfers.kinds, so that each kind registers itself (transfers.kinds.register)."""
    from transfers import kinds

    for module in pkgutil.iter_modules(kinds.__path__):
        importlib.import_module(f"{kinds.__name__}.{module.name}")
