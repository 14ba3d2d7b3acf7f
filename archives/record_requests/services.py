"""Every change to record requests (查询申请, 学号办法 八): record one, decide a department's, print the extract.
Each checks the capability at the holding school, runs in a transaction, writes history, a line in the
archive register and an audit event."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archives.models import RegisterEntry
from archives.record_requests import events
from archives.record_requests.extract import extract_html
from archives.record_requests.models import RecordExtract, RecordRequest
from archives.services import ArchiveRefused, record
from audit.history import acting_as
from registry import pdf
from registry.render_jobs import RenderJobs
from registry.scoping import can
from registry.transitions import transition

logger = logging.getLogger(__name__)
PROOF_DIGITS = 4


def can_record(user, school) -> bool:
    return can(user, "record_request.record", school)


def can_decide(user, query) -> bool:
    """The registry head of the holding school, other than the one who recorded the request."""
    return can(user, "record_request.decide", query.school) and user.pk != query.recorded_by_id


def record_request(archive, *, actor, requester, requester_name, proof_type, proof_digits, purpose, department=""):
    """Record a request to see the pupil's record: who asked, the proof seen (its type and last digits only),
    the purpose. The pupil's or a guardian's is granted at once (八1); a department's waits for the registry
    head (八2)."""
    if not can_record(actor, archive.school):
        raise PermissionDenied
    requester_name, purpose, department = requester_name.strip(), purpose.strip(), department.strip()
    proof_digits = proof_digits.strip().upper()
    if len(proof_digits) != PROOF_DIGITS or not proof_digits.isalnum():
        raise ArchiveRefused(_("Enter only the last 4 characters of the proof of identity, never the full number."))
    if not requester_name or not purpose:
        raise ArchiveRefused(_("Give the name of the person asking and the purpose of the request."))
    department_query = requester == RecordRequest.Requester.DEPARTMENT
    if department_query and not department:
        raise ArchiveRefused(_("Name the department that asks."))
    state = RecordRequest.State.PENDING if department_query else RecordRequest.State.GRANTED
    with transaction.atomic(), acting_as(actor, reason="archives.record_request.recorded"):
        query = RecordRequest.objects.create(
            archive=archive, school=archive.school, requester=requester, requester_name=requester_name,
            department=department if department_query else "", proof_type=proof_type, proof_digits=proof_digits,
            purpose=purpose, state=state, recorded_by=actor,
        )  # fmt: skip
        record(archive, user=actor, action=RegisterEntry.Action.RECORD_REQUEST, what=_register_line(query),
               why=purpose)  # fmt: skip
        events.recorded(query, actor=actor)
    return query


def _register_line(query):
    who = query.department or query.get_requester_display()
    return _("Record request of %(who)s %(name)s — %(proof)s") % {
        "who": who, "name": query.requester_name, "proof": query.proof,
    }  # fmt: skip


def decide_request(query, *, actor, approve):
    """The registry head approves or refuses a department's pending request (once; a second click loses)."""
    if not can_decide(actor, query):
        raise PermissionDenied
    state = RecordRequest.State.GRANTED if approve else RecordRequest.State.REFUSED
    with transaction.atomic(), acting_as(actor, reason="archives.record_request.decided"):
        won = transition(query, expected={"state": RecordRequest.State.PENDING}, actor=actor,
                         changes={"state": state, "decided_by": actor, "decided_at": timezone.now()})  # fmt: skip
        if not won:
            raise ArchiveRefused(_("This request was already decided by %(who)s.") % {"who": query.decided_by})
        what = _("Record request of %(who)s %(decision)s") % {
            "who": query.department, "decision": query.get_state_display(),
        }  # fmt: skip
        record(query.archive, user=actor, action=RegisterEntry.Action.RECORD_REQUEST, what=what, why=query.purpose)
        events.decided(query, actor=actor)
    return query


def print_extract(query, *, actor):
    """Queue the extract of a granted request (after the caller's transaction commits). Returns it."""
    if not can_record(actor, query.school):
        raise PermissionDenied
    if query.state != RecordRequest.State.GRANTED:
        raise ArchiveRefused(_("The extract is printed once the request is granted."))
    with transaction.atomic():
        extract = RecordExtract.objects.create(request=query, requested_by=actor)
        EXTRACTS.queue_after_commit(extract.pk)
    return extract


def file_name(extract):
    return f"extracts/{extract.created_at:%Y}/extract-{extract.pk:06d}.pdf"


class ExtractRenders(RenderJobs):
    """Extracts as render jobs (registry.render_jobs): the first run to finish marks the extract ready and
    writes its register line and audit event; a re-run rewrites the same file and nothing else."""

    model = RecordExtract
    task_name = "archives.tasks.render_record_extract_task"
    waiting_states = (RecordExtract.State.QUEUED,)

    def fetch(self, pk):
        return RecordExtract.objects.select_related("requested_by", "request__school", "request__archive__student").get(
            pk=pk
        )

    def produce(self, extract):
        RecordExtract.objects.filter(pk=extract.pk, finished_at__isnull=True).update(
            state=RecordExtract.State.RENDERING
        )
        try:
            with translation.override(settings.LANGUAGE_CODE):
                document = pdf.layout_html(extract_html(extract))
                data, pages = document.write_pdf(), len(document.pages)
            name = file_name(extract)
            pdf.write_replacing(RecordExtract._meta.get_field("file").storage, name, data)
            self._finish(extract, name, pages)
        except Exception:
            RecordExtract.objects.filter(pk=extract.pk, finished_at__isnull=True).update(
                state=RecordExtract.State.FAILED
            )
            logger.exception("record extract %s failed", extract.pk)
            raise

    @staticmethod
    def _finish(extract, name, pages):
        with transaction.atomic():
            first = RecordExtract.objects.filter(pk=extract.pk, finished_at__isnull=True).update(
                state=RecordExtract.State.READY, file=name, pages=pages, finished_at=timezone.now()
            )
            if not first:
                RecordExtract.objects.filter(pk=extract.pk).update(state=RecordExtract.State.READY, file=name)
                return
            extract.pages = pages
            query = extract.request
            what = _("Record extract printed for %(name)s") % {"name": query.requester_name}
            record(query.archive, user=extract.requested_by, action=RegisterEntry.Action.PRINTED, what=what,
                   why=query.purpose, school=query.school)  # fmt: skip
            events.extract_printed(extract)

    def progress(self, extract) -> int:
        return {RecordExtract.State.READY: 100, RecordExtract.State.RENDERING: 50}.get(extract.state, 0)


EXTRACTS = ExtractRenders()
render_extract = EXTRACTS.render
requeue_if_stuck = EXTRACTS.requeue_if_stuck
