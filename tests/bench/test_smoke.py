"""A smoke run of every benchmark at tiny sizes: each builds what it measures, runs, and reports a verdict.
No timing is asserted here (benchmarks are not timed tests; `make bench` judges the figures)."""

import random

import pytest

from bench import (
    county,
    imports,
    measure,
    onboarding,
    pages,
    print_bundle,
    problems,
    roll_check,
    run,
    statistics,
    transfer_form,
)
from registry.models import School
from students.demo import _IdNumbers, make_pupil
from tests.factories import SchoolClassFactory


@pytest.mark.postgresql
def test_the_county_is_built_once_and_every_page_is_measured_and_judged(db):
    tiny = county.ensure_county(county.TINY, log=lambda line: None)
    assert county.ensure_county(county.TINY, log=lambda line: pytest.fail("built twice")).school == tiny.school
    results = pages.run(tiny, repeat=1) + statistics.run(tiny, repeat=1)
    for result in results:
        assert result.timings and result.queries, result.label
    unrendered = [result for result in results if "template left out" in result.label]
    assert [result.passed for result in unrendered] == [None] * 4, "the searches without their template: no goal"
    assert all(result.baseline and result.queries < 10 for result in unrendered)  # no badge, no school choices
    judged = [result for result in results if result not in unrendered]
    assert all("buffers" in result.note for result in judged if result.label.startswith("search:"))
    assert all(result.passed is not None for result in judged[:5]), "the goals of the table are judged"
    lines = []
    measure.table(results, lines.append)
    assert len(lines) == len(results) + 1 and "approval queue" in lines[1]


@pytest.mark.postgresql
def test_the_problem_records_benchmark_finds_the_seeded_problems_and_judges_the_pages(db):
    lines = []
    results = problems.run(county.ensure_county(county.TINY, log=lambda line: None), repeat=1, out=lines.append)
    assert int(lines[0].split()[0]) > 0, lines
    assert len(results) == 4 and all(result.passed is not None and result.queries for result in results)


def test_a_missed_goal_fails_the_run():
    met = measure.Result("quick", timings=[1.0, 2.0, 3.0], baseline=[1.0]).judge(ratio=3)
    missed = measure.Result("slow", timings=[40.0, 50.0, 60.0], baseline=[1.0]).judge(ratio=3)
    assert met.passed and not missed.passed
    assert measure.table([met, missed], lambda line: None) == 1


def test_timed_runs_go_without_the_query_log_and_one_more_run_records_the_queries(db):
    from django.db import connection

    logged = []

    def action():
        logged.append(connection.force_debug_cursor)
        School.objects.count()

    result = measure.timed("count", action, repeat=5)
    assert len(result.timings) == 5 and logged == [False] * 6 + [True]  # warm-up, five timed, one recorded
    assert result.queries == 1 and "COUNT(*)" in result.sql[0]
    logged.clear()
    long = measure.timed("long", action, repeat=2, warm_up=0)  # no warm-up: the last timed run records
    assert logged == [False, True] and long.queries == 1


def test_the_class_bundle_benchmark_prints_a_class(db):
    figures = print_bundle.measure(2)
    assert figures["state"] == "ready" and figures["pages"] >= 2 and figures["peak_rss_mib"] > 0


def test_the_four_copy_form_benchmark_runs_on_a_database_holding_the_demo(db):
    # the demo's first pupils take the ID numbers a fresh sequence hands out first (the old IntegrityError)
    pupil, _guardians = make_pupil(random.Random(2026), _IdNumbers(), SchoolClassFactory(grade=4), school_year=2026)
    pupil.save()
    figures = transfer_form.measure(1, warm_up=False)
    assert figures["pages"] == 4 and len(figures["timings_ms"]) == 1


def test_the_roll_check_benchmark_reconciles_a_school(db):
    lines = []
    roll_check.RollCheckBenchmark(out=lines.append).run(2, 3)
    assert any(line.startswith("state: signed") for line in lines), lines


def test_the_onboarding_benchmark_onboards_its_files_and_leaves_nothing_behind(db):
    from students.models import Student

    schools, admin = onboarding._world(2)
    before = Student.objects.count()
    for number, school in enumerate(schools):
        assert onboarding.onboard(onboarding.roster(number, 12), school, admin, 12) == 12
    assert Student.objects.count() == before, "each file's onboarding is rolled back"


def test_make_bench_runs_the_import_and_onboarding_parts(db, monkeypatch, capsys):
    # `make bench BENCH_ARGS="--only imports,onboarding"`: each part accepts what the runner hands it, and
    # neither needs the county (the runner's database is this test's)
    monkeypatch.setattr(run.database, "setup", lambda url: "postgres://postgres@127.0.0.1:5432/test")
    monkeypatch.setattr(county, "ensure_county", lambda *args, **kwargs: pytest.fail("the county was built"))
    assert run.main(["--only", "imports,onboarding", "--tiny"]) == 0
    out = capsys.readouterr().out
    assert "import (read, check, save, submit)" in out and "not judged (a smoke run)" in out
    assert "onboarding (dry run + import) of 48 pupils" in out


def test_a_misspelt_part_is_refused_not_skipped(capsys):
    with pytest.raises(SystemExit):
        run.main(["--only", "import"])
    assert "unknown part(s) import" in capsys.readouterr().err


def test_the_import_benchmark_keeps_out_of_the_other_benchmarks_codes(db):
    imports._world()  # kept in the benchmark database from one `make bench` to the next
    figures = transfer_form.measure(1, warm_up=False)  # creates its own county, towns and schools
    assert figures["pages"] == 4
