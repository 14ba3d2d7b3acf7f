"""The audit search: the town office and administrators read who did what when, filter it and export it.
Every search and every export is itself an audit event."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events, types
from audit.export import events_workbook
from audit.forms import EventFilterForm
from audit.selectors import events_in_scope
from registry.downloads import xlsx_response
from registry.models import Authority, School
from registry.scoping import can_anywhere, officer_authorities

PAGE_SIZE = 50


def _scope(user):
    """(schools to choose from, events the user may read, the scope's name); PermissionDenied for anyone
    who is neither an administrator nor a town officer."""
    if not can_anywhere(user, "audit.search"):
        raise PermissionDenied
    if user.is_superuser:
        return School.objects.all(), events_in_scope(), _("all schools")
    authority_ids = officer_authorities(user)
    schools = School.objects.filter(authority__in=authority_ids)
    names = Authority.objects.filter(pk__in=authority_ids).order_by("code").values_list("name", flat=True)
    school_ids = list(schools.values_list("pk", flat=True))
    return schools, events_in_scope(school_ids=school_ids, authority_ids=authority_ids), "、".join(names)


def _filtered(request):
    schools, visible, scope = _scope(request.user)
    form = EventFilterForm(request.GET, schools=schools)
    return form, form.filter_qs(visible).select_related("seal").order_by("-id"), scope


@login_required
def audit_search(request):
    form, found, scope = _filtered(request)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, types.render(event)) for event in page.object_list]
    events.audit_searched(
        actor=request.user, filters=form.described(), rows=page.paginator.count, page=page.number, request=request
    )
    return render(request, "audit/search.html", {"form": form, "page": page, "rows": rows, "scope": scope})


@login_required
def audit_export(request):
    form, found, scope = _filtered(request)
    if not form.is_valid():
        return render(request, "audit/search.html", {"form": form, "page": None, "rows": [], "scope": scope})
    content, rows = events_workbook(found, scope=scope, filters=form.described(), exported_by=request.user)
    events.audit_exported(actor=request.user, filters=form.described(), rows=rows, request=request)
    return xlsx_response(content, f"audit-{timezone.localdate():%Y%m%d}.xlsx")
