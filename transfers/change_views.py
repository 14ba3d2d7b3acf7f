"""Pages that start a status change (学籍异动): from a pupil's page (suspension, resumption, withdrawal,
death, key-information change, transfer out of the system), from the school's page (transfer in, guest
study, transfer in from outside the system), and the withdrawal of a request by its school. Thin: parse a
form, call transfers.services, show the result or the refusal with everything typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.scoping import schools_visible_to
from students.selectors import students_visible_to
from transfers import change_forms, services
from transfers.kinds import ChangeRefused
from transfers.kinds.rules import open_spell, open_suspension
from transfers.models import ChangeRequest
from transfers.selectors import pupil_for_transfer, requests_visible_to

Kind = ChangeRequest.Kind

PUPIL_KINDS = {
    Kind.SUSPENSION: change_forms.SuspensionForm,
    Kind.RESUMPTION: change_forms.ResumptionForm,
    Kind.WITHDRAWAL: change_forms.WithdrawalForm,
    Kind.DEATH: change_forms.DeathForm,
    Kind.KEY_CHANGE: change_forms.KeyChangeForm,
    Kind.TRANSFER_OUT_EXTERNAL: change_forms.TransferOutExternalForm,
}
INCOMING_KINDS = {Kind.TRANSFER: change_forms.TransferInForm, Kind.GUEST_STUDY: change_forms.GuestStudyForm}


def _form_kwargs(kind, student, spell):
    if kind == Kind.SUSPENSION:
        return {"suspension": open_suspension(student)}
    if kind == Kind.RESUMPTION:
        return {"spell": spell}
    if kind == Kind.KEY_CHANGE:
        return {"student": student}
    return {}


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
    if kind not in PUPIL_KINDS:
        raise Http404
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    spell = open_spell(student)
    if spell is None or not services.can_initiate(request.user, spell.school):
        raise PermissionDenied
    form_class = PUPIL_KINDS[kind]
    form = form_class(request.POST or None, request.FILES or None, **_form_kwargs(kind, student, spell))
    if request.method == "POST" and form.is_valid():
        change_request = _submit(request, form, kind=kind, student=student, school=spell.school)
        if change_request is not None:
            messages.success(request, _("%(kind)s of %(name)s was submitted to the town office.")
                             % {"kind": change_request.get_kind_display(), "name": student.name})  # fmt: skip
            return redirect("request_detail", change_request.pk)
    return render(
        request,
        "transfers/change_form.html",
        {"form": form, "kind_label": Kind(kind).label, "student": student, "spell": spell, "school": spell.school},
    )


def _registrar_school(request, code):
    school = get_object_or_404(schools_visible_to(request.user), code=code)
    if not services.can_initiate(request.user, school):
        raise PermissionDenied
    return school


@login_required
def incoming_new(request, code, kind):
    """Transfer in (转入) or guest study (借读) of a pupil on another school's register: find the pupil by
    ID number or national number — seeing only name, school and grade — then fill in the request."""
    if kind not in INCOMING_KINDS:
        raise Http404
    school = _registrar_school(request, code)
    lookup = change_forms.LookupForm(request.POST or None)  # POST: the number stays out of addresses and logs
    student = spell = form = None
    if lookup.is_valid():
        student, spell = pupil_for_transfer(lookup.cleaned_data["number"], receiving_school=school)
        if student is None:
            lookup.add_error("number", _("No pupil with this number is on another school's register."))
    if student is not None:
        data = request.POST if request.method == "POST" and "reason" in request.POST else None
        form = INCOMING_KINDS[kind](data, request.FILES or None, school=school, grade=spell.grade)
        if data is not None and form.is_valid():
            change_request = _submit(
                request, form, kind=kind, student=student, school=school, counterpart_school=spell.school
            )
            if change_request is not None:
                messages.success(request, _("%(kind)s of %(name)s was submitted; %(school)s decides first.")
                                 % {"kind": change_request.get_kind_display(), "name": student.name,
                                    "school": spell.school.name})  # fmt: skip
                return redirect("request_detail", change_request.pk)
    return render(
        request,
        "transfers/incoming_form.html",
        {"school": school, "kind": kind, "kind_label": Kind(kind).label, "lookup": lookup, "student": student,
         "spell": spell, "form": form},
    )  # fmt: skip


@login_required
@require_POST
def withdraw(request, pk):
    """The initiating school withdraws its open request, with a reason."""
    change_request = get_object_or_404(requests_visible_to(request.user), pk=pk)
    if not services.can_initiate(request.user, change_request.school):
        raise PermissionDenied
    form = change_forms.WithdrawRequestForm(request.POST)
    try:
        services.withdraw_request(
            change_request, actor=request.user, reason=form.data.get("reason", "") if form.is_valid() else ""
        )
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect("request_detail", pk)
