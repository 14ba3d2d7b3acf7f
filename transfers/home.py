"""What the status changes add to the home page's sections (registry.organisation.home): the requests
awaiting the user's decision (an officer's town, or the school of a registrar or headteacher — the sending
school decides on a transfer), overdue first with how many there are; a registrar's open requests (returned
ones first: they wait on the registrar); and the registrar's imports and four-copy forms still being
produced, with their progress."""

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from registry.organisation.home import home_contributor
from registry.roles import Role, holds
from transfers.imports import import_progress
from transfers.models import ChangeRequest, ImportJob, TransferForm
from transfers.selectors import requests_awaiting, requests_visible_to
from transfers.slip.services import transfer_form_progress

SHOWN = 10


@home_contributor
def requests_of_the_section(user, grant, section):
    awaiting = None
    if grant.role == Role.OFFICER:
        awaiting = requests_awaiting(user).filter(authority=grant.authority)
    elif holds(grant.role, "request.decide_as_school"):
        awaiting = requests_awaiting(user).filter(school=grant.school)
    if awaiting is not None:
        counts = awaiting.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=section["today"])))
        section["awaiting_count"], section["overdue_count"] = counts["total"], counts["overdue"]
        section["awaiting"] = (
            awaiting.select_related("request__student", "request__school")
            .order_by(F("due_on").asc(nulls_last=True), "request__submitted_at", "pk")[:SHOWN]
            if counts["total"]
            else []
        )
    if holds(grant.role, "request.initiate"):
        returned_first = Case(When(state=ChangeRequest.State.RETURNED, then=Value(0)), default=1,
                              output_field=IntegerField())  # fmt: skip
        section["requests"] = (
            requests_visible_to(user)
            .filter(school=grant.school, state__in=ChangeRequest.OPEN_STATES)
            .select_related("student")
            .order_by(returned_first, "-submitted_at")[: SHOWN * 2]
        )
        section["running"] += _running_imports(user, grant.school) + _running_forms(grant.school)


def _running_imports(user, school):
    jobs = ImportJob.objects.filter(
        school=school, created_by=user, state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    ).order_by("created_at")[:SHOWN]
    running = []
    for job in jobs:
        saved, total = import_progress(job)
        running.append({
            "label": _("Import of %(file)s") % {"file": job.filename}, "url": reverse("import_job", args=[job.pk]),
            "percent": int(100 * saved / total) if total else 0, "state": job.state,
            "state_label": job.get_state_display(),
        })  # fmt: skip
    return running


def _running_forms(school):
    forms = (
        TransferForm.objects.filter(request__school=school)
        .exclude(state=TransferForm.State.READY)
        .select_related("request__student")
        .order_by("created_at")[:SHOWN]
    )
    return [
        {
            "label": _("Four-copy transfer form %(serial)s · %(pupil)s")
            % {"serial": form.serial, "pupil": form.request.student.name},
            "url": reverse("transfer_form", args=[form.pk]),
            "percent": transfer_form_progress(form),
            "state": form.state,
            "state_label": form.get_state_display(),
        }
        for form in forms
    ]
