"""Change-request pages: the registrar's new-pupil registration and amendment, a request with its steps and
the whole 学生基本信息表, its evidence, the officer's decisions (each confirmed first; the queue is
transfers.queue). Thin: parse a form, call one service, show the result."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.timeline import EVENTS_SHOWN, event_timeline, events_about, history_timeline, merge_timelines
from registry.confirmation import confirmation_page
from registry.downloads import xlsx_response
from students.information_sheet import guardian_columns, guardian_entries, pupil_entries
from students.school_numbers.selectors import school_numbers_of
from students.selectors import students_visible_to
from students.spreadsheet import build_template
from transfers import events, services
from transfers.changes.views import amend_change
from transfers.decisions import approval_sentence, rejection_sentence
from transfers.forms import DecisionForm, GuardianFormSet, ImportForm, RejectionForm, WithdrawRequestForm
from transfers.imports import import_progress, start_import_job
from transfers.kinds import KINDS, ChangeRefused, kind_of
from transfers.models import ApprovalStep, ChangeRequest, Evidence, ImportJob
from transfers.queue.filters import add_days_left
from transfers.queue.following import next_request_url, queue_query, queue_url
from transfers.registration import amend_registration, register_pupil
from transfers.selectors import initiating_school, possible_duplicates, requests_visible_to
from transfers.timeline import request_timeline, requests_for_timeline
from transfers.uploads import ACCEPTED

# The policy of a shown evidence document: nothing but itself (a PDF viewer is the browser's own); never framed.
EVIDENCE_SHOWN_POLICY = {
    "default-src": ["'none'"], "script-src": ["'none'"], "style-src": ["'none'"], "img-src": ["'self'"],
    "form-action": ["'none'"],
}  # fmt: skip


def _registration_page(request, school, form, formset, change_request=None):
    return render(
        request,
        "transfers/registration_form.html",
        {"school": school, "form": form, "formset": formset, "change_request": change_request},
    )


@login_required
def registration_new(request, code):
    return _new_pupil(request, code, KINDS[ChangeRequest.Kind.REGISTRATION])


@login_required
def transfer_in_external_new(request, code):
    """转入 from a school outside the system: the new-pupil form plus the national number and the form."""
    return _new_pupil(request, code, KINDS[ChangeRequest.Kind.TRANSFER_IN_EXTERNAL])


def _new_pupil(request, code, kind):
    school = initiating_school(request.user, code)
    form = kind.form_class(request.POST or None, request.FILES or None, **kind.form_kwargs(school=school))
    formset = GuardianFormSet(request.POST or None, prefix="guardians")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            change_request = register_pupil(
                form.save(commit=False), formset.save(commit=False), form.cleaned_data["school_class"],
                actor=request.user, evidence=form.evidence(), kind=kind.code, extra=form.payload(),
            )  # fmt: skip
        except ChangeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            kind_label, name = change_request.get_kind_display(), change_request.student.name
            messages.success(
                request,
                _("%(kind)s of %(name)s was submitted to the town office.") % {"kind": kind_label, "name": name},
            )
            return redirect("request_detail", change_request.pk)
    return _registration_page(request, school, form, formset)


@login_required
def registration_template(request, code):
    initiating_school(request.user, code)
    return xlsx_response(build_template(), "xinsheng-daoru-muban.xlsx")


@login_required
def registration_import(request, code):
    school = initiating_school(request.user, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_import_job(school, form.cleaned_data["file"], actor=request.user)
        return redirect("import_job", job.pk)
    return render(request, "transfers/registration_import.html", {"school": school, "form": form})


@login_required
def import_job(request, pk):
    job = get_object_or_404(ImportJob.objects.select_related("school"), pk=pk)
    initiating_school(request.user, job.school.code)
    done, total = import_progress(job)
    context = {"job": job, "school": job.school, "done": done, "total": total,
               "percent": int(100 * done / total) if total else 0}  # fmt: skip
    if request.htmx:
        return render(request, "transfers/partials/import_progress.html", context)
    return render(request, "transfers/import_job.html", context)


@login_required
def registration_amend(request, pk):
    """Amend a returned request of any kind and resubmit it: the same request, its next round; its
    evidence is kept, a new upload is added (issue 18.1)."""
    change_request = get_object_or_404(
        requests_visible_to(request.user).select_related("student", "school", "counterpart_school"), pk=pk
    )
    if not services.can_initiate(request.user, change_request.school):
        raise PermissionDenied
    if change_request.state != ChangeRequest.State.RETURNED:
        messages.info(request, _("Only a returned request can be amended."))
        return redirect("request_detail", pk)
    kind = kind_of(change_request)
    if kind.creates_pupil:
        return _amend_new_pupil(request, change_request, kind)
    return amend_change(request, change_request, kind)


def _amend_new_pupil(request, change_request, kind):
    student = change_request.student
    form = kind.form_class(
        request.POST or None, request.FILES or None, instance=student, initial=kind.amend_initial(change_request),
        amending=True, **kind.form_kwargs(school=change_request.school, request=change_request),
    )  # fmt: skip
    formset = GuardianFormSet(request.POST or None, instance=student, prefix="guardians")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            amend_registration(
                change_request, form.save(commit=False), formset.save(commit=False), actor=request.user,
                evidence=form.evidence(), payload=form.payload(),
            )  # fmt: skip
        except ChangeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The amended request was resubmitted."))
            return redirect("request_detail", change_request.pk)
    return _registration_page(request, change_request.school, form, formset, change_request)


@login_required
def request_detail(request, pk):
    change_request = get_object_or_404(
        requests_visible_to(request.user).select_related("student", "school", "counterpart_school", "initiated_by"),
        pk=pk,
    )
    step = services.current_step(change_request)
    student = change_request.student
    kind = kind_of(change_request)
    # The receiving school of a transfer sees the pupil's name and school only, until the pupil is theirs.
    shows_record = kind.creates_pupil or students_visible_to(request.user).filter(pk=student.pk).exists()
    steps = list(change_request.steps.select_related("school", "authority", "decided_by"))
    add_days_left(step for step in steps if step.decision == ApprovalStep.Decision.PENDING and step.due_on)
    school_class = change_request.school.classes.filter(pk=change_request.payload.get("school_class")).first()
    context = {
        "change_request": change_request,
        "student": student,
        "shows_record": shows_record,
        "details": kind.details(change_request),
        "details_template": kind.details_template,
        "steps": steps,
        "evidence": change_request.evidence.all(),
        "earlier_requests": requests_visible_to(request.user)
        .filter(student=student)
        .exclude(pk=change_request.pk)
        .select_related("school")
        .order_by("-submitted_at"),
        "current_step": step,
        "can_decide": step is not None and services.can_decide(request.user, step),
        "can_amend": change_request.state == ChangeRequest.State.RETURNED
        and services.can_initiate(request.user, change_request.school),
        "can_withdraw": change_request.is_open and services.can_initiate(request.user, change_request.school),
        "school_class": school_class,
        "decision_form": DecisionForm(),
        "rejection_form": RejectionForm(),
        "withdraw_form": WithdrawRequestForm(),
        "timeline": _request_timeline(change_request),
        "queue_query": queue_query(request.user, request.GET),
    }
    if shows_record:
        context.update(_information_sheet(student, school_class if kind.creates_pupil else None))
    if context["can_decide"]:
        context["approve_sentence"] = approval_sentence(change_request, step)
        context["reject_sentence"] = rejection_sentence(change_request)
        if kind.creates_pupil:
            context["duplicate_schools"] = possible_duplicates(
                name=student.name, birth_date=student.birth_date, sex=student.sex, exclude=student
            )
    return render(request, "transfers/request_detail.html", context)


def _information_sheet(student, entered_class):
    """The whole 学生基本信息表 (students.information_sheet), masked: the pupil's part with the class entered
    (a new pupil) or the class they are in, their school numbers (学号), and each family member in full."""
    if entered_class is None:
        spell = student.spells.filter(ended_on__isnull=True).select_related("school_class").first()
        entered_class = spell.school_class if spell is not None else None
    return {
        "sheet": pupil_entries(student, school_class=entered_class),
        "guardian_columns": guardian_columns(),
        "guardians": [guardian_entries(guardian) for guardian in student.guardians.all()],
        "school_numbers": school_numbers_of(student.pk),
    }


def _request_timeline(change_request):
    """The request's own history (its details left out: they are shown above, and may hold personal
    numbers), its steps, and the audit events about its four-copy forms, newest first."""
    forms = change_request.transfer_forms.values_list("pk", flat=True)
    form_events = events_about(targets=[("transfers.transferform", pk) for pk in forms])
    return merge_timelines(
        history_timeline(change_request.history.select_related("history_user"), hidden=("payload",)),
        request_timeline(requests_for_timeline(ChangeRequest.objects.filter(pk=change_request.pk)), link=False),
        event_timeline(form_events[:EVENTS_SHOWN]),
    )


def _step_to_decide(request, pk):
    """The step the user's decision is about: the one waiting, or (when someone was quicker) the one
    decided last, so that the service can say who decided it."""
    change_request = get_object_or_404(requests_visible_to(request.user), pk=pk)
    step = services.current_step(change_request) or (
        change_request.steps.filter(round=change_request.round)
        .exclude(decision=ApprovalStep.Decision.PENDING)
        .order_by("-decided_at")
        .first()
    )
    if step is None or not services.can_decide(request.user, step):
        raise PermissionDenied
    return change_request, step


def _request_page_url(pk, query):
    url = reverse("request_detail", args=[pk])
    return f"{url}?{query}" if query else url


@login_required
@require_POST
def approve(request, pk):
    """Approve the step, after the confirmation saying what it does; then back to the queue as it was
    filtered, or ("approve and next", `then=next`) on to the next request waiting in it."""
    change_request, step = _step_to_decide(request, pk)
    query = queue_query(request.user, request.GET)
    form = DecisionForm(request.POST)
    form.is_valid()
    page = confirmation_page(request, what=approval_sentence(change_request, step), action=_("Approve"))
    if page:
        return page
    try:
        services.approve_step(step, actor=request.user, comment=form.cleaned_data.get("comment", ""))
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_request_page_url(pk, query))
    messages.success(request, _("Approved: %(request)s.") % {"request": change_request})
    if request.POST.get("then") == "next":
        following = next_request_url(request.user, query or "sort=due")
        if following is not None:
            return redirect(following)
        messages.info(request, _("That was the last request waiting in this queue."))
    return redirect(queue_url(query))


@login_required
@require_POST
def reject(request, pk):
    """Return the request to its school with the reason, after the confirmation saying so."""
    change_request, step = _step_to_decide(request, pk)
    query = queue_query(request.user, request.GET)
    form = RejectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the rejection; the school sees it."))
        return redirect(_request_page_url(pk, query))
    page = confirmation_page(
        request, what=rejection_sentence(change_request), action=_("Reject"),
        consequences=[_("Reason: %(reason)s") % {"reason": form.cleaned_data["reason"]}],
    )  # fmt: skip
    if page:
        return page
    try:
        services.reject_step(step, actor=request.user, reason=form.cleaned_data["reason"])
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_request_page_url(pk, query))
    messages.success(request, _("Returned to the school: %(request)s.") % {"request": change_request})
    return redirect(queue_url(query))


def _visible_evidence(request, pk):
    visible = Evidence.objects.filter(request__in=requests_visible_to(request.user)).select_related("request__student")
    return get_object_or_404(visible, pk=pk)


@login_required
def evidence_download(request, pk):
    """An evidence document as a download, to those who see its request."""
    evidence = _visible_evidence(request, pk)
    events.evidence_downloaded(evidence, actor=request.user, request=request)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
        content_type=evidence.content_type,
    )  # fmt: skip


@login_required
@csp_replace(EVIDENCE_SHOWN_POLICY)
def evidence_view(request, pk):
    """An evidence document shown in the browser, to those who see its request: an image inside the request
    page (<img>), a PDF in the browser's own viewer in a tab of its own. Only the types checked by content on
    upload (transfers.uploads) are shown; the response may not be framed and runs nothing of ours (its own
    policy: no script, no style, no connection). Each showing is audited like a download."""
    evidence = _visible_evidence(request, pk)
    if evidence.content_type not in ACCEPTED:
        raise Http404
    events.evidence_downloaded(evidence, actor=request.user, request=request, inline=True)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=False, filename=evidence.original_name,
        content_type=evidence.content_type,
    )  # fmt: skip
