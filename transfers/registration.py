"""新生注册 from the school's side: enter a new pupil and submit, or amend a returned registration."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.history import acting_as
from students.services import refresh_search_keys
from transfers.models import ChangeRequest, Evidence
from transfers.services import can_initiate, resubmit_request, submit_request


def _payload(school_class):
    return {"school_class": school_class.pk, "grade": school_class.grade}


def register_pupil(student, guardians, school_class, *, actor, evidence=()):
    """Save the new pupil (no national number yet, not on any register) with their guardians, and
    submit the registration to the school's town office (镇制度 三(二): the school enters and submits).
    `evidence`: (kind, upload, transfers.uploads.CheckedUpload) triples to attach, e.g. the 承诺书."""
    if not can_initiate(actor, school_class.school):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason="new-student registration"):
        refresh_search_keys(student)
        student.save()
        for guardian in guardians:
            guardian.student = student
            guardian.save()
        request = submit_request(
            kind=ChangeRequest.Kind.REGISTRATION,
            student=student,
            school=school_class.school,
            payload=_payload(school_class),
            actor=actor,
        )
        attach_evidence(request, evidence, actor=actor)
        return request


def attach_evidence(request, evidence, *, actor):
    """Store checked uploads as the request's evidence (content-checked before, see transfers.uploads)."""
    for kind, upload, checked in evidence:
        Evidence.objects.create(
            request=request, kind=kind, file=upload, original_name=upload.name[:200],
            content_type=checked.content_type, size=checked.size, sha256=checked.sha256, uploaded_by=actor,
        )  # fmt: skip


def amend_registration(request, student, guardians, school_class, *, actor, evidence=()):
    """Save the registrar's corrections to a returned registration and resubmit it."""
    if not can_initiate(actor, request.school):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason=f"request #{request.pk} amended"):
        refresh_search_keys(student)
        student.save()
        for guardian in guardians:
            guardian.student = student
            guardian.save()
        request = resubmit_request(request, actor=actor, payload=_payload(school_class))
        attach_evidence(request, evidence, actor=actor)
        return request
