"""The archive pages (学籍档案): the list of a school's archives, one archive with its catalogue of documents,
paper location, loans, hand-overs and access requests, the document download and upload, and the access
request of another school (查阅登记). Thin: find the object through archives.selectors (a 404 outside the
user's reach), call archives.services, show the result or the refusal with everything typed kept. Every
view of an archive and every download writes a register line."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives import confirmations, queries, selectors, services
from archives.forms import (
    AccessDecisionForm,
    AccessLookupForm,
    AccessRequestForm,
    ArchiveFilterForm,
    DocumentUploadForm,
    LoanForm,
    LoanReturnForm,
    LocationForm,
    SupersedeForm,
)
from archives.models import AccessRequest, ArchiveDocument, HandOver, Loan
from archives.selectors import archives_visible_to, can_decide_access, can_manage, can_print
from archives.services import ArchiveRefused
from registry.confirmation import confirmation_page
from registry.scoping import can, classes_visible_to, grants_of
from students.selectors import students_visible_to

PAGE_SIZE = 50


def _visible_archives(user):
    return archives_visible_to(user).select_related("student", "school")


def _managed_archive(request, pk):
    archive = get_object_or_404(_visible_archives(request.user), pk=pk)
    if not can_manage(request.user, archive):
        raise PermissionDenied
    return archive


@login_required
def archive_list(request):
    """The archives of the schools in the user's scope (by name or class), the read-only copies of pupils
    who left by transfer, and the user's own access requests to other schools' archives."""
    if not grants_of(request.user):
        raise PermissionDenied
    form = ArchiveFilterForm(request.GET or None, classes=classes_visible_to(request.user))
    query = (form.value("q") or "").strip()
    held = queries.held_archives(request.user, query=query, school_class=form.value("school_class"))
    page = Paginator(held, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.with_spells_and_schools(page.object_list)
    copies = Paginator(queries.copies_visible_to(request.user, query=query), PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "copies": copies.get_page(request.GET.get("copies_page")),
        "own_requests": queries.own_access_requests(request.user).order_by("-requested_at", "-pk")[:20],
        "to_decide": queries.access_requests_to_decide(request.user)[:50],
        "can_request": bool(queries.requesting_schools(request.user)),
        "now": timezone.now(),
    }
    return render(request, "archives/archive_list.html", context)


@login_required
def pupil_archive(request, pk):
    """From the pupil's page: the pupil's archive, created at their (last) school if it does not exist yet."""
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    archive = services.ensure_archive(student)
    if archive is None or not archives_visible_to(request.user).filter(pk=archive.pk).exists():
        raise Http404
    return redirect("archive_detail", archive.pk)


@login_required
def archive_detail(request, pk):
    return _archive_page(request, get_object_or_404(_visible_archives(request.user), pk=pk))


def _hand_over_actions(user, hand_overs):
    for hand_over in hand_overs:
        hand_over.can_send = _may_send(user, hand_over)
        hand_over.can_receive = _may_receive(user, hand_over)
        if hand_over.can_send:
            hand_over.confirm_send = confirmations.sending_sentence(hand_over)
        if hand_over.can_receive:
            hand_over.confirm_receive = confirmations.receiving_sentence(hand_over)
    return hand_overs


def _may_send(user, hand_over):
    return hand_over.sent_at is None and can(user, "archive.manage", hand_over.from_school)


def _may_receive(user, hand_over):
    return (
        hand_over.sent_at is not None
        and hand_over.received_at is None
        and can(user, "archive.manage", hand_over.to_school)
    )


def _archive_page(request, archive, **bound):
    """The archive as the user may read it; `bound` are forms posted with errors, shown again."""
    user = request.user
    reading = selectors.reading_of(user, archive)
    services.record_view(archive, user=user, reading=reading, request=request)
    documents = list(selectors.documents_of(archive, reading))
    manage = can_manage(user, archive)
    context = {
        "archive": archive,
        "student": archive.student,
        "reading": reading,
        "documents": documents,
        "can_manage": manage,
        "can_print": can_print(user, archive),
        "hand_overs": [],
        "loans": [],
        "access_requests": [],
    }
    if reading.holder or reading.copy:
        hand_overs = selectors.hand_overs_of(archive, reading).select_related(
            "from_school", "to_school", "sent_by", "received_by"
        )
        context["hand_overs"] = _hand_over_actions(user, list(hand_overs))
    if reading.holder:
        context["loans"] = list(archive.loans.select_related("recorded_by").order_by("-taken_on", "-pk"))
        context["access_requests"] = list(
            archive.access_requests.select_related("requested_by", "requesting_school", "decided_by")
        )
        context["can_decide"] = can_decide_access(user, archive)
        for access in context["access_requests"] if context["can_decide"] else []:
            access.confirm_approve = confirmations.access_sentence(access, approve=True)
            access.confirm_refuse = confirmations.access_sentence(access, approve=False)
    if manage:
        posted = bound.get("supersede_form")
        for document in documents if len(documents) > 1 else []:
            if document.superseded_by_id is None:
                document.supersede_form = (
                    posted
                    if posted is not None and posted.document.pk == document.pk
                    else SupersedeForm(document=document, documents=documents)
                )
                document.confirm_supersede = confirmations.supersede_sentence(document)
        for loan in context["loans"]:
            if loan.returned_on is None:
                loan.return_form = LoanReturnForm(loan=loan)
                loan.confirm_return = confirmations.return_sentence(loan)
        context["upload_form"] = bound.get("upload_form") or DocumentUploadForm()
        context["location_form"] = bound.get("location_form") or LocationForm(
            initial={"room": archive.room, "cabinet": archive.cabinet, "box": archive.box, "volume": archive.volume}
        )
        context["loan_form"] = bound.get("loan_form") or LoanForm()
        context["open_loan"] = next((loan for loan in context["loans"] if loan.returned_on is None), None)
    return render(request, "archives/archive_detail.html", context)


@login_required
def document_download(request, pk):
    """An archive document, only as a download (never shown inline), written in the register."""
    visible = (
        selectors.documents_visible_to(request.user)
        .exclude(file="")
        .select_related("archive__school", "archive__student")
    )
    document = get_object_or_404(visible, pk=pk)
    reading = selectors.reading_of(request.user, document.archive)
    services.record_download(document, user=request.user, reading=reading, request=request)
    extension = os.path.splitext(document.file.name)[1]
    filename = document.title.replace("/", "_").replace("\\", "_") + extension
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=filename,
        content_type=document.content_type or "application/octet-stream",
    )  # fmt: skip


@login_required
@require_POST
def document_upload(request, pk):
    """Add an uploaded document; the file is checked by content first and nothing is stored if it fails."""
    archive = _managed_archive(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.add_document(
                archive, actor=request.user, type=data["type"], title=data["title"],
                document_date=data["document_date"], upload=data["file"], checked=form.checked, pages=form.pages,
            )  # fmt: skip
        except ArchiveRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("“%(title)s” was added to the archive.") % {"title": document.title})
            return redirect("archive_detail", archive.pk)
    return _archive_page(request, archive, upload_form=form)


@login_required
@require_POST
def document_supersede(request, pk):
    """Mark a wrong document superseded by another of the archive, with the reason; both stay in the file."""
    visible = ArchiveDocument.objects.filter(archive__in=archives_visible_to(request.user).values("pk"))
    document = get_object_or_404(visible.select_related("archive__student", "archive__school"), pk=pk)
    archive = document.archive
    if not can_manage(request.user, archive):
        raise PermissionDenied
    documents = list(archive.documents.all())
    form = SupersedeForm(request.POST, document=document, documents=documents)
    if form.is_valid():
        replacement = next(other for other in documents if other.pk == form.cleaned_data["replacement"])
        page = confirmation_page(
            request, what=confirmations.supersede_sentence(document, replacement), action=_("Mark as superseded")
        )
        if page:
            return page
        try:
            services.supersede(document, replacement, actor=request.user, reason=form.cleaned_data["reason"])
        except ArchiveRefused as refusal:
            form.add_error(None, str(refusal))
            messages.error(request, str(refusal))  # also shown when the document's own form is gone
        else:
            messages.success(request, _("“%(title)s” is marked as superseded.") % {"title": document.title})
            return redirect("archive_detail", archive.pk)
    return _archive_page(request, archive, supersede_form=form)


@login_required
@require_POST
def archive_location(request, pk):
    """Where the paper file is: room, cabinet, box, volume number."""
    archive = _managed_archive(request, pk)
    form = LocationForm(request.POST)
    if form.is_valid():
        services.set_location(archive, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The paper file's location was saved."))
        return redirect("archive_detail", archive.pk)
    return _archive_page(request, archive, location_form=form)


@login_required
@require_POST
def loan_new(request, pk):
    """Lend the paper file: who takes it, why, when, and when it is due back."""
    archive = _managed_archive(request, pk)
    form = LoanForm(request.POST)
    if form.is_valid():
        try:
            services.lend(archive, actor=request.user, **form.cleaned_data)
        except ArchiveRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The loan of the paper file was recorded."))
            return redirect("archive_detail", archive.pk)
    return _archive_page(request, archive, loan_form=form)


@login_required
@require_POST
def loan_return(request, pk):
    """The paper file came back (today, or on the date given)."""
    visible = Loan.objects.filter(archive__in=archives_visible_to(request.user).values("pk"))
    loan = get_object_or_404(visible.select_related("archive__school"), pk=pk)
    if not can_manage(request.user, loan.archive):
        raise PermissionDenied
    form = LoanReturnForm(request.POST, loan=loan)
    if loan.returned_on is not None:
        messages.error(request, _("The return of this loan was already recorded."))
    elif not form.is_valid():
        messages.error(request, _("The return date is not a valid date."))
    else:
        page = confirmation_page(request, what=confirmations.return_sentence(loan), action=_("Record the return"))
        if page:
            return page
        try:
            services.return_loan(loan, actor=request.user, returned_on=form.cleaned_data["returned_on"])
        except ArchiveRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The return of the paper file was recorded."))
    return redirect("archive_detail", loan.archive_id)


def _hand_over(request, pk):
    visible = HandOver.objects.filter(archive__in=archives_visible_to(request.user).values("pk"))
    return get_object_or_404(visible.select_related("from_school", "to_school", "sent_by", "received_by"), pk=pk)


@login_required
@require_POST
def hand_over_sent(request, pk):
    """The old school's archivist or registrar records that the paper file left."""
    hand_over = _hand_over(request, pk)
    already = hand_over.sent_at is not None
    if _may_send(request.user, hand_over):  # else the service refuses, or says it was done already
        page = confirmation_page(
            request, what=confirmations.sending_sentence(hand_over), action=_("Record that the paper file was sent")
        )
        if page:
            return page
    services.send_paper(hand_over, actor=request.user)
    if already:
        messages.info(
            request, _("Sending the paper file was already recorded by %(who)s.") % {"who": hand_over.sent_by}
        )
    else:
        messages.success(request, _("Sending the paper file was recorded."))
    return redirect("archive_detail", hand_over.archive_id)


@login_required
@require_POST
def hand_over_received(request, pk):
    """The new school's archivist or registrar records that the paper file arrived."""
    hand_over = _hand_over(request, pk)
    already = hand_over.received_at is not None
    if _may_receive(request.user, hand_over):  # else the service refuses, or says it was done already
        page = confirmation_page(
            request, what=confirmations.receiving_sentence(hand_over),
            action=_("Record that the paper file arrived"),
        )  # fmt: skip
        if page:
            return page
    try:
        services.receive_paper(hand_over, actor=request.user)
    except ArchiveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if already:
            messages.info(
                request, _("Receiving the paper file was already recorded by %(who)s.") % {"who": hand_over.received_by}
            )
        else:
            messages.success(request, _("Receiving the paper file was recorded."))
    return redirect("archive_detail", hand_over.archive_id)


@login_required
def access_request_new(request):
    """查阅登记: find a pupil whose archive another school holds by ID number or national number — seeing
    only the name and that school — and ask that school to let you read it, with the reason."""
    schools = queries.requesting_schools(request.user)
    if not schools:
        raise PermissionDenied
    lookup = AccessLookupForm(request.POST or None)  # POST: the number stays out of addresses and logs
    student = holding = form = None
    if lookup.is_valid():
        student, holding = queries.pupil_for_access(lookup.cleaned_data["number"], own_schools=schools)
        if student is None:
            lookup.add_error("number", _("No pupil with this number has an archive at another school."))
    if student is not None:
        data = request.POST if "reason" in request.POST else None
        form = AccessRequestForm(data, schools=schools)
        if data is not None and form.is_valid():
            access = _request_access(request, form, student)
            if access is not None:
                messages.success(
                    request,
                    _("Your request was sent to %(school)s; you can read the archive once they approve it.")
                    % {"school": access.archive.school.name},
                )
                return redirect("archive_list")
    context = {"lookup": lookup, "student": student, "holding": holding, "form": form}
    return render(request, "archives/access_request_form.html", context)


def _request_access(request, form, student):
    archive = services.ensure_archive(student)
    try:
        return services.request_access(
            archive, actor=request.user, school=form.cleaned_data["school"], reason=form.cleaned_data["reason"]
        )
    except ArchiveRefused as refusal:
        form.add_error(None, str(refusal))
        return None


@login_required
@require_POST
def access_decide(request, pk):
    """The holding school's registrar or headteacher approves (for a limited time) or refuses a request."""
    held = AccessRequest.objects.filter(archive__school__in=selectors.holding_schools(request.user))
    access = get_object_or_404(held.select_related("archive__school", "requesting_school"), pk=pk)
    if not can_decide_access(request.user, access.archive):
        raise PermissionDenied
    form = AccessDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or refuse the request."))
        return redirect("archive_detail", access.archive_id)
    approve = form.cleaned_data["decision"] == "approve"
    if access.state == AccessRequest.State.PENDING:  # a decided request: the service says so
        action = _("Approve") if approve else _("Refuse")
        page = confirmation_page(request, what=confirmations.access_sentence(access, approve), action=action)
        if page:
            return page
    try:
        access = services.decide_access(access, actor=request.user, approve=approve)
    except ArchiveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if access.state == AccessRequest.State.APPROVED:
            messages.success(
                request,
                _("%(school)s may read the archive until %(until)s.")
                % {
                    "school": access.requesting_school.name,
                    "until": date_format(timezone.localtime(access.valid_until), "Y-m-d H:i"),
                },
            )
        else:
            messages.success(
                request, _("The request of %(school)s was refused.") % {"school": access.requesting_school}
            )
    return redirect("archive_detail", access.archive_id)
