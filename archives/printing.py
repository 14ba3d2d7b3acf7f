"""Printing for the archivist (DOMAIN Archives; DESIGN §6): a pupil's archive bundle, chosen documents of it,
or a whole class's bundles in one PDF, produced by a Celery task from a PrintJob row.

A bundle is, per pupil: a cover sheet with the catalogue of contents, the basic information form (学生基本
信息表: every field of the pupil and of the guardians), the enrolment history, every change request with its
approval steps and decision, and the uploaded documents (JPEG and PNG scans embedded, PDFs listed). When
documents are chosen, only those (and a cover listing them) are printed. Every page carries its number and
a footer naming who printed it and when. ID numbers and phones are masked (个人信息保护法 第二十八条)
unless the job carries a reason for showing them and its requester may reveal them at the school — a
reveal that the audit log records for each pupil.

`render_print_job` is idempotent: a ready job with its file is left alone; any other is rendered again to
the same file name, and only the first run to finish writes the register lines and audit events. Each
pupil's bundle is laid out as its own WeasyPrint document and written as its own PDF (so page numbers count
within a bundle, the progress bar moves per pupil, and memory holds one pupil's layout at a time); pypdf then
merges the parts into one PDF. With a broker, a class batch is a Celery group of one task per pupil run by the
workers in parallel, the task writing the last part merging them; without one it runs pupil by pupil in
process. Fonts come from one font configuration per process, loaded when a worker starts (registry.pdf).
Queries are bounded: the class's pupils, guardians, spells, requests, steps and documents are fetched in
a fixed number of queries, plus a constant few per pupil (progress, register line).
"""

import base64
import logging
import re
import tempfile
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from archives import events
from archives.models import ArchiveDocument, ArchiveFile, PrintJob, RegisterEntry
from archives.selectors import can_print
from archives.services import ArchiveRefused, ensure_archive, record
from audit.history import acting_as
from registry import pdf
from registry.roles import Role
from registry.scoping import roles_at
from students.identity import mask_id_number, mask_national_number, mask_phone
from students.models import EnrolmentSpell, Guardian, Student
from students.services import can_reveal_id_numbers
from transfers.kinds import KINDS
from transfers.models import ApprovalStep, ChangeRequest

logger = logging.getLogger(__name__)

STUCK_AFTER_SECONDS = 5 * 60  # a job still waiting after this long is queued again when its page is opened
EMBED_LIMIT = 8 * 1024 * 1024  # larger scans are listed, not embedded
IMAGE_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
# Search keys derived from the name: not part of the form.
HIDDEN_STUDENT_FIELDS = {"id", "name_folded", "name_initials"}
MASKED = {"id_number": mask_id_number, "national_number": mask_national_number, "phone": mask_phone}


# --- starting ---------------------------------------------------------------------------------------------


def can_print_class(user, school_class) -> bool:
    """A class batch: an archivist of the class's school."""
    return Role.ARCHIVIST in roles_at(user, school_class.school)


def class_pupils(school_class):
    """The pupils on the class's register now (an open enrolment spell in the class), in list order."""
    return Student.objects.filter(spells__school_class=school_class, spells__ended_on__isnull=True).order_by(
        "name_pinyin", "pk"
    )


def may_print_full_numbers(user, school) -> bool:
    """Full ID numbers on paper (issue 6: "masked unless the archivist reveals them with a reason"): the
    holding school's archivist, or anyone who may reveal them on screen there; always with a reason."""
    return Role.ARCHIVIST in roles_at(user, school) or can_reveal_id_numbers(user, school)


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
        transaction.on_commit(lambda: queue_rendering(job.pk), robust=True)
    return job


def queue_rendering(job_pk):
    """Hand the job to the Celery task (run in-process when no broker is configured)."""
    from archives.tasks import render_print_job_task

    render_print_job_task.delay(job_pk)


def requeue_if_stuck(job):
    """Queue again a job that has waited long without starting (its task was lost): rendering is
    idempotent, so this is safe. At most once per STUCK_AFTER_SECONDS per job."""
    if job.state != PrintJob.State.QUEUED:
        return False
    if (timezone.now() - job.created_at).total_seconds() < STUCK_AFTER_SECONDS:
        return False
    if not cache.add(f"xueji:print-job-requeued:{job.pk}", 1, STUCK_AFTER_SECONDS):
        return False
    logger.warning("print job %s was still waiting after %s s; queued again", job.pk, STUCK_AFTER_SECONDS)
    try:
        queue_rendering(job.pk)
    except Exception:  # the page still shows the job waiting; the next attempt comes after the pause
        logger.exception("print job %s could not be queued again", job.pk)
        return False
    return True


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
    )


def _ensure_archives(job):
    """Create, in one go, the archives the class's pupils do not have yet (at the class's school)."""
    missing = list(class_pupils(job.school_class).filter(archive__isnull=True).values_list("pk", flat=True))
    if not missing:
        return
    try:
        with transaction.atomic():
            bulk_create_with_history(
                [ArchiveFile(student_id=pk, school=job.school_class.school) for pk in missing], ArchiveFile,
                default_user=job.requested_by, default_change_reason=f"print job #{job.pk}",
            )  # fmt: skip
    except IntegrityError:  # another writer created some meanwhile: one by one
        for student in Student.objects.filter(pk__in=missing):
            ensure_archive(student)


def _display(instance, field, revealed):
    value = getattr(instance, field.attname)
    if field.name in MASKED:
        value = value if revealed else MASKED[field.name](value or "")
    elif field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif isinstance(value, bool):
        value = _("Yes") if value else _("No")
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return value if value not in (None, "") else "—"


def basic_information(student, revealed):
    """(label, value) of every field of the pupil's record, personal numbers masked unless revealed."""
    return [
        (str(field.verbose_name), _display(student, field, revealed))
        for field in Student._meta.concrete_fields
        if field.name not in HIDDEN_STUDENT_FIELDS
    ]


def _pairs(rows):
    return [rows[start : start + 2] for start in range(0, len(rows), 2)]


def guardian_rows(guardians, revealed):
    fields = [Guardian._meta.get_field(name) for name in ("name", "relation", "id_number", "phone", "employer")]
    return {
        "labels": [str(field.verbose_name) for field in fields],
        "rows": [[_display(guardian, field, revealed) for field in fields] for guardian in guardians],
    }


def _request_section(change_request):
    kind = KINDS.get(change_request.kind)
    return {
        "kind": "request",
        "request": change_request,
        "details": [(str(label), value) for label, value in (kind.details(change_request) if kind else [])],
        "steps": list(change_request.steps.all()),
    }


def _image_data_uri(document):
    """The scan as a data: URI when it is a JPEG or PNG (checked by its bytes) small enough to embed."""
    if not document.file or document.size > EMBED_LIMIT:
        return ""
    try:
        with document.file.open("rb") as handle:
            data = handle.read(EMBED_LIMIT + 1)
    except OSError:
        return ""
    if len(data) > EMBED_LIMIT:
        return ""
    for signature, content_type in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
    return ""


def _document_section(document):
    current = document.superseded_by_id is None
    uploaded = document.source == ArchiveDocument.Source.UPLOADED
    return {
        "kind": "document",
        "document": document,
        "image": _image_data_uri(document) if uploaded and current else "",
    }


def _sections_for(document, requests_by_pk):
    """What a chosen document prints: the form itself for generated ones, the scan or a listing line."""
    types = ArchiveDocument.Type
    request = requests_by_pk.get(document.change_request_id)
    if document.source == ArchiveDocument.Source.GENERATED:
        if document.type == types.BASIC_INFORMATION:
            return [{"kind": "basic"}]
        if document.type == types.REGISTRATION:
            return [{"kind": "basic"}] + ([_request_section(request)] if request else [])
        if document.type in (types.CHANGE_APPLICATION, types.CHANGE_DECISION) and request:
            return [_request_section(request)]
    return [_document_section(document)]


def bundle(job, student, *, revealed, copy=None, position=1, count=1):
    """The context of one pupil's bundle (templates/archives/print/bundle.html). Printed from a former
    school's read-only `copy`, it holds the archive as handed over (copy.since): the record and guardians as
    they were then, and only the spells, requests and documents from before."""
    archive = student.archive
    guardians = list(student.guardians.all())
    documents = list(archive.documents.all())
    requests = list(student.change_requests.all())
    spells = list(student.spells.all())
    if copy is not None:
        student, guardians = _as_handed_over(student, guardians, copy.since)
        documents = [document for document in documents if document.added_at <= copy.since]
        for document in documents:
            if document.superseded_by_id and document.superseded_by.added_at > copy.since:
                document.superseded_by_id = None  # superseded after the hand-over: not in the copy (never saved)
        requests = [request for request in requests if request.submitted_at <= copy.since]
        spells = [spell for spell in spells if spell.started_on <= timezone.localdate(copy.since)]
    if job.documents:
        chosen = set(job.documents)
        documents = [document for document in documents if document.pk in chosen]
        by_pk = {request.pk: request for request in requests}
        sections, seen = [], set()
        for document in documents:
            for section in _sections_for(document, by_pk):
                key = (section["kind"], section.get("request", section.get("document")))
                if key not in seen:  # an application and a decision of one request print it once
                    seen.add(key)
                    sections.append(section)
    else:
        sections = [{"kind": "basic"}, {"kind": "enrolment"}]
        sections += [_request_section(request) for request in requests]
        sections += [
            _document_section(document) for document in documents if document.source == ArchiveDocument.Source.UPLOADED
        ]
    current = next((spell for spell in reversed(spells) if spell.ended_on is None), spells[-1] if spells else None)
    return {
        "student": student,
        "archive": archive,
        "school": archive.school,
        "copy": copy,
        "current_spell": current,
        "full": not job.documents,
        "catalogue": documents,
        "sections": sections,
        "basic_rows": _pairs(basic_information(student, revealed)),
        "guardians": guardian_rows(guardians, revealed),
        "spells": spells,
        "revealed": revealed,
        "national_number": student.national_number if revealed else mask_national_number(student.national_number or ""),
        "position": position,
        "count": count,
        "header_css": css_string(f"{student.name} · {(copy or archive).school.name}"),
    }


def _as_handed_over(student, guardians, since):
    """The pupil's record and guardians as they were at `since`, from their history (as they are now when
    no history reaches back that far)."""
    try:
        then = student.history.as_of(since)
    except Student.DoesNotExist:
        return student, guardians
    return then, list(Guardian.history.as_of(since).filter(student_id=student.pk).order_by("id"))


# --- CSS strings for the page margin boxes ----------------------------------------------------------------


def css_string(value) -> str:
    """`value` as a quoted CSS string, safe inside a <style> element (no quote, backslash or tag escapes)."""
    escaped = []
    for char in str(value):
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\{ord(char):X} ")
        else:
            escaped.append(char)
    return mark_safe('"' + "".join(escaped) + '"')


def css_content(text, **counters) -> str:
    """A translated text with %(name)s placeholders as a CSS `content` value, each placeholder replaced
    by its counter: css_content("Page %(page)s of %(pages)s", page="page", pages="pages")."""
    parts = []
    for piece in re.split(r"(%\(\w+\)s)", str(text)):
        name = piece[2:-2] if piece.startswith("%(") else None
        if name in counters:
            parts.append(f"counter({counters[name]})")
        elif piece:
            parts.append(css_string(piece))
    return mark_safe(" ".join(parts))


def _page_context(job):
    when = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
    return {
        "job": job,
        "footer_css": css_string(_("Printed by %(who)s at %(when)s") % {"who": job.requested_by, "when": when}),
        "page_css": css_content(_("Page %(page)s of %(pages)s"), page="page", pages="pages"),
        "printed_at": when,
    }


# --- rendering --------------------------------------------------------------------------------------------


def file_name(job) -> str:
    """Where the job's PDF is kept: the same name every time, so a re-render replaces it."""
    return f"prints/{job.created_at:%Y}/print-{job.pk:06d}.pdf"


def _has_file(job):
    return bool(job.file) and job.file.storage.exists(job.file.name)


def may_reveal(job) -> bool:
    """Full numbers only with a reason and while the requester may still reveal them at the school."""
    return bool(job.reveal_reason) and may_print_full_numbers(job.requested_by, job.school)


def printed_copy(job):
    """The former school's read-only copy the requester prints from, when they are not an archivist of the
    holding school (None for them and for class batches): such a print holds the archive as handed over."""
    if not job.archive_id or Role.ARCHIVIST in roles_at(job.requested_by, job.archive.school):
        return None
    copies = [copy for copy in job.archive.copies.select_related("school")
              if Role.ARCHIVIST in roles_at(job.requested_by, copy.school)]  # fmt: skip
    if not copies:
        raise PermissionDenied  # the requester no longer prints this archive
    return max(copies, key=lambda copy: copy.since)


def render_print_job(job_pk):
    """Produce the job's PDF. Idempotent: a ready job with its file is left alone; any other (queued,
    failed, or left rendering by a killed worker) is rendered again to the same file name; the first run to
    finish marks it ready (a conditional update) and writes one register line per pupil and the audit
    events, so running twice or concurrently leaves one file and one set of lines. Returns the job."""
    job = PrintJob.objects.select_related("requested_by", "school__authority", "archive", "school_class__school").get(
        pk=job_pk
    )
    if job.state == PrintJob.State.READY and _has_file(job):
        return job
    PrintJob.objects.filter(pk=job_pk).exclude(state=PrintJob.State.READY).update(
        state=PrintJob.State.RENDERING, done=0
    )
    try:
        with translation.override(settings.LANGUAGE_CODE), acting_as(job.requested_by, reason=f"print job #{job.pk}"):
            if in_parallel(job):
                queue_pupils(job)
                return job
            students, copy, data, pages = _render(job)
            name = file_name(job)
            pdf.write_replacing(PrintJob._meta.get_field("file").storage, name, data)
            _finish(job, students, copy=copy, name=name, pages=pages)
    except Exception:
        PrintJob.objects.filter(pk=job_pk, finished_at__isnull=True).update(state=PrintJob.State.FAILED)
        logger.exception("print job %s failed", job_pk)
        raise
    job.refresh_from_db()
    return job


def _render(job):
    """(pupils, the copy printed from, PDF bytes, page count), pupil by pupil in this process: each pupil's
    bundle is laid out, written to a temporary PDF and dropped before the next (memory: one pupil's layout),
    then the parts are merged with pypdf; `done` counts up as each pupil is written."""
    students = _students(job)
    if not students:
        raise ArchiveRefused(_("There is nobody to print: the class has no pupils on its register."))
    PrintJob.objects.filter(pk=job.pk).update(total=len(students))
    revealed, copy = may_reveal(job), printed_copy(job)
    with tempfile.TemporaryDirectory(prefix="xueji-print-") as folder:
        parts = []
        for position, student in enumerate(students, start=1):
            part = Path(folder) / f"{position:04d}.pdf"
            part.write_bytes(pupil_pdf(job, student, revealed=revealed, copy=copy, position=position,
                                       count=len(students)))  # fmt: skip
            parts.append(part)
            PrintJob.objects.filter(pk=job.pk).update(done=position)
        data, pages = merge_parts(job, parts)
    return students, copy, data, pages


def pupil_pdf(job, student, *, revealed, copy, position, count) -> bytes:
    """One pupil's bundle as PDF bytes (page numbers count within the bundle), with the process's fonts."""
    pupil = bundle(job, student, revealed=revealed, copy=copy, position=position, count=count)
    html = render_to_string("archives/print/bundle.html", {**_page_context(job), "bundle": pupil})
    return pdf.layout_html(html).write_pdf()


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
    """A class batch goes to one worker task per pupil when tasks run in workers, not in-process."""
    return bool(job.school_class_id) and not settings.CELERY_TASK_ALWAYS_EAGER


def _part_name(job_pk, position):
    return f"print-parts/print-{job_pk:06d}/{position:04d}.pdf"


def queue_pupils(job):
    """Hand each pupil of a class batch to its own worker task (a Celery group, queued by task name); the
    task that writes the last part merges them (render_pupil_part)."""
    from celery import group, signature

    students = _students(job)
    if not students:
        raise ArchiveRefused(_("There is nobody to print: the class has no pupils on its register."))
    PrintJob.objects.filter(pk=job.pk).update(total=len(students), done=0)
    group(
        signature("archives.tasks.render_pupil_part_task", args=(job.pk, student.pk, position))
        for position, student in enumerate(students, start=1)
    ).apply_async()


def render_pupil_part(job_pk, student_pk, position):
    """Lay out one pupil of a class batch into its part file; when every part is there, merge them into the
    job's PDF and finish the job (idempotent: a part is rewritten under the same name, and only the first
    run to finish writes the register lines)."""
    job = PrintJob.objects.select_related("requested_by", "school__authority", "archive", "school_class__school").get(
        pk=job_pk
    )
    if job.finished_at is not None:
        return
    storage = PrintJob._meta.get_field("file").storage
    try:
        with translation.override(settings.LANGUAGE_CODE), acting_as(job.requested_by, reason=f"print job #{job.pk}"):
            student = _prefetched(Student.objects.filter(pk=student_pk)).get()
            data = pupil_pdf(job, student, revealed=may_reveal(job), copy=None, position=position, count=job.total)
            pdf.write_replacing(storage, _part_name(job.pk, position), data)
            names = [_part_name(job.pk, n) for n in range(1, job.total + 1)]
            written = sum(storage.exists(name) for name in names)
            PrintJob.objects.filter(pk=job.pk, finished_at__isnull=True).update(done=written)
            if written < job.total:
                return
            students = list(_prefetched(Student.objects.filter(pk__in=class_pupils(job.school_class).values("pk")))
                            .order_by("name_pinyin", "pk"))  # fmt: skip
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
        logger.exception("print job %s failed at pupil %s", job_pk, position)
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
