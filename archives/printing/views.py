"""Pages of printing for the archivist: choose what to print for a pupil or a class, follow the job's
progress and download its PDF (the requester's alone), and the school's archive register (who read or
printed which archive, when and why) for its registry head and the town office."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from archives import events
from archives.models import PrintJob, RegisterEntry
from archives.printing.forms import ClassPrintForm, PrintForm, RegisterFilterForm
from archives.printing.services import (
    can_print_class,
    class_pupils,
    description,
    may_print_full_numbers,
    progress_percent,
    requeue_if_stuck,
    start_print,
)
from archives.selectors import archives_visible_to, can_print
from archives.services import ArchiveRefused
from registry.scoping import can, classes_visible_to, schools_visible_to

REGISTER_PAGE_SIZE = 50


def _start(request, form, **target):
    """Queue the print of a valid form; a refusal of the rules comes back on the form."""
    try:
        job = start_print(
            request.user, **target, reason=form.cleaned_data["reason"],
            reveal_reason=form.cleaned_data.get("reveal_reason", ""),
        )  # fmt: skip
    except ArchiveRefused as refused:
        form.add_error(None, str(refused))
        return None
    return redirect("print_job", job.pk)


@login_required
def print_new(request, pk):
    """Print a pupil's archive: the full bundle or chosen documents (the archivist of the holding school, or
    of a former school keeping a copy)."""
    archive = get_object_or_404(archives_visible_to(request.user).select_related("student", "school"), pk=pk)
    if not can_print(request.user, archive):
        raise PermissionDenied
    may_reveal = may_print_full_numbers(request.user, archive.school)
    form = PrintForm(request.POST or None, archive=archive, may_reveal=may_reveal)
    if request.method == "POST" and form.is_valid():
        response = _start(request, form, archive=archive, documents=form.chosen_documents)
        if response is not None:
            return response
    return render(request, "archives/print_new.html", {"archive": archive, "form": form})


@login_required
def print_class(request, code, pk):
    """Print the full bundles of every pupil on a class's register, as one PDF (the school's archivist)."""
    school_class = get_object_or_404(
        classes_visible_to(request.user).select_related("school"), school__code=code, pk=pk
    )
    if not can_print_class(request.user, school_class):
        raise PermissionDenied
    may_reveal = may_print_full_numbers(request.user, school_class.school)
    form = ClassPrintForm(request.POST or None, may_reveal=may_reveal)
    if request.method == "POST" and form.is_valid():
        response = _start(request, form, school_class=school_class)
        if response is not None:
            return response
    context = {
        "school_class": school_class,
        "school": school_class.school,
        "pupils": class_pupils(school_class).count(),
        "form": form,
    }
    return render(request, "archives/print_class.html", context)


def _own_job(request, pk, **conditions):
    """A print job is its requester's alone: for anyone else it does not exist."""
    jobs = PrintJob.objects.select_related("archive__student", "school_class", "school")
    return get_object_or_404(jobs, pk=pk, requested_by=request.user, **conditions)


@login_required
def print_job(request, pk):
    """The job's progress (polled by htmx while it runs), then the download."""
    job = _own_job(request, pk)
    requeue_if_stuck(job)
    context = {"job": job, "percent": progress_percent(job), "what": description(job)}
    if request.htmx:
        return render(request, "archives/partials/print_progress.html", context)
    return render(request, "archives/print_job.html", context)


@login_required
def print_download(request, pk):
    """The PDF, only as a download, only to its requester, once it is ready."""
    job = _own_job(request, pk, state=PrintJob.State.READY)
    if not job.file or not job.file.storage.exists(job.file.name):
        raise Http404
    events.print_downloaded(job, actor=request.user, request=request)
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=f"archive-print-{job.pk:06d}.pdf",
        content_type="application/pdf",
    )  # fmt: skip


@login_required
def print_register(request, code):
    """The school's archive register: every view, print, download, hand-over and access decision of its
    archives — for its registrar, headteacher and archivist, its town's officers and administrators."""
    school = get_object_or_404(schools_visible_to(request.user), code=code)
    if not can(request.user, "archive.read_register", school):
        raise PermissionDenied
    entries = RegisterEntry.objects.filter(school=school).select_related("user", "archive__student")
    filters = RegisterFilterForm(request.GET)
    if filters.is_valid() and filters.cleaned_data["action"]:
        entries = entries.filter(action=filters.cleaned_data["action"])
    page = Paginator(entries, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"school": school, "filters": filters, "page": page, "entries": page.object_list}
    return render(request, "archives/print_register.html", context)
