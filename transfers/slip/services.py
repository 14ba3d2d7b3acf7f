"""The four-copy transfer form (转学联系单, 一式四份; DOMAIN "The four-copy transfer form"; 校制度 第十条).

A transfer's form is issued twice — issue 1 when the transfer is submitted, issue 2 when it is finally
approved — and each issue is one `TransferForm` row, unique per (request, issue), with a serial number and a
random verification code anyone can check on the public verification page. The PDF is produced by a Celery
task (DESIGN §6): `render_transfer_form` is idempotent (a ready form is left alone; a form left half-done
by a killed worker is simply rendered again over the same file name) and WeasyPrint may load nothing but
our own static files. The form carries masked ID and national numbers only (个人信息保护法 第二十八条).
"""

import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import date
from io import BytesIO

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
from registry.render_jobs import RenderJobs
from students.identity import mask_id_number, mask_national_number
from students.models import EnrolmentSpell
from transfers.kind_registry import kind_of
from transfers.models import TransferForm

# Event types of the form (kept here beside their only writer; transfers/events.py is the usual home).
FORM_ISSUED = types.register(
    "transfers.transfer_form.issued", _("{actor} issued the four-copy transfer form {target} (issue {issue})")
)
FORM_RENDERED = types.register(
    "transfers.transfer_form.rendered", _("The four-copy transfer form {target} (issue {issue}) is ready to print")
)
FORM_DOWNLOADED = types.register(
    "transfers.transfer_form.downloaded", _("{actor} downloaded the four-copy transfer form {target}")
)

RENDER_TASK = "transfers.tasks.render_transfer_form_task"
ISSUES = (1, 2)  # 1: when the transfer is submitted; 2: when it is finally approved

# Upper-case letters and digits without the look-alikes 0/O, 1/I/L: 31 symbols, 12 of them ≈ 59 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
DEFAULT_SITE_URL = "http://127.0.0.1:8000"

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
    if not isinstance(kind_of(request), PrintsSlip):
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
            SLIPS.queue_after_commit(form.pk)
    return form


class PrintsSlip:
    """Mixin of the kinds that print the four-copy form: issue 1 when the request is submitted (a
    resubmission keeps the issue already printed), issue 2 when it is finally approved. A kind using it
    says who the form names with `slip_ends(request)` → (sending School, receiving school's name, receiving
    authority's name)."""

    def on_submitted(self, request, *, actor):
        issue_transfer_form(request, 1, actor=actor)

    def on_approved(self, request, *, actor):
        issue_transfer_form(request, 2, actor=actor)

    def slip_ends(self, request):
        raise NotImplementedError


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
    """(sending school, receiving school) of a transfer, as named on its form and its public check (the
    kind says which they are: the destination is free text for a transfer out of the system)."""
    sending, receiving_school, _receiving_authority = slip_ends(request)
    return sending.name, receiving_school


def slip_ends(request):
    """(sending School, receiving school's name, its authority's name) as the request's kind names them; a
    form left on a request of a kind that does not print it names the request's school only."""
    kind = kind_of(request)
    return kind.slip_ends(request) if isinstance(kind, PrintsSlip) else (request.school, "", "")


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
    sending, receiving_school, receiving_authority = slip_ends(request)
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
    """The QR code of `text` as a PNG data URI of one pixel per module, which the form draws without smoothing
    (`image-rendering: pixelated`): each module prints as a sharp square at any size, like a vector drawing,
    and the PDF writer places one small image instead of walking an SVG path of every module on each copy."""
    return segno.make(text, error="m", micro=False).png_data_uri(border=2, scale=1)


# --- rendering ----------------------------------------------------------------------------------------------


def render(form) -> bytes:
    """The form's four copies as PDF bytes, in the site's language whoever triggered it: it is an official
    paper. The form is laid out once and drawn on each copy's page under its label (the template says how)."""
    with translation.override(settings.LANGUAGE_CODE):
        content = form_content(form)
        html = render_to_string(
            "transfers/transfer_form.html",
            {"form": content, "qr": qr_data_uri(content.verify_url), "copies": COPIES},
        )
        return pdf.draw_last_page_on_the_others(pdf.layout_html(html).write_pdf())


COPIES = [
    _("Copy 1: kept by the sending school"),
    _("Copy 2: kept by the sending school's education bureau"),
    _("Copy 3: kept by the receiving school"),
    _("Copy 4: kept by the receiving school's education bureau"),
]


def file_name(form) -> str:
    """Where the form's PDF is kept: the same name every time, so a re-render overwrites it."""
    return f"transfer-forms/{form.created_at:%Y}/{form.serial}.pdf"


class SlipRenders(RenderJobs):
    """The four-copy forms as render jobs (registry.render_jobs): a form is re-rendered unless ready with its
    file — a form left rendering by a killed worker is rendered again to the same file name and marked ready
    by a conditional update, so running twice or concurrently leaves one form and one file."""

    model = TransferForm
    task_name = RENDER_TASK
    waiting_states = (TransferForm.State.QUEUED, TransferForm.State.RENDERING)

    def fetch(self, pk):
        return TransferForm.objects.select_related(
            "request__student", "request__school__authority", "request__counterpart_school__authority"
        ).get(pk=pk)

    def produce(self, form):
        TransferForm.objects.filter(pk=form.pk).update(state=TransferForm.State.RENDERING)
        _set_progress(form.pk, 10)
        data = render(form)
        _set_progress(form.pk, 70)
        name = file_name(form)
        pdf.write_replacing(TransferForm._meta.get_field("file").storage, name, data)
        with transaction.atomic():
            rendered = TransferForm.objects.filter(pk=form.pk, state=TransferForm.State.RENDERING).update(
                state=TransferForm.State.READY, file=name, rendered_at=timezone.now()
            )
            if rendered:  # the run that made it ready says so, once (the registrar who asked is told)
                form_rendered(form)

    def progress(self, form) -> int:
        """0 waiting, 100 ready, and the render's own steps between."""
        if form.state == TransferForm.State.READY:
            return 100
        if form.state == TransferForm.State.QUEUED:
            return 0
        return min(cache.get(_progress_key(form.pk), 10), 95)


SLIPS = SlipRenders()
render_transfer_form = SLIPS.render
requeue_if_stuck = SLIPS.requeue_if_stuck
transfer_form_progress = SLIPS.progress


# --- progress -----------------------------------------------------------------------------------------------


def _progress_key(form_pk):
    return f"xueji:transfer-form-progress:{form_pk}"


def _set_progress(form_pk, percent):
    cache.set(_progress_key(form_pk), percent, 3600)


def form_rendered(form):
    """The worker finished the form's PDF: an event of the system (no actor), about the request's schools."""
    change_request = form.request
    return record(
        FORM_RENDERED, actor=None, target=form, data={"issue": form.issue, "request": change_request.pk},
        school=change_request.school_id, pupil=change_request.student_id,
        other_school=change_request.counterpart_school_id,
    )  # fmt: skip


def form_downloaded(form, *, actor, request=None):
    change_request = form.request
    return record(
        FORM_DOWNLOADED, actor=actor, target=form, data={"issue": form.issue}, request=request,
        school=change_request.school_id, pupil=change_request.student_id,
        other_school=change_request.counterpart_school_id,
    )  # fmt: skip


def timed_render(form) -> tuple[float, int, int]:
    """Seconds, page count and PDF size of one render of the form (for the benchmark); saves nothing."""
    from pypdf import PdfReader

    started = time.perf_counter()
    data = render(form)
    seconds = time.perf_counter() - started
    return seconds, len(PdfReader(BytesIO(data)).pages), len(data)
