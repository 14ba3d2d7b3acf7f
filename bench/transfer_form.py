"""The four-copy transfer form's PDF: a demo-like transfer (two schools, a pupil with two guardians, made as
the demo makes them, with ID numbers the database has not used) built inside a transaction that is rolled
back, its form laid out and written `--count` times. The process first does what a worker does when it starts
(registry.pdf.warm_up), so the first render is the first a worker would serve.

Run by bench/run.py in a fresh process (the first render of a process is one of the figures):

    .venv/bin/python -m bench.transfer_form --count 20      # prints one JSON line
"""

import argparse
import json
import random
import sys
import time


class _RollBack(Exception):
    pass


def measure(count, *, warm_up=True):
    """{first_ms, timings_ms, cpu_ms, pages, size} of `count` renders in this process (everything rolled back)."""
    from django.db import transaction

    from registry import pdf
    from transfers.slip.services import timed_render

    if warm_up:
        pdf.warm_up()
    figures = {"timings_ms": [], "cpu_ms": []}
    try:
        with transaction.atomic():
            form = _demo_form()
            for _ in range(max(count, 1)):
                cpu = time.process_time()
                seconds, figures["pages"], figures["size"] = timed_render(form)
                figures["cpu_ms"].append((time.process_time() - cpu) * 1000)  # less sensitive to the load
                figures["timings_ms"].append(seconds * 1000)
            raise _RollBack
    except _RollBack:
        pass
    figures["first_ms"] = figures["timings_ms"][0]
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--database-url")
    options = parser.parse_args(argv)
    from bench import database

    database.setup(options.database_url)
    print(json.dumps(measure(options.count)))


def _demo_form():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from audit.history import acting_as
    from registry.models import Authority, School, SchoolClass
    from students.demo import IdNumbersFromDatabase, make_pupil
    from students.models import EnrolmentSpell
    from transfers.models import ChangeRequest, TransferForm
    from transfers.slip.services import new_verification_code, serial_number

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
        sending, receiving = (SchoolClass.objects.create(school=school, grade=4, number=2, entry_year=2026 - 3)
                              for school in schools)  # fmt: skip
        student, guardians = make_pupil(random.Random(2026), IdNumbersFromDatabase(), sending, school_year=2026)
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


if __name__ == "__main__":
    sys.exit(main())
