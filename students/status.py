"""A pupil's status (学籍状态) follows from their enrolment spells, never from a field set by hand:
no spell yet → pending registration; an open spell → enrolled (在籍); otherwise the exit reason of the
last spell (transferred out, withdrawn, deceased, graduated); an enrolled pupil with an open suspension is
suspended (休学), still on the register."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from students.models import EnrolmentSpell


class Status(models.TextChoices):
    PENDING = "pending", _("Registration pending")
    ENROLLED = "enrolled", _("Enrolled (在籍)")
    SUSPENDED = "suspended", _("Suspended (休学)")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DECEASED = "deceased", _("Deceased")
    GRADUATED = "graduated", _("Graduated")


_BY_EXIT = {
    EnrolmentSpell.ExitReason.TRANSFERRED_OUT: Status.TRANSFERRED_OUT,
    EnrolmentSpell.ExitReason.WITHDRAWN: Status.WITHDRAWN,
    EnrolmentSpell.ExitReason.DECEASED: Status.DECEASED,
    EnrolmentSpell.ExitReason.GRADUATED: Status.GRADUATED,
    EnrolmentSpell.ExitReason.PROMOTED: Status.ENROLLED,
    EnrolmentSpell.ExitReason.PLACED: Status.ENROLLED,
}


def status_of(spells, *, suspended=False) -> Status:
    """The status given a pupil's spells (already loaded, any order) and whether a suspension is open."""
    if not spells:
        return Status.PENDING
    if any(spell.ended_on is None for spell in spells):
        return Status.SUSPENDED if suspended else Status.ENROLLED
    last = max(spells, key=lambda spell: (spell.started_on, spell.pk))
    return _BY_EXIT[last.exit_reason]
