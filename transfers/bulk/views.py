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

from registry.confirmation import confirmation_page
from registry.scoping import can, schools_visible_to
from transfers import services
from transfers.bulk import class_moves as class_moves_service
from transfers.bulk import confirmations
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
        candidates = _candidates(school)
        if candidates:  # with none, the service refuses at once, saying so
            what, pupils = confirmations.graduation_submission(school, candidates)
            page = confirmation_page(request, what=what, consequences=pupils, action=_("Submit"))
            if page:
                return page
        try:
            submitted = bulk.submit_graduations(school, actor=request.user)
        except ChangeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(count)s graduations were submitted to the town office.")
                             % {"count": len(submitted)})  # fmt: skip
        return redirect("graduation", code)
    candidates = _candidates(school) if is_registrar else []
    awaiting = list(_awaiting(school, request.user)) if is_officer else []
    context = {
        "school": school,
        "is_registrar": is_registrar,
        "candidates": candidates,
        "awaiting": len(awaiting),
        "confirm_submission": confirmations.graduation_submission(school, candidates)[0] if candidates else "",
        "confirm_approval": confirmations.graduation_approval(school, awaiting)[0] if awaiting else "",
    }
    return render(request, "transfers/graduation.html", context)


@login_required
@require_POST
def graduation_approve(request, code):
    school = _school(request, code)
    if not can(request.user, "request.decide_as_authority", school):
        raise PermissionDenied
    awaiting = list(_awaiting(school, request.user))
    if awaiting:  # with none, there is nothing to approve
        what, pupils = confirmations.graduation_approval(school, awaiting)
        page = confirmation_page(request, what=what, consequences=pupils, action=_("Approve all"))
        if page:
            return page
    try:
        count = bulk.approve_graduations(school, actor=request.user)
    except ChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(count)s graduations approved.") % {"count": count})
    return redirect("graduation", code)


def _candidates(school):
    return list(bulk.graduation_candidates(school).select_related("student", "school_class"))


def _awaiting(school, user):
    return bulk.graduation_steps_awaiting(school, user).select_related("request__student")


@login_required
def promotion(request, code):
    """Preview of the promotion (each class, its pupils, the class they move to), then promote."""
    school = _school(request, code)
    if not services.can_initiate(request.user, school):
        raise PermissionDenied
    plan = bulk.promotion_plan(school)
    if request.method == "POST":
        if plan:  # with none, nothing moves
            what, classes = confirmations.promotion(school, plan)
            page = confirmation_page(request, what=what, consequences=classes, action=_("Promote these pupils"))
            if page:
                return page
        try:
            count = bulk.promote_school(school, actor=request.user)
        except ChangeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(count)s pupils moved up one grade.") % {"count": count})
        return redirect("school_detail", code)
    rows = [(old_class, old_class.grade + 1, len(spells)) for old_class, spells in plan.items()]
    confirm = confirmations.promotion(school, plan)[0] if plan else ""
    return render(request, "transfers/promotion.html", {"school": school, "plan": rows, "confirm": confirm})


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
        confirm, names = confirmations.class_moves(preview.rows, from_class, to_class)
        if request.POST.get("step") == "confirm" and preview.refusal is None:
            page = confirmation_page(request, what=confirm, consequences=names, action=_("Move these pupils"))
            if page:
                return page
            try:
                class_moves_service.move_pupils(pupils, to_class, reason=form.cleaned_data["reason"],
                                                actor=request.user)  # fmt: skip
            except ChangeRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("%(count)s pupils moved to %(class)s.")
                                 % {"count": len(pupils), "class": to_class})  # fmt: skip
                return redirect(f"{reverse('class_moves', args=[code])}?from_class={to_class.pk}")
    context = {"school": school, "chooser": chooser, "from_class": from_class, "form": form, "preview": preview,
               "confirm": confirm if preview else ""}  # fmt: skip
    return render(request, "transfers/class_moves.html", context)


@login_required
def intake_classes(request, code):
    """分班: the grade-1 intake dealt evenly to the grade-1 classes — the plan first, then confirm with the
    reason; every pupil whose class changes gets a class change."""
    school = _school(request, code)
    if not services.can_initiate(request.user, school):
        raise PermissionDenied
    form = IntakeForm(request.POST or None)
    plan = class_moves_service.intake_plan(school)
    if request.method == "POST" and form.is_valid():
        if plan.rows and plan.refusal is None:  # else the service refuses at once, saying why
            what, pupils = confirmations.intake(school, plan.rows)
            page = confirmation_page(request, what=what, consequences=pupils,
                                     action=_("Place the pupils in these classes"))  # fmt: skip
            if page:
                return page
        try:
            moved = class_moves_service.assign_intake(school, reason=form.cleaned_data["reason"], actor=request.user)
        except ChangeRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("%(count)s pupils were placed in their classes.") % {"count": len(moved)})
            return redirect("intake_classes", code)
    confirm = confirmations.intake(school, plan.rows)[0]
    return render(request, "transfers/intake_classes.html", {"school": school, "form": form, "plan": plan,
                                                             "confirm": confirm})  # fmt: skip
