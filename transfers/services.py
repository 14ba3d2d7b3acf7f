"""Every state change of a change request: submit, approve a step, reject a step, resubmit, withdraw.

Each is one function taking the acting user, running in one transaction that locks the request row and
guards the step with a conditional update, so two officers clicking at once yield one decision and the
other gets AlreadyDecided naming who decided (DESIGN §3). History rows name the actor and the request;
every transition writes an audit event in the same transaction.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import acting_as
from registry.organisation.working_days import add_working_days
from registry.scoping import can
from registry.transitions import transition
from transfers import events, signals
from transfers.kinds import KINDS, ChangeRefused, kind_of
from transfers.models import ApprovalStep, ChangeRequest, Evidence


class AlreadyDecided(ChangeRefused):
    """Someone else decided this step first."""

    def __init__(self, step):
        self.step = step
        super().__init__(
            _("%(who)s already decided this step (%(decision)s) at %(when)s.")
            % {
                "who": step.decided_by,
                "decision": step.get_decision_display(),
                "when": timezone.localtime(step.decided_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


def current_step(request):
    """The step now waiting for a decision, or None."""
    if request.state != ChangeRequest.State.PENDING:
        return None
    return (
        request.steps.filter(round=request.round, decision=ApprovalStep.Decision.PENDING).order_by("position").first()
    )


def can_decide(user, step) -> bool:
    """The step's party decides, never the request's initiator (办法: the school submits, the authority approves)."""
    if step.request.initiated_by_id == user.pk:
        return False
    if step.authority_id is not None:
        return can(user, "request.decide_as_authority", step.authority)
    return can(user, "request.decide_as_school", step.school)


def can_initiate(user, school) -> bool:
    return can(user, "request.initiate", school)


def _open_round(request):
    kind = KINDS[request.kind]
    due_on = add_working_days(timezone.localdate(), kind.deadline_working_days)
    for position, party in enumerate(kind.chain(request), start=1):
        ApprovalStep.objects.create(
            request=request,
            round=request.round,
            position=position,
            school=party.school,
            authority=party.authority,
            due_on=due_on if position == 1 else None,
        )


def submit_request(*, kind, student, school, payload, actor, counterpart_school=None, evidence=()):
    """Start a change request for `student` at `school`, with the chain of its kind and its evidence
    ((kind, upload, transfers.uploads.CheckedUpload) triples); a kind's required evidence must be among
    them. `payload`: the kind's Payload (or its JSON). The kind's `on_submitted` hook runs in the same
    transaction (a transfer's four-copy form is queued once it commits). A second start for the same pupil
    racing this one ends in the one-open-request rule's message, not a database error."""
    if not can_initiate(actor, school):
        raise PermissionDenied
    change_kind = KINDS[kind]
    with transaction.atomic(), acting_as(actor, reason="transfers.request.submitted", kind=kind):
        request = ChangeRequest(
            kind=kind,
            student=student,
            school=school,
            counterpart_school=counterpart_school,
            payload=change_kind.Payload.from_json(payload).to_json(),
            initiated_by=actor,
            submitted_at=timezone.now(),
        )
        change_kind.validate(request, attached=_attached(request, evidence))
        _refuse_open_request(student)
        _insert_open_request(request)
        attach_evidence(request, evidence, actor=actor)
        _refuse_missing_evidence(request)
        _open_round(request)
        events.submitted(request, actor=actor)
        change_kind.on_submitted(request, actor=actor)
        if not request.steps.exists():
            _complete(request, change_kind, actor=actor)
    return request


def _attached(request, evidence):
    """The Evidence kinds a request has (when saved) and is being given."""
    kinds = {kind for kind, _upload, _checked in evidence}
    if request.pk:
        kinds |= set(request.evidence.values_list("kind", flat=True))
    return frozenset(kinds)


def _insert_open_request(request):
    """Save a new open request; when another start for the same pupil won the race (the database's
    one_open_request_per_pupil), refuse with the rule's message naming the request that won."""
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        request.pk = None
        _refuse_open_request(request.student)
        raise


def _refuse_open_request(student):
    """One open request per pupil (the database enforces it too); say which one is open."""
    open_request = ChangeRequest.objects.filter(student=student, state__in=ChangeRequest.OPEN_STATES).first()
    if open_request is not None:
        raise ChangeRefused(
            _("%(name)s already has an open request (%(request)s, %(state)s); finish or withdraw it first.")
            % {
                "name": student.name,
                "request": open_request.get_kind_display(),
                "state": open_request.get_state_display(),
            }
        )


def attach_evidence(request, evidence, *, actor):
    """Store checked uploads as the request's evidence (content-checked before, see transfers.uploads)."""
    for kind, upload, checked in evidence:
        Evidence.objects.create(
            request=request, kind=kind, file=upload, original_name=upload.name[:200],
            content_type=checked.content_type, size=checked.size, sha256=checked.sha256, uploaded_by=actor,
        )  # fmt: skip


def _refuse_missing_evidence(request):
    attached = set(request.evidence.values_list("kind", flat=True))
    missing = [kind for kind in KINDS[request.kind].required_evidence if kind not in attached]
    if missing:
        raise ChangeRefused(
            _("Attach the evidence this change needs: %(missing)s.")
            % {"missing": "、".join(str(Evidence.Kind(kind).label) for kind in missing)}
        )


def _refuse_unless_pending(request, step):
    """A request no longer awaiting decisions: who decided this step, or, when nobody did (the request was
    withdrawn, or returned at another step), what became of the request."""
    if request.state == ChangeRequest.State.PENDING:
        return
    step.refresh_from_db()
    if step.decision != ApprovalStep.Decision.PENDING:
        raise AlreadyDecided(step)
    if request.state == ChangeRequest.State.RETURNED:
        raise ChangeRefused(_("This request was returned to the school for amendment; it awaits no decision now."))
    raise ChangeRefused(_("This request is already closed (%(state)s).") % {"state": request.get_state_display()})


def _decide(request, step, *, actor, decision, comment):
    if not can_decide(actor, step):
        raise PermissionDenied
    won = transition(
        step, expected={"round": request.round, "decision": ApprovalStep.Decision.PENDING},
        changes={"decision": decision, "decided_by": actor, "decided_at": timezone.now(), "comment": comment},
        actor=actor,
    )  # fmt: skip
    if not won:
        raise AlreadyDecided(step)


def approve_step(step, *, actor, comment=""):
    """Approve `step`; after the last step the kind's effect is applied in the same transaction."""
    with transaction.atomic():
        request = ChangeRequest.objects.select_for_update().get(pk=step.request_id)
        with acting_as(actor, reason="transfers.request.approved", request=request.pk):
            _refuse_unless_pending(request, step)
            _decide(request, step, actor=actor, decision=ApprovalStep.Decision.APPROVED, comment=comment)
            events.step_approved(step, actor=actor)
            kind = KINDS[request.kind]
            following = current_step(request)
            if following is not None:
                following.due_on = add_working_days(timezone.localdate(), kind.deadline_working_days)
                following.save(update_fields=["due_on"])
                return request
            kind.validate(request, attached=_attached(request, ()))
            _complete(request, kind, actor=actor)
    return request


def _complete(request, kind, *, actor):
    """The request is approved: the kind's effect, its event, its signal and its hook, in the caller's
    transaction. After the last step of a chain — or at once on submission for a kind whose chain is empty
    (a change the school decides itself, such as a class change)."""
    request.state = ChangeRequest.State.APPROVED
    request.closed_at = timezone.now()
    request.save(update_fields=["state", "closed_at"])
    kind.apply(request, actor=actor)
    events.request_approved(request, actor=actor)
    signals.request_approved.send(sender=ChangeRequest, request=request, actor=actor)
    kind.on_approved(request, actor=actor)


def reject_step(step, *, actor, reason):
    """Reject `step` with a reason; the request returns to its initiating school for amendment."""
    if not reason.strip():
        raise ChangeRefused(_("Give the reason for the rejection; the school sees it."))
    with transaction.atomic():
        request = ChangeRequest.objects.select_for_update().get(pk=step.request_id)
        with acting_as(actor, reason="transfers.request.rejected", request=request.pk):
            _refuse_unless_pending(request, step)
            _decide(request, step, actor=actor, decision=ApprovalStep.Decision.REJECTED, comment=reason.strip())
            request.state = ChangeRequest.State.RETURNED
            request.save(update_fields=["state"])
            events.step_rejected(step, actor=actor)
    return request


def resubmit_request(request, *, actor, payload=None, evidence=()):
    """The initiating school sends a returned request again, amended (`payload`, the kind's Payload or its
    JSON; None keeps it), as a new round of the same chain, keeping its evidence and adding any further
    evidence. The kind's `on_submitted` hook runs again (a transfer keeps the four-copy form it has)."""
    if not can_initiate(actor, request.school):
        raise PermissionDenied
    with transaction.atomic():
        request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != ChangeRequest.State.RETURNED:
            raise ChangeRefused(_("Only a returned request can be resubmitted."))
        with acting_as(actor, reason="transfers.request.resubmitted", request=request.pk):
            kind = kind_of(request)
            if payload is not None:
                request.payload = kind.Payload.from_json(payload).to_json()
            kind.validate(request, attached=_attached(request, evidence))
            request.round += 1
            request.state = ChangeRequest.State.PENDING
            request.save(update_fields=["payload", "round", "state"])
            attach_evidence(request, evidence, actor=actor)
            _refuse_missing_evidence(request)
            _open_round(request)
            events.resubmitted(request, actor=actor)
            kind.on_submitted(request, actor=actor)
    return request


def withdraw_request(request, *, actor, reason):
    """The initiating school withdraws its open request (after a rejection, or before it is decided);
    the steps still pending stay as they were, the request is closed and no effect is applied."""
    if not can_initiate(actor, request.school):
        raise PermissionDenied
    if not reason.strip():
        raise ChangeRefused(_("Give the reason for withdrawing the request."))
    with transaction.atomic():
        request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
        if request.state not in ChangeRequest.OPEN_STATES:
            raise ChangeRefused(
                _("This request is already closed (%(state)s).") % {"state": request.get_state_display()}
            )
        waiting_step = current_step(request)
        with acting_as(actor, reason="transfers.request.withdrawn", request=request.pk):
            request.state = ChangeRequest.State.WITHDRAWN
            request.closed_at = timezone.now()
            request.save(update_fields=["state", "closed_at"])
            events.withdrawn(request, actor=actor, reason=reason.strip(), waiting_step=waiting_step)
    return request
