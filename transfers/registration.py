"""新生注册 from the school's side: enter a new pupil and submit, or amend a returned registration."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.history import acting_as
from students.services import refresh_search_keys
from transfers.models import ChangeRequest
from transfers.services import can_initiate, resubmit_request, submit_request


def _payload(school_class, extra):
    return {"school_class": school_class.pk, "grade": school_class.grade, **(extra or {})}


def register_pupil(
    student, guardians, school_class, *, actor, evidence=(), kind=ChangeRequest.Kind.REGISTRATION, extra=None
):
    """Save the new pupil (no national number yet, not on any register) with their guardians, and
    submit the registration to the school's town office (镇制度 三(二): the school enters and submits).
    `evidence`: (kind, upload, transfers.uploads.CheckedUpload) triples to attach, e.g. the 承诺书.
    The same entry serves a transfer in from outside the system (`kind`, with `extra` payload: the
    national number the pupil already has, the school they come from)."""
    if not can_initiate(actor, school_class.school):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason="transfers.registration"):
        refresh_search_keys(student)
        student.save()
        for guardian in guardians:
            guardian.student = student
            guardian.save()
        return submit_request(
            kind=kind,
            student=student,
            school=school_class.school,
            payload=_payload(school_class, extra),
            actor=actor,
            evidence=evidence,
        )


def amend_registration(request, student, guardians, school_class, *, actor, evidence=(), extra=None):
    """Save the registrar's corrections to a returned registration (or transfer in from outside the
    system) and resubmit it."""
    if not can_initiate(actor, request.school):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason="transfers.request.amended", request=request.pk):
        refresh_search_keys(student)
        student.save()
        for guardian in guardians:
            guardian.student = student
            guardian.save()
        return resubmit_request(request, actor=actor, payload=_payload(school_class, extra), evidence=evidence)
