"""The onboarding pages (建档导入): upload a school's roster, follow its dry run, read the preview, import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.confirmation import confirmation_page
from registry.scoping import schools_visible_to
from students.models import OnboardingJob
from students.national import onboarding
from students.national.forms import RosterForm


def _onboarding_school(user, code):
    """The school `code`: 404 outside the user's scope, 403 without the right to onboard there."""
    school = get_object_or_404(schools_visible_to(user), code=code)
    if not onboarding.can_onboard(user, school):
        raise PermissionDenied
    return school


def _job(user, pk):
    job = get_object_or_404(OnboardingJob.objects.select_related("school", "created_by"), pk=pk)
    _onboarding_school(user, job.school.code)
    return job


@login_required
def onboarding_upload(request, code):
    school = _onboarding_school(request.user, code)
    form = RosterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = onboarding.start_dry_run(school, form.cleaned_data["file"], actor=request.user)
        return redirect("onboarding_job", job.pk)
    jobs = OnboardingJob.objects.filter(school=school).select_related("created_by")[:10]
    return render(request, "students/onboarding_upload.html", {"school": school, "form": form, "jobs": jobs})


@login_required
def onboarding_job(request, pk):
    job = _job(request.user, pk)
    done, total = onboarding.job_progress(job)
    context = {"job": job, "school": job.school, "report": job.report, "done": done, "total": total,
               "percent": int(100 * done / total) if total else 0}  # fmt: skip
    if request.htmx:
        return render(request, "students/partials/onboarding_job.html", context)
    return render(request, "students/onboarding_job.html", context)


@login_required
@require_POST
def onboarding_import(request, pk):
    job = _job(request.user, pk)
    new = job.report.get("new", 0)
    page = confirmation_page(
        request,
        what=_("%(count)d pupils will be put on the register of %(school)s, with their national numbers; this "
               "cannot be undone.") % {"count": new, "school": job.school.name},
        action=_("Import"),
    )  # fmt: skip
    if page:
        return page
    if not onboarding.start_import(job, actor=request.user):
        messages.info(request, _("This file is not waiting to be imported (already imported, or nothing to import)."))
    return redirect("onboarding_job", job.pk)
