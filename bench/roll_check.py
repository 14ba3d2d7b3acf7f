"""Benchmark of the semester roll reconciliation of a large school (not a test: it prints figures).

    .venv/bin/python -m bench.roll_check [--classes 45] [--per-class 45] [--database-url …]

Builds a school of `--classes` × `--per-class` pupils (default 45 × 45 = 2,025) inside a transaction that
is rolled back at the end, then reports the queries and time of: opening the reconciliation, the
registrar's page, saving the headcounts, submitting, the headteacher's page and signing (which freezes
the snapshot of every class list).
"""

import argparse
import sys
import time
from datetime import date

CHECK_DATE = date(2026, 10, 15)


class Rollback(Exception):
    pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=45)
    parser.add_argument("--per-class", type=int, default=45)
    parser.add_argument("--database-url")
    options = parser.parse_args(argv)
    from bench import database

    database.setup(options.database_url)
    RollCheckBenchmark().run(options.classes, options.per_class)


class RollCheckBenchmark:
    def __init__(self, out=print):
        self.out = out

    def run(self, classes, per_class):
        from django.db import transaction

        try:
            with transaction.atomic():
                self._run(classes, per_class)
                raise Rollback
        except Rollback:
            self.out("(everything built by the benchmark was rolled back)")

    def _measure(self, label, action):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = action()
            elapsed = time.perf_counter() - started
        self.out(f"{label:<42} {len(queries.captured_queries):>4} queries {elapsed * 1000:>8.0f} ms")
        return result

    def _run(self, classes, per_class):
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from audit.history import acting_as
        from registry.models import Authority, School, SchoolClass, Semester
        from registry.roles import Role
        from registry.services import grant_role
        from students.demo import build_pupils
        from students.models import RollCheck
        from students.rollcheck.services import class_rolls

        User = get_user_model()
        admin = User.objects.create(username="bench-roll-admin", is_superuser=True)
        registrar = User.objects.create(username="bench-roll-registrar")
        headteacher = User.objects.create(username="bench-roll-headteacher")
        with acting_as(admin, reason="benchmark"):
            county = Authority.objects.create(name="基准县", code="999998", level=Authority.Level.COUNTY)
            town = Authority.objects.create(name="基准镇", code="999998101", level=Authority.Level.TOWN, parent=county)
            school = School.objects.create(code="9999980001", name="基准学校", stage="nine_year", authority=town)
            rows = [
                SchoolClass(school=school, grade=1 + n % 9, number=1 + n // 9, entry_year=2026) for n in range(classes)
            ]
            SchoolClass.objects.bulk_create(rows)
            build_pupils(list(school.classes.all()), school_year=2026, per_class=per_class, actor=admin)
            semester, _ = Semester.objects.get_or_create(
                school_year=2026, term=1, defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 1, 22)}
            )
        grant_role(registrar, Role.REGISTRAR, school, actor=admin)
        grant_role(headteacher, Role.HEADTEACHER, school, actor=admin)
        self.out(f"database: {connection.vendor}; school of {classes} classes × {per_class} pupils")
        client = Client(HTTP_HOST="localhost")
        client.force_login(registrar)
        page = reverse("roll_check", args=[school.code, semester.pk])
        self._measure("open the reconciliation (POST)", lambda: client.post(page))
        check = RollCheck.objects.get(school=school, semester=semester)
        RollCheck.objects.filter(pk=check.pk).update(check_date=CHECK_DATE)
        self._measure("registrar's page (all class lists)", lambda: client.get(page))
        present = {f"present_{roll.school_class.pk}": roll.registered for roll in class_rolls(check)}
        self._measure(
            "save every class's headcount",
            lambda: client.post(reverse("roll_check_headcounts", args=[check.pk]), present),
        )
        step = reverse("roll_check_step", args=[check.pk])
        self._measure("submit (checks every class)", lambda: client.post(step, {"step": "submit"}))
        client.force_login(headteacher)
        self._measure("headteacher's page", lambda: client.get(page))
        signing = {"step": "sign", "confirmed": "1"}  # signing locks the check: it is confirmed first
        self._measure("sign (snapshot of every class list)", lambda: client.post(step, signing))
        check.refresh_from_db()
        signature = check.signatures.get()
        pupils = sum(len(c["pupils"]) for c in signature.snapshot["classes"])
        self.out(f"state: {check.state}; snapshot: {pupils} pupils, sha256 {signature.snapshot_hash[:16]}…")


if __name__ == "__main__":
    sys.exit(main())
