"""Browser tests: Playwright drives Debian's Chromium (`playwright install` cannot download here) against
pytest-django's live server: its headless shell (package chromium-headless-shell, what Playwright runs for headless
tests), or the desktop `chromium` where only that is installed; CHROMIUM_PATH names another."""

import fcntl
import json
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or "/usr/bin/chromium-headless-shell"
)


# The browser journeys' demo town has the demo's schools, classes, accounts and pending registrations with ten
# pupils in each class instead of forty (`manage.py demo --pupils-per-class`): the same pages and the same code
# paths, with the pages that list a class or a school (roll checks, class prints, confirmation forms) a quarter
# of the size to lay out, audit and print. The demo at full size is what `make run` serves (test_make_run.py) and
# what tests/registry/test_demo.py checks; the county-scale figures are bench/'s.
DEMO_PUPILS_PER_CLASS = 10

_demo_snapshot = []  # this test process's copy of the demo town's database (SQLite only)
_shared_folder = []  # the folder this run's test processes share (the demo town's file is kept there)


@pytest.fixture(scope="session", autouse=True)
def _run_folder(tmp_path_factory, worker_id):
    """pytest's temporary folder of the whole run: under pytest-xdist each worker's own folder is inside it."""
    base = tmp_path_factory.getbasetemp()
    _shared_folder[:] = [base if worker_id == "master" else base.parent]


def load_demo():
    """The demo town (`manage.py demo`, ten pupils a class) in the live server's database. On SQLite it is built once
    per run: the first test process to need it builds it and writes it to a file in the run's folder (the
    others wait for the file under a lock and read it), each process keeps a private in-memory copy (sqlite3's
    backup API), and every later browser test gets the same database back by the reverse copy (milliseconds
    instead of seconds), since `transactional_db` empties the database after each test. On PostgreSQL the
    demo is built each time."""
    if connection.vendor != "sqlite":
        call_command("demo", pupils_per_class=DEMO_PUPILS_PER_CLASS)
        return
    connection.ensure_connection()
    if not _demo_snapshot:
        _demo_of_the_run(connection.connection)
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
        _demo_snapshot.append(snapshot)
    else:
        _demo_snapshot[0].backup(connection.connection)
    ContentType.objects.clear_cache()  # the rows are the snapshot's again, whatever the flush recreated


def _demo_of_the_run(database):
    """Put the run's demo town into `database`: read from the run's file, or built and written there first."""
    folder = _shared_folder[0]
    built = folder / "demo-town.sqlite3"
    with open(folder / "demo-town.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if built.exists():
            with closing(sqlite3.connect(built)) as source:
                source.backup(database)
            return
        call_command("demo", pupils_per_class=DEMO_PUPILS_PER_CLASS)
        with closing(sqlite3.connect(built)) as target:
            database.backup(target)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def allow_sync_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test's thread, while the tests' own database
    access stays synchronous Django code: tell Django that this is intended, for browser tests only.
    Session-scoped, because the database set-up runs once, after the browser's loop has started."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


# axe-core (npm, pinned in package-lock.json; a dev dependency that is never copied to static/vendor) audits
# every page a browser test opens against WCAG 2.0/2.1 A and AA. The script is added to each page by
# Playwright (an init script runs in the page's own world, so the CSP does not apply to it); it runs once the
# page has loaded and reports back; a test fails at its end on any violation of any page it opened. A page whose
# markup (its CSRF token aside) this test process has already audited gets that audit's findings instead of a new
# run: the same markup under the same style sheets is the same page to axe (about a quarter of the pages the
# journeys open are a home page, list or form already audited, and axe is a fifth of a journey's time).
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUNNER = """
window.__xjAxe = new Promise(resolve => {
  if (window.top !== window) return resolve(null);
  window.addEventListener("load", async () => {
    const markup = document.documentElement.outerHTML.replace(/(name="csrfmiddlewaretoken" value=")[^"]*/g, "$1");
    const digest = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(markup))),
      byte => byte.toString(16).padStart(2, "0"),
    ).join("");
    let found = await window.__xjAxeKnown(digest);
    if (found === null) {
      const result = await axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]});
      found = result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n")[1]),
      }));
    }
    window.__xjAxeReport(location.pathname + location.search, digest, found);
    resolve(found);
  });
});
"""


def _finish_audit(page):
    """Wait until the page on screen has been audited (its audit starts at its load event)."""
    for _attempt in range(3):
        try:
            page.evaluate("window.__xjAxe || null")
            return
        except PlaywrightError:  # a navigation was under way: wait for the next page instead
            page.wait_for_load_state()


def _audited_before(action, page_of):
    """The action, once the page it may leave has been audited: a page cannot be left unaudited."""

    def wrapper(self, *args, **kwargs):
        page = page_of(self)
        if getattr(page, "_xj_audited", False):
            _finish_audit(page)
        return action(self, *args, **kwargs)

    return wrapper


ADMIN_PREFIX = "/admin/"
_audited_markup = {}  # SHA-256 of an audited page's markup (CSRF token blanked) -> the violations axe found on it


@pytest.fixture
def accessibility_audits(page, monkeypatch):
    """Each audited page's address, in order, and the violations found on it."""
    audits = []

    def report(url, digest, violations):
        _audited_markup[digest] = violations
        audits.append((url, violations))

    page.expose_function("__xjAxeKnown", lambda digest: _audited_markup.get(digest))
    page.expose_function("__xjAxeReport", report)
    page.add_init_script(path=str(AXE_SCRIPT))
    page.add_init_script(AXE_RUNNER % json.dumps(AXE_TAGS))
    page._xj_audited = True
    for name in ("goto", "reload", "go_back", "click", "press"):
        monkeypatch.setattr(Page, name, _audited_before(getattr(Page, name), lambda page: page))
    for name in ("click", "press", "dispatch_event"):
        monkeypatch.setattr(Locator, name, _audited_before(getattr(Locator, name), lambda locator: locator.page))
    return audits


@pytest.fixture(autouse=True)
def no_accessibility_violations(request):
    """Every browser test (each one using `page`) audits each page it opens and fails on any violation."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    audits = request.getfixturevalue("accessibility_audits")
    yield
    if not page.is_closed():
        _finish_audit(page)  # the page still open finishes its audit
    assert audits, "axe-core audited no page"
    # Django's own admin site keeps Django's theme (it is not our pages' markup); every other page is held to AA.
    failures = [
        (url, violation) for url, violations in audits if not url.startswith(ADMIN_PREFIX) for violation in violations
    ]
    assert not failures, "WCAG 2.1 AA violations:\n" + "\n".join(
        f"{url}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"]) for url, v in failures
    )


def confirm_dialog(page, expect_text=None):
    """After a click on a button carrying data-xj-confirm (an irreversible action, registry.confirmation):
    the layout's confirmation dialog is open and says what will happen (`expect_text`, when given, is part
    of it); confirm it and wait for the page the POST leads to."""
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    if expect_text is not None:
        expect(dialog).to_contain_text(expect_text)
    with page.expect_navigation():
        dialog.locator("[data-xj-confirm-ok]").click()
