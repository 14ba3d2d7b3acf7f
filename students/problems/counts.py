"""The open problem records per school, counted ahead (students.models.ProblemCount): the officer's home page
reads a few stored rows instead of running the checks on each load (issue 15: counts per school on the
officer's home). Every school is recounted together — a duplicate links pupils of several schools, so one
change can move another school's count — by celery beat (CELERY_BEAT_SCHEDULE "count-problem-records") and
soon after each change that can move a count (`recount_soon`)."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from registry.models import School
from registry.queue import enqueue
from students.models import ProblemCount
from students.problems.selectors import counts_by_school, open_problems

# Set while a recount is queued and not yet started, so that clicks in a row queue one recount.
RECOUNT_QUEUED = "students:problem-counts:queued"
RECOUNT_QUEUED_SECONDS = 15 * 60


def recount():
    """Run the checks over every school and store each school's number of open problems, with the time."""
    schools = list(School.objects.values_list("pk", flat=True))
    counted_at = timezone.now()
    counts = counts_by_school(open_problems(schools))
    ProblemCount.objects.bulk_create(
        [ProblemCount(school_id=pk, open_problems=counts.get(pk, 0), counted_at=counted_at) for pk in schools],
        update_conflicts=True,
        unique_fields=["school"],
        update_fields=["open_problems", "counted_at"],
    )


def recount_soon():
    """Queue a recount once the current transaction commits (none if one is already queued)."""

    def queue():
        if cache.add(RECOUNT_QUEUED, True, timeout=RECOUNT_QUEUED_SECONDS):
            enqueue("students.tasks.recount_problems")

    transaction.on_commit(queue)


def counted(schools):
    """([(school, open problems)] for those of `schools` that have any, the time of the oldest count or
    None when they were never counted): two indexed reads of a few rows, whatever the county's size."""
    rows = {row.school_id: row for row in ProblemCount.objects.filter(school__in=schools)}
    listed = [(school, rows[school.pk].open_problems) for school in schools if school.pk in rows]
    oldest = min((row.counted_at for row in rows.values()), default=None)
    return [(school, n) for school, n in listed if n], oldest
