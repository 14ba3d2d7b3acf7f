"""Benchmark of the statistics pages over the 100,000-pupil benchmark town (not a test: it prints figures).

    psql -h 127.0.0.1 -U postgres -c "create database xueji_stats"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xueji_stats .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xueji_stats .venv/bin/python manage.py benchmark_statistics

Builds (once, or reuses) the benchmark town of students/management/commands/benchmark_pupils.py (50 schools ×
50 classes × 40 pupils), adds (once) a semester and `--requests` status changes of its pupils with their
approval steps over the autumn term (most approved, some withdrawn, some still pending, some decided late) and
a roll reconciliation for half of its schools, then reports the queries and time of the town's statistics page
as of today and as of a past day, of one school's page, of the Excel export of every table and of the semester
summary PDF.
"""

import random
import statistics as stats
import time
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from audit.history import acting_as
from registry.models import Authority, School, Semester
from students.management.commands.benchmark_pupils import Command as PupilBenchmark
from students.models import EnrolmentSpell, RollCheck
from transfers.models import ApprovalStep, ChangeRequest

TOWN_CODE = "999999101"  # the benchmark town of benchmark_pupils
KINDS = ["transfer", "suspension", "resumption", "withdrawal", "key_change", "guest_study"]


class Command(BaseCommand):
    help = "Report queries and time of the statistics pages over the 100,000-pupil benchmark town."

    def add_arguments(self, parser):
        parser.add_argument("--per-class", type=int, default=40, help="pupils per class (40 gives 100,000)")
        parser.add_argument("--requests", type=int, default=3000, help="status changes to add to the town (once)")
        parser.add_argument("--repeat", type=int, default=5, help="timed requests per measurement")
        parser.add_argument("--past", default="2026-10-15", help="the past day to count as of (YYYY-MM-DD)")

    def handle(self, *args, per_class, requests, repeat, past, **options):
        started = time.perf_counter()
        officer = PupilBenchmark(stdout=self.stdout, stderr=self.stderr)._ensure_town(per_class)
        town = Authority.objects.get(code=TOWN_CODE)
        admin = get_user_model().objects.get(username="bench_admin")
        semester, _ = Semester.objects.get_or_create(
            school_year=2026, term=1, defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 1, 22)}
        )
        self._ensure_requests(town, admin, requests)
        self._ensure_roll_checks(town, semester, admin)
        self.stdout.write(f"data ready in {time.perf_counter() - started:.0f} s")
        pupils = EnrolmentSpell.objects.filter(school__authority=town, ended_on__isnull=True).count()
        changes = ChangeRequest.objects.filter(school__authority=town).count()
        self.stdout.write(
            f"database: {connection.vendor}; benchmark town: {town.schools.count()} schools, {pupils} pupils on the "
            f"register, {changes} status changes"
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(officer)
        school = town.schools.order_by("code").first()
        today = timezone.localdate()
        page = reverse("authority_statistics", args=[town.pk])
        cases = [
            (f"town page, as of today ({today})", page, {}),
            (f"town page, as of {past}", page, {"on": past}),
            ("one school's page", reverse("school_statistics", args=[school.code]), {}),
            ("Excel, every table", reverse("authority_statistics_export", args=[town.pk, "all"]), {}),
            ("semester summary PDF", reverse("authority_statistics_pdf", args=[town.pk]), {}),
        ]
        client.get(page)  # warm up (templates, translations)
        self.stdout.write(f"{'page':<40}{'queries':>8}{'median ms':>12}{'max ms':>10}")
        for label, url, params in cases:
            timings, counts = [], set()
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    begun = time.perf_counter()
                    response = client.get(url, params)
                    timings.append((time.perf_counter() - begun) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                counts.add(len(queries.captured_queries))
            shown = "/".join(str(n) for n in sorted(counts))
            self.stdout.write(f"{label:<40}{shown:>8}{stats.median(timings):>12.1f}{max(timings):>10.1f}")

    def _ensure_requests(self, town, admin, count):
        """`count` status changes of distinct pupils of the town submitted over the autumn term (once)."""
        if ChangeRequest.objects.filter(school__authority=town).exists() or not count:
            return
        rng = random.Random(2026)
        schools = list(School.objects.filter(authority=town).order_by("code"))
        spells = list(
            EnrolmentSpell.objects.filter(school__authority=town, ended_on__isnull=True)
            .order_by("pk")
            .values_list("student_id", "school_id")[: count * 10 : 10]
        )
        zone = timezone.get_current_timezone()
        made = []
        for student_id, school_id in spells:
            kind = rng.choice(KINDS)
            submitted = datetime(2026, 9, 1, 9, tzinfo=zone) + timedelta(days=rng.randrange(85), hours=rng.randrange(8))
            outcome = rng.random()
            state, closed = "pending", None
            if outcome < 0.7:
                state, closed = "approved", submitted + timedelta(days=rng.randrange(20), hours=rng.randrange(8))
            elif outcome < 0.8:
                state, closed = "withdrawn", submitted + timedelta(days=rng.randrange(5))
            counterpart = rng.choice(schools).pk if kind == "transfer" else None
            made.append(ChangeRequest(
                kind=kind, student_id=student_id, school_id=school_id, counterpart_school_id=counterpart,
                state=state, initiated_by=admin, submitted_at=submitted, closed_at=closed,
            ))  # fmt: skip
        with transaction.atomic(), acting_as(admin, reason="benchmark data"):
            created = bulk_create_with_history(made, ChangeRequest, default_user=admin)
            if any(request.pk is None for request in created):
                created = list(ChangeRequest.objects.filter(school__authority=town).order_by("pk"))
            steps = []
            for request in created:
                due_on = (request.submitted_at + timedelta(days=14)).date()
                decided = request.closed_at if request.state == "approved" else None
                steps.append(ApprovalStep(
                    request=request, round=1, position=1, authority=town, due_on=due_on,
                    decision="approved" if decided else "pending", decided_by=admin if decided else None,
                    decided_at=decided,
                ))  # fmt: skip
            bulk_create_with_history(steps, ApprovalStep, default_user=admin)
        self.stdout.write(f"added {len(made)} status changes with their approval steps")

    def _ensure_roll_checks(self, town, semester, admin):
        """A roll reconciliation, in some state, for every other school of the town (once)."""
        if RollCheck.objects.filter(school__authority=town, semester=semester).exists():
            return
        states = [state for state, _label in RollCheck.State.choices]
        with transaction.atomic(), acting_as(admin, reason="benchmark data"):
            for index, school in enumerate(School.objects.filter(authority=town).order_by("code")[::2]):
                RollCheck.objects.create(
                    school=school, semester=semester, check_date=date(2026, 10, 15), state=states[index % len(states)]
                )
