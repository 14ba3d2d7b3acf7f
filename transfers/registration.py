"""新生注册 from the school's side: enter a new pupil and submit, or amend a returned registration."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.history import acting_as
from students.services import create_pupils, refresh_search_keys
from transfers.batches import submit_requests
from transfers.models import ChangeRequest
from transfers.services import can_initiate, resubmit_request, submit_request


def _payload(school_class, extra):
    extra = extra.to_json() if hasattr(extra, "to_json") else (extra or {})
    return {**extra, "school_class": school_class.pk, "grade": school_class.grade}


def register_pupil(student, guardians, school_class, *, actor, evidence=(), kind=None, extra=None):
    """Save the new pupil (no national number yet, not on any register) with their guardians, and
    submit the registration to the school's town office (镇制度 三(二): the school enters and submits).
    `evidence`: (kind, upload, transfers.uploads.CheckedUpload) triples to attach, e.g. the 承诺书.
    The same entry serves a transfer in from outside the system (`kind`, with `extra` payload — a dict or
    the kind's Payload: the national number the pupil already has, the school they come from)."""
    if not can_initiate(actor, school_class.school):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason="transfers.registration"):
        refresh_search_keys(student)
        student.save()
        for guardian in guardians:
            guardian.student = student
            guardian.save()
        return submit_request(
            kind=kind or ChangeRequest.Kind.REGISTRATION,
            student=student,
            school=school_class.school,
            payload=_payload(school_class, extra),
            actor=actor,
            evidence=evidence,
        )


def register_pupils(pupils, *, school, actor, extras=None):
    """The bulk form of `register_pupil` (the new-pupil import): save every new pupil with their guardians
    and submit their registrations to the town office, all or nothing, under the same rules (the kind's
    `validate()`). `pupils` is a list of (Student, [Guardian, …], SchoolClass) of `school`. Returns the
    requests in order; raises transfers.batches.RequestsRefused naming the position of every pupil refused
    (the caller's transaction then rolls back the pupils saved here). `extras`: a payload dict per pupil
    (e.g. the school number the import gives), or None."""
    if not can_initiate(actor, school):
        raise PermissionDenied
    with transaction.atomic():
        students = create_pupils(
            [(student, guardians) for student, guardians, _class in pupils],
            actor=actor,
            reason="new-student registration",
        )
        classes = [school_class for _student, _guardians, school_class in pupils]
        extras = extras or [None] * len(pupils)
        items = [
            (student, _payload(school_class, extra))
            for student, school_class, extra in zip(students, classes, extras, strict=True)
        ]
        return submit_requests(kind=ChangeRequest.Kind.REGISTRATION, school=school, items=items, actor=actor)


def amend_registration(request, student, guardians, *, actor, payload, evidence=()):
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
        return resubmit_request(request, actor=actor, payload=payload, evidence=evidence)
