"""What the archives add to the home page's sections (registry.organisation.home): the requests of other
schools to read this school's archives, waiting for the registrar or headteacher who decides them (镇制度 六);
and the prints the user started that are still being produced, with their progress."""

from django.urls import reverse
from django.utils.translation import gettext as _

from archives.models import AccessRequest, PrintJob
from archives.printing.services import description, progress_percent
from registry.organisation.home import home_contributor
from registry.roles import holds

SHOWN = 10


@home_contributor
def archives_of_the_section(user, grant, section):
    if grant.school is None:
        return
    if holds(grant.role, "archive.decide_access"):
        section["access_requests"] = list(
            AccessRequest.objects.filter(state=AccessRequest.State.PENDING, archive__school=grant.school)
            .select_related("archive__student", "requesting_school")
            .order_by("requested_at", "pk")[:SHOWN]
        )
    if holds(grant.role, "archive.print"):
        jobs = (
            PrintJob.objects.filter(school=grant.school, requested_by=user)
            .exclude(state__in=(PrintJob.State.READY, PrintJob.State.FAILED))
            .select_related("school_class", "archive__student")
            .order_by("created_at")[:SHOWN]
        )
        section["running"] += [
            {
                "label": _("Print: %(what)s") % {"what": description(job)},
                "url": reverse("print_job", args=[job.pk]),
                "percent": progress_percent(job),
                "state": job.state,
                "state_label": job.get_state_display(),
            }
            for job in jobs
        ]
