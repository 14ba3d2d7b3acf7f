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
PROMOTED = types.register(
    "transfers.school.promoted", _("{actor} promoted {pupils} pupils of {target} for the {year} school year")
)


def submitted(request, *, actor):
    return record(SUBMITTED, actor=actor, target=request, data={"kind": request.kind, "round": request.round})


def resubmitted(request, *, actor):
    return record(RESUBMITTED, actor=actor, target=request, data={"kind": request.kind, "round": request.round})


def step_approved(step, *, actor):
    return record(
        STEP_APPROVED, actor=actor, target=step.request, data={"party": str(step.party), "comment": step.comment}
    )


def step_rejected(step, *, actor):
    return record(
        STEP_REJECTED, actor=actor, target=step.request, data={"party": str(step.party), "reason": step.comment}
    )


def request_approved(request, *, actor):
    return record(APPROVED, actor=actor, target=request, data={"kind": request.kind})


def registrations_imported(school, *, actor, rows, filename):
    return record(IMPORTED, actor=actor, target=school, data={"rows": rows, "filename": filename})


def withdrawn(request, *, actor, reason):
    return record(WITHDRAWN, actor=actor, target=request, data={"kind": request.kind, "reason": reason})


def school_promoted(school, *, actor, pupils, year):
    return record(PROMOTED, actor=actor, target=school, data={"pupils": pupils, "year": year})


EVIDENCE_DOWNLOADED = types.register(
    "transfers.evidence.downloaded", _("{actor} downloaded the evidence “{document}” of {request}")
)


def evidence_downloaded(evidence, *, actor, request=None):
    """A piece of evidence (often a household register or ID copy) left the system as a download."""
    change_request = evidence.request
    return record(
        EVIDENCE_DOWNLOADED,
        actor=actor,
        target=evidence,
        data={"document": evidence.original_name, "kind": evidence.kind, "request": str(change_request),
              "request_id": change_request.pk},
        request=request,
        school=change_request.school_id,
        pupil=change_request.student_id,
        other_school=change_request.counterpart_school_id,
    )  # fmt: skip
