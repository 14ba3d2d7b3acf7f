"""Benchmark of a class batch print (not a test: it prints figures to report).

    DATABASE_URL=sqlite:////tmp/xueji_print.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/xueji_print.sqlite3 .venv/bin/python manage.py benchmark_print

Builds, inside a transaction rolled back at the end (and with media in a temporary folder), a class of
`--pupils` pupils (default 45) made as the demo makes them (students.demo.build_pupils: two guardians
each), with a couple of documents each (the generated basic information form and an uploaded A4 JPEG scan
of the household register) and an approved registration with its approval step. Then renders the class's
archive bundles as one PDF through render_print_job, twice: once timed (wall time, queries, pages, PDF
size, the process's peak RSS from resource.getrusage), once under tracemalloc (peak of Python allocations;
tracing slows the render, so its time is not the figure to quote).
"""

import resource
import tempfile
import time
import tracemalloc
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from archives.models import ArchiveDocument, ArchiveFile
from archives.printing import render_print_job, start_print
from audit.history import acting_as
from registry.models import Authority, School, SchoolClass
from registry.roles import Role
from registry.services import grant_role
from students.demo import build_pupils
from students.models import Student
from transfers.models import ApprovalStep, ChangeRequest

SCHOOL_YEAR = 2026


class _RollBack(Exception):
    pass


def _maxrss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Command(BaseCommand):
    help = "Time and measure the one-PDF print of a class's archive bundles (everything rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--pupils", type=int, default=45, help="pupils in the class (default 45)")

    def handle(self, *args, pupils, **options):
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            try:
                with transaction.atomic():
                    self._run(pupils)
                    raise _RollBack
            except _RollBack:
                self.stdout.write("(everything built by the benchmark was rolled back; media were temporary)")

    def _run(self, pupils):
        archivist, school_class = _demo_class(pupils)
        self.stdout.write(f"database: {connection.vendor}; class of {pupils} pupils, 2 guardians and 2 documents each")
        job = start_print(archivist, school_class=school_class, reason="基准测试：学期归档")
        rss_before = _maxrss_mib()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            render_print_job(job.pk)
            elapsed = time.perf_counter() - started
        rss_after = _maxrss_mib()
        job.refresh_from_db()
        size = job.file.size
        self.stdout.write(
            f"render: {elapsed:.1f} s wall ({elapsed / pupils * 1000:.0f} ms per pupil); {job.pages} pages; "
            f"PDF {size / 1024 / 1024:.1f} MiB; {len(queries.captured_queries)} queries; state {job.state}"
        )
        self.stdout.write(
            f"peak RSS (getrusage maxrss): {rss_before:.0f} MiB before the render, {rss_after:.0f} MiB after"
        )

        again = start_print(archivist, school_class=school_class, reason="基准测试：内存")
        tracemalloc.start()
        started = time.perf_counter()
        render_print_job(again.pk)
        traced = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"tracemalloc peak (Python allocations): {peak / 1024 / 1024:.0f} MiB (traced run {traced:.1f} s)"
        )


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
    user = get_user_model().objects.create(username=f"bench_print_{time.time_ns()}", full_name="基准档案员")
    with acting_as(user, reason="benchmark data"):
        county = Authority.objects.create(name="基准测试县教育局", code="999997", level=Authority.Level.COUNTY)
        town = Authority.objects.create(
            name="基准东湖镇教办", code="999997101", level=Authority.Level.TOWN, parent=county
        )
        school = School.objects.create(code="9999970001", name="基准东湖镇中心小学", stage=School.Stage.PRIMARY,
                                       authority=town)  # fmt: skip
        school_class = SchoolClass.objects.create(school=school, grade=4, number=2, entry_year=SCHOOL_YEAR - 3)
        build_pupils([school_class], school_year=SCHOOL_YEAR, per_class=pupils, actor=user)
        students = list(Student.objects.filter(spells__school_class=school_class))
        ArchiveFile.objects.bulk_create([ArchiveFile(student=student, school=school) for student in students])
        archives = ArchiveFile.objects.filter(school=school)
        today = timezone.localdate()
        documents = []
        for number, archive in enumerate(archives):
            scan = _scan_jpeg(number)
            scan_name = default_storage.save(f"archives/bench/hukou-{number}.jpg", ContentFile(scan))
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
