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
        ID_NUMBERS_PRINTED,
        actor=job.requested_by,
        target=student,
        data={"reason": job.reveal_reason, "job": job.pk},
        school=job.school_id,
    )


ARCHIVE_VIEWED = types.register("archives.archive.viewed", _("{actor} viewed the archive of {pupil}"))
DOCUMENT_DOWNLOADED = types.register(
    "archives.document.downloaded", _("{actor} downloaded “{document}” from the archive of {pupil}")
)


def archive_viewed(archive, *, actor, reading, request=None):
    """An archive page was read (by its holder's side, from a kept copy, or through an access request)."""
    return record(
        ARCHIVE_VIEWED,
        actor=actor,
        target=archive,
        data={"pupil": archive.student.name, "reason": reading.why, "copy": reading.copy is not None},
        request=request,
    )


def document_downloaded(document, *, actor, reading, request=None):
    """An archive document left the system as a download."""
    archive = document.archive
    return record(
        DOCUMENT_DOWNLOADED,
        actor=actor,
        target=archive,
        data={"pupil": archive.student.name, "document": document.title, "document_id": document.pk,
              "reason": reading.why},
        request=request,
    )  # fmt: skip


PRINT_DOWNLOADED = types.register(
    "archives.print.downloaded", _("{actor} downloaded the print {target} ({pages} pages)")
)


def print_downloaded(job, *, actor, request=None):
    """A finished print's PDF left the system (the print itself was logged when it was made)."""
    return record(
        PRINT_DOWNLOADED,
        actor=actor,
        target=job,
        data={"job": job.pk, "pages": job.pages, "revealed": bool(job.reveal_reason)},
        request=request,
        pupil=job.archive.student_id if job.archive_id else None,
    )


ACCESS_REQUESTED = types.register(
    "archives.access.requested", _("{actor} of {school} asked to read the archive {target}: {reason}")
)
ACCESS_DECIDED = types.register(
    "archives.access.decided", _("{actor} decided the access of {school} to {target}: {decision}")
)


def access_requested(access, *, actor):
    """查阅登记: another school's staff asked the holding school to let them read an archive."""
    return record(
        ACCESS_REQUESTED,
        actor=actor,
        target=access.archive,
        data={"access": access.pk, "school": str(access.requesting_school), "reason": access.reason},
        other_school=access.requesting_school_id,
    )


def access_decided(access, *, actor):
    """The holding school approved or refused a request to read one of its archives."""
    return record(
        ACCESS_DECIDED,
        actor=actor,
        target=access.archive,
        data={"access": access.pk, "school": str(access.requesting_school), "decision": access.get_state_display(),
              "state": access.state},
        other_school=access.requesting_school_id,
    )  # fmt: skip
