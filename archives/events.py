"""Audit event types of archive printing, and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

PRINTED = types.register(
    "archives.print.printed", _("{actor} printed {what} of {target} ({pupils} pupils, {pages} pages): {reason}")
)
ID_NUMBERS_PRINTED = types.register(
    "archives.print.id_numbers_printed", _("{actor} printed the full ID numbers of {target} (reason: {reason})")
)


def printed(job, *, target, what, pupils, revealed):
    """One finished print job: its archive (one pupil) or class (a batch), what, why, how much."""
    return record(
        PRINTED,
        actor=job.requested_by,
        target=target,
        data={"job": job.pk, "what": what, "reason": job.reason, "pupils": pupils, "pages": job.pages,
              "documents": list(job.documents), "revealed": revealed},
    )  # fmt: skip


def id_numbers_printed(job, *, student):
    """A print that shows a pupil's (and their guardians') full ID numbers and phones: an audited reveal."""
    return record(
        ID_NUMBERS_PRINTED, actor=job.requested_by, target=student, data={"reason": job.reveal_reason, "job": job.pk}
    )
