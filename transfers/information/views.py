"""The information change pages: the registrar's (every field of a pupil and their family; the school's part
saved at once, the town's part sent as a request) and the town officer's list of what needs approval.
Thin: parse a form, call one service, show the result or the refusal with everything typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from registry.confirmation import confirmation_page, is_confirmed
from registry.scoping import authorities_visible_to, can
from students.selectors import students_visible_to
from transfers import services as engine
from transfers.information import services
from transfers.information.forms import PolicyForm
from transfers.kinds import ChangeRefused
from transfers.kinds.information_change.fields import ALWAYS_APPROVED, MEMBERS, items
from transfers.kinds.information_change.forms import InformationChangeForm
from transfers.kinds.information_change.plans import ChangedMeanwhile
from transfers.kinds.information_change.policy import approval_fields
from transfers.kinds.rules import open_spell

PREFILL_EXCLUDED = {"only", "next"}


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@login_required
def information_change(request, pk):
    """信息变更 of this school's pupil: only the registrar of the pupil's school. GET values prefill the form."""
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    spell = open_spell(student)
    if spell is None or not engine.can_initiate(request.user, spell.school):
        raise PermissionDenied
    only = request.GET.get("only")
    prefill = {k: v for k, v in request.GET.items() if k not in PREFILL_EXCLUDED} if request.method == "GET" else {}
    form = InformationChangeForm(
        request.POST or None, request.FILES or None, student=student, only=only, prefill=prefill
    )
    if request.method == "POST" and form.is_valid():
        page = _confirm_direct_removal(request, form, student)
        if page:
            return page
        try:
            outcome = services.change_information(
                student, actor=request.user, changes=form.changes(), guardians=form.guardians(),
                reason=form.cleaned_data["reason"], evidence=form.cleaned_data.get("identity_proof"),
                expected=form.expected(),
            )  # fmt: skip
        except ChangeRefused as refusal:
            if isinstance(refusal, ChangedMeanwhile):
                form.refresh_seen()
            form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal))
        else:
            return _done(request, student, outcome)
    context = {
        "form": form, "student": student, "spell": spell, "school": spell.school, "mode": form.only,
        "removes_directly": form.members and MEMBERS not in form.approval, "confirmed": is_confirmed(request),
    }  # fmt: skip
    return render(request, "transfers/information_change.html", context)


def _confirm_direct_removal(request, form, student):
    """Removing a family member the school decides alone cannot be undone: confirm it first."""
    removed = [op for op in form.guardians() if op["action"] == "remove"]
    if not removed or MEMBERS in form.approval:
        return None
    names = {guardian.pk: str(guardian) for guardian in form.guardian_rows}
    return confirmation_page(
        request, what=_("The family members ticked are removed from the record of %(name)s at once.")
        % {"name": student.name}, action=_("Remove and save"),
        consequences=[names.get(op["guardian"], "") for op in removed],
        cancel_url=reverse("information_change", args=[student.pk]),
    )  # fmt: skip


def _done(request, student, outcome):
    if outcome.nothing_changed:
        messages.info(request, _("Nothing was changed: every value is the one on the record already."))
        return redirect(_next_url(request) or reverse("pupil_detail", args=[student.pk]))
    if outcome.applied:
        messages.success(
            request, _("Saved for %(name)s: %(fields)s.") % {"name": student.name,
                                                            "fields": "、".join(row[0] for row in outcome.applied)}
        )  # fmt: skip
    if outcome.request is not None:
        messages.success(request, _("The changes that need the town office's approval were submitted to it."))
        return redirect(_next_url(request) or reverse("request_detail", args=[outcome.request.pk]))
    return redirect(_next_url(request) or reverse("pupil_detail", args=[student.pk]))


@login_required
def information_policy(request, pk):
    """The town's list of what needs its approval (镇制度 五(三)): its officers and administrators."""
    authority = get_object_or_404(authorities_visible_to(request.user), pk=pk)
    if not can(request.user, "information.configure", authority):
        raise PermissionDenied
    form = PolicyForm(request.POST or None, initial={"approval": sorted(approval_fields(authority))})
    if request.method == "POST" and form.is_valid():
        services.set_approval_fields(authority, form.cleaned_data["approval"], actor=request.user)
        messages.success(request, _("The list of what needs the town office's approval was saved."))
        return redirect("information_policy", authority.pk)
    listed = approval_fields(authority)
    rows = [(item, text, item in listed, item in ALWAYS_APPROVED) for item, text in items()]
    return render(request, "transfers/information_policy.html", {"authority": authority, "form": form, "rows": rows})
