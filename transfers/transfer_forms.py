"""The four-copy transfer form (转学联系单, 一式四份; DOMAIN "The four-copy transfer form"; 校制度 第十条).

A transfer's form is issued twice — issue 1 when the transfer is submitted, issue 2 when it is finally
approved — and each issue is one `TransferForm` row, unique per (request, issue), with a serial number and a
random verification code anyone can check on the public verification page. The PDF is produced by a Celery
task (DESIGN §6): `render_transfer_form` is idempotent (a ready form is left alone; a form left half-done
by a killed worker is simply rendered again over the same file name) and WeasyPrint may load nothing but
our own static files. The form carries masked ID and national numbers only (个人信息保护法 第二十八条).
"""

import logging
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import date

import segno
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit import record, types
from registry import pdf
from registry.models import SchoolClass
from students.identity import mask_id_number, mask_national_number
from students.models import EnrolmentSpell
from transfers.models import ChangeRequest, TransferForm

logger = logging.getLogger(__name__)

# Event types of the form (kept here beside their only writer; transfers/events.py is the usual home).
FORM_ISSUED = types.register(
    "transfers.transfer_form.issued", _("{actor} issued the four-copy transfer form {target} (issue {issue})")
)
FORM_DOWNLOADED = types.register(
    "transfers.transfer_form.downloaded", _("{actor} downloaded the four-copy transfer form {target}")
)

KINDS_WITH_FORM = (ChangeRequest.Kind.TRANSFER, ChangeRequest.Kind.TRANSFER_OUT_EXTERNAL)
ISSUES = (1, 2)  # 1: when the transfer is submitted; 2: when it is finally approved

# Upper-case letters and digits without the look-alikes 0/O, 1/I/L: 31 symbols, 12 of them ≈ 59 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
STUCK_AFTER_SECONDS = 5 * 60  # a form not ready after this long is queued again when its page is opened

# Where WeasyPrint may load from, and the fetcher that enforces it: registry.pdf (shared by every print).
STATIC_ORIGIN = pdf.STATIC_ORIGIN
static_only_fetcher_class = pdf.static_only_fetcher_class


# --- issuing ------------------------------------------------------------------------------------------------


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_verification_code(raw: str) -> str:
    """What someone typed or scanned, as stored: full-width folded, separators and spaces dropped,
    upper-cased. The grouped form printed on paper (ABCD-EFGH-JKMN) is accepted."""
    value = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(char for char in value if char.isalnum())[:32]


def grouped_code(code: str) -> str:
    """The code in groups of four, as printed: ABCD-EFGH-JKMN."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def serial_number(request, issue) -> str:
    """ZX + the year the transfer was submitted + the request number + the issue: ZX2026-000123-1."""
    year = timezone.localdate(request.submitted_at).year if request.submitted_at else timezone.localdate().year
    return f"ZX{year}-{request.pk:06d}-{issue}"


def issue_transfer_form(request, issue, *, actor):
    """Issue the four-copy form of a transfer (issue 1 on submission, issue 2 on final approval) and queue
    its PDF once the caller's transaction commits. Idempotent: issuing the same (request, issue) again
    returns the existing form and queues nothing new. Returns the TransferForm."""
    if request.kind not in KINDS_WITH_FORM:
        raise ValueError(f"a {request.kind} request has no four-copy transfer form")
    if issue not in ISSUES:
        raise ValueError(f"issue must be 1 or 2, not {issue!r}")
    with transaction.atomic():
        form, created = TransferForm.objects.get_or_create(
            request=request,
            issue=issue,
            defaults={"serial": serial_number(request, issue), "verification_code": new_verification_code()},
        )
        if created:
            record(
                FORM_ISSUED, actor=actor, target=form, data={"issue": issue, "request": request.pk},
                school=request.school_id, pupil=request.student_id, other_school=request.counterpart_school_id,
            )  # fmt: skip
            transaction.on_commit(lambda: queue_rendering(form.pk), robust=True)
    return form


def queue_rendering(form_pk):
    """Hand the form to the Celery task (run in-process when no broker is configured)."""
    from transfers.tasks import render_transfer_form_task

    render_transfer_form_task.delay(form_pk)


def requeue_if_stuck(form):
    """Queue a form again that has not become ready long after it was issued (its task was lost or
    failed): rendering is idempotent, so this is safe. At most once per STUCK_AFTER_SECONDS per form."""
    if form.state == TransferForm.State.READY:
        return False
    if (timezone.now() - form.created_at).total_seconds() < STUCK_AFTER_SECONDS:
        return False
    if not cache.add(f"xueji:transfer-form-requeued:{form.pk}", 1, STUCK_AFTER_SECONDS):
        return False
    logger.warning("transfer form %s was not ready after %s s; queued again", form.serial, STUCK_AFTER_SECONDS)
    try:
        queue_rendering(form.pk)
    except Exception:  # the page still shows the form waiting; the next attempt comes after the pause
        logger.exception("transfer form %s could not be queued again", form.serial)
        return False
    return True


# --- what the form says -------------------------------------------------------------------------------------


@dataclass
class FormContent:
    """The fields printed on every copy."""

    serial: str
    issued_on: date
    name: str
    sex: str
    birth_date: date
    id_number: str  # masked
    national_number: str  # masked
    sending_school: str
    sending_authority: str
    grade: int | None
    school_class: str
    receiving_school: str
    receiving_authority: str
    reason: str
    guardian: str
    code: str  # grouped
    verify_url: str  # with the code, for the QR code
    verify_page: str  # without it, to type the code into


def site_url() -> str:
    """The public address of this site, for the QR code: settings.SITE_URL (default http://127.0.0.1:8000)."""
    return (getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def verification_url(form) -> str:
    return f"{site_url()}{reverse('transfer_form_verify')}?code={form.verification_code}"


def school_names(request) -> tuple[str, str]:
    """(sending school, receiving school) of a transfer, as named on its form and its public check: the
    destination is free text for a transfer out of the system."""
    if request.kind == ChangeRequest.Kind.TRANSFER:
        return request.counterpart_school.name, request.school.name
    return request.school.name, (request.payload or {}).get("destination_school", "")


def _sending_class(request, sending_school):
    """Grade and class the pupil leaves: the transfer's own record of them, else the pupil's latest spell
    at the sending school (after approval the spell is already closed)."""
    payload = request.payload or {}
    grade = payload.get("from_grade")
    school_class = None
    if payload.get("from_school_class"):
        school_class = SchoolClass.objects.filter(pk=payload["from_school_class"], school=sending_school).first()
    if grade is None or school_class is None:
        spell = (
            EnrolmentSpell.objects.filter(student=request.student, school=sending_school)
            .select_related("school_class")
            .order_by("-started_on", "-pk")
            .first()
        )
        if spell is not None:
            grade = spell.grade if grade is None else grade
            school_class = school_class or spell.school_class
    return grade, school_class


def form_content(form) -> FormContent:
    request = form.request
    student = request.student
    payload = request.payload or {}
    if request.kind == ChangeRequest.Kind.TRANSFER:
        sending, receiving = request.counterpart_school, request.school
        receiving_school, receiving_authority = receiving.name, receiving.authority.name
    else:
        sending = request.school
        receiving_school = payload.get("destination_school", "")
        receiving_authority = payload.get("destination_authority", "")
    grade, school_class = _sending_class(request, sending)
    guardian = student.guardians.order_by("pk").first()
    return FormContent(
        serial=form.serial,
        issued_on=timezone.localdate(form.created_at),
        name=student.name,
        sex=student.get_sex_display(),
        birth_date=student.birth_date,
        id_number=mask_id_number(student.id_number),
        national_number=mask_national_number(student.national_number or ""),
        sending_school=sending.name,
        sending_authority=sending.authority.name,
        grade=grade,
        school_class=str(school_class) if school_class else "",
        receiving_school=receiving_school,
        receiving_authority=receiving_authority,
        reason=payload.get("reason", ""),
        guardian=guardian.name if guardian else "",
        code=grouped_code(form.verification_code),
        verify_url=verification_url(form),
        verify_page=f"{site_url()}{reverse('transfer_form_verify')}",
    )


def qr_data_uri(text) -> str:
    """The QR code of `text` as an SVG data URI (vector, so it prints sharp at any size)."""
    return segno.make(text, error="m", micro=False).svg_data_uri(border=2)


# --- rendering ----------------------------------------------------------------------------------------------


def layout(form):
    """The form's four copies laid out by WeasyPrint (a Document: `.pages`, `.write_pdf()`), in the
    site's language whoever triggered it: it is an official paper."""
    with translation.override(settings.LANGUAGE_CODE):
        content = form_content(form)
        html = render_to_string(
            "transfers/transfer_form.html",
            {"form": content, "qr": qr_data_uri(content.verify_url), "copies": COPIES},
        )
        return pdf.layout_html(html)


COPIES = [
    _("Copy 1: kept by the sending school"),
    _("Copy 2: kept by the sending school's education bureau"),
    _("Copy 3: kept by the receiving school"),
    _("Copy 4: kept by the receiving school's education bureau"),
]


def file_name(form) -> str:
    """Where the form's PDF is kept: the same name every time, so a re-render overwrites it."""
    return f"transfer-forms/{form.created_at:%Y}/{form.serial}.pdf"


def _has_file(form):
    return bool(form.file) and form.file.storage.exists(form.file.name)


def render_transfer_form(form_pk):
    """Produce the PDF of one form. Idempotent: a form that is ready with its file is left alone; any
    other (queued, or left rendering by a killed worker) is rendered again to the same file name and then
    marked ready by a conditional update, so running twice or concurrently still leaves one form and one
    file. Returns the form."""
    form = TransferForm.objects.select_related(
        "request__student", "request__school__authority", "request__counterpart_school__authority"
    ).get(pk=form_pk)
    if form.state == TransferForm.State.READY and _has_file(form):
        return form
    TransferForm.objects.filter(pk=form_pk).update(state=TransferForm.State.RENDERING)
    _set_progress(form_pk, 10)
    document = layout(form)
    _set_progress(form_pk, 70)
    name = file_name(form)
    pdf.write_replacing(TransferForm._meta.get_field("file").storage, name, document.write_pdf())
    TransferForm.objects.filter(pk=form_pk, state=TransferForm.State.RENDERING).update(
        state=TransferForm.State.READY, file=name, rendered_at=timezone.now()
    )
    form.refresh_from_db()
    return form


# --- progress -----------------------------------------------------------------------------------------------


def _progress_key(form_pk):
    return f"xueji:transfer-form-progress:{form_pk}"


def _set_progress(form_pk, percent):
    cache.set(_progress_key(form_pk), percent, 3600)


def transfer_form_progress(form) -> int:
    """How far the form's PDF is, in percent, for the page to poll: 0 waiting, 100 ready."""
    if form.state == TransferForm.State.READY:
        return 100
    if form.state == TransferForm.State.QUEUED:
        return 0
    return min(cache.get(_progress_key(form.pk), 10), 95)


def form_downloaded(form, *, actor, request=None):
    change_request = form.request
    return record(
        FORM_DOWNLOADED, actor=actor, target=form, data={"issue": form.issue}, request=request,
        school=change_request.school_id, pupil=change_request.student_id,
        other_school=change_request.counterpart_school_id,
    )  # fmt: skip


def timed_render(form) -> tuple[float, int, int]:
    """Seconds, page count and PDF size of one render of the form (for the benchmark); saves nothing."""
    started = time.perf_counter()
    document = layout(form)
    data = document.write_pdf()
    return time.perf_counter() - started, len(document.pages), len(data)
