"""Evidence uploads are checked by their content, not their name: PDF, JPEG or PNG only, the declared
extension must match the bytes, at most 10 MB (DESIGN: uploads capped; an executable renamed .pdf is
refused and nothing is stored)."""

import hashlib
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
ACCEPTED = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


def check_evidence(upload) -> CheckedUpload:
    """Raise ValidationError with a message for the user unless `upload` is an accepted document."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise ValidationError(_("Only PDF, JPEG or PNG files are accepted; this file is something else."))
    extension = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ACCEPTED[kind.mime]:
        raise ValidationError(
            _("The file is named %(name)s but its content is %(kind)s; rename it or choose the right file.")
            % {"name": upload.name, "kind": kind.extension.upper()}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(kind.mime, upload.size, digest.hexdigest())
