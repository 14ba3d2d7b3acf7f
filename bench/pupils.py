"""Benchmark of the pupil pages over a large register (not a test: it prints figures to report).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xueji_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xueji_bench .venv/bin/python manage.py benchmark_pupils

Builds (once) a benchmark town of 50 schools × 50 classes × 40 pupils = 100,000 pupils with history,
then reports queries and time of the pupil list at several page sizes and of the searches, and the time
to import a template of `--import-rows` new pupils (checked, saved and submitted; rolled back afterwards
so the benchmark can be run again).
"""

import statistics
import time
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.history import acting_as
from registry.models import Authority, School, SchoolClass
from registry.roles import Role
from registry.scoping import grants_of
from registry.services import grant_role
from students.demo import build_pupils
from students.models import Student

SCHOOLS = 50
CLASSES_PER_SCHOOL = 50  # grades 1–6 of a primary school, up to 9 classes each
SCHOOL_YEAR = 2026


class Command(BaseCommand):
    help = "Build a 100,000-pupil benchmark town (once) and report query counts and timings of the pupil pages."

    def add_arguments(self, parser):
        parser.add_argument("--per-class", type=int, default=40, help="pupils per class (40 gives 100,000)")
        parser.add_argument("--repeat", type=int, default=5, help="timed requests per measurement")
        parser.add_argument("--import-rows", type=int, default=10000, help="rows of the timed import (0: none)")

    def handle(self, *args, per_class, repeat, import_rows, **options):
        officer = self._ensure_town(per_class)
        total = Student.objects.filter(spells__school__authority__code="999999101", spells__ended_on__isnull=True)
        self.stdout.write(f"database: {connection.vendor}; pupils in the benchmark town: {total.count()}")
        client = Client(HTTP_HOST="localhost")
        client.force_login(officer)
        sample = Student.objects.filter(spells__school__authority__code="999999101").order_by("pk")[5000]
        cases = [(f"list, {size} per page", {"per_page": size}) for size in (20, 50, 100, 200)]
        cases += [
            ("list, page 500", {"page": 500}),
            ("search: full name", {"q": sample.name}),
            ("search: pinyin initials", {"q": sample.name_initials.split("|")[1]}),
            ("search: full pinyin", {"q": sample.name_pinyin.split("|")[1]}),
            ("search: last 6 of ID number", {"q": sample.id_number[-6:]}),
            ("search: national number", {"q": sample.national_number}),
        ]
        self.stdout.write(f"{'page':<32}{'queries':>8}{'median ms':>12}{'max ms':>10}")
        for label, params in cases:
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(reverse("pupil_list"), params)
                    timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            self.stdout.write(f"{label:<32}{len(queries):>8}{statistics.median(timings):>12.1f}{max(timings):>10.1f}")
        if import_rows:
            self._time_import(import_rows)

    def _time_import(self, count):
        from transfers.imports import import_registrations_file

        school = School.objects.get(code="9900000000")
        registrar, _ = get_user_model().objects.get_or_create(username="bench_registrar")
        if not any(grant.role == Role.REGISTRAR for grant in grants_of(registrar)):
            grant_role(registrar, Role.REGISTRAR, school, actor=registrar)
        started = time.perf_counter()
        upload = _template_with_rows(count, school.classes.get(grade=1, number=1))
        size = len(upload.getvalue()) / 1e6
        self.stdout.write(
            f"import file of {count} rows: {size:.1f} MB, written in {time.perf_counter() - started:.1f} s"
        )
        try:
            with transaction.atomic():
                started = time.perf_counter()
                report = import_registrations_file(school, upload, actor=registrar, filename="benchmark.xlsx")
                elapsed = time.perf_counter() - started
                assert report.created == count, report.errors[:5]
                raise _RollBack
        except _RollBack:
            pass
        rate = count / elapsed
        self.stdout.write(
            f"import of {count} rows (read, check, save, submit): {elapsed:.1f} s ({rate:.0f} rows/s); rolled back"
        )

    def _ensure_town(self, per_class):
        User = get_user_model()
        admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"is_superuser": True})
        officer, _ = User.objects.get_or_create(username="bench_officer")
        with transaction.atomic(), acting_as(admin, reason="benchmark data"):
            county, _ = Authority.objects.get_or_create(
                code="999999", defaults={"name": "基准测试县", "level": Authority.Level.COUNTY}
            )
            town, _ = Authority.objects.get_or_create(
                code="999999101", defaults={"name": "基准测试镇", "level": Authority.Level.TOWN, "parent": county}
            )
            for index in range(SCHOOLS):
                school, created = School.objects.get_or_create(
                    code=f"99{index:08d}",
                    defaults={"name": f"基准小学{index + 1}", "stage": "primary", "authority": town},
                )
                if created:
                    SchoolClass.objects.bulk_create(
                        SchoolClass(school=school, grade=1 + n // 9, number=1 + n % 9, entry_year=SCHOOL_YEAR - n // 9)
                        for n in range(CLASSES_PER_SCHOOL)
                    )
            if not any(grant.role == Role.OFFICER for grant in grants_of(officer)):
                grant_role(officer, Role.OFFICER, town, actor=admin)
        classes = list(SchoolClass.objects.filter(school__authority=town).select_related("school__authority"))
        started = time.perf_counter()
        for start in range(0, len(classes), 100):
            with transaction.atomic(), acting_as(admin, reason="benchmark data"):
                build_pupils(classes[start : start + 100], school_year=SCHOOL_YEAR, per_class=per_class, actor=admin,
                             seed=start)  # fmt: skip
        self.stdout.write(f"benchmark data ready in {time.perf_counter() - started:.0f} s")
        return officer


class _RollBack(Exception):
    pass


def _template_with_rows(count, school_class):
    from datetime import date, timedelta

    from openpyxl import load_workbook

    from students.identity import make_id_number
    from students.spreadsheet import COLUMNS, SHEET_TITLE, build_template

    workbook = load_workbook(BytesIO(build_template()))
    sheet = workbook[SHEET_TITLE]
    for n in range(count):
        birth = date(2019, 9, 1) + timedelta(days=n % 360)
        sex = "1" if n % 2 else "2"
        values = {
            "name": f"导入{n}", "sex": sex, "birth_date": birth, "id_type": "1",
            "id_number": make_id_number("451199", birth, (n // 360) * 2 % 1000, sex), "ethnicity": "01",
            "nationality": "CHN", "overseas_status": "00", "birthplace": "示范县", "native_place": "示范县",
            "household_place": "示范县", "household_type": "1", "home_address": "示范县", "phone": "13800000000",
            "health": "10", "only_child": "否", "preschool": "是", "grade": 1, "class_number": 1,
            "entry_date": date(2026, 9, 1), "entry_method": "11", "boarding": "1",
            "guardian1_name": "家长甲", "guardian1_relation": "51", "guardian1_phone": "13900000000",
            "guardian2_name": "家长乙", "guardian2_relation": "52", "guardian2_phone": "13700000000",
        }  # fmt: skip
        sheet.append([values.get(column.key) for column in COLUMNS])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
