"""Pages of the four-copy transfer form: its page (progress while the PDF is produced, then the download)
for those who see the transfer, the download itself, and the public verification page anyone can use to
check a paper copy — which names only the pupil's masked name, the two schools, the state and the date."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from students.identity import mask_name
from transfers.models import TransferForm
from transfers.selectors import requests_visible_to
from transfers.slip.forms import VerificationForm
from transfers.slip.services import (
    form_downloaded,
    grouped_code,
    requeue_if_stuck,
    school_names,
    transfer_form_progress,
)


def _visible_forms(user):
    return TransferForm.objects.filter(request__in=requests_visible_to(user)).select_related(
        "request__student", "request__school"
    )


@login_required
def transfer_form(request, pk):
    form = get_object_or_404(_visible_forms(request.user), pk=pk)
    requeue_if_stuck(form)
    context = {
        "form": form,
        "change_request": form.request,
        "percent": transfer_form_progress(form),
        "code": grouped_code(form.verification_code),
    }
    if request.htmx:
        return render(request, "transfers/partials/transfer_form_progress.html", context)
    return render(request, "transfers/transfer_form_page.html", context)


@login_required
def transfer_form_download(request, pk):
    """The PDF, only as a download, once it is ready; the download is logged (the form names the pupil)."""
    form = get_object_or_404(_visible_forms(request.user).filter(state=TransferForm.State.READY), pk=pk)
    if not form.file or not form.file.storage.exists(form.file.name):
        raise Http404
    form_downloaded(form, actor=request.user, request=request)
    return FileResponse(
        form.file.open("rb"), as_attachment=True, filename=f"{form.serial}.pdf", content_type="application/pdf"
    )


def transfer_form_verify(request):
    """Public (no login): is a paper form with this code genuine? Shows nothing else of the pupil."""
    verification = VerificationForm(request.GET if "code" in request.GET else None)
    context = {"verification": verification, "searched": False}
    if verification.is_valid():
        found = (
            TransferForm.objects.select_related("request__student", "request__school", "request__counterpart_school")
            .filter(verification_code=verification.cleaned_data["code"])
            .first()
        )
        context["searched"] = True
        if found is not None:
            sending, receiving = school_names(found.request)
            context["result"] = {
                "serial": found.serial,
                "issue": found.issue,
                "name": mask_name(found.request.student.name),
                "sending_school": sending,
                "receiving_school": receiving,
                "state": found.request.get_state_display(),
                "issued_on": timezone.localdate(found.created_at),
            }
    return render(request, "transfers/transfer_form_verify.html", context)
