"""A class's print bundle: `--pupils` pupils (default 45) made as the demo makes them, two guardians, a
generated form and an A4 JPEG scan each and an approved registration, printed as one PDF.

Two paths, each run in a fresh process by bench/run.py:

- `--path worker` (what production runs, the one the goal is judged on): the class is built once in the
  benchmark database and kept (school 99997NNNNN for NNNNN pupils; scans under var/bench-media), a real
  Celery worker is started against `--broker` (Redis) with `--concurrency` processes (production: one per
  core), after its start-up warm-up the print is started as the archivist's page starts it, and the time
  is taken until the job is ready. Per run: seconds, the worker processes' CPU time (user + sys, less
  sensitive to the machine's load than the wall time) and their peak RSS (VmHWM, warm-up included).
- `--path in-process` (no broker: the parts one after the other in this process), inside a transaction
  that is rolled back; the process's peak RSS (getrusage maxrss) is the figure of one print.

    .venv/bin/python -m bench.print_bundle --path worker --repeat 5 --broker redis://127.0.0.1:6379/8
    .venv/bin/python -m bench.print_bundle --path in-process           # prints one JSON line
"""

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "var" / "bench-media"
DEFAULT_BROKER = "redis://127.0.0.1:6379/8"


class _RollBack(Exception):
    pass


def measure(pupils):
    """{seconds, cpu_seconds, pages, queries, size, peak_rss_mib} of one class print in this process
    (everything rolled back)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from archives.printing.services import render_print_job, start_print

    figures = {}
    try:
        with transaction.atomic():
            archivist, school_class = _demo_class(pupils)
            job = start_print(archivist, school_class=school_class, reason="基准测试：学期归档")
            figures["rss_before_render_mib"] = _maxrss_mib()  # after building the class
            with CaptureQueriesContext(connection) as queries:
                started, cpu = time.perf_counter(), time.process_time()
                render_print_job(job.pk)
                figures["seconds"] = time.perf_counter() - started
                figures["cpu_seconds"] = time.process_time() - cpu
            job.refresh_from_db()
            figures.update(pages=job.pages, queries=len(queries.captured_queries), size=job.file.size,
                           state=job.state)  # fmt: skip
            raise _RollBack
    except _RollBack:
        pass
    figures["peak_rss_mib"] = _maxrss_mib()
    return figures


def measure_in_workers(pupils, *, repeat, broker, concurrency):
    """[{seconds, cpu_seconds, pages, size, peak_rss_mib}] of `repeat` class prints by a real Celery worker
    started here (and stopped at the end)."""
    from django.db import transaction

    from archives.models import PrintJob
    from archives.printing.services import start_print
    from registry.celery import app

    with transaction.atomic():
        archivist, school_class = _demo_class(pupils)
    app.control.purge()
    worker = _start_worker(broker, concurrency)
    try:
        runs = []
        for _ in range(repeat):
            cpu = _cpu_seconds(worker)
            started = time.perf_counter()
            job = start_print(archivist, school_class=school_class, reason="基准测试：学期归档")  # queued on commit
            while job.state not in (PrintJob.State.READY, PrintJob.State.FAILED):
                if time.perf_counter() - started > 600:
                    raise SystemExit(f"print job {job.pk} not ready after 600 s")
                time.sleep(0.05)
                job.refresh_from_db()
            seconds = time.perf_counter() - started
            runs.append({"seconds": seconds, "cpu_seconds": _cpu_seconds(worker) - cpu, "pages": job.pages,
                         "size": job.file.size if job.file else 0, "state": job.state,
                         "peak_rss_mib": _peak_rss_mib(worker)})  # fmt: skip
        return runs
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


def _start_worker(broker, concurrency):
    """A Celery worker (prefork, as `make run` and production start it) on the benchmark database, ready."""
    from registry.celery import app

    command = [str(Path(sys.executable).parent / "celery"), "-A", "registry", "worker", "--pool", "prefork",
               "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
               "--loglevel", "WARNING"]  # fmt: skip
    worker = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not app.control.ping(timeout=1.0):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the Celery worker did not start")
    while len(_children(worker)) < concurrency or any(_cpu_busy(child) for child in _children(worker)):
        time.sleep(0.5)  # each pool process warms up (registry.pdf.warm_up) before taking a task
    return worker


def _children(worker):
    import psutil

    return psutil.Process(worker.pid).children(recursive=True)


def _cpu_busy(process, interval=0.5):
    return process.cpu_percent(interval=interval) > 20


def _cpu_seconds(worker):
    import psutil

    processes = [psutil.Process(worker.pid), *_children(worker)]
    return sum(sum(process.cpu_times()[:2]) for process in processes)


def _peak_rss_mib(worker):
    """The largest VmHWM (peak resident set) of the worker's pool processes, in MiB."""
    peaks = []
    for child in _children(worker):
        for line in Path(f"/proc/{child.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def _maxrss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=45)
    parser.add_argument("--database-url")
    parser.add_argument("--path", choices=("worker", "in-process"), default="in-process")
    parser.add_argument("--repeat", type=int, default=1, help="prints by the one worker (--path worker)")
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER))
    parser.add_argument("--concurrency", type=int, default=os.cpu_count())
    options = parser.parse_args(argv)
    from bench import database

    os.environ["MEDIA_ROOT"] = str(MEDIA)
    if options.path == "worker":
        os.environ.update(CELERY_BROKER_URL=options.broker, CELERY_TASK_ALWAYS_EAGER="0")
    else:
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # render_print_job's own path: no broker
    database.setup(options.database_url)
    if options.path == "worker":
        runs = measure_in_workers(options.pupils, repeat=options.repeat, broker=options.broker,
                                  concurrency=options.concurrency)  # fmt: skip
        print(json.dumps(runs))
    else:
        print(json.dumps(measure(options.pupils)))


def _scan_jpeg(seed):
    """An A4 page at 150 dpi, JPEG, different for each pupil: what a household-register scan weighs."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    for row in range(60, 1700, 28):
        draw.line((80, row, 1160, row), fill=(120, 120, 160), width=2)
        left = 80 + (row * 7 + seed * 31) % 600
        draw.rectangle((left, row - 20, left + 60 + (row * 13 + seed * 17) % 400, row - 6), fill=(30, 30, 30))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _demo_class(pupils):
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from archives.models import ArchiveDocument, ArchiveFile
    from audit.history import acting_as
    from registry.models import Authority, School, SchoolClass
    from registry.roles import Role
    from registry.services import grant_role
    from students.demo import build_pupils
    from students.models import Student
    from transfers.models import ApprovalStep, ChangeRequest

    code = f"99997{pupils:05d}"
    kept = SchoolClass.objects.filter(school__code=code).select_related("school").first()
    if kept is not None:  # built by an earlier run (the worker path keeps it)
        return get_user_model().objects.get(username=f"bench_print_{code}"), kept
    user = get_user_model().objects.create(username=f"bench_print_{code}", full_name="基准档案员")
    with acting_as(user, reason="benchmark data"):
        county, _created = Authority.objects.get_or_create(
            code="999997", defaults={"name": "基准测试县教育局", "level": Authority.Level.COUNTY}
        )
        town, _created = Authority.objects.get_or_create(
            code="999997101", defaults={"name": "基准东湖镇教办", "level": Authority.Level.TOWN, "parent": county}
        )
        school = School.objects.create(code=code, name="基准东湖镇中心小学", stage=School.Stage.PRIMARY,
                                       authority=town)  # fmt: skip
        school_class = SchoolClass.objects.create(school=school, grade=4, number=2, entry_year=2026 - 3)
        build_pupils([school_class], school_year=2026, per_class=pupils, actor=user)
        students = list(Student.objects.filter(spells__school_class=school_class))
        ArchiveFile.objects.bulk_create([ArchiveFile(student=student, school=school) for student in students])
        archives = ArchiveFile.objects.filter(school=school)
        today = timezone.localdate()
        documents = []
        for number, archive in enumerate(archives):
            scan = _scan_jpeg(number)
            scan_name = default_storage.save(f"archives/bench/{code}/hukou-{number}.jpg", ContentFile(scan))
            documents.append(ArchiveDocument(
                archive=archive, type=ArchiveDocument.Type.BASIC_INFORMATION, title="学生基本信息表",
                document_date=today, source=ArchiveDocument.Source.GENERATED, added_by=user,
            ))  # fmt: skip
            documents.append(ArchiveDocument(
                archive=archive, type=ArchiveDocument.Type.EVIDENCE, title="户口簿复印件（户主页、本人页）",
                document_date=today, source=ArchiveDocument.Source.UPLOADED, file=scan_name,
                content_type="image/jpeg", size=len(scan), sha256="0" * 64, added_by=user,
            ))  # fmt: skip
        ArchiveDocument.objects.bulk_create(documents)
        now = timezone.now()
        requests = ChangeRequest.objects.bulk_create([
            ChangeRequest(
                kind=ChangeRequest.Kind.REGISTRATION, student=student, school=school, initiated_by=user,
                state=ChangeRequest.State.APPROVED, submitted_at=now, closed_at=now,
            )
            for student in students
        ])  # fmt: skip
        ApprovalStep.objects.bulk_create([
            ApprovalStep(request=request, round=1, position=1, authority=town, decision=ApprovalStep.Decision.APPROVED,
                         decided_by=user, decided_at=now, comment="同意注册")
            for request in requests
        ])  # fmt: skip
    grant_role(user, Role.ARCHIVIST, school, actor=user)
    return user, school_class


if __name__ == "__main__":
    sys.exit(main())
