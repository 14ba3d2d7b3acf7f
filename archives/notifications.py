"""Who is told of the archive's events (issue 17), as notice rules of registry.notifications.dispatch.

Rules (镇制度 六, 查阅登记): a request to read an archive is told to the holding school's registry head
(`archive.decide_access` at the archive's school); the decision to the staff member who asked, while they
still hold `archive.request_access` at the requesting school; a finished print to the archivist who started
it (`archive.print` at the job's school); a request to destroy or hand over archives past their retention to
the school's town office (`retention.decide`), its decision to whoever asked. Titles name no pupil (they are
e-mailed); the inbox's text does.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from archives import events
from archives.models import AccessRequest, Disposal, PrintJob
from archives.printing.services import description
from archives.retention import events as retention_events
from registry.models import Notification
from registry.notifications.dispatch import Notice, notice_rule


def _access_of(event):
    return (
        AccessRequest.objects.select_related("archive__student", "archive__school", "requesting_school", "requested_by")
        .filter(pk=event.data.get("access")).first()
    )  # fmt: skip


@notice_rule(events.ACCESS_REQUESTED)
def access_requested(event):
    access = _access_of(event)
    if access is None:
        return []
    archive = access.archive
    body = _("%(school)s asks to read the archive %(archive)s. Reason: %(reason)s") % {
        "school": access.requesting_school, "archive": archive, "reason": access.reason,
    }  # fmt: skip
    return [
        Notice(
            kind=Notification.Kind.ACCESS,
            key=f"access-requested:{access.pk}",
            title=_("A request to read an archive waits for your decision"),
            body=body,
            link=reverse("archive_detail", args=[archive.pk]),
            capability="archive.decide_access",
            scope=archive.school,
        )
    ]


@notice_rule(events.ACCESS_DECIDED)
def access_decided(event):
    access = _access_of(event)
    if access is None or access.state == AccessRequest.State.PENDING:
        return []
    approved = access.state == AccessRequest.State.APPROVED
    if approved:
        title = _("Your request to read an archive was approved")
        body = _("%(school)s let you read the archive %(archive)s until %(day)s.") % {
            "school": access.archive.school, "archive": access.archive,
            "day": f"{access.valid_until:%Y-%m-%d}" if access.valid_until else "",
        }  # fmt: skip
    else:
        title = _("Your request to read an archive was refused")
        body = _("%(school)s refused your request to read the archive %(archive)s.") % {
            "school": access.archive.school, "archive": access.archive,
        }  # fmt: skip
    return [
        Notice(
            kind=Notification.Kind.ACCESS,
            key=f"access-decided:{access.pk}",
            title=title,
            body=body,
            link=reverse("archive_detail", args=[access.archive_id]) if approved else "",
            capability="archive.request_access",
            scope=access.requesting_school,
            users=(access.requested_by,),
            only_users=True,
        )
    ]


@notice_rule(events.PRINTED)
def print_ready(event):
    """A print runs in the background: the archivist who started it learns it is ready to download."""
    job = (
        PrintJob.objects.select_related("school", "requested_by", "school_class")
        .filter(pk=event.data.get("job"))
        .first()
    )
    if job is None:
        return []
    return [
        Notice(
            kind=Notification.Kind.DOCUMENT,
            key=f"print-ready:{job.pk}",
            title=_("Your print is ready"),
            body=_("%(what)s: %(pages)s pages, ready to download.") % {"what": description(job), "pages": job.pages},
            link=reverse("print_job", args=[job.pk]),
            capability="archive.print",
            scope=job.school,
            users=(job.requested_by,),
            only_users=True,
            tell_actor=True,
        )
    ]


def _disposal_of(event):
    return (
        Disposal.objects.select_related("school__authority", "requested_by")
        .filter(pk=event.data.get("disposal"))
        .first()
    )


@notice_rule(retention_events.DISPOSAL_REQUESTED)
def disposal_requested(event):
    """保管期限: a school's request to destroy or hand over goes to its town office, which alone decides."""
    disposal = _disposal_of(event)
    if disposal is None:
        return []
    return [
        Notice(
            kind=Notification.Kind.REQUEST,
            key=f"disposal-requested:{disposal.pk}",
            title=_("A destruction or hand-over of archives waits for your decision"),
            body=_("%(school)s asks: %(action)s — %(what)s.")
            % {
                "school": disposal.school,
                "action": disposal.get_action_display(),
                "what": disposal.what,
            },  # fmt: skip
            link=reverse("town_retention", args=[disposal.school.authority_id]),
            capability="retention.decide",
            scope=disposal.school,
        )
    ]


@notice_rule(retention_events.DISPOSAL_DECIDED)
def disposal_decided(event):
    """The decision goes back to the archivist or registrar who asked."""
    disposal = _disposal_of(event)
    if disposal is None or disposal.state == Disposal.State.PENDING:
        return []
    return [
        Notice(
            kind=Notification.Kind.REQUEST,
            key=f"disposal-decided:{disposal.pk}",
            title=_("The town office decided a destruction or hand-over you asked for"),
            body=_("%(decision)s: %(action)s — %(what)s.")
            % {
                "decision": disposal.get_state_display(),
                "action": disposal.get_action_display(),
                "what": disposal.what,
            },  # fmt: skip
            link=reverse("school_retention", args=[disposal.school.code]),
            capability="retention.request",
            scope=disposal.school,
            users=(disposal.requested_by,),
            only_users=True,
        )
    ]
