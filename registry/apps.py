from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """The organisation: authorities, schools, classes, semesters, staff and their scoped roles."""

    name = "registry"
    verbose_name = _("Organisation")

    def ready(self):
        from registry import (
            events,  # noqa: F401  (registers the registry's audit event types)
            receivers,  # noqa: F401  (session clocks and two-factor state at login)
        )
        from registry.notifications import dispatch  # noqa: F401  (event notices once their transaction commits)
        from registry.organisation import reminders  # noqa: F401  (the national deadlines' reminder source)
