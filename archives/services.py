"""Every change to archives: the file itself (created for each registered pupil, moved on a transfer),
its documents (uploaded or produced, superseded but never edited), the paper location and loans, the
paper hand-over, access requests, and the register line every read writes. Each takes the acting user,
runs in a transaction and writes history (DOMAIN Archives)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives import events
from archives.models import AccessRequest, ArchiveCopy, ArchiveDocument, ArchiveFile, HandOver, Loan, RegisterEntry
from archives.selectors import can_decide_access, can_manage
from audit.history import acting_as
from registry.scoping import can
from registry.transitions import transition
from transfers.kinds import ChangeRefused, kind_of

ACCESS_DAYS = 7


class ArchiveRefused(ChangeRefused):
    """A rule of the archive refuses the step; the message says which."""


def _holding_school(student):
    spell = student.spells.select_related("school").order_by("-started_on", "-pk").first()
    return spell.school if spell else None


def ensure_archive(student):
    """The pupil's archive, created (at the school of their current or last spell) if it does not exist
    yet; None for a pupil who has never been on a register."""
    archive = ArchiveFile.objects.filter(student=student).select_related("school").first()
    if archive is not None:
        return archive
    school = _holding_school(student)
    if school is None:
        return None
    archive, _created = ArchiveFile.objects.get_or_create(student=student, defaults={"school": school})
    return archive


def record(archive, *, user, action, what, why="", school=None):
    """One line in the register of `school` (default: the holding school): who, when, what, why."""
    return RegisterEntry.objects.create(
        archive=archive, school=school or archive.school, user=user, action=action, what=what[:300], why=why[:300]
    )


def record_view(archive, *, user, reading, request=None):
    """A reading of the archive page: a line in the register and an audit event (issue 7: reads logged)."""
    record(archive, user=user, action=RegisterEntry.Action.VIEWED, what=_("Archive viewed"), why=reading.why)
    events.archive_viewed(archive, actor=user, reading=reading, request=request)


def record_download(document, *, user, reading, request=None):
    """A document leaving the system as a download: a line in the register and an audit event."""
    record(document.archive, user=user, action=RegisterEntry.Action.DOWNLOADED, why=reading.why,
           what=_("Document downloaded: %(title)s") % {"title": document.title})  # fmt: skip
    events.document_downloaded(document, actor=user, reading=reading, request=request)


def file_request(request, *, actor):
    """An approved change request goes into the archive: its decision (produced by the registry) and a
    copy of each piece of evidence. On a transfer the archive moves to the receiving school, the sending
    school keeps a read-only copy, and the hand-over of the paper file is opened."""
    archive = ensure_archive(request.student)
    if archive is None:
        return None
    with acting_as(actor, reason="archives.request.filed", request=request.pk):
        today = timezone.localdate()
        ArchiveDocument.objects.create(
            archive=archive, type=ArchiveDocument.Type.CHANGE_DECISION, title=str(request), document_date=today,
            source=ArchiveDocument.Source.GENERATED, change_request=request, added_by=actor,
        )  # fmt: skip
        for evidence in request.evidence.all():
            ArchiveDocument.objects.create(
                archive=archive, type=ArchiveDocument.Type.EVIDENCE, title=f"{evidence.get_kind_display()}",
                document_date=timezone.localdate(evidence.uploaded_at), source=ArchiveDocument.Source.UPLOADED,
                file=evidence.file.name, content_type=evidence.content_type, size=evidence.size,
                sha256=evidence.sha256, change_request=request, added_by=actor,
            )  # fmt: skip
        if kind_of(request).hands_over_archive:
            _hand_over(archive, request, actor=actor)
    return archive


def _hand_over(archive, request, *, actor):
    sending, receiving = request.counterpart_school, request.school
    ArchiveCopy.objects.get_or_create(archive=archive, school=sending)
    archive.school = receiving
    archive.room = archive.cabinet = archive.box = archive.volume = ""  # the paper file is on its way
    archive.save(update_fields=["school", "room", "cabinet", "box", "volume"])
    HandOver.objects.create(archive=archive, change_request=request, from_school=sending, to_school=receiving)
    what = _("Archive handed over: %(from)s → %(to)s") % {"from": sending, "to": receiving}
    record(archive, user=actor, action=RegisterEntry.Action.HANDED_OVER, what=what, school=sending)
    record(archive, user=actor, action=RegisterEntry.Action.HANDED_OVER, what=what, school=receiving)


def _managed(archive, actor):
    if not can_manage(actor, archive):
        raise PermissionDenied


def add_document(archive, *, actor, type, title, document_date, upload, checked, pages=1):
    """Store an uploaded document, checked by content before (transfers.uploads.check_evidence)."""
    _managed(archive, actor)
    with transaction.atomic(), acting_as(actor, reason="archives.document.added"):
        return ArchiveDocument.objects.create(
            archive=archive, type=type, title=title, document_date=document_date,
            source=ArchiveDocument.Source.UPLOADED, file=upload, content_type=checked.content_type,
            size=checked.size, sha256=checked.sha256, pages=pages, added_by=actor,
        )  # fmt: skip


def supersede(document, replacement, *, actor, reason):
    """A wrong document stays in the file, marked superseded by `replacement` with the reason."""
    _managed(document.archive, actor)
    if not reason.strip():
        raise ArchiveRefused(_("Give the reason the document is superseded."))
    if replacement.archive_id != document.archive_id or replacement.pk == document.pk:
        raise ArchiveRefused(_("The replacement must be another document of the same archive."))
    with transaction.atomic(), acting_as(actor, reason="archives.document.superseded"):
        won = transition(document, expected={"superseded_by__isnull": True}, actor=actor,
                         changes={"superseded_by": replacement, "supersede_reason": reason.strip()})  # fmt: skip
        if not won:
            raise ArchiveRefused(_("This document was already superseded."))


def set_location(archive, *, actor, room, cabinet, box, volume):
    _managed(archive, actor)
    with transaction.atomic(), acting_as(actor, reason="archives.paper.location"):
        archive.room, archive.cabinet, archive.box, archive.volume = room, cabinet, box, volume
        archive.save(update_fields=["room", "cabinet", "box", "volume"])


def lend(archive, *, actor, borrower, purpose, taken_on, due_on=None):
    _managed(archive, actor)
    with transaction.atomic(), acting_as(actor, reason="archives.paper.lent"):
        if archive.loans.filter(returned_on__isnull=True).exists():
            raise ArchiveRefused(_("The paper file is already lent out; record its return first."))
        return Loan.objects.create(archive=archive, borrower=borrower, purpose=purpose, taken_on=taken_on,
                                   due_on=due_on, recorded_by=actor)  # fmt: skip


def return_loan(loan, *, actor, returned_on=None):
    _managed(loan.archive, actor)
    returned_on = returned_on or timezone.localdate()
    if returned_on < loan.taken_on:
        raise ArchiveRefused(_("The return date is before the day it was taken."))
    with transaction.atomic(), acting_as(actor, reason="archives.paper.returned"):
        won = transition(loan, expected={"returned_on__isnull": True}, changes={"returned_on": returned_on},
                         actor=actor)  # fmt: skip
        if not won:
            raise ArchiveRefused(_("The return was already recorded (%(date)s).") % {"date": loan.returned_on})


def send_paper(hand_over, *, actor):
    """The old school records that the paper file left (its archivist or registrar)."""
    if not can(actor, "archive.manage", hand_over.from_school):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason="archives.paper.sent"):
        transition(hand_over, expected={"sent_at__isnull": True}, changes={"sent_at": timezone.now(), "sent_by": actor},
                   actor=actor)  # fmt: skip


def receive_paper(hand_over, *, actor):
    """The new school records that the paper file arrived (after it was sent)."""
    if not can(actor, "archive.manage", hand_over.to_school):
        raise PermissionDenied
    if hand_over.sent_at is None:
        raise ArchiveRefused(_("The old school has not recorded sending the paper file yet."))
    with transaction.atomic(), acting_as(actor, reason="archives.paper.received"):
        transition(hand_over, expected={"received_at__isnull": True}, actor=actor,
                   changes={"received_at": timezone.now(), "received_by": actor})  # fmt: skip


def request_access(archive, *, actor, school, reason):
    """A user of another school asks to read the archive (查阅登记)."""
    if not can(actor, "archive.request_access", school):
        raise PermissionDenied
    if school.pk == archive.school_id:
        raise ArchiveRefused(_("This archive is your school's; no request is needed."))
    if not reason.strip():
        raise ArchiveRefused(_("Give the reason you need to read the archive."))
    with transaction.atomic(), acting_as(actor, reason="archives.access.requested"):
        if archive.access_requests.filter(requested_by=actor, state=AccessRequest.State.PENDING).exists():
            raise ArchiveRefused(_("Your request for this archive is already waiting for the holding school."))
        access = AccessRequest.objects.create(archive=archive, requested_by=actor, requesting_school=school,
                                              reason=reason.strip())  # fmt: skip
        record(archive, user=actor, action=RegisterEntry.Action.ACCESS, why=reason.strip(),
               what=_("Access requested by %(school)s") % {"school": school})  # fmt: skip
        events.access_requested(access, actor=actor)
    return access


def decide_access(access, *, actor, approve, days=ACCESS_DAYS):
    """The holding school approves (for `days` days) or refuses a pending access request."""
    if not can_decide_access(actor, access.archive):
        raise PermissionDenied
    now = timezone.now()
    state = AccessRequest.State.APPROVED if approve else AccessRequest.State.REFUSED
    with transaction.atomic(), acting_as(actor, reason="archives.access.decided"):
        won = transition(
            access, expected={"state": AccessRequest.State.PENDING}, actor=actor,
            changes={"state": state, "decided_by": actor, "decided_at": now,
                     "valid_until": now + timedelta(days=days) if approve else None},
        )  # fmt: skip
        if not won:
            raise ArchiveRefused(_("This request was already decided by %(who)s.") % {"who": access.decided_by})
        what = _("Access of %(school)s %(decision)s") % {"school": access.requesting_school,
                                                          "decision": access.get_state_display()}  # fmt: skip
        record(access.archive, user=actor, action=RegisterEntry.Action.ACCESS, what=what, why=access.reason)
        events.access_decided(access, actor=actor)
    return access
