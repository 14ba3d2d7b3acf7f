"""Organisation pages: each role's home page, a school, a class, an authority, the semester calendar.
Views are the outer layer, so the home page may read the other apps' selectors.

Every lookup goes through registry.scoping, so an object outside the user's scope is a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from registry.models import Notification, Semester
from registry.notifications import mark_all_read, mark_read
from registry.roles import Role, holds
from registry.scoping import authorities_visible_to, classes_visible_to, grants_of, schools_visible_to
from students.roll_checks import current_semester
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
        if holds(grant.role, "request.decide_as_school"):  # the sending school decides on a transfer
            section["awaiting"] = (
                requests_awaiting(user)
                .filter(school=grant.school)
                .select_related("request__student", "request__school")
                .order_by("due_on", "pk")[:10]
            )
        section["semester"] = current_semester()
        if holds(grant.role, "request.initiate"):
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
    context = {
        "school": school,
        "classes": school.classes.all(),
        "guest_pupils": school.guest_pupils.filter(ended_on__isnull=True).select_related("student", "host_class"),
        "semester": current_semester(),
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


@login_required
def notification_list(request):
    """The user's own reminders, newest first; unread ones stand out. Every signed-in user has an inbox."""
    page = Paginator(Notification.objects.filter(recipient=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "registry/notifications.html", {"page": page, "notifications": page.object_list})


def _back_to_inbox(request):
    page = request.POST.get("page", "")
    return redirect(f"{reverse('notifications')}?page={page}" if page.isdigit() else reverse("notifications"))


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one of the user's own notifications read (anyone else's is a 404); with `open`, go on to the page
    it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(notification)
    link = notification.link
    if request.POST.get("open") and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return _back_to_inbox(request)


@login_required
@require_POST
def notification_read_all(request):
    mark_all_read(request.user)
    return _back_to_inbox(request)
