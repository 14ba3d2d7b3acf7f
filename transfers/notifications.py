"""Who is told of a change request's events (issue 17), as notice rules of registry.notifications.dispatch.

Rules: a step waiting for a party (the sending school, a town office) is told to the holders of that party's
deciding capability there (`request.decide_as_school` at the school, `request.decide_as_authority` at the
authority); a decision that answers the initiating school — returned with the reason, approved and in
effect — is told to its registrars (`request.initiate` at the request's school); a background import's
outcome to its uploader; a four-copy form ready to print to the registrar who started the transfer; a
withdrawn request to the party whose step was waiting (nobody else was about to decide it). Titles name no
pupil (they are e-mailed); the inbox's text does.

The step a notice is about is read from the event (its round, or the step decided), not from the request's
state when the notice is worked out, so each event tells of its own step even if more happened since.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from registry.models import Notification
from registry.notifications.dispatch import Notice, notice_rule
from transfers import events
from transfers.models import ApprovalStep, ChangeRequest, ImportJob, TransferForm
from transfers.slip.services import FORM_RENDERED


def _request_of(event):
    return ChangeRequest.objects.select_related("student", "school", "initiated_by").filter(pk=event.target_id).first()


def _link(request):
    return reverse("request_detail", args=[request.pk])


def _deciding_capability(step):
    return "request.decide_as_authority" if step.authority_id else "request.decide_as_school"


def _waiting(request, step):
    """The notice that `step` waits on its party."""
    capability = _deciding_capability(step)
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
def first_step_waiting(event):
    """A submission or a resubmission leaves the first step of its round waiting on its party."""
    request = _request_of(event)
    if request is None:
        return []
    steps = request.steps.select_related("school", "authority").filter(round=event.data.get("round", request.round))
    step = steps.order_by("position").first()
    return _waiting(request, step) if step is not None else []


@notice_rule(events.STEP_APPROVED)
def next_step_waiting(event):
    """An approved step leaves the next step of its round, if any, waiting on its party."""
    request = _request_of(event)
    decided = ApprovalStep.objects.filter(pk=event.data.get("step"), request_id=event.target_id).first()
    if request is None or decided is None:
        return []
    step = (
        request.steps.select_related("school", "authority")
        .filter(round=decided.round, position__gt=decided.position).order_by("position").first()
    )  # fmt: skip
    return _waiting(request, step) if step is not None else []


@notice_rule(events.STEP_REJECTED)
def request_returned(event):
    request = _request_of(event)
    if request is None:
        return []
    step = request.steps.select_related("school", "authority").filter(pk=event.data.get("step")).first()
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


@notice_rule(events.WITHDRAWN)
def request_withdrawn(event):
    """The school withdrew a request while a step waited: that step's party need no longer decide it."""
    request, step_pk = _request_of(event), event.data.get("step")
    step = None
    if step_pk:
        step = ApprovalStep.objects.select_related("school", "authority").filter(pk=step_pk).first()
    if request is None or step is None or step.request_id != request.pk:
        return []
    body = _("%(request)s from %(school)s was withdrawn by the school. Reason: %(reason)s") % {
        "request": request, "school": request.school, "reason": event.data.get("reason", ""),
    }  # fmt: skip
    title = _("A %(kind)s request waiting for your decision was withdrawn") % {"kind": request.get_kind_display()}
    return [
        Notice(
            kind=Notification.Kind.REQUEST,
            key=f"request-withdrawn:{request.pk}",
            title=title,
            body=body,
            link=_link(request),
            capability=_deciding_capability(step),
            scope=step.party,
        )
    ]


@notice_rule(FORM_RENDERED)
def transfer_form_ready(event):
    """The worker rendered a transfer's four-copy form: the registrar who started the transfer may print it."""
    form = (
        TransferForm.objects.select_related("request__school", "request__initiated_by")
        .filter(pk=event.target_id).first()
    )  # fmt: skip
    if form is None:
        return []
    request = form.request
    body = _("%(request)s: the four-copy transfer form %(serial)s (issue %(issue)s) is ready to print.") % {
        "request": request, "serial": form.serial, "issue": form.issue,
    }  # fmt: skip
    return [
        Notice(
            kind=Notification.Kind.DOCUMENT,
            key=f"transfer-form-ready:{form.pk}",
            title=_("A four-copy transfer form is ready to print"),
            body=body,
            link=reverse("transfer_form", args=[form.pk]),
            capability="request.initiate",
            scope=request.school,
            users=(request.initiated_by,),
            only_users=True,
            tell_actor=True,
        )
    ]


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


def _batch_waiting(event, request_ids, title):
    """A batch submitted in one go (an import, a school's graduations): one notice for the whole batch to the
    party of its requests' first step (the school's town office)."""
    step = (
        ApprovalStep.objects.select_related("school", "authority", "request__school")
        .filter(request_id__in=request_ids[:1], round=1, position=1).first()
    )  # fmt: skip
    if step is None:
        return []
    return [
        Notice(
            kind=Notification.Kind.REQUEST,
            key=f"batch-waiting:{event.pk}",
            title=title,
            body=_("%(count)s requests from %(school)s wait for the decision of %(party)s.")
            % {
                "count": len(request_ids),
                "school": step.request.school,
                "party": step.party,
            },  # fmt: skip
            link=reverse("approval_queue"),
            capability="request.decide_as_authority" if step.authority_id else "request.decide_as_school",
            scope=step.party,
        )
    ]


@notice_rule(events.IMPORTED)
def imported_registrations_waiting(event):
    """An import submits many registrations at once (no event per request): the town office is told once."""
    request_ids = [request_id for _row, _pupil, request_id in event.data.get("pupils", [])]
    return _batch_waiting(event, request_ids, _("Imported new-student registrations wait for your decision"))


@notice_rule(events.GRADUATIONS_SUBMITTED)
def graduations_waiting(event):
    request_ids = [request_id for _pupil, request_id in event.data.get("requests", [])]
    return _batch_waiting(event, request_ids, _("A school's graduations wait for your decision"))
