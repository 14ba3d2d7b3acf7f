from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    """The pupil's archive file, print bundles and registers (the archive issue)."""

    name = "archives"
    verbose_name = _("Archives")

    def ready(self):
        from archives import (
            home,  # noqa: F401  (access requests to decide and prints running, on the home page)
            notifications,  # noqa: F401  (who is told of access requests and prints)
            receivers,  # noqa: F401  (files approved requests into the archive)
        )
        from archives.family_confirmations import roll_check  # noqa: F401  (the families' confirmations on the roll check)
