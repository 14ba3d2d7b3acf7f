"""A real Celery worker killed while it renders a four-copy form: after a restart the task is delivered
again and exactly one form, with one complete PDF, comes out (DESIGN §6: acks_late, idempotent tasks).
Needs PostgreSQL (the worker is another process reading the test database) and Redis (the broker)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import SchoolClassFactory
from tests.transfers.kinds_helpers import pupil_in
from transfers.models import ChangeRequest, TransferForm

BROKER = os.environ.get("XUEJI_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")


def _database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(media_root, log):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "MEDIA_ROOT": str(media_root),
    }
    command = [sys.executable, "-m", "celery", "-A", "registry", "worker", "--pool=solo", "--without-gossip",
               "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def _state(form):
    return TransferForm.objects.values_list("state", flat=True).get(pk=form.pk)


@pytest.mark.postgresql
def test_killing_the_worker_mid_render_and_restarting_yields_exactly_one_form(transactional_db, world, tmp_path):
    redis.Redis.from_url(BROKER).flushdb()
    pupil = pupil_in(world.school_a, grade=3)
    target = SchoolClassFactory(school=world.school_c, grade=3)
    request = ChangeRequest.objects.create(
        kind="transfer", student=pupil, school=world.school_c, counterpart_school=world.school_a,
        payload={"school_class": target.pk, "grade": 3, "reason": "随父母迁居"},
        initiated_by=world.users["registrar"], submitted_at=timezone.now(),
    )  # fmt: skip
    form = TransferForm.objects.create(
        request=request, issue=1, serial="ZX2026-KILL-1", verification_code="KILLTEST0001"
    )
    media = tmp_path / "worker-media"
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        first = _start_worker(media, log)
        try:
            Celery(broker=BROKER).send_task("transfers.tasks.render_transfer_form_task", args=[form.pk])
            _wait_for(lambda: _state(form) == "rendering", 60, "the first worker to start rendering")
            os.killpg(first.pid, signal.SIGKILL)  # mid-render: no acknowledgement, no file marked ready
            first.wait(10)
            assert _state(form) == "rendering"
            time.sleep(3)  # past the visibility timeout: the restarted worker takes the message back at start
            second = _start_worker(media, log)
            try:
                _wait_for(lambda: _state(form) == "ready", 90, "the restarted worker to finish the form")
            finally:
                os.killpg(second.pid, signal.SIGTERM)
                second.wait(20)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
    assert TransferForm.objects.filter(request=request).count() == 1
    form.refresh_from_db()
    files = sorted(path.name for path in Path(media).rglob("*") if path.is_file())
    assert files == [Path(form.file.name).name], Path(log_path).read_text()[-3000:]
    assert len(PdfReader(Path(media) / form.file.name).pages) == 4
