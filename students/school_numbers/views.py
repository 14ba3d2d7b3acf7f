"""The page where a school's registrar sets the format of its pupils' school numbers (学号办法)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.scoping import can, schools_visible_to
from students.school_numbers import services
from students.school_numbers.forms import SchoolNumberFormatForm


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
