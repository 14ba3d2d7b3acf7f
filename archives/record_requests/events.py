"""Audit event types of record requests (查询申请) and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

RECORDED = types.register(
    "archives.record_request.recorded",
    _("{actor} recorded a record request of {requester} for {target} (proof: {proof}; purpose: {purpose})"),
)
DECIDED = types.register(
    "archives.record_request.decided", _("{actor} decided the record request of {requester} for {target}: {decision}")
)
EXTRACT_PRINTED = types.register(
    "archives.record_request.extract_printed",
    _("{actor} printed the record extract of {target} for {requester} ({pages} pages, the pupil's full ID number)"),
)


def _requester(query):
    return f"{query.get_requester_display()} {query.requester_name}"


def recorded(query, *, actor):
    return record(
        RECORDED, actor=actor, target=query.archive.student, school=query.school_id,
        data={"request": query.pk, "requester": _requester(query), "proof": query.proof, "purpose": query.purpose},
    )  # fmt: skip


def decided(query, *, actor):
    return record(
        DECIDED, actor=actor, target=query.archive.student, school=query.school_id,
        data={"request": query.pk, "requester": _requester(query), "decision": query.get_state_display()},
    )  # fmt: skip


def extract_printed(extract):
    """A printed extract shows the pupil's full ID number: an audited reveal, with who it was for."""
    query = extract.request
    return record(
        EXTRACT_PRINTED, actor=extract.requested_by, target=query.archive.student, school=query.school_id,
        data={"request": query.pk, "extract": extract.pk, "requester": _requester(query), "pages": extract.pages},
    )  # fmt: skip
