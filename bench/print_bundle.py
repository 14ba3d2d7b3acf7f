"""A class's print bundle: `--pupils` pupils (default 45) made as the demo makes them, two guardians, a
generated form and an A4 JPEG scan each and an approved registration, all built inside a transaction that is
rolled back (media in a temporary folder), printed as one PDF by render_print_job pupil by pupil.

Run by bench/run.py in a fresh process per measurement, so that the process's peak RSS (getrusage maxrss,
Django and WeasyPrint included) is the figure of one bundle:

    .venv/bin/python -m bench.print_bundle --pupils 45      # prints one JSON line
"""

import argparse
import json
import resource
import sys
import tempfile
import time
from io import BytesIO


class _RollBack(Exception):
    pass


def measure(pupils):
    """{seconds, pages, queries, size, peak_rss_mib} of one class print (everything rolled back)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext, override_settings

    from archives.printing.services import render_print_job, start_print

    figures = {}
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        try:
            with transaction.atomic():
                archivist, school_class = _demo_class(pupils)
                job = start_print(archivist, school_class=school_class, reason="基准测试：学期归档")
                figures["rss_before_render_mib"] = _maxrss_mib()  # after building the class
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    render_print_job(job.pk)
                    figures["seconds"] = time.perf_counter() - started
                job.refresh_from_db()
                figures.update(pages=job.pages, queries=len(queries.captured_queries), size=job.file.size,
                               state=job.state)  # fmt: skip
                raise _RollBack
        except _RollBack:
            pass
    figures["peak_rss_mib"] = _maxrss_mib()
    return figures


def _maxrss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=45)
    parser.add_argument("--database-url")
    options = parser.parse_args(argv)
    from bench import database

    database.setup(options.database_url)
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

    user = get_user_model().objects.create(username=f"bench_print_{time.time_ns()}", full_name="基准档案员")
    with acting_as(user, reason="benchmark data"):
        county = Authority.objects.create(name="基准测试县教育局", code="999997", level=Authority.Level.COUNTY)
        town = Authority.objects.create(
            name="基准东湖镇教办", code="999997101", level=Authority.Level.TOWN, parent=county
        )
        school = School.objects.create(code="9999970001", name="基准东湖镇中心小学", stage=School.Stage.PRIMARY,
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


if __name__ == "__main__":
    sys.exit(main())
