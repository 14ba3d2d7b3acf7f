"""Pages of the school-year changes: graduation (preview, submit; the town office approves them together),
promotion (preview, then promote), class changes in bulk and the grade-1 intake's classes (preview, then
move). Thin: the rules live in transfers.bulk.services and transfers.bulk.class_moves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.scoping import can, schools_visible_to
from transfers import services
from transfers.bulk import class_moves as class_moves_service
from transfers.bulk import services as bulk
from transfers.bulk.forms import ClassChoiceForm, ClassMoveForm, IntakeForm
from transfers.kinds import ChangeRefused


def _school(request, code):
    return get_object_or_404(schools_visible_to(request.user), code=code)


@login_required
def graduation(request, code):
    """The registrar sees who graduates and submits them all; the town officer sees those waiting."""
    school = _school(request, code)
    is_registrar = services.can_initiate(request.user, school)
    is_officer = can(request.user, "request.decide_as_authority", school)
    if not (is_registrar or is_officer):
        raise PermissionDenied
    if request.method == "POST":
        if not is_registrar:
            raise PermissionDenied
        try:
            submitted = bulk.submit_graduations(school, actor=request.user)
        except ChangeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(count)s graduations were submitted to the town office.")
                             % {"count": len(submitted)})  # fmt: skip
        return redirect("graduation", code)
    context = {
        "school": school,
        "is_registrar": is_registrar,
        "candidates": bulk.graduation_candidates(school) if is_registrar else [],
        "awaiting": bulk.graduation_steps_awaiting(school, request.user).count() if is_officer else 0,
    }
    return render(request, "transfers/graduation.html", context)


@login_required
@require_POST
def graduation_approve(request, code):
    school = _school(request, code)
    if not can(request.user, "request.decide_as_authority", school):
        raise PermissionDenied
    try:
        count = bulk.approve_graduations(school, actor=request.user)
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(count)s graduations approved.") % {"count": count})
    return redirect("graduation", code)


@login_required
def promotion(request, code):
    """Preview of the promotion (each class, its pupils, the class they move to), then promote."""
    school = _school(request, code)
    if not services.can_initiate(request.user, school):
        raise PermissionDenied
    if request.method == "POST":
        try:
            count = bulk.promote_school(school, actor=request.user)
        except ChangeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(count)s pupils moved up one grade.") % {"count": count})
        return redirect("school_detail", code)
    plan = [(old_class, old_class.grade + 1, len(spells)) for old_class, spells in bulk.promotion_plan(school).items()]
    return render(request, "transfers/promotion.html", {"school": school, "plan": plan})


@login_required
def class_moves(request, code):
    """转班 in bulk: choose a class, tick its pupils who move, choose the class they join and say why; the
    preview shows every move and any class-size-cap refusal; confirming moves them all or none."""
    school = _school(request, code)
    if not services.can_initiate(request.user, school):
        raise PermissionDenied
    chooser = ClassChoiceForm(request.GET or None, school=school)
    if not chooser.is_valid():
        return render(request, "transfers/class_moves.html", {"school": school, "chooser": chooser})
    from_class = chooser.cleaned_data["from_class"]
    form = ClassMoveForm(request.POST or None, from_class=from_class)
    preview = None
    if request.method == "POST" and form.is_valid():
        pupils, to_class = list(form.cleaned_data["pupils"]), form.cleaned_data["school_class"]
        preview = class_moves_service.preview_moves(pupils, from_class, to_class)
        if request.POST.get("step") == "confirm" and preview.refusal is None:
            try:
                class_moves_service.move_pupils(pupils, to_class, reason=form.cleaned_data["reason"],
                                                actor=request.user)  # fmt: skip
            except ChangeRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("%(count)s pupils moved to %(class)s.")
                                 % {"count": len(pupils), "class": to_class})  # fmt: skip
                return redirect(f"{reverse('class_moves', args=[code])}?from_class={to_class.pk}")
    context = {"school": school, "chooser": chooser, "from_class": from_class, "form": form, "preview": preview}
    return render(request, "transfers/class_moves.html", context)


@login_required
def intake_classes(request, code):
    """分班: the grade-1 intake dealt evenly to the grade-1 classes — the plan first, then confirm with the
    reason; every pupil whose class changes gets a class change."""
    school = _school(request, code)
    if not services.can_initiate(request.user, school):
        raise PermissionDenied
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moved = class_moves_service.assign_intake(school, reason=form.cleaned_data["reason"], actor=request.user)
        except ChangeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("%(count)s pupils were placed in their classes.") % {"count": len(moved)})
            return redirect("intake_classes", code)
    plan = class_moves_service.intake_plan(school)
    return render(request, "transfers/intake_classes.html", {"school": school, "form": form, "plan": plan})
