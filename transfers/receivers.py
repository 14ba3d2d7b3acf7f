"""What follows an approved change: for the pupil's school numbers (students.school_numbers), a pupil who
came onto a register gets a number there, one who left a register has that school's number retired; and the
problem records are recounted (a registration, a transfer or a correction can add or clear one)."""

from django.dispatch import receiver
from django.utils import timezone

from students.problems.counts import recount_soon
from students.school_numbers.services import SchoolNumberRefused, keep_school_numbers
from transfers.kinds import ChangeRefused
from transfers.models import ChangeRequest
from transfers.signals import request_approved


@receiver(request_approved)
def keep_numbers_after_a_change(sender, request, actor, **kwargs):
    try:
        wanted = request.payload.get("school_number", "") if request.kind == ChangeRequest.Kind.REGISTRATION else ""
        keep_school_numbers(request.student, day=timezone.localdate(), wanted=wanted)
    except SchoolNumberRefused as refusal:
        raise ChangeRefused(str(refusal)) from refusal


@receiver(request_approved)
def recount_problems_after_a_change(sender, request, actor, **kwargs):
    recount_soon()
