"""Benchmark of the four-copy transfer form's PDF (not a test: it prints figures to report).

    .venv/bin/python manage.py benchmark_transfer_form --count 20

Builds a demo-like transfer (two schools, a pupil with two guardians, made as the demo makes them) inside a
transaction, lays out and writes the form's PDF `--count` times, reports the first, median and p90 render
times, the page count and the PDF size, then rolls everything back: the database is left as it was.
"""

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from audit.history import acting_as
from registry.models import Authority, School, SchoolClass
from students.demo import _IdNumbers, make_pupil
from students.models import EnrolmentSpell
from transfers.models import ChangeRequest, TransferForm
from transfers.transfer_forms import new_verification_code, serial_number, timed_render

SCHOOL_YEAR = 2026


class Command(BaseCommand):
    help = "Time the four-copy transfer form's PDF for a demo-like pupil (everything rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=20, help="renders to time (default 20)")

    def handle(self, *args, count, **options):
        try:
            with transaction.atomic():
                form = _demo_form()
                timings, pages, size = [], 0, 0
                for _ in range(max(count, 1)):
                    seconds, pages, size = timed_render(form)
                    timings.append(seconds * 1000)
                raise _RollBack
        except _RollBack:
            pass
        ordered = sorted(timings)
        p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
        self.stdout.write(f"renders: {len(timings)}; pages: {pages}; PDF size: {size / 1024:.0f} KiB")
        self.stdout.write(
            f"first {timings[0]:.0f} ms; median {statistics.median(timings):.0f} ms; p90 {p90:.0f} ms; "
            f"max {ordered[-1]:.0f} ms"
        )


class _RollBack(Exception):
    pass


def _demo_form():
    user = get_user_model().objects.create(username=f"bench_transfer_form_{time.time_ns()}")
    with acting_as(user, reason="benchmark data"):
        county = Authority.objects.create(name="基准测试县教育局", code="999998", level=Authority.Level.COUNTY)
        towns = [
            Authority.objects.create(name=name, code=code, level=Authority.Level.TOWN, parent=county)
            for name, code in (("基准东湖镇教办", "999998101"), ("基准青山镇教办", "999998102"))
        ]
        schools = [
            School.objects.create(code=code, name=name, stage=School.Stage.PRIMARY, authority=town)
            for code, name, town in (("9999980001", "基准东湖镇中心小学", towns[0]),
                                     ("9999980002", "基准青山镇第二小学", towns[1]))
        ]  # fmt: skip
        sending, receiving = (SchoolClass.objects.create(school=school, grade=4, number=2, entry_year=SCHOOL_YEAR - 3)
                              for school in schools)  # fmt: skip
        student, guardians = make_pupil(random.Random(2026), _IdNumbers(), sending, school_year=SCHOOL_YEAR)
        student.national_number = f"G{student.id_number}"
        student.save()
        for guardian in guardians:
            guardian.student = student
            guardian.save()
        EnrolmentSpell.objects.create(
            student=student, school=sending.school, school_class=sending, grade=4, started_on=student.entry_date,
            entry_reason=EnrolmentSpell.EntryReason.REGISTRATION,
        )  # fmt: skip
        request = ChangeRequest.objects.create(
            kind=ChangeRequest.Kind.TRANSFER, student=student, school=receiving.school,
            counterpart_school=sending.school, initiated_by=user, submitted_at=timezone.now(),
            payload={"school_class": receiving.pk, "grade": 4, "from_grade": 4, "from_school_class": sending.pk,
                     "reason": "随父母工作调动迁居青山镇，就近入学。"},
        )  # fmt: skip
        return TransferForm.objects.create(
            request=request, issue=1, serial=serial_number(request, 1), verification_code=new_verification_code()
        )
