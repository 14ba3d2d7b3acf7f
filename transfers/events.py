"""Audit event types of change requests, and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

SUBMITTED = types.register("transfers.request.submitted", _("{actor} submitted {target}"))
RESUBMITTED = types.register("transfers.request.resubmitted", _("{actor} amended and resubmitted {target}"))
STEP_APPROVED = types.register("transfers.step.approved", _("{actor} approved {target} for {party}"))
STEP_REJECTED = types.register("transfers.step.rejected", _("{actor} rejected {target} for {party}: {reason}"))
IMPORTED = types.register(
    "transfers.registrations.imported", _("{actor} imported {rows} new pupils for {target} from {filename}")
)
APPROVED = types.register("transfers.request.approved", _("{target} was approved and took effect"))
WITHDRAWN = types.register("transfers.request.withdrawn", _("{actor} withdrew {target}: {reason}"))
GRADUATIONS_SUBMITTED = types.register(
    "transfers.graduations.submitted", _("{actor} submitted the graduation of {pupils} pupils of {target}")
)
GRADUATIONS_APPROVED = types.register(
    "transfers.graduations.approved", _("{actor} approved the graduation of {pupils} pupils of {target}")
)
PROMOTED = types.register(
    "transfers.school.promoted", _("{actor} promoted {pupils} pupils of {target} for the {year} school year")
)


def submitted(request, *, actor):
    return record(SUBMITTED, actor=actor, target=request, data={"kind": request.kind, "round": request.round})


def resubmitted(request, *, actor):
    return record(RESUBMITTED, actor=actor, target=request, data={"kind": request.kind, "round": request.round})


def step_approved(step, *, actor):
    return record(
        STEP_APPROVED,
        actor=actor,
        target=step.request,
        data={"party": str(step.party), "comment": step.comment, "step": step.pk},
    )


def step_rejected(step, *, actor):
    return record(
        STEP_REJECTED,
        actor=actor,
        target=step.request,
        data={"party": str(step.party), "reason": step.comment, "step": step.pk},
    )


def request_approved(request, *, actor):
    return record(APPROVED, actor=actor, target=request, data={"kind": request.kind})


def registrations_imported(school, *, actor, filename, requests, row_numbers):
    """One event for a whole import job, naming every row it created: [Excel row, pupil id, request id]."""
    pupils = [[row, request.student_id, request.pk] for row, request in zip(row_numbers, requests, strict=True)]
    return record(
        IMPORTED, actor=actor, target=school, data={"rows": len(pupils), "filename": filename, "pupils": pupils}
    )


IMPORT_FINISHED = types.register(
    "transfers.import.finished",
    _("The import {target} finished: {created} pupils submitted, {errors} rows refused"),
)


def import_finished(job):
    """A background import job ended (imported or refused): its uploader is told the outcome."""
    return record(
        IMPORT_FINISHED,
        actor=job.created_by,
        target=job,
        data={"state": job.state, "created": job.created_count, "errors": len(job.errors)},
        school=job.school_id,
    )


def withdrawn(request, *, actor, reason, waiting_step=None):
    """The request was withdrawn; `waiting_step` is the step that was waiting for a decision then (its party is
    told), None when none was (a request returned to its school)."""
    data = {"kind": request.kind, "reason": reason, "step": waiting_step.pk if waiting_step else None}
    return record(WITHDRAWN, actor=actor, target=request, data=data)


def graduations_submitted(school, *, actor, requests):
    """One event for the school's graduation submission, naming every request: [pupil id, request id]."""
    named = [[request.student_id, request.pk] for request in requests]
    return record(GRADUATIONS_SUBMITTED, actor=actor, target=school, data={"pupils": len(named), "requests": named})


def graduations_approved(school, *, actor, requests):
    """One event for the town office's approval of a school's graduations: [pupil id, request id] each."""
    named = [[request.student_id, request.pk] for request in requests]
    return record(GRADUATIONS_APPROVED, actor=actor, target=school, data={"pupils": len(named), "requests": named})


def school_promoted(school, *, actor, pupils, year):
    return record(PROMOTED, actor=actor, target=school, data={"pupils": pupils, "year": year})


EVIDENCE_DOWNLOADED = types.register(
    "transfers.evidence.downloaded", _("{actor} downloaded the evidence “{document}” of {request}")
)


def evidence_downloaded(evidence, *, actor, request=None, inline=False):
    """A piece of evidence (often a household register or ID copy) left the system as a download, or was
    shown in the browser (`inline`)."""
    change_request = evidence.request
    return record(
        EVIDENCE_DOWNLOADED,
        actor=actor,
        target=evidence,
        data={"document": evidence.original_name, "kind": evidence.kind, "request": str(change_request),
              "request_id": change_request.pk, **({"inline": True} if inline else {})},
        request=request,
        school=change_request.school_id,
        pupil=change_request.student_id,
        other_school=change_request.counterpart_school_id,
    )  # fmt: skip
