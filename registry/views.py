"""Organisation pages: each role's home page, a school, a class, an authority, the semester calendar.
Views are the outer layer, so the home page may read the other apps' selectors.

Every lookup goes through registry.scoping, so an object outside the user's scope is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from registry.models import Semester
from registry.roles import Role
from registry.scoping import authorities_visible_to, classes_visible_to, grants_of, schools_visible_to
from transfers.models import ChangeRequest
from transfers.selectors import requests_awaiting, requests_visible_to


def _home_section(user, grant):
    section = {"grant": grant, "template": f"registry/home/{grant.role.value}.html"}
    if grant.role == Role.OFFICER:
        section["awaiting"] = (
            requests_awaiting(user).select_related("request__student", "request__school").order_by("due_on", "pk")[:10]
        )
        section["schools"] = (
            schools_visible_to(user).filter(authority=grant.authority).annotate(class_count=Count("classes"))
        )
    elif grant.role == Role.ADMINISTRATOR:
        section["authority_count"] = authorities_visible_to(user).count()
        section["school_count"] = schools_visible_to(user).count()
    else:
        section["class_count"] = grant.school.classes.count()
        if grant.role == Role.REGISTRAR:
            section["requests"] = (
                requests_visible_to(user)
                .filter(school=grant.school, state__in=ChangeRequest.OPEN_STATES)
                .select_related("student")
                .order_by("-submitted_at")[:20]
            )
    return section


@login_required
def home(request):
    sections = [_home_section(request.user, grant) for grant in grants_of(request.user)]
    return render(request, "registry/home.html", {"sections": sections})


@login_required
def school_detail(request, code):
    school = get_object_or_404(schools_visible_to(request.user).select_related("authority"), code=code)
    return render(request, "registry/school_detail.html", {"school": school, "classes": school.classes.all()})


@login_required
def class_detail(request, code, pk):
    school_class = get_object_or_404(
        classes_visible_to(request.user).select_related("school"), school__code=code, pk=pk
    )
    return render(request, "registry/class_detail.html", {"school_class": school_class, "school": school_class.school})


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
