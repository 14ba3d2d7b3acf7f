"""The problem-records page (问题学籍) and its resolutions. Thin: scope, parse a form, call one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from registry.confirmation import confirmation_page
from registry.scoping import can, can_anywhere
from students.models import ProblemKind, Student
from students.problems import services
from students.problems.forms import KeepProblemForm, ProblemFilterForm, RemovePupilForm
from students.problems.selectors import counts_by_school, open_problems, problem_schools
from students.selectors import students_visible_to

PER_PAGE = 50


@login_required
def problem_records(request):
    """Every open problem of the user's schools, filtered by school and kind, with the counts per school."""
    if not can_anywhere(request.user, "problems.review"):
        raise PermissionDenied
    schools = problem_schools(request.user).order_by("code")
    if request.GET.get("school"):
        if not request.GET["school"].isdigit():
            raise Http404
        get_object_or_404(schools, pk=request.GET["school"])
    form = ProblemFilterForm(request.GET or None, schools=schools)
    school, kind = None, None
    if form.is_valid():
        school, kind = form.cleaned_data["school"], form.cleaned_data["kind"] or None
    school_list = list(schools)
    problems = open_problems([s.pk for s in school_list], kinds=[kind] if kind else None)
    counts = counts_by_school(problems)
    shown = [problem for problem in problems if school is None or problem.school_id == school.pk]
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    pupils = Student.objects.in_bulk({problem.student_id for problem in page.object_list})
    by_pk = {s.pk: s for s in school_list}
    rows = [(problem, pupils[problem.student_id], by_pk[problem.school_id]) for problem in page.object_list]
    return render(
        request,
        "students/problems/list.html",
        {
            "form": form, "page": page, "rows": rows, "total": len(shown),
            "counts": [(s, counts[s.pk]) for s in school_list if counts.get(s.pk)],
            "may_remove": can_anywhere(request.user, "problems.remove"),
        },
    )  # fmt: skip


def _pupil_and_school(request, pk, capability):
    """The pupil (in the user's scope, on a register) and their school; 404 outside the scope, 403 for a
    role without the capability there."""
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    spell = student.spells.filter(ended_on__isnull=True).select_related("school").first()
    if spell is None:
        raise Http404
    if not can(request.user, capability, spell.school):
        raise PermissionDenied
    return student, spell.school


@login_required
def problem_keep(request, pk, kind):
    """Keep one problem of a pupil with evidence and a reason."""
    if kind not in ProblemKind.values:
        raise Http404
    student, school = _pupil_and_school(request, pk, "problems.review")
    found = open_problems([school.pk], kinds=[kind], student_ids=[student.pk])
    form = KeepProblemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and found and form.is_valid():
        try:
            services.keep_problem(
                found[0], actor=request.user, reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"], school=school, request=request,
            )  # fmt: skip
        except services.ProblemResolutionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The record of %(name)s was kept with evidence.") % {"name": student.name})
        return redirect(reverse("problem_records") + f"?school={school.pk}")
    return render(
        request,
        "students/problems/keep.html",
        {"form": form, "student": student, "school": school, "problem": found[0] if found else None,
         "kind_label": ProblemKind(kind).label},
    )  # fmt: skip


@login_required
def problem_remove(request, pk):
    """Remove a pupil entered in error (administrators): asks for a reason, then for confirmation."""
    student, school = _pupil_and_school(request, pk, "problems.remove")
    form = RemovePupilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        page = confirmation_page(
            request,
            what=_("%(name)s will be removed from every register, list and count as entered in error.")
            % {"name": student.name},
            action=_("Remove the pupil"),
            consequences=[_("The record stays in the history and the audit log.")],
        )
        if page:
            return page
        try:
            services.remove_pupil(
                student, actor=request.user, reason=form.cleaned_data["reason"], school=school, request=request
            )
        except services.ProblemResolutionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(name)s was removed as entered in error.") % {"name": student.name})
        return redirect(reverse("problem_records") + f"?school={school.pk}")
    return render(request, "students/problems/remove.html", {"form": form, "student": student, "school": school})
