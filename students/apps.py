from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    """The pupil: identity, family, enrolment spells, registration state (the pupil-records issue)."""

    name = "students"
    verbose_name = _("Pupils")

    def ready(self):
        from students import (
            events,  # noqa: F401  (register the pupils' audit event types)
            home,  # noqa: F401  (the pupils on the register on the home page)
        )
        from students.problems import events as problem_events  # noqa: F401
        from students.problems import home as problem_home  # noqa: F401  (problem counts on the officer's home page)
        from students.rollcheck import events as roll_check_events  # noqa: F401
        from students.rollcheck import home as roll_check_home  # noqa: F401  (the check's state on the home page)
        from students.rollcheck import (
            notifications,  # noqa: F401  (who is told of a roll check's steps)
            reminders,  # noqa: F401  (the roll check's reminder source)
        )
