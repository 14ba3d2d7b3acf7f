"""How a benchmark measures and judges: warm up, run at least five times, report the median and the spread,
the query count, the baseline and the goal, and say PASS or FAIL.

The baseline of a page is the raw SQL of the same page: the SELECT statements the page ran, replayed through
the database cursor with their rows fetched (what the page would cost if Python, templates and middleware
cost nothing), once after each timed request. Its ratio is the page's median over the baseline's median.
"""

import os
import statistics
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext

REPEAT = 5


@dataclass
class Result:
    label: str
    timings: list = field(default_factory=list)  # ms
    queries: int | None = None
    baseline: list = field(default_factory=list)  # ms
    goal: str = ""
    passed: bool | None = None
    note: str = ""
    sql: list = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.timings) if self.timings else None

    @property
    def spread(self):
        return (min(self.timings), max(self.timings)) if self.timings else None

    @property
    def baseline_median(self):
        return statistics.median(self.baseline) if self.baseline else None

    @property
    def ratio(self):
        return self.median / self.baseline_median if self.baseline_median else None

    def judge(self, *, ratio=None, median=None, check=None, goal=""):
        """PASS when every given bound holds: ratio ≤ `ratio`, median ≤ `median` ms, `check(self)` true."""
        verdicts = []
        if ratio is not None:
            verdicts.append(self.ratio is not None and self.ratio <= ratio)
        if median is not None:
            verdicts.append(self.median <= median)
        if check is not None:
            verdicts.append(bool(check(self)))
        self.passed = all(verdicts)
        self.goal = goal or " and ".join(
            text for text, bound in ((f"≤ {ratio}× raw SQL", ratio), (f"median ≤ {median} ms", median)) if bound
        )
        return self


def timed(label, action, *, repeat=REPEAT, warm_up=1):
    """Run `action()` `warm_up` times untimed, then `repeat` times timed, then once more untimed to record its
    queries: the timed runs go without Django's query log, whose bookkeeping (each statement's text kept, on the
    debug cursor) production does not pay. With no warm-up (a long action), the last timed run records them."""
    for _ in range(warm_up):
        action()
    result = Result(label)
    for run in range(repeat):
        recording = not warm_up and run == repeat - 1
        with CaptureQueriesContext(connection) if recording else nullcontext() as captured:
            started = time.perf_counter()
            action()
            result.timings.append((time.perf_counter() - started) * 1000)
    if warm_up:
        with CaptureQueriesContext(connection) as captured:
            action()
    result.queries = len(captured.captured_queries)
    result.sql = [query["sql"] for query in captured.captured_queries]
    return result


def page(label, client, url, params=None, *, repeat=REPEAT):
    """A page's median and spread, its queries, and its SQL replayed raw as the baseline. Each timed request is
    followed by one replay of its SELECT statements, so page and baseline are timed side by side, in the same
    state of a shared machine (one after the other, a machine that slowed down in between moved the ratio)."""

    def get():
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise AssertionError(f"{label}: {url} answered {response.status_code}")

    get()  # warm-up
    with CaptureQueriesContext(connection) as captured:
        get()
    result = Result(label, queries=len(captured.captured_queries))
    result.sql = [query["sql"] for query in captured.captured_queries]
    selects = [sql for sql in result.sql if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        result.timings.append((time.perf_counter() - started) * 1000)
        result.baseline.append(replay(selects))
    return result


def replay(statements):
    """Milliseconds to run the statements through the cursor and fetch their rows."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def load():
    """The machine's load averages, quoted beside every figure (the machine is shared)."""
    return "load average {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def table(results, out):
    """Print the results as a table; returns how many missed their goal."""
    out(f"{'measurement':<44}{'median':>10}{'spread':>18}{'queries':>8}{'baseline':>10}{'ratio':>7}  goal")
    missed = 0
    for result in results:
        spread = "{:.0f}–{:.0f}".format(*result.spread) if result.spread else ""
        baseline = f"{result.baseline_median:.1f}" if result.baseline_median else ""
        ratio = f"{result.ratio:.1f}×" if result.ratio else ""
        verdict = {True: "PASS", False: "FAIL", None: "----"}[result.passed]
        missed += result.passed is False
        median = f"{result.median:.1f}" if result.median is not None else ""
        queries = "" if result.queries is None else str(result.queries)
        out(f"{result.label:<44}{median:>10}{spread:>18}{queries:>8}{baseline:>10}{ratio:>7}  "
            f"{verdict} {result.goal}{(' · ' + result.note) if result.note else ''}")  # fmt: skip
    return missed
