"""The pages where a school's registrar sets the format of its pupils' school numbers (学号办法) and renumbers
a class in order, after a preview and a confirmation (old numbers are retired for ever)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.confirmation import confirmation_page
from registry.scoping import can, classes_visible_to, schools_visible_to
from students.school_numbers import services
from students.school_numbers.forms import RenumberForm, SchoolNumberFormatForm, plan_field


@login_required
def school_number_format(request, code):
    school = get_object_or_404(schools_visible_to(request.user), code=code)
    if not can(request.user, "school_number.configure", school):
        raise PermissionDenied
    number_format = services.format_of(school)
    form = SchoolNumberFormatForm(
        request.POST or None, initial={"parts": number_format.parts, "internal_code": number_format.internal_code}
    )
    if request.method == "POST" and form.is_valid():
        services.set_format(school, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The school number format was saved."))
        return redirect("school_number_format", code)
    example = services.example_number(number_format, year=timezone.localdate().year)
    return render(request, "students/school_number_format.html", {"school": school, "form": form, "example": example})


@login_required
def class_renumber(request, code, pk):
    """The class's pupils in class-list order with their current and new numbers (GET: the preview), then
    the renumbering itself (POST, confirmed; refused if the class changed since the preview)."""
    classes = classes_visible_to(request.user).select_related("school")
    school_class = get_object_or_404(classes, school__code=code, pk=pk)
    if not can(request.user, "school_number.configure", school_class.school):
        raise PermissionDenied
    day = timezone.localdate()
    form = RenumberForm(request.POST if request.method == "POST" else request.GET or None)
    everyone = form.is_valid() and form.cleaned_data["everyone"]
    if request.method == "POST" and form.is_valid():
        expected = form.expected()
        page = confirmation_page(
            request,
            what=_("%(count)s pupils of %(class)s get new school numbers; their current numbers are retired and "
                   "never given again.") % {"count": len(expected), "class": school_class},
            action=_("Renumber"),
        )  # fmt: skip
        if page:
            return page
        try:
            count = services.renumber_class(school_class, actor=request.user, day=day, everyone=everyone,
                                            expected=expected)  # fmt: skip
        except services.SchoolNumberRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(count)s pupils got new school numbers.") % {"count": count})
            return redirect("class_detail", code, pk)
    try:
        plan = services.renumbering_plan(school_class, day=day, everyone=everyone)
    except services.SchoolNumberRefused as refusal:
        messages.error(request, str(refusal))
        plan = []
    changes = sum(1 for line in plan if line.new)
    form = RenumberForm(initial={"everyone": everyone, "plan": plan_field(plan)})
    context = {"school": school_class.school, "school_class": school_class, "plan": plan, "changes": changes,
               "form": form}  # fmt: skip
    return render(request, "students/class_renumber.html", context)
