"""Status-change requests as timeline entries (audit.timeline): submitted, each step decided, withdrawn.

Built from the requests' own rows at display time; `requests_for_timeline` fetches them with their steps
in a fixed number of queries, however many there are.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.timeline import TimelineEntry
from transfers.models import ApprovalStep, ChangeRequest


def requests_for_timeline(requests):
    """`requests` (a queryset) with what their timeline entries read: initiator, school, decided steps."""
    steps = ApprovalStep.objects.exclude(decision=ApprovalStep.Decision.PENDING).select_related(
        "school", "authority", "decided_by"
    )
    return requests.select_related("initiated_by", "school").prefetch_related(Prefetch("steps", queryset=steps))


def request_timeline(requests, *, link=True):
    """Entries for each request (fetched with `requests_for_timeline`): its submission, every decided step
    of every round, and its withdrawal."""
    entries = []
    for change_request in requests:
        kind = change_request.get_kind_display()
        url = reverse("request_detail", args=[change_request.pk]) if link else ""
        entries.append(
            TimelineEntry(
                at=change_request.submitted_at,
                actor=str(change_request.initiated_by),
                kind="request",
                action="submitted",
                sentence=_("%(school)s submitted the request: %(kind)s")
                % {"school": change_request.school.name, "kind": kind},
                url=url,
            )
        )
        for step in change_request.steps.all():
            if step.decision == ApprovalStep.Decision.APPROVED:
                sentence = _("%(party)s approved the request: %(kind)s")
            else:
                sentence = _("%(party)s rejected the request: %(kind)s")
            entries.append(
                TimelineEntry(
                    at=step.decided_at,
                    actor=str(step.decided_by),
                    kind="request",
                    action=step.decision,
                    reason=step.comment,
                    sentence=sentence % {"party": step.party, "kind": kind},
                    url=url,
                )
            )
        if change_request.state == ChangeRequest.State.WITHDRAWN and change_request.closed_at:
            entries.append(
                TimelineEntry(
                    at=change_request.closed_at,
                    actor="",
                    kind="request",
                    action="withdrawn",
                    sentence=_("The request was withdrawn: %(kind)s") % {"kind": kind},
                    url=url,
                )
            )
    return entries
