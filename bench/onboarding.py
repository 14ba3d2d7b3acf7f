"""Benchmark of the onboarding import (建档导入, issue 15): a county's pupils onboarded from the national system's
files — by default 50 files of 2,000 pupils (100,000), one file per school — against the bare read of the same
files.

    .venv/bin/python -m bench.onboarding [--files 50] [--rows 2000] [--database-url postgres://…/xueji_bench]

Builds (once, in the benchmark database) a town of `--files` primary schools without classes, writes one roster in
the national template per school (kept under the temp directory and reused: G numbers, two family members,
grades 1–6 in classes of about 40, so every file also creates its school's classes), then times, over all the
files:

- the bare read: openpyxl read-only, every cell's value;
- the onboarding as the worker runs it: the dry run (read, check, plan; the converted rows kept for the import)
  and then the import (the kept rows checked again inside the transaction, classes, pupils, family members,
  spells and their history rows written in bulk, one audit event), each file in its own transaction, rolled
  back afterwards so that the run can be repeated.

Prints both, the pupils per second and the ratio; `main()` returns 1 when the onboarding of the county takes more
than GOAL_SECONDS_PER_100K scaled to the pupils onboarded (`make bench` runs it as its part "onboarding").
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

GOAL_SECONDS_PER_100K = 600  # "100,000 pupils for a county in minutes" (issue 15): at most ten
REGION = "659001"
SCHOOL_CODE = "97990{:05d}"


def _setup(database_url):
    from bench import database

    if database_url or "DJANGO_SETTINGS_MODULE" not in os.environ:
        database.setup(database_url)
    else:
        import django

        django.setup()


def _world(files):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from audit.history import acting_as
    from registry.models import Authority, School

    admin, _ = get_user_model().objects.get_or_create(username="bench_admin", defaults={"is_superuser": True})
    with transaction.atomic(), acting_as(admin, reason="registry.benchmark"):
        county, _ = Authority.objects.get_or_create(
            code="979901", defaults={"name": "建档基准县", "level": Authority.Level.COUNTY}
        )
        town, _ = Authority.objects.get_or_create(
            code="979901101", defaults={"name": "建档基准镇", "level": Authority.Level.TOWN, "parent": county}
        )
        schools = [
            School.objects.get_or_create(
                code=SCHOOL_CODE.format(n), defaults={"name": f"建档基准小学{n}", "stage": "primary", "authority": town}
            )[0]
            for n in range(files)
        ]
    return schools, admin


def roster(school_number, rows):
    """A roster of `rows` pupils in the national template, as .xlsx bytes (distinct numbers per school)."""
    import openpyxl

    from students.identity import make_id_number
    from students.national.columns import HEADERS, SHEET_TITLE, pupil_cells

    workbook = openpyxl.Workbook()  # not write-only: like Excel's, the file declares its dimensions
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for n in range(rows):
        pupil = school_number * rows + n
        grade = 1 + n * 6 // rows
        birth = date(2013 + (6 - grade), 1, 1) + timedelta(days=pupil % 360)
        sex = "1" if pupil % 2 else "2"
        id_number = make_id_number(REGION, birth, (pupil // 2160 * 2) % 1000, sex)
        values = {
            "name": f"建档{pupil}", "sex": sex, "birth_date": birth, "birthplace": f"{REGION}000000",
            "native_place": "新疆维吾尔自治区", "ethnicity": "01", "nationality": "CHN", "id_type": "1",
            "id_number": id_number, "overseas_status": "00", "health": "10", "household_place": f"{REGION}000000",
            "household_type": "1", "national_number": "G" + id_number, "grade": grade,
            "class_number": 1 + (n % (rows // 6 or 1)) // 40, "entry_date": date(2026 - grade + 1, 9, 1),
            "entry_method": "11", "boarding": "1", "home_address": f"基准路{pupil}号", "phone": "13900000000",
            "only_child": False, "preschool": True, "guardian1_name": "父亲", "guardian1_relation": "51",
            "guardian1_phone": "13800000000", "guardian2_name": "母亲", "guardian2_relation": "52",
            "guardian2_phone": "13700000000",
        }  # fmt: skip
        sheet.append(pupil_cells(values, full_numbers=True))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _files(count, rows):
    folder = Path(tempfile.gettempdir()) / f"xueji-bench-onboarding-{rows}"
    folder.mkdir(exist_ok=True)
    files = []
    for n in range(count):
        path = folder / f"school-{n:03d}.xlsx"
        if not path.exists():
            path.write_bytes(roster(n, rows))
        files.append(path.read_bytes())
    return files


def bare_read(data):
    import openpyxl

    workbook = openpyxl.load_workbook(BytesIO(data), read_only=True)
    try:
        return sum(len(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


class _RollBack(Exception):
    pass


def onboard(data, school, admin, rows):
    """The dry run then the import of one file as the worker runs them, rolled back afterwards; the number of
    pupils it created."""
    from django.db import transaction

    from students.models import OnboardingJob
    from students.national import onboarding

    created = 0
    try:
        with transaction.atomic():
            job = OnboardingJob.objects.create(school=school, created_by=admin, filename="roster.xlsx")
            dry_run = onboarding.dry_run(school, job, data)  # read, check, plan (its rows kept for the import)
            if dry_run.errors or len(dry_run.new) != rows:
                raise RuntimeError(f"the dry run refused the benchmark file: {dry_run.errors[:3]}")
            kept = onboarding.rows_to_import(job, data)
            result = onboarding.import_roster(school, kept, actor=admin, job=job)  # check again inside, write
            created = len(result.new)
            raise _RollBack
    except _RollBack:
        pass
    return created


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--rows", type=int, default=2000, help="pupils per file")
    parser.add_argument("--database-url")
    parser.add_argument("--tiny", action="store_true", help="2 files of 24 pupils (a smoke run, not a figure)")
    args = parser.parse_args(argv)
    if args.tiny:
        args.files, args.rows = 2, 24
    _setup(args.database_url)
    from django.db import connection

    schools, admin = _world(args.files)
    files = _files(args.files, args.rows)
    total = args.files * args.rows
    print(f"onboarding: {connection.vendor} {connection.settings_dict['NAME']}; {args.files} files × {args.rows} "
          f"pupils ({sum(map(len, files)) / 1e6:.1f} MB); load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    started, cpu = time.perf_counter(), time.process_time()
    for data in files:
        bare_read(data)
    read, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu, created = time.perf_counter(), time.process_time(), 0
    for data, school in zip(files, schools, strict=True):
        created += onboard(data, school, admin, args.rows)
    elapsed, onboard_cpu = time.perf_counter() - started, time.process_time() - cpu
    if created != total:
        raise RuntimeError(f"onboarded {created} pupils, not {total}")
    goal = GOAL_SECONDS_PER_100K * total / 100_000
    verdict = "not judged (a smoke run)" if args.tiny else "PASS" if elapsed <= goal else "FAIL"
    print(f"bare read of the files: {read:.1f} s")
    print(f"onboarding (dry run + import) of {total:,} pupils: {elapsed:.1f} s ({total / elapsed:,.0f} pupils/s)")
    print(f"CPU of this process: bare read {read_cpu:.1f} s, onboarding {onboard_cpu:.1f} s "
          f"({onboard_cpu / read_cpu:.1f}×; the database server's work left out)")  # fmt: skip
    print(f"ratio onboarding / bare read: {elapsed / read:.1f}×; goal ≤ {goal:.0f} s {verdict}; "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
    return 1 if verdict == "FAIL" else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
