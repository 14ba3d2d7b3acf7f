"""The pages of record requests (查询申请): the school's list, recording a request from the pupil's archive,
one request with its decision and extracts, and the extract's progress and download. Thin: the object is
found among the schools the user sees (another school's is a 404), the capability is checked there, one
service is called."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.record_requests import services
from archives.record_requests.forms import DecisionForm, RecordRequestForm
from archives.record_requests.models import RecordExtract, RecordRequest
from archives.selectors import archives_visible_to
from archives.services import ArchiveRefused
from registry.confirmation import confirmation_page
from registry.scoping import can, schools_visible_to


def _may_read(user, school):
    return can(user, "record_request.record", school) or can(user, "record_request.decide", school)


def _request(request, pk):
    visible = RecordRequest.objects.filter(school__in=schools_visible_to(request.user).values("pk"))
    query = get_object_or_404(visible.select_related("archive__student", "school", "recorded_by", "decided_by"), pk=pk)
    if not _may_read(request.user, query.school):
        raise PermissionDenied
    return query


@login_required
def request_list(request, code):
    """The school's record requests, newest first; those waiting for the registry head on top."""
    school = get_object_or_404(schools_visible_to(request.user), code=code)
    if not _may_read(request.user, school):
        raise PermissionDenied
    waiting_first = Case(When(state=RecordRequest.State.PENDING, then=0), default=1)
    queries = (
        RecordRequest.objects.filter(school=school)
        .select_related("archive__student", "recorded_by")
        .order_by(waiting_first, "-recorded_at", "-pk")
    )
    context = {"school": school, "queries": queries[:200]}
    return render(request, "archives/record_requests/list.html", context)


@login_required
def request_new(request, pk):
    """Record who asks to see this pupil's record, the proof seen and the purpose."""
    archive = get_object_or_404(archives_visible_to(request.user).select_related("student", "school"), pk=pk)
    if not services.can_record(request.user, archive.school):
        raise PermissionDenied
    form = RecordRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            query = services.record_request(archive, actor=request.user, **form.cleaned_data)
        except ArchiveRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if query.state == RecordRequest.State.PENDING:
                messages.success(request, _("The request was recorded; it waits for the registry head's approval."))
            else:
                messages.success(request, _("The request was recorded; you can print the extract now."))
            return redirect("record_request_detail", query.pk)
    return render(request, "archives/record_requests/new.html", {"archive": archive, "form": form})


@login_required
def request_detail(request, pk):
    query = _request(request, pk)
    context = {
        "query": query,
        "student": query.archive.student,
        "can_decide": query.state == RecordRequest.State.PENDING and services.can_decide(request.user, query),
        "can_print": query.state == RecordRequest.State.GRANTED and services.can_record(request.user, query.school),
        "extracts": query.extracts.select_related("requested_by"),
    }
    return render(request, "archives/record_requests/detail.html", context)


@login_required
@require_POST
def request_decide(request, pk):
    """The registry head approves or refuses a department's request (asked to confirm first)."""
    query = _request(request, pk)
    if not services.can_decide(request.user, query):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or refuse the request."))
        return redirect("record_request_detail", query.pk)
    approve = form.cleaned_data["decision"] == "approve"
    what = (_("%(department)s will be allowed to see the record of %(pupil)s.") if approve
            else _("The request of %(department)s to see the record of %(pupil)s will be refused.")) % {
        "department": query.department, "pupil": query.archive.student.name,
    }  # fmt: skip
    page = confirmation_page(request, what=what, action=_("Approve") if approve else _("Refuse"))
    if page:
        return page
    try:
        services.decide_request(query, actor=request.user, approve=approve)
    except ArchiveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The decision was recorded: %(state)s.") % {"state": query.get_state_display()})
    return redirect("record_request_detail", query.pk)


@login_required
@require_POST
def extract_new(request, pk):
    query = _request(request, pk)
    try:
        extract = services.print_extract(query, actor=request.user)
    except ArchiveRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("record_request_detail", query.pk)
    return redirect("record_extract", extract.pk)


def _extract(request, pk, **conditions):
    visible = RecordExtract.objects.filter(request__school__in=schools_visible_to(request.user).values("pk"))
    extract = get_object_or_404(visible.select_related("request__archive__student", "request__school"), pk=pk,
                                **conditions)  # fmt: skip
    if not services.can_record(request.user, extract.request.school):
        raise PermissionDenied
    return extract


@login_required
def extract_detail(request, pk):
    """The extract's progress (polled by htmx while it is produced), then its download."""
    extract = _extract(request, pk)
    services.requeue_if_stuck(extract)
    context = {"extract": extract, "query": extract.request}
    if request.htmx:
        return render(request, "archives/record_requests/partials/extract_progress.html", context)
    return render(request, "archives/record_requests/extract.html", context)


@login_required
def extract_download(request, pk):
    extract = _extract(request, pk)
    if extract.state != RecordExtract.State.READY or not services.EXTRACTS.has_file(extract):
        raise Http404
    return FileResponse(extract.file.open("rb"), as_attachment=True, filename=f"record-extract-{extract.pk:06d}.pdf",
                        content_type="application/pdf")  # fmt: skip
