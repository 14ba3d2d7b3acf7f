"""Audit event types of the families' confirmation forms and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

FORMS_PRINTED = types.register(
    "archives.family_confirmation.printed",
    _("{actor} printed the family confirmation forms of {target} for {semester} ({pupils} pupils, {pages} pages)"),
)
RETURNED = types.register(
    "archives.family_confirmation.returned", _("{actor} recorded the family confirmation form of {target}: {outcome}")
)


def forms_printed(job, *, pupils):
    return record(
        FORMS_PRINTED, actor=job.requested_by, target=job.school_class, school=job.school_id,
        data={"job": job.pk, "semester": str(job.semester), "pupils": pupils, "pages": job.pages},
    )  # fmt: skip


def returned(confirmation, *, actor):
    return record(
        RETURNED, actor=actor, target=confirmation.student, school=confirmation.school_id,
        data={"semester": str(confirmation.semester), "outcome": confirmation.get_outcome_display(),
              "corrections": confirmation.corrections, "request": confirmation.change_request_id},
    )  # fmt: skip
