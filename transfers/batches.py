"""Many change requests submitted at once (the new-pupil import, graduation of a school's last grade, the
onboarding import): the rules of `transfers.services.submit_request`, written in bulk.

Each request is checked by its kind's own rules (`validate_many`: `validate` on each request, unless the
kind reads what its rules need once for the batch) and by the one-open-request-per-pupil rule (one query for
the whole batch); every refused item is reported, not just the first. Requests and their approval steps are
saved with `bulk_create` and simple-history's bulk helper, so each still has its history row naming the
acting user and the reason. No audit event is written per
request: the caller writes one event for the whole job, naming its rows (DESIGN §5).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.bulk import create_with_history
from registry.organisation.working_days import add_working_days
from transfers.kinds import KINDS, ChangeRefused
from transfers.kinds.base import ChangeKind
from transfers.models import ApprovalStep, ChangeRequest
from transfers.services import can_initiate


class RequestsRefused(ChangeRefused):
    """Some items of a batch break a rule; `problems` maps each one's position in the batch to the message.
    Raised after every item was checked, so the caller can report them all; nothing is saved."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(_("%(count)d of the requests break a rule.") % {"count": len(problems)})


def submit_requests(*, kind, school, items, actor, batch_size=1000):
    """Submit one request of `kind` at `school` for each (student, payload) of `items`, all or nothing.

    Only kinds that need no evidence and print no four-copy form can be submitted in bulk. Returns the saved
    requests in the order of `items`; raises RequestsRefused naming every item a rule refuses."""
    if not can_initiate(actor, school):
        raise PermissionDenied
    change_kind = KINDS[kind]
    if change_kind.required_evidence or type(change_kind).on_submitted is not ChangeKind.on_submitted:
        raise ValueError(f"{kind} requests need evidence or a submission hook; they are submitted one by one")
    now = timezone.now()
    requests = [
        ChangeRequest(
            kind=kind, student=student, school=school, payload=change_kind.Payload.from_json(payload).to_json(),
            initiated_by=actor, submitted_at=now,
        )  # fmt: skip
        for student, payload in items
    ]
    problems = change_kind.validate_many(requests)
    problems.update(_open_requests(requests))
    if problems:
        raise RequestsRefused(dict(sorted(problems.items())))

    reason = f"{kind} submitted"
    due_on = add_working_days(timezone.localdate(), change_kind.deadline_working_days)
    with transaction.atomic():
        requests = create_with_history(requests, ChangeRequest, batch_size=batch_size, actor=actor, reason=reason)
        steps = [
            ApprovalStep(
                request=request,
                round=request.round,
                position=position,
                school=party.school,
                authority=party.authority,
                due_on=due_on if position == 1 else None,
            )
            for request in requests
            for position, party in enumerate(change_kind.chain(request), start=1)
        ]
        create_with_history(steps, ApprovalStep, batch_size=batch_size, actor=actor, reason=reason)
    return requests


def _open_requests(requests):
    """{position: message} for each pupil who already has an open request (one query for the batch)."""
    position_of = {request.student.pk: position for position, request in enumerate(requests)}
    open_requests = ChangeRequest.objects.filter(student__in=list(position_of), state__in=ChangeRequest.OPEN_STATES)
    return {
        position_of[open_request.student_id]: _(
            "%(name)s already has an open request (%(request)s, %(state)s); finish or withdraw it first."
        )
        % {
            "name": requests[position_of[open_request.student_id]].student.name,
            "request": open_request.get_kind_display(),
            "state": open_request.get_state_display(),
        }
        for open_request in open_requests
    }
