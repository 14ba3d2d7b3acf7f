"""新生注册: the school enters a new pupil, the town office approves (镇制度 三; 办法 第四–七条)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from students.models import EnrolmentSpell
from students.services import assign_national_number
from transfers.kinds.base import ChangeKind, ChangeRefused, Party


class Registration(ChangeKind):
    """Chain: the school's town office. Effect: the pupil gets the national number (G + ID number, or a J
    number without one) and an open enrolment spell in the chosen class — they are now 在籍. Deadline: 15
    working days.

    The spell starts on the day of approval, not on the entry date (which stays on the pupil as 入学年月):
    the register holds the pupil from the day the town office registered them, so figures "as of" an
    earlier day never change after they were printed (DOMAIN: statistics as of a day)."""

    code = "registration"
    deadline_working_days = 15

    def chain(self, request):
        return [Party(authority=request.school.authority)]

    def validate(self, request):
        student = request.student
        if student.national_number:
            raise ChangeRefused(_("This pupil already has a national student number."))
        if student.spells.filter(ended_on__isnull=True).exists():
            raise ChangeRefused(_("This pupil is already on a school's register."))

    def apply(self, request, *, actor):
        student = request.student
        assign_national_number(student, region=request.school.authority.code[:6])
        student.save(update_fields=["national_number"])
        payload = request.payload
        EnrolmentSpell.objects.create(
            student=student,
            school=request.school,
            school_class_id=payload["school_class"],
            grade=payload["grade"],
            started_on=timezone.localdate(),
            entry_reason=EnrolmentSpell.EntryReason.REGISTRATION,
        )
