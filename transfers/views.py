"""Change-request pages: the registrar's new-pupil registration and amendment, a request with its steps,
the officer's decisions and queue. Thin: parse a form, call one service, show the result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.timeline import EVENTS_SHOWN, event_timeline, events_about, history_timeline, merge_timelines
from registry.downloads import xlsx_response
from registry.organisation.working_days import WorkingDayCalendar
from registry.scoping import grants_of, schools_visible_to
from students.selectors import students_visible_to
from students.spreadsheet import build_template
from transfers import events, services
from transfers.changes.views import amend_change
from transfers.forms import DecisionForm, GuardianFormSet, ImportForm, RejectionForm, WithdrawRequestForm
from transfers.imports import import_progress, start_import_job
from transfers.kinds import KINDS, ChangeRefused, kind_of
from transfers.models import ApprovalStep, ChangeRequest, Evidence, ImportJob
from transfers.registration import amend_registration, register_pupil
from transfers.selectors import initiating_school, possible_duplicates, requests_awaiting, requests_visible_to
from transfers.timeline import request_timeline, requests_for_timeline


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
    _add_days_left(step for step in steps if step.decision == ApprovalStep.Decision.PENDING and step.due_on)
    context = {
        "change_request": change_request,
        "student": student,
        "shows_record": shows_record,
        "guardians": student.guardians.all() if shows_record else [],
        "details": kind.details(change_request),
        "details_template": kind.details_template,
        "steps": steps,
        "evidence": change_request.evidence.all(),
        "current_step": step,
        "can_decide": step is not None and services.can_decide(request.user, step),
        "can_amend": change_request.state == ChangeRequest.State.RETURNED
        and services.can_initiate(request.user, change_request.school),
        "can_withdraw": change_request.is_open and services.can_initiate(request.user, change_request.school),
        "school_class": change_request.school.classes.filter(pk=change_request.payload.get("school_class")).first(),
        "decision_form": DecisionForm(),
        "rejection_form": RejectionForm(),
        "withdraw_form": WithdrawRequestForm(),
        "timeline": _request_timeline(change_request),
    }
    if context["can_decide"] and kind.creates_pupil:
        context["duplicate_schools"] = possible_duplicates(
            name=student.name, birth_date=student.birth_date, sex=student.sex, exclude=student
        )
    return render(request, "transfers/request_detail.html", context)


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


def _add_days_left(steps):
    """Working days left until each step's due date (negative when overdue), with one calendar query."""
    steps = list(steps)
    if not steps:
        return
    today = timezone.localdate()
    dates = [today] + [step.due_on for step in steps]
    calendar = WorkingDayCalendar(min(dates), max(dates))
    for step in steps:
        step.days_left = calendar.working_days_between(today, step.due_on)


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


@login_required
@require_POST
def approve(request, pk):
    change_request, step = _step_to_decide(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.approve_step(step, actor=request.user, comment=form.cleaned_data.get("comment", ""))
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("request_detail", pk)
    messages.success(request, _("Approved: %(request)s.") % {"request": change_request})
    return redirect("approval_queue")


@login_required
@require_POST
def reject(request, pk):
    change_request, step = _step_to_decide(request, pk)
    form = RejectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the rejection; the school sees it."))
        return redirect("request_detail", pk)
    try:
        services.reject_step(step, actor=request.user, reason=form.cleaned_data["reason"])
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("request_detail", pk)
    messages.success(request, _("Returned to the school: %(request)s.") % {"request": change_request})
    return redirect("approval_queue")


@login_required
def approval_queue(request):
    if not grants_of(request.user):
        raise PermissionDenied
    steps = requests_awaiting(request.user).select_related("request__student", "request__school", "authority")
    school_code = request.GET.get("school", "")
    if school_code:
        steps = steps.filter(request__school__code=school_code)
    steps = steps.order_by("due_on", "request__submitted_at", "pk")
    page = Paginator(steps, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _add_days_left(rows)
    schools = schools_visible_to(request.user).order_by("code")
    return render(
        request,
        "transfers/approval_queue.html",
        {"page": page, "rows": rows, "schools": schools, "school_code": school_code},
    )


@login_required
def evidence_download(request, pk):
    """An evidence document, only as a download (never rendered inline), to those who see its request."""
    visible = Evidence.objects.filter(request__in=requests_visible_to(request.user)).select_related("request__student")
    evidence = get_object_or_404(visible, pk=pk)
    events.evidence_downloaded(evidence, actor=request.user, request=request)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
        content_type=evidence.content_type,
    )  # fmt: skip
