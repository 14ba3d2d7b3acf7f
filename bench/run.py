"""`make bench`: every measurement of issue 14 against its goal, on the benchmark county; exits non-zero when
any goal is missed.

    .venv/bin/python -m bench.run [--database-url postgres://…/xueji_bench] [--repeat 5] [--only pages,print,…]

The county (bench/county.py) is built once in its own PostgreSQL database, `xueji_bench` by default (never the
one DATABASE_URL serves unless it is named here), and reused by every later run. Each measurement is warmed up
and then run `--repeat` times (at least 5); the class bundle and the four-copy form run in fresh processes so
that their peak memory and their first render are those of one process. The bulk import's benchmark is
bench/imports.py's own `main()`, the onboarding import's bench/onboarding.py's.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

from bench import database

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("pages", "statistics", "print", "form", "imports", "onboarding")
ON_THE_COUNTY = {"pages", "statistics"}  # the other parts build what they measure
PAGE_REPEAT = 15


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: $BENCH_DATABASE_URL or " + database.DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (at least 5)")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    parser.add_argument("--tiny", action="store_true", help="a tiny county and sizes (a smoke run, not a figure)")
    options = parser.parse_args(argv)
    repeat = options.repeat if options.tiny else max(options.repeat, 5)
    parts = set(options.only.split(","))
    if parts - set(PARTS):
        parser.error(f"unknown part(s) {', '.join(sorted(parts - set(PARTS)))}; the parts are {', '.join(PARTS)}")
    url = database.setup(options.database_url)

    from bench import county, measure, pages, statistics

    print(f"benchmark database: {url.rpartition('@')[2]} · {measure.load()}", flush=True)
    if parts & ON_THE_COUNTY:
        the_county = county.ensure_county(county.TINY if options.tiny else county.FULL)
        database.tidy()
    results = []
    # a page takes milliseconds: fifteen requests give a median that a single slow one does not move
    page_repeat = repeat if options.tiny else max(repeat, PAGE_REPEAT)
    if "pages" in parts:
        results += pages.run(the_county, repeat=page_repeat)
    if "statistics" in parts:
        results += statistics.run(the_county, repeat=page_repeat)
    if "print" in parts:
        results.append(class_bundle(url, pupils=3 if options.tiny else 45, repeat=repeat))
    if "form" in parts:
        results += four_copy_form(url, count=2 if options.tiny else 20, repeat=1 if options.tiny else repeat)
    missed = 0
    if results:  # the parts below print their own figures
        print(f"\n{measure.load()}")
        missed = measure.table(results, print)
    if "imports" in parts:
        missed += run_imports(options)
    if "onboarding" in parts:
        missed += run_onboarding(options)
    print(f"\n{measure.load()} · {missed} goal(s) missed" if missed else f"\n{measure.load()} · every goal met")
    return 1 if missed else 0


def _in_fresh_process(module, url, *args):
    command = [sys.executable, "-m", module, "--database-url", url, *map(str, args)]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def class_bundle(url, *, pupils, repeat):
    """The class print as production runs it: a real Celery worker (one process per core) started in a fresh
    process, `repeat` prints timed until ready; their workers' CPU time and peak RSS (warm-up included)."""
    from bench.measure import Result

    result = Result(f"class bundle, {pupils} pupils, worker (s / peak MiB)")
    runs = _in_fresh_process("bench.print_bundle", url, "--path", "worker", "--pupils", pupils, "--repeat", repeat)
    result.timings = [run["seconds"] * 1000 for run in runs]
    rss, cpu = [run["peak_rss_mib"] for run in runs], sorted(run["cpu_seconds"] for run in runs)
    result.note = (f"peak RSS {max(rss):.0f} MiB; CPU (user+sys) median {cpu[len(cpu) // 2]:.1f} s; "
                   f"{runs[-1]['pages']} pages, {runs[-1]['size'] / 2**20:.1f} MiB")  # fmt: skip
    return result.judge(
        check=lambda r: r.median <= 10_000 and max(rss) <= 300e6 / 2**20,
        goal="median ≤ 10 s and peak RSS ≤ 300 MB (286 MiB)",
    )


def four_copy_form(url, *, count, repeat):
    """The four-copy form: the first render of each fresh (warmed-up) process, and the median of all renders."""
    from bench.measure import Result

    first = Result("four-copy form, first render of a worker")
    every = Result(f"four-copy form, {count} renders per process")
    first_cpu, every_cpu = [], []
    for _ in range(repeat):
        figures = _in_fresh_process("bench.transfer_form", url, "--count", count)
        first.timings.append(figures["first_ms"])
        every.timings += figures["timings_ms"]
        first_cpu.append(figures["cpu_ms"][0])
        every_cpu += figures["cpu_ms"]
    first.note = f"CPU (user+sys) median {median(first_cpu):.0f} ms"
    every.note = f"CPU (user+sys) median {median(every_cpu):.0f} ms"
    return [first.judge(median=600, check=lambda r: max(r.timings) <= 600, goal="every first render ≤ 0.6 s"),
            every.judge(median=500)]  # fmt: skip


def run_imports(options):
    """bench/imports.py: the new-pupil import of 10,000 rows against the bare read; 1 when it misses its goal."""
    from bench import imports

    started = time.perf_counter()
    outcome = imports.main(["--tiny"] if options.tiny else [])  # in this process, on the database set up above
    print(f"(import benchmark: {time.perf_counter() - started:.0f} s)")
    return 1 if outcome else 0


def run_onboarding(options):
    """bench/onboarding.py: the onboarding import of 100,000 pupils (50 files of 2,000); 1 when it misses its goal."""
    from bench import onboarding

    started = time.perf_counter()
    outcome = onboarding.main(["--tiny"] if options.tiny else [])
    print(f"(onboarding benchmark: {time.perf_counter() - started:.0f} s)")
    return 1 if outcome else 0


if __name__ == "__main__":
    sys.exit(main())
