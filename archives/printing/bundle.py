"""A pupil's archive bundle as printed (DOMAIN Archives): the data of each section — cover and catalogue,
the basic information form (学生基本信息表) with the school number (学号) and its guardians, the enrolment
history, every change request with its steps, the uploaded documents (JPEG/PNG scans embedded, PDFs listed)
— and the CSS strings of the page footer. Rule: ID numbers and phones are masked (个人信息保护法 第二十八条)
unless `revealed`; the caller (archives.printing.services) decides that from the job's reason and the
requester's right. A former school's bundle stops at the hand-over. Nothing here writes.
"""

import base64
import re

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from archives.models import ArchiveDocument
from archives.printing import attachments
from students import nationality
from students.identity import mask_id_number, mask_national_number, mask_phone
from students.models import Guardian, Student
from transfers.kinds import KINDS

EMBED_LIMIT = 8 * 1024 * 1024  # larger scans are listed, not embedded
IMAGE_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
# Search keys derived from the name: not part of the form.
HIDDEN_STUDENT_FIELDS = {"id", "name_folded", "name_pinyin", "name_initials"}
MASKED = {"id_number": mask_id_number, "national_number": mask_national_number, "phone": mask_phone}


def _display(instance, field, revealed):
    value = getattr(instance, field.attname)
    if field.name in MASKED:
        value = value if revealed else MASKED[field.name](value or "")
    elif field.choices:
        value = dict(field.flatchoices).get(value, value)
    elif field.name == "nationality":
        value = nationality.label(value)
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


def school_number_at(school_id, numbers, *, copy=None):
    """The pupil's school number (学号) at the printing school: its latest (current, or retired when they
    left); from a former school's copy, the one it gave by the hand-over. "—" when none."""
    numbers = [n for n in numbers if n.school_id == school_id]
    if copy is not None:
        numbers = [n for n in numbers if n.assigned_on <= timezone.localdate(copy.since)]
    numbers.sort(key=lambda n: (n.assigned_on, n.pk))
    return numbers[-1].number if numbers else "—"


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
    image = _image_data_uri(document) if uploaded and current else ""
    pages = attachments.page_count(document) if uploaded and current and not image else 0
    return {
        "kind": "document",
        "document": document,
        "image": image,
        "attached": [attachments.ANCHOR.format(document=document.pk, page=n) for n in range(pages)],
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
    number = school_number_at((copy or archive).school_id, student.school_numbers.all(), copy=copy)
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
        "basic_rows": _pairs([(_("School number"), number)] + basic_information(student, revealed)),
        "school_number": number,
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


def page_context(job):
    when = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
    return {
        "job": job,
        "footer_css": css_string(_("Printed by %(who)s at %(when)s") % {"who": job.requested_by, "when": when}),
        "page_css": css_content(_("Page %(page)s of %(pages)s"), page="page", pages="pages"),
        "printed_at": when,
    }
