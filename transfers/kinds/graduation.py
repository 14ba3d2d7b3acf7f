"""毕业: graduation of a pupil in the school's last grade, submitted in bulk (DOMAIN Status changes)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.models import EnrolmentSpell
from transfers.kinds import register, rules
from transfers.kinds.base import ChangeKind, ChangeRefused, town_office_of
from transfers.kinds.leaving import close_spell


@register
class Graduation(ChangeKind):
    """Graduation (毕业) of a pupil in the school's last grade, submitted in bulk for the school by the
    registrar (one request per pupil, so each keeps its own history) and approved by the town office —
    by the national deadline of 31 July. It has no form of its own: a returned graduation is resubmitted as
    it was. Effect: the spell closes (graduated)."""

    code = "graduation"
    label = gettext_lazy("Graduation")
    position = 110
    deadline_working_days = 10

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        spell = rules.enrolled_spell(request.student, request.school)
        if spell.grade != max(request.school.grades):
            raise ChangeRefused(
                _("%(name)s is in grade %(grade)s, not the last grade of %(school)s.")
                % {"name": request.student.name, "grade": spell.grade, "school": request.school}
            )
        if rules.open_suspension(request.student) is not None:
            raise ChangeRefused(_("%(name)s is suspended and cannot graduate.") % {"name": request.student.name})

    def apply(self, request, *, actor):
        close_spell(request, EnrolmentSpell.ExitReason.GRADUATED, timezone.localdate())
