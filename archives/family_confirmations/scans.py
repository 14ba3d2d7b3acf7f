"""A class's signed confirmation forms scanned as one PDF: checked (a PDF, one page per pupil on the class's
register, in the printed order), kept, and split page by page — the preview pairs each page with its pupil,
and a pupil's return takes its page as the scan filed in the archive (services.record_return)."""

from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from archives.family_confirmations.models import ClassScan
from archives.family_confirmations.services import can_manage
from archives.printing.services import class_pupils
from archives.services import ArchiveRefused
from transfers.uploads import check_evidence


def _page_count(upload):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        count = len(PdfReader(upload).pages)
    except (PyPdfError, ValueError, OSError) as error:
        raise ArchiveRefused(_("The PDF cannot be read; scan the forms again.")) from error
    upload.seek(0)
    return count


def upload_class_scan(school_class, semester, *, actor, upload):
    """Keep the class's scan when it is a PDF with exactly one page per pupil on the register now."""
    if not can_manage(actor, school_class.school):
        raise PermissionDenied
    try:
        checked = check_evidence(upload)
    except ValidationError as error:
        raise ArchiveRefused(" ".join(error.messages)) from error
    if checked.content_type != "application/pdf":
        raise ArchiveRefused(_("Upload the class's forms as one PDF, one page per pupil."))
    pages, pupils = _page_count(upload), class_pupils(school_class).count()
    if pages != pupils:
        raise ArchiveRefused(
            _("The scan has %(pages)s pages but %(class)s has %(pupils)s pupils on its register: scan one page per "
              "pupil, in the printed order.") % {"pages": pages, "class": school_class, "pupils": pupils}
        )  # fmt: skip
    with transaction.atomic():
        return ClassScan.objects.create(
            school_class=school_class, semester=semester, file=upload, pages=pages, uploaded_by=actor
        )


def preview(scan):
    """[(page number, pupil)] in the printed order: what the registrar checks before using the pages."""
    return list(enumerate(class_pupils(scan.school_class), start=1))


def page_upload(scan, number, *, name):
    """Page `number` (from 1) of the scan as an upload of its own, to record a pupil's return with."""
    from pypdf import PdfReader, PdfWriter

    if not 1 <= number <= scan.pages:
        raise ArchiveRefused(_("The scan has no page %(page)s.") % {"page": number})
    with scan.file.open("rb") as handle:
        writer = PdfWriter()
        writer.add_page(PdfReader(handle).pages[number - 1])
        out = BytesIO()
        writer.write(out)
    return SimpleUploadedFile(f"{name}.pdf", out.getvalue(), content_type="application/pdf")
