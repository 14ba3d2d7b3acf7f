"""Who is told of a change request's events (issue 17), as notice rules of registry.notifications.dispatch.

Rules: a step waiting for a party (the sending school, a town office) is told to the holders of that party's
deciding capability there (`request.decide_as_school` at the school, `request.decide_as_authority` at the
authority); a decision that answers the initiating school — returned with the reason, approved and in
effect — is told to its registrars (`request.initiate` at the request's school); a background import's
outcome to its uploader. Titles name no
pupil (they are e-mailed); the inbox's text does.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from registry.models import Notification
from registry.notifications.dispatch import Notice, notice_rule
from transfers import events
from transfers.models import ApprovalStep, ChangeRequest, ImportJob
from transfers.services import current_step


def _request_of(event):
    return ChangeRequest.objects.select_related("student", "school", "initiated_by").filter(pk=event.target_id).first()


def _link(request):
    return reverse("request_detail", args=[request.pk])


def _waiting(request):
    """The notice for the step now waiting on its party, if any."""
    step = current_step(request)
    if step is None:
        return []
    capability = "request.decide_as_authority" if step.authority_id else "request.decide_as_school"
    body = _("%(request)s from %(school)s waits for the decision of %(party)s.") % {
        "request": request, "school": request.school, "party": step.party,
    }  # fmt: skip
    if step.due_on:
        body += " " + _("Due on %(day)s.") % {"day": step.due_on.isoformat()}
    return [
        Notice(
            kind=Notification.Kind.REQUEST,
            key=f"step-waiting:{step.pk}",
            title=_("A %(kind)s request waits for your decision") % {"kind": request.get_kind_display()},
            body=body,
            link=_link(request),
            capability=capability,
            scope=step.party,
        )
    ]


def _to_initiator(request, *, key, title, body):
    return Notice(
        kind=Notification.Kind.REQUEST,
        key=key,
        title=title,
        body=body,
        link=_link(request),
        capability="request.initiate",
        scope=request.school,
        users=(request.initiated_by,),
    )


@notice_rule(events.SUBMITTED)
@notice_rule(events.RESUBMITTED)
@notice_rule(events.STEP_APPROVED)
def step_waiting(event):
    """A submission, a resubmission or an approved step leaves the next step waiting on its party."""
    request = _request_of(event)
    return _waiting(request) if request is not None else []


@notice_rule(events.STEP_REJECTED)
def request_returned(event):
    request = _request_of(event)
    if request is None:
        return []
    step = (
        request.steps.filter(decision=ApprovalStep.Decision.REJECTED).select_related("school", "authority")
        .order_by("-round", "-position").first()
    )  # fmt: skip
    if step is None:
        return []
    body = _("%(request)s was returned for amendment by %(party)s. Reason: %(reason)s") % {
        "request": request, "party": step.party, "reason": step.comment,
    }  # fmt: skip
    title = _("Your %(kind)s request was returned") % {"kind": request.get_kind_display()}
    return [_to_initiator(request, key=f"request-returned:{step.pk}", title=title, body=body)]


@notice_rule(events.APPROVED)
def request_approved(event):
    request = _request_of(event)
    if request is None:
        return []
    body = _("%(request)s was approved and has taken effect.") % {"request": request}
    title = _("Your %(kind)s request was approved") % {"kind": request.get_kind_display()}
    return [_to_initiator(request, key=f"request-approved:{request.pk}", title=title, body=body)]


@notice_rule(events.IMPORT_FINISHED)
def import_finished(event):
    """The uploader of a background import learns it ended, and how: pupils submitted, or rows refused."""
    job = ImportJob.objects.select_related("school", "created_by").filter(pk=event.target_id).first()
    if job is None:
        return []
    if job.state == ImportJob.State.IMPORTED:
        title = _("Your import has finished")
        body = _("%(file)s: %(rows)s new pupils were submitted for approval.") % {
            "file": job.filename, "rows": job.created_count,
        }  # fmt: skip
    else:
        title = _("Your import was not imported")
        body = _("%(file)s: nothing was imported; %(errors)s problems are listed row by row.") % {
            "file": job.filename, "errors": len(job.errors),
        }  # fmt: skip
    return [
        Notice(
            kind=Notification.Kind.IMPORT,
            key=f"import-finished:{job.pk}",
            title=title,
            body=body,
            link=reverse("import_job", args=[job.pk]),
            capability="request.initiate",
            scope=job.school,
            users=(job.created_by,),
            only_users=True,
            tell_actor=True,
        )
    ]
