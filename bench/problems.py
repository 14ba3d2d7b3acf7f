"""Benchmark of the problem-records page (问题学籍, issue 15) on the benchmark county (not a test: it prints
figures).

    .venv/bin/python -m bench.problems [--repeat 5] [--database-url …]

Seeds problems into the county inside a transaction that is rolled back at the end — a wrong check digit on
one pupil in 200, an empty birthplace on one in 500, no ID number on one in 1,000, counted by rank so that
the ids the county got do not matter (namesakes are whatever the county's names give) — then times the
page for the administrator (the county's 100,000 pupils), for the first town's officer (its 20,000), and that
officer's home page with its counts per school. Goal: ≤ 3× the raw SQL
of the same page, like the other list pages (`make bench`). The home page reads the counts stored by the
recount (celery beat's task, timed here once as it runs in the worker): it must answer in at most
HOME_GOAL_MS however large the county, and never run the checks (its SQL never reads the family members).
"""

import argparse
import sys

HOME_GOAL_MS = 300
RECOUNT_GOAL_MS = 60_000


class Rollback(Exception):
    pass


def _every(step, offset, where="TRUE"):
    """The ids of every `step`-th pupil by id (from the `offset`-th), whatever ids the county got."""
    return (f"SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM students_student WHERE {where})"
            f" ranked WHERE n % {step} = {offset}")  # fmt: skip


SEED = [
    # a wrong check digit (never another valid number: the first 17 digits decide the check digit)
    f"""UPDATE students_student SET id_number = SUBSTR(id_number, 1, 17)
           || CASE WHEN SUBSTR(id_number, 18, 1) = '1' THEN '2' ELSE '1' END, national_number = NULL
        WHERE id IN ({_every(200, 1, "id_number <> ''")})""",
    f"UPDATE students_student SET birthplace = '' WHERE id IN ({_every(500, 2)})",
    f"""UPDATE students_student SET id_number = '', id_type = 'Z', national_number = NULL
        WHERE id IN ({_every(1000, 3)})""",
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    options = parser.parse_args(argv)
    from bench import database

    database.setup(options.database_url)
    from django.db import transaction

    from bench import county, measure

    results = []
    try:
        with transaction.atomic():
            results = run(county.ensure_county(), repeat=max(options.repeat, measure.REPEAT))
            raise Rollback
    except Rollback:
        print("(the seeded problems were rolled back)")
    return 1 if measure.table(results, print) else 0


def run(the_county, *, repeat, out=print):
    """Seed the problems, then measure and judge the three pages (the caller rolls the seeding back)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench import measure
    from registry.models import School
    from students.problems.counts import recount
    from students.problems.selectors import open_problems

    with connection.cursor() as cursor:
        for sql in SEED:
            cursor.execute(sql)
    found = open_problems(list(School.objects.values_list("pk", flat=True)))
    out(f"{len(found)} problems in the county; {measure.load()}")
    counting = measure.timed("recount of every school (beat task)", recount, repeat=1, warm_up=0)
    admin, officer = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    admin.force_login(get_user_model().objects.get(username="bench_admin"))
    officer.force_login(the_county.officer)
    results = [
        measure.page("problem records (administrator, county)", admin, reverse("problem_records"), repeat=repeat),
        measure.page("problem records (town officer)", officer, reverse("problem_records"), repeat=repeat),
        measure.page("officer's home with problem counts", officer, reverse("home"), repeat=repeat),
    ]
    for result in results[:2]:
        result.judge(ratio=3)
    results[2].judge(
        ratio=3,
        median=HOME_GOAL_MS,
        check=lambda home: not any("students_guardian" in sql for sql in home.sql),
        goal=f"≤ 3× raw SQL and median ≤ {HOME_GOAL_MS} ms, no check run",
    )
    counting.judge(median=RECOUNT_GOAL_MS, goal="median ≤ 60 s (well within beat's 10 minutes)")
    out(measure.load())
    return [*results, counting]


if __name__ == "__main__":
    sys.exit(main())
