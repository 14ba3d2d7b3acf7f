"""The school's semester roll reconciliation page: the registrar counts and names the differences and
submits; the headteacher reviews the whole school and signs; the town office receives or reopens. Thin:
each POST calls one service of students.rollcheck.services and comes back to the page with its message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registry.confirmation import confirmation_page
from registry.models import Semester
from registry.scoping import can, schools_visible_to
from students.models import RollCheck
from students.rollcheck import services
from students.rollcheck.confirmations import STEP_BUTTONS, removal_sentence, step_sentence
from students.rollcheck.forms import AbsentForm, ExplainForm, StepForm, UnregisteredForm
from students.rollcheck.services import RollCheckRefused
from students.selectors import discrepancies_visible_to, roll_checks_visible_to

STEPS = {
    "submit": (services.submit_roll_check, gettext_lazy("Submitted to the headteacher.")),
    "sign": (services.sign_roll_check, gettext_lazy("Signed. The reconciliation is now locked.")),
    "receive": (services.receive_roll_check, gettext_lazy("Received by the town office.")),
}
STEPS_WITH_REASON = {
    "return": (services.return_roll_check, gettext_lazy("Sent back to the registrar.")),
    "reopen": (services.reopen_roll_check, gettext_lazy("Reopened; the signed version is kept.")),
}
STEP_RIGHTS = {"sign": "rollcheck.sign", "return": "rollcheck.sign", "receive": "rollcheck.receive",
               "reopen": "rollcheck.receive"}  # fmt: skip


def _check(request, pk):
    return get_object_or_404(
        roll_checks_visible_to(request.user).select_related("school__authority", "semester"),
        pk=pk,
    )


def _back(check):
    return redirect("roll_check", check.school.code, check.semester_id)


@login_required
def roll_check(request, code, semester):
    school = get_object_or_404(schools_visible_to(request.user).select_related("authority"), code=code)
    semester = get_object_or_404(Semester, pk=semester)
    check = RollCheck.objects.filter(school=school, semester=semester).first()
    user = request.user
    is_registrar, is_headteacher = services.can_prepare(user, school), services.can_sign(user, school)
    if request.method == "POST":
        if not is_registrar:
            raise PermissionDenied
        try:
            check = services.start_roll_check(school, semester, actor=user)
        except RollCheckRefused as refusal:
            messages.error(request, str(refusal))
        return redirect("roll_check", code, semester.pk)
    context = {"school": school, "semester": semester, "check": check}
    if check is not None:
        signature = services.current_signature(check)
        editing = is_registrar and check.state == RollCheck.State.DRAFT
        rolls = services.class_rolls(check, with_pupils=editing)
        for roll in rolls:
            if editing:
                roll.absent_form = AbsentForm(roll=roll)
                roll.unregistered_form = UnregisteredForm(school_class=roll.school_class)
            for found in roll.absent + roll.unregistered:
                found.form = ExplainForm(discrepancy=found)
                found.confirm_removal = removal_sentence(found)
        context.update(
            rolls=rolls,
            editing=editing,
            explaining=editing or (is_headteacher and check.state == RollCheck.State.SUBMITTED),
            signature=signature,
            snapshot_intact=signature is None or services.snapshot_intact(signature),
            earlier_signatures=check.signatures.filter(superseded_at__isnull=False).select_related("signed_by"),
            returns=list(check.returns.select_related("returned_by")),
            registered=sum(roll.registered for roll in rolls),
            present=sum(roll.present or 0 for roll in rolls),
            unexplained=sum(
                1 for roll in rolls for d in roll.absent + roll.unregistered if not d.reason or not d.action
            ),
            confirm={step: step_sentence(check, step, rolls) for step in STEP_BUTTONS},
        )
    return render(request, "students/roll_check.html", context)


def _registrar_check(request, pk):
    check = _check(request, pk)
    if not services.can_prepare(request.user, check.school):
        raise PermissionDenied
    return check


def _run(request, check, action, success=None):
    try:
        action()
    except RollCheckRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if success:
            messages.success(request, success)
    return _back(check)


def _number(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def headcounts(request, pk):
    check = _registrar_check(request, pk)
    present = {roll.school_class.pk: _number(request.POST.get(f"present_{roll.school_class.pk}"))
               for roll in services.class_rolls(check)}  # fmt: skip
    return _run(request, check, lambda: services.set_headcounts(check, present, actor=request.user),
                _("Headcounts saved."))  # fmt: skip


@login_required
@require_POST
def absent(request, pk):
    check = _registrar_check(request, pk)
    rolls = {str(roll.school_class.pk): roll for roll in services.class_rolls(check, with_pupils=True)}
    roll = rolls.get(request.POST.get("school_class", ""))
    if roll is None:
        return _back(check)
    form = AbsentForm(request.POST, roll=roll)
    if not form.is_valid():
        messages.error(request, _("Choose the pupil who is absent."))
        return _back(check)
    spell = next(s for s in roll.pupils if str(s.pk) == form.cleaned_data["spell"])
    data = form.cleaned_data
    return _run(request, check, lambda: services.mark_absent(
        check, spell, actor=request.user, reason=data["reason"], action=data["action"]))  # fmt: skip


@login_required
@require_POST
def unregistered(request, pk):
    check = _registrar_check(request, pk)
    school_class = check.school.classes.filter(pk=_number(request.POST.get("school_class"))).first()
    if school_class is None:
        return _back(check)
    form = UnregisteredForm(request.POST, school_class=school_class)
    if not form.is_valid():
        messages.error(request, _("Enter the child's name."))
        return _back(check)
    data = form.cleaned_data
    return _run(request, check, lambda: services.add_unregistered(
        check, school_class, data["name"], actor=request.user, reason=data["reason"], action=data["action"],
    ))  # fmt: skip


@login_required
@require_POST
def discrepancy(request, pk):
    found = get_object_or_404(
        discrepancies_visible_to(request.user).select_related("reconciliation__school", "reconciliation__semester"),
        pk=pk,
    )  # fmt: skip
    check = found.reconciliation
    if request.POST.get("remove"):
        if services.can_prepare(request.user, check.school):  # anyone else is refused by the service
            page = confirmation_page(request, what=removal_sentence(found), action=_("Remove"))
            if page:
                return page
        return _run(request, check, lambda: services.remove_discrepancy(found, actor=request.user))
    form = ExplainForm(request.POST, discrepancy=found)
    form.is_valid()
    data = form.cleaned_data
    return _run(request, check, lambda: services.explain(
        found, actor=request.user, reason=data.get("reason", ""), action=data.get("action", "")))  # fmt: skip


@login_required
@require_POST
def step(request, pk):
    check = _check(request, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _back(check)
    name, reason = form.cleaned_data["step"], form.cleaned_data["reason"]
    asks_first = name in STEP_RIGHTS and can(request.user, STEP_RIGHTS[name], check.school)
    if asks_first and (name not in STEPS_WITH_REASON or reason.strip()):  # else the service refuses at once
        page = confirmation_page(request, what=step_sentence(check, name), action=STEP_BUTTONS[name])
        if page:
            return page
    if name in STEPS:
        service, success = STEPS[name]
        return _run(request, check, lambda: service(check, actor=request.user), success)
    service, success = STEPS_WITH_REASON[name]
    return _run(request, check, lambda: service(check, actor=request.user, reason=reason), success)
