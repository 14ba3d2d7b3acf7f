"""`make run` as a user meets it: the Procfile's web server, Celery worker and Celery beat under honcho, on the
embedded defaults (an SQLite file, the filesystem broker), with the demo loaded — nothing eager, nothing run by
hand. The class print's progress bar moves while the real worker renders, and a reminder due today reaches the
inbox through beat and the worker.

The stack runs against its own SQLite file (not the test database), exactly as `make run` does; the test reads
that file with sqlite3 to find what to open. REMINDER_HOUR=0 makes the daily reminders' hour already past, so
the beat that starts sends today's reminders (registry.celery.catch_up_todays_reminders), as it does for a
laptop switched on after 07:00."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PORTS = range(8161, 8170)  # this project's ports for servers started by tests (HELPERS.md)
ARCHIVIST_SCHOOL = "2134119901"  # archivist1's and registrar1's school in the demo


def _free_port():
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail(f"no free port in {PORTS}")


def _wait_until_serving(port, process, log, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"honcho stopped:\n{log.read_text()[-3000:]}"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    pytest.fail(f"the web server did not answer on {port}:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def make_run(tmp_path_factory, django_db_setup, django_db_blocker):
    """migrate + demo + `honcho start` (the Makefile's `run` recipe) in a scratch folder; stopped with SIGINT
    like Ctrl-C, and killed if it lingers. The demo is `make run`'s own, forty pupils a class: with the browser
    journeys' ten (conftest), a fast worker printed the whole class between two of the page's one-second polls,
    and the bar went from 0 to the download without a step between. On SQLite the file starts as a copy of
    the test database, which pytest-django has just migrated the same way (sqlite3's online backup): `migrate`
    then finds nothing to apply instead of spending a quarter of a minute on what this run has already done."""
    folder = tmp_path_factory.mktemp("make-run")
    database = folder / "db.sqlite3"
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock(), closing(sqlite3.connect(database)) as copy:
            connection.ensure_connection()
            connection.connection.backup(copy)
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DATABASE_URL", "CACHE_URL", "PYTEST", "DJANGO_ALLOW_ASYNC"))
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        "XUEJI_VAR_DIR": str(folder / "var"),
        "PDF_FONT_ROOT": str(settings.PDF_FONT_ROOT),  # the fonts `make setup` cut (var/fonts), as `make run` has
        "MEDIA_ROOT": str(folder / "media"),
        "XUEJI_PORT": str(port),
        "REMINDER_HOUR": "0",
        "PYTHONUNBUFFERED": "1",
    }
    base = Path(settings.BASE_DIR)
    for command in (["migrate", "--noinput"], ["demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=base, env=env, check=True, capture_output=True)
    with sqlite3.connect(database) as db:
        # the demo's own submissions have told their town offices (event notices); no reminder has been sent yet
        assert db.execute("SELECT COUNT(*) FROM registry_notification WHERE kind = 'reminder'").fetchone() == (0,)
    log = folder / "honcho.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "honcho"), "start"],
            cwd=base, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_until_serving(port, process, log)
        yield {"url": f"http://127.0.0.1:{port}", "database": database, "log": log}
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _log_in(page, url, username):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_the_class_print_bar_moves_while_the_worker_renders(page, make_run):
    with sqlite3.connect(make_run["database"]) as db:
        (class_pk,) = db.execute(
            "SELECT c.id FROM registry_schoolclass c JOIN registry_school s ON s.id = c.school_id"
            " WHERE s.code = ? ORDER BY c.id LIMIT 1",
            [ARCHIVIST_SCHOOL],
        ).fetchone()
    _log_in(page, make_run["url"], "archivist1")
    page.goto(f"{make_run['url']}/schools/{ARCHIVIST_SCHOOL}/classes/{class_pk}/print/")
    page.get_by_label("打印用途").fill("学期末档案核对")
    page.get_by_role("button", name="打印全班").click()

    bar = page.locator("#print-progress progress")
    download = page.get_by_test_id("print-download")
    seen = []
    deadline = time.monotonic() + 240
    while not download.is_visible():
        assert time.monotonic() < deadline, f"no PDF; bar values {seen}\n{make_run['log'].read_text()[-3000:]}"
        try:  # the poll may swap the bar out (for the download) between these two reads
            value = bar.get_attribute("value", timeout=1000) if bar.count() else None
        except PlaywrightTimeoutError:
            value = None
        if value is not None and (not seen or seen[-1] != value):
            seen.append(value)
        page.wait_for_timeout(200)
    moving = [value for value in seen if 0 < float(value) < 100]
    assert moving and len(set(seen)) >= 2, f"the bar did not move: {seen}"
    assert "received" in make_run["log"].read_text()  # the worker took the task from the broker


def test_a_reminder_due_today_reaches_the_inbox_without_a_command(page, make_run):
    _log_in(page, make_run["url"], "registrar1")
    deadline = time.monotonic() + 120
    while True:
        page.goto(f"{make_run['url']}/notifications/")
        if page.get_by_test_id("notification").filter(has_text="仍未注册").count():
            break
        assert time.monotonic() < deadline, make_run["log"].read_text()[-3000:]
        page.wait_for_timeout(1000)
    expect(page.get_by_test_id("notification").filter(has_text="仍未注册").first).to_be_visible()
    log = make_run["log"].read_text()
    assert "beat.1" in log and "send_daily_reminders_task" in log and "succeeded" in log
