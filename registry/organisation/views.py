"""Organisation pages: each role's home page, a school, a class, an authority, the semester calendar.
Layer rule: registry imports no app above it; what the apps above add to a home-page section (a queue of
requests awaiting the user, …) they contribute through registry.organisation.home.

Every lookup goes through registry.scoping, so an object outside the user's scope is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from registry.models import Semester
from registry.organisation.home import home_sections
from registry.scoping import authorities_visible_to, classes_visible_to, grants_of, schools_visible_to


@login_required
def home(request):
    sections = home_sections(request.user, grants_of(request.user))
    return render(request, "registry/home.html", {"sections": sections})


@login_required
def school_detail(request, code):
    school = get_object_or_404(schools_visible_to(request.user).select_related("authority"), code=code)
    context = {
        "school": school,
        "classes": school.classes.all(),
        "guest_pupils": school.guest_pupils.filter(ended_on__isnull=True).select_related("student", "host_class"),
        "semester": Semester.as_of(timezone.localdate()),
    }
    return render(request, "registry/school_detail.html", context)


@login_required
def class_detail(request, code, pk):
    school_class = get_object_or_404(
        classes_visible_to(request.user).select_related("school"), school__code=code, pk=pk
    )
    context = {
        "school_class": school_class,
        "school": school_class.school,
    }
    return render(request, "registry/class_detail.html", context)


@login_required
def authority_detail(request, pk):
    authority = get_object_or_404(authorities_visible_to(request.user).select_related("parent"), pk=pk)
    schools = schools_visible_to(request.user).filter(authority=authority).annotate(class_count=Count("classes"))
    children = authorities_visible_to(request.user).filter(parent=authority)
    return render(
        request, "registry/authority_detail.html", {"authority": authority, "schools": schools, "children": children}
    )


@login_required
def semester_list(request):
    if not grants_of(request.user):
        raise PermissionDenied
    semesters = Semester.objects.prefetch_related("transfer_windows")
    return render(request, "registry/semester_list.html", {"semesters": semesters})
