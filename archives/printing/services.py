"""Printing for the archivist (DOMAIN Archives; DESIGN §6): a pupil's archive bundle, chosen documents of it,
or a whole class's bundles in one PDF, produced by a Celery task from a PrintJob row
(the sections of a bundle are laid out by archives.printing.bundle).

A bundle is, per pupil: a cover sheet with the catalogue of contents, the basic information form (学生基本
信息表: every field of the pupil and of the guardians), the enrolment history, every change request with its
approval steps and decision, and the uploaded documents (JPEG and PNG scans embedded, PDFs listed). When
documents are chosen, only those (and a cover listing them) are printed. Every page carries its number and
a footer naming who printed it and when. ID numbers and phones are masked (个人信息保护法 第二十八条)
unless the job carries a reason for showing them and its requester may reveal them at the school — a
reveal that the audit log records for each pupil.

`render_print_job` is idempotent: a ready job with its file is left alone; any other is rendered again to
the same file name, and only the first run to finish writes the register lines and audit events. Each
pupil's bundle is laid out as its own WeasyPrint document (so page numbers count within a bundle); the pupils
are written in parts of PUPILS_PER_PART, each part's pages as one PDF, so that each font is subset and
embedded once per part rather than once per pupil (writing a pupil's PDF on its own cost almost as much as
laying it out) and memory holds one part's layout at a time; pypdf then merges the parts into one PDF. With a
broker, a class batch is a Celery group of one task per part run by the workers in parallel, the task
writing the last part merging them; without one the parts are written one after the other in process.
Fonts come from one font configuration per process, loaded when a worker starts (registry.pdf).
Queries are bounded: the class's pupils, guardians, spells, requests, steps and documents are fetched in
a fixed number of queries, plus a constant few per pupil (progress, register line).
"""

import logging
import tempfile
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archives import events
from archives.models import ArchiveDocument, ArchiveFile, PrintJob, RegisterEntry
from archives.printing import attachments
from archives.printing.bundle import bundle, page_context
from archives.selectors import can_print
from archives.services import ArchiveRefused, ensure_archive, record
from audit.bulk import create_with_history
from audit.history import acting_as
from audit.reasons import encode
from registry import pdf
from registry.render_jobs import RenderJobs
from registry.scoping import can
from students.models import EnrolmentSpell, Guardian, SchoolNumber, Student
from transfers.models import ApprovalStep, ChangeRequest

logger = logging.getLogger(__name__)


# --- starting ---------------------------------------------------------------------------------------------


def can_print_class(user, school_class) -> bool:
    """A class batch: an archivist of the class's school."""
    return can(user, "archive.print", school_class.school)


def class_pupils(school_class):
    """The pupils on the class's register now (an open enrolment spell in the class), in list order."""
    return Student.objects.filter(spells__school_class=school_class, spells__ended_on__isnull=True).order_by(
        "name_pinyin", "pk"
    )


def may_print_full_numbers(user, school) -> bool:
    """Full ID numbers on paper (issue 6: "masked unless the archivist reveals them with a reason"): the
    holding school's archivist, or anyone who may reveal them on screen there; always with a reason."""
    return can(user, "id_number.print", school)


def start_print(user, *, archive=None, school_class=None, documents=(), reason, reveal_reason=""):
    """Check the permission and queue a print (after the caller's transaction commits): one pupil's archive
    (`documents`: ArchiveDocuments or their ids of that archive; none = the full bundle) or a class's
    bundles. `reveal_reason` asks for full ID numbers, which only may_print_full_numbers users give.
    Returns the PrintJob."""
    if (archive is None) == (school_class is None):
        raise ValueError("print one archive or one class")
    reason, reveal_reason = (reason or "").strip(), (reveal_reason or "").strip()
    if archive is not None:
        if not can_print(user, archive):
            raise PermissionDenied
        school, total = archive.school, 1
        ids = sorted({getattr(document, "pk", document) for document in documents})
        if ids and archive.documents.filter(pk__in=ids).count() != len(ids):
            raise ArchiveRefused(_("Choose documents of this archive only."))
    else:
        if not can_print_class(user, school_class):
            raise PermissionDenied
        if documents:
            raise ValueError("a class batch prints full bundles")
        school, ids = school_class.school, []
        total = class_pupils(school_class).count()
        if not total:
            raise ArchiveRefused(_("%(class)s has no pupils on its register.") % {"class": school_class})
    if not reason:
        raise ArchiveRefused(_("Give the purpose of the print; it is written in the print register."))
    if reveal_reason and not may_print_full_numbers(user, school):
        raise ArchiveRefused(_("You may not print full ID numbers; leave the reason for showing them empty."))
    with transaction.atomic():
        job = PrintJob.objects.create(
            school=school, requested_by=user, archive=archive, school_class=school_class, documents=ids,
            reason=reason[:300], reveal_reason=reveal_reason[:300], total=total,
        )  # fmt: skip
        PRINTS.queue_after_commit(job.pk)
    return job


def progress_percent(job) -> int:
    """How far the job is, for the progress bar: pupils laid out, then the PDF written (100 when ready)."""
    if job.state == PrintJob.State.READY:
        return 100
    if not job.total:
        return 0
    return min(int(100 * job.done / job.total), 99)


def description(job) -> str:
    """What the job prints, as written in the register and on the job's page."""
    if job.school_class_id:
        return _("Full archive bundles of %(class)s") % {"class": job.school_class}
    if not job.documents:
        return _("Full archive bundle")
    titles = ArchiveDocument.objects.filter(pk__in=job.documents).values_list("title", flat=True)
    return _("Documents: %(titles)s") % {"titles": "、".join(titles)}


# --- what a bundle holds ----------------------------------------------------------------------------------


def _students(job):
    """The job's pupils with everything a bundle prints, in a fixed number of queries."""
    if job.archive_id:
        return list(_prefetched(Student.objects.filter(pk=job.archive.student_id)))
    _ensure_archives(job)
    return list(
        _prefetched(Student.objects.filter(pk__in=class_pupils(job.school_class).values("pk"))).order_by(
            "name_pinyin", "pk"
        )
    )


def _prefetched(pupils):
    """`pupils` with their guardians, spells, requests with steps, and documents prefetched."""
    steps = ApprovalStep.objects.select_related("school", "authority", "decided_by").order_by("round", "position")
    requests = (
        ChangeRequest.objects.select_related("school", "counterpart_school", "initiated_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("submitted_at", "pk")
    )
    documents = ArchiveDocument.objects.select_related("superseded_by").order_by("document_date", "type", "pk")
    return pupils.select_related("archive__school").prefetch_related(
        Prefetch("guardians", queryset=Guardian.objects.order_by("pk")),
        Prefetch(
            "spells",
            queryset=EnrolmentSpell.objects.select_related("school", "school_class").order_by("started_on", "pk"),
        ),
        Prefetch("change_requests", queryset=requests),
        Prefetch("archive__documents", queryset=documents),
        Prefetch("school_numbers", queryset=SchoolNumber.objects.order_by("assigned_on", "pk")),
    )


def _ensure_archives(job):
    """Create, in one go, the archives the class's pupils do not have yet (at the class's school)."""
    missing = list(class_pupils(job.school_class).filter(archive__isnull=True).values_list("pk", flat=True))
    if not missing:
        return
    try:
        with transaction.atomic():
            create_with_history(
                [ArchiveFile(student_id=pk, school=job.school_class.school) for pk in missing], ArchiveFile,
                actor=job.requested_by, reason=encode("archives.print_job", job=job.pk),
            )  # fmt: skip
    except IntegrityError:  # another writer created some meanwhile: one by one
        for student in Student.objects.filter(pk__in=missing):
            ensure_archive(student)


# --- rendering --------------------------------------------------------------------------------------------


def file_name(job) -> str:
    """Where the job's PDF is kept: the same name every time, so a re-render replaces it."""
    return f"prints/{job.created_at:%Y}/print-{job.pk:06d}.pdf"


def may_reveal(job) -> bool:
    """Full numbers only with a reason and while the requester may still reveal them at the school."""
    return bool(job.reveal_reason) and may_print_full_numbers(job.requested_by, job.school)


def printed_copy(job):
    """The former school's read-only copy the requester prints from, when they are not an archivist of the
    holding school (None for them and for class batches): such a print holds the archive as handed over."""
    if not job.archive_id or can(job.requested_by, "archive.print", job.archive.school):
        return None
    copies = [copy for copy in job.archive.copies.select_related("school")
              if can(job.requested_by, "archive.print", copy.school)]  # fmt: skip
    if not copies:
        raise PermissionDenied  # the requester no longer prints this archive
    return max(copies, key=lambda copy: copy.since)


class PrintRenders(RenderJobs):
    """Print jobs as render jobs (registry.render_jobs): re-rendered unless ready with their file; the first
    run to finish marks the job ready (a conditional update) and writes one register line per pupil and the
    audit events, so running twice or concurrently leaves one file and one set of lines. A job still queued
    after the pause is queued again when its page is opened."""

    model = PrintJob
    task_name = "archives.tasks.render_print_job_task"
    waiting_states = (PrintJob.State.QUEUED,)

    def fetch(self, pk):
        return PrintJob.objects.select_related(
            "requested_by", "school__authority", "archive", "school_class__school"
        ).get(pk=pk)

    def produce(self, job):
        PrintJob.objects.filter(pk=job.pk).exclude(state=PrintJob.State.READY).update(
            state=PrintJob.State.RENDERING, done=0
        )
        try:
            reason = {"reason": "archives.print_job", "job": job.pk}
            with translation.override(settings.LANGUAGE_CODE), acting_as(job.requested_by, **reason):
                if in_parallel(job):
                    queue_parts(job)
                    return
                students, copy, data, pages = _render(job)
                name = file_name(job)
                pdf.write_replacing(PrintJob._meta.get_field("file").storage, name, data)
                _finish(job, students, copy=copy, name=name, pages=pages)
        except Exception:
            PrintJob.objects.filter(pk=job.pk, finished_at__isnull=True).update(state=PrintJob.State.FAILED)
            logger.exception("print job %s failed", job.pk)
            raise

    def progress(self, job) -> int:
        return progress_percent(job)


PRINTS = PrintRenders()
render_print_job = PRINTS.render
requeue_if_stuck = PRINTS.requeue_if_stuck


def _render(job):
    """(pupils, the copy printed from, PDF bytes, page count), part after part in this process: each part's
    pupils are laid out, written to a temporary PDF and dropped before the next part (memory: one part's
    layout), then the parts are merged with pypdf; `done` counts up as each pupil is laid out."""
    students = _students(job)
    if not students:
        raise ArchiveRefused(_("There is nobody to print: the class has no pupils on its register."))
    PrintJob.objects.filter(pk=job.pk).update(total=len(students))
    revealed, copy = may_reveal(job), printed_copy(job)

    def laid_out(position):
        PrintJob.objects.filter(pk=job.pk).update(done=position)

    with tempfile.TemporaryDirectory(prefix="xueji-print-") as folder:
        parts = []
        for first, count in partition(len(students)):
            part = Path(folder) / f"{first:04d}.pdf"
            pupils = list(enumerate(students[first - 1 : first - 1 + count], start=first))
            part.write_bytes(part_pdf(job, pupils, revealed=revealed, copy=copy, count=len(students),
                                      laid_out=laid_out))  # fmt: skip
            parts.append(part)
        data, pages = merge_parts(job, parts)
    return students, copy, data, pages


# Pupils written as one PDF: each font is subset and embedded once per part (a pupil alone spends as long
# writing its PDF as laying it out; in a part of 8, a fifth of that), and a part's layout is what memory holds.
PUPILS_PER_PART = 8


def partition(total):
    """[(first position, number of pupils)] of the parts of a job of `total` pupils, in order."""
    return [(start + 1, min(PUPILS_PER_PART, total - start)) for start in range(0, total, PUPILS_PER_PART)]


def part_pdf(job, pupils, *, revealed, copy, count, laid_out=None) -> bytes:
    """The bundles of `pupils` ([(position, student)], consecutive) as one PDF. Each bundle is laid out as its
    own document, so its pages are numbered within it; the pages of all of them are then written together
    with the process's fonts (each font subset once for the part), and the pages of uploaded PDF documents
    drawn onto the pages reserved for them (archives.printing.attachments). `laid_out(position)` is called
    after each pupil."""
    layouts, reserved, documents = [], {}, {}
    for position, student in pupils:
        pupil = bundle(job, student, revealed=revealed, copy=copy, position=position, count=count)
        html = render_to_string("archives/print/bundle.html", {**page_context(job), "bundle": pupil})
        layout = pdf.layout_html(html)
        offset = sum(len(earlier.pages) for earlier in layouts)
        for index, page in attachments.reserved_pages(layout).items():
            reserved[offset + index] = page
        documents.update({part["document"].pk: part["document"] for part in pupil["sections"] if part.get("attached")})
        layouts.append(layout)
        if laid_out is not None:
            laid_out(position)
    written = layouts[0].copy([page for layout in layouts for page in layout.pages]).write_pdf()
    return attachments.draw_onto(written, reserved, documents)


def merge_parts(job, parts):
    """(PDF bytes, page count): the pupils' PDFs (paths or file objects, in order) as one document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(part)
    writer.add_metadata({"/Title": f"{description(job)} · {job.school}", "/Author": str(job.requested_by)})
    out = BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


# --- a class in parallel worker tasks (a broker is configured) ----------------------------------------------


def in_parallel(job) -> bool:
    """A class batch goes to one worker task per part when tasks run in workers, not in-process."""
    return bool(job.school_class_id) and not settings.CELERY_TASK_ALWAYS_EAGER


def _part_name(job_pk, first):
    return f"print-parts/print-{job_pk:06d}/{first:04d}.pdf"


def parts_of(job):
    """[(first position, [student pks])]: the job's parts as queued, its pupils in list order."""
    students = _students(job)
    return [(first, [student.pk for student in students[first - 1 : first - 1 + count]])
            for first, count in partition(len(students))]  # fmt: skip


def queue_parts(job):
    """Hand each part of a class batch to its own worker task (a Celery group, queued by task name); the
    task that writes the last part merges them (render_part)."""
    from celery import group, signature

    parts = parts_of(job)
    if not parts:
        raise ArchiveRefused(_("There is nobody to print: the class has no pupils on its register."))
    PrintJob.objects.filter(pk=job.pk).update(total=sum(len(pks) for _first, pks in parts), done=0)
    group(signature("archives.tasks.render_part_task", args=(job.pk, first, pks)) for first, pks in parts).apply_async()


def render_part(job_pk, first, student_pks):
    """Lay out one part of a class batch (its pupils from position `first`) into its part file; when every
    part is there, merge them into the job's PDF and finish the job (idempotent: a part is rewritten under the
    same name, and only the first run to finish writes the register lines)."""
    job = PrintJob.objects.select_related("requested_by", "school__authority", "archive", "school_class__school").get(
        pk=job_pk
    )
    if job.finished_at is not None:
        return
    storage = PrintJob._meta.get_field("file").storage
    try:
        reason = {"reason": "archives.print_job", "job": job.pk}
        with translation.override(settings.LANGUAGE_CODE), acting_as(job.requested_by, **reason):
            by_pk = {student.pk: student for student in _prefetched(Student.objects.filter(pk__in=student_pks))}
            pupils = [(first + offset, by_pk[pk]) for offset, pk in enumerate(student_pks)]
            data = part_pdf(job, pupils, revealed=may_reveal(job), copy=None, count=job.total)
            pdf.write_replacing(storage, _part_name(job.pk, first), data)
            parts = partition(job.total)
            written = [count for start, count in parts if storage.exists(_part_name(job.pk, start))]
            PrintJob.objects.filter(pk=job.pk, finished_at__isnull=True).update(done=sum(written))
            if len(written) < len(parts):
                return
            students = list(_prefetched(Student.objects.filter(pk__in=class_pupils(job.school_class).values("pk")))
                            .order_by("name_pinyin", "pk"))  # fmt: skip
            names = [_part_name(job.pk, start) for start, _count in parts]
            handles = [storage.open(name, "rb") for name in names]
            try:
                data, pages = merge_parts(job, handles)
            finally:
                for handle in handles:
                    handle.close()
            name = file_name(job)
            pdf.write_replacing(storage, name, data)
            _finish(job, students, copy=None, name=name, pages=pages)
            for part in names:
                storage.delete(part)
    except Exception:
        PrintJob.objects.filter(pk=job_pk, finished_at__isnull=True).update(state=PrintJob.State.FAILED)
        logger.exception("print job %s failed at the part from pupil %s", job_pk, first)
        raise


def _finish(job, students, *, copy, name, pages):
    now = timezone.now()
    with transaction.atomic():
        first = PrintJob.objects.filter(pk=job.pk, finished_at__isnull=True).update(
            state=PrintJob.State.READY, file=name, pages=pages, done=len(students), total=len(students),
            finished_at=now,
        )  # fmt: skip
        if not first:  # finished before (its file was lost and made again, or another run won): no new lines
            PrintJob.objects.filter(pk=job.pk).update(state=PrintJob.State.READY, file=name)
            return
        job.state, job.file, job.pages, job.finished_at = PrintJob.State.READY, name, pages, now
        what, revealed = description(job), may_reveal(job)
        for student in students:
            record(student.archive, user=job.requested_by, action=RegisterEntry.Action.PRINTED, what=what,
                   why=job.reason, school=job.school)  # fmt: skip
            if copy is not None:  # the former school's register shows its own archivist's print too
                record(student.archive, user=job.requested_by, action=RegisterEntry.Action.PRINTED, what=what,
                       why=job.reason, school=copy.school)  # fmt: skip
            if revealed:
                events.id_numbers_printed(job, student=student)
        target = job.school_class or students[0].archive
        events.printed(job, target=target, what=what, pupils=len(students), revealed=revealed)
