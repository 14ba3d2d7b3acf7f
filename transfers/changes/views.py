"""Pages that start a status change (学籍异动) — from a pupil's page (the kinds started from a pupil), from the
school's page (the kinds that find a pupil of another school) — amend a returned one, and withdraw a request.
Which kinds start where, with which form, is the kind registry's (transfers.kinds). Thin: parse a form, call
transfers.services, show the result or the refusal with everything typed kept."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.confirmation import confirmation_page
from students.selectors import students_visible_to
from transfers import services
from transfers.changes.confirmations import withdrawal_sentence
from transfers.forms import LookupForm, WithdrawRequestForm
from transfers.kinds import KINDS, ChangeRefused
from transfers.kinds.rules import open_spell
from transfers.selectors import initiating_school, pupil_for_transfer, requests_visible_to


def _kind(code, starts_from):
    kind = KINDS.get(code)
    if kind is None or kind.starts_from != starts_from:
        raise Http404
    return kind


def _submit(request, form, **arguments):
    """Submit the request; on a refusal, put the rule's message on the form and return None."""
    try:
        return services.submit_request(
            payload=form.payload(), evidence=form.evidence(), actor=request.user, **arguments
        )
    except ChangeRefused as refusal:
        form.add_error(None, str(refusal))
        return None


@login_required
def change_new(request, pk, kind):
    """Start a change of this school's pupil; only the registrar of the pupil's school."""
    kind = _kind(kind, "pupil")
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    spell = open_spell(student)
    if spell is None or not services.can_initiate(request.user, spell.school):
        raise PermissionDenied
    form = kind.form_class(
        request.POST or None, request.FILES or None,
        **kind.form_kwargs(student=student, spell=spell, school=spell.school),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        change_request = _submit(request, form, kind=kind.code, student=student, school=spell.school)
        if change_request is not None:
            if change_request.state == change_request.State.APPROVED:  # a kind the school decides itself
                message = _("%(kind)s of %(name)s was recorded.")
            else:
                message = _("%(kind)s of %(name)s was submitted to the town office.")
            messages.success(request, message % {"kind": change_request.get_kind_display(), "name": student.name})
            return redirect("request_detail", change_request.pk)
    return render(
        request,
        "transfers/change_form.html",
        {"form": form, "kind_label": kind.label, "student": student, "spell": spell, "school": spell.school,
         "direct": kind.decided_by_school, "cancel_url": reverse("pupil_detail", args=[student.pk])},
    )  # fmt: skip


class ResubmitForm(forms.Form):
    """The amendment page of a kind without a form of its own (a graduation): resubmit it as it was."""

    def payload(self):
        return None

    def evidence(self):
        return []


def amend_change(request, change_request, kind):
    """The page amending a returned request of a kind started with a change form: the same form, filled
    in with what was asked; the evidence is kept and an upload only adds to it."""
    student = change_request.student
    if kind.form_class is None:
        form = ResubmitForm(request.POST if request.method == "POST" else None)
    else:
        form = kind.form_class(
            request.POST or None, request.FILES or None, initial=kind.amend_initial(change_request), amending=True,
            **kind.form_kwargs(student=student, spell=open_spell(student), school=change_request.school,
                               request=change_request),
        )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit_request(
                change_request, actor=request.user, payload=form.payload(), evidence=form.evidence()
            )
        except ChangeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The amended request was resubmitted."))
            return redirect("request_detail", change_request.pk)
    return render(
        request,
        "transfers/change_form.html",
        {"form": form, "kind_label": kind.label, "student": student, "school": change_request.school,
         "change_request": change_request, "cancel_url": reverse("request_detail", args=[change_request.pk])},
    )  # fmt: skip


@login_required
def incoming_new(request, code, kind):
    """Transfer in (转入) or guest study (借读) of a pupil on another school's register: find the pupil by
    ID number or national number — seeing only name, school and grade — then fill in the request."""
    kind = _kind(kind, "incoming")
    school = initiating_school(request.user, code)
    lookup = LookupForm(request.POST or None)  # POST: the number stays out of addresses and logs
    student = spell = form = None
    if lookup.is_valid():
        student, spell = pupil_for_transfer(lookup.cleaned_data["number"], receiving_school=school)
        if student is None:
            lookup.add_error("number", _("No pupil with this number is on another school's register."))
    if student is not None:
        data = request.POST if request.method == "POST" and "reason" in request.POST else None
        form = kind.form_class(data, request.FILES or None, **kind.form_kwargs(student=student, spell=spell,
                                                                                  school=school))  # fmt: skip
        if data is not None and form.is_valid():
            change_request = _submit(
                request, form, kind=kind.code, student=student, school=school, counterpart_school=spell.school
            )
            if change_request is not None:
                messages.success(request, _("%(kind)s of %(name)s was submitted; %(school)s decides first.")
                                 % {"kind": change_request.get_kind_display(), "name": student.name,
                                    "school": spell.school.name})  # fmt: skip
                return redirect("request_detail", change_request.pk)
    return render(
        request,
        "transfers/incoming_form.html",
        {"school": school, "kind": kind.code, "kind_label": kind.label, "lookup": lookup, "student": student,
         "spell": spell, "form": form},
    )  # fmt: skip


@login_required
@require_POST
def withdraw(request, pk):
    """The initiating school withdraws its open request, with a reason."""
    change_request = get_object_or_404(requests_visible_to(request.user), pk=pk)
    if not services.can_initiate(request.user, change_request.school):
        raise PermissionDenied
    form = WithdrawRequestForm(request.POST)
    if change_request.is_open and form.is_valid():  # else the service refuses at once, saying why
        page = confirmation_page(request, what=withdrawal_sentence(change_request), action=_("Withdraw"))
        if page:
            return page
    try:
        services.withdraw_request(
            change_request, actor=request.user, reason=form.data.get("reason", "") if form.is_valid() else ""
        )
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("request_detail", pk)
