"""The statistics pages: a school's (its staff, its town's officers, administrators) and an authority's with
its per-school breakdown (its officers, administrators), as of a chosen day (GET `on`, default today); every
table's Excel export and the town's semester summary in PDF, each logged in the audit trail. Anything outside
the user's scope is a 404 (registry.scoping). Thin: the figures come from reports.statistics.figures."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from registry.downloads import xlsx_response
from registry.models import School
from registry.scoping import authorities_visible_to, grants_of, schools_visible_to
from reports.statistics import events as statistics_events
from reports.statistics import exports as statistics_reports
from reports.statistics import figures as statistics
from reports.statistics import tables as statistics_tables
from reports.statistics.forms import StatisticsDateForm

ALL_TABLES = "all"


@login_required
def statistics_index(request):
    """Where the navigation's "Statistics" leads: straight to the user's one scope, else a list of them."""
    grants = grants_of(request.user)
    if not grants:
        raise PermissionDenied
    scopes = []
    for grant in grants:
        if grant.school is not None:
            scopes.append((grant.school, reverse("school_statistics", args=[grant.school.code])))
        elif grant.authority is not None:
            scopes.append((grant.authority, reverse("authority_statistics", args=[grant.authority.pk])))
        else:  # an administrator: every authority
            scopes.extend(
                (authority, reverse("authority_statistics", args=[authority.pk]))
                for authority in authorities_visible_to(request.user).order_by("code")
            )
    scopes = list(dict.fromkeys(scopes))
    if len(scopes) == 1:
        return redirect(scopes[0][1])
    return render(request, "statistics/index.html", {"scopes": scopes})


def _day(request):
    """The day the figures are counted as of, and the form that chose it (bound only when `on` was given)."""
    form = StatisticsDateForm(request.GET if request.GET.get("on") else None)
    day = form.day()
    if not form.is_bound:
        form = StatisticsDateForm(initial={"on": day})
    return day, form


def _school(request, code):
    school = get_object_or_404(schools_visible_to(request.user).select_related("authority"), code=code)
    return school, School.objects.filter(pk=school.pk)  # found in the user's scope just above


def _authority(request, pk):
    authority = get_object_or_404(authorities_visible_to(request.user).select_related("parent"), pk=pk)
    return authority, statistics.authority_schools(schools_visible_to(request.user), authority)


def _page(request, scope, schools, *, town):
    day, form = _day(request)
    figures = statistics.figures(schools, day)
    tables = statistics_tables.tables(figures, town=town)
    charts = statistics_tables.charts(figures, tables)
    chart_of = {chart["table"]: chart for chart in charts}
    query = f"?on={day:%Y-%m-%d}"
    for row in tables["schools"].rows if town else []:  # the school's name (cell 1) by its code (cell 0)
        row.links[1] = reverse("school_statistics", args=[row.cells[0]]) + query
    for row in tables["reconciliation"].rows if figures.semester else []:
        row.links[1] = reverse("roll_check", args=[row.cells[0], figures.semester.pk])
    key = scope.pk if town else scope.code
    export = "authority_statistics_export" if town else "school_statistics_export"
    context = {
        "scope": scope,
        "town": town,
        "form": form,
        "day": day,
        "figures": figures,
        "summary": statistics_tables.summary(figures),
        "sections": [
            {"table": table, "chart": chart_of.get(slug), "export_url": reverse(export, args=[key, slug]) + query}
            for slug, table in tables.items()
        ],
        "export_url": reverse(export, args=[key, ALL_TABLES]) + query,
        "pdf_url": reverse("authority_statistics_pdf", args=[scope.pk]) + query if town else None,
    }
    return render(request, "statistics/figures.html", context)


def _export(request, scope, schools, table, *, town):
    day, form = _day(request)
    if form.errors:
        return HttpResponseBadRequest(" ".join(form.errors["on"]))
    figures = statistics.figures(schools, day)
    tables = statistics_tables.tables(figures, town=town)
    if table == ALL_TABLES:
        chosen = list(tables.values())
    elif table in tables:
        chosen = [tables[table]]
    else:
        raise Http404
    content = statistics_reports.workbook(
        chosen, scope=scope, day=day, semester=figures.semester, exported_by=request.user
    )
    rows = sum(len(chosen_table) for chosen_table in chosen)
    statistics_events.statistics_exported(scope, actor=request.user, table=table, on=day, rows=rows, request=request)
    return xlsx_response(content, f"statistics-{scope.code}-{table}-{day:%Y%m%d}.xlsx")


@login_required
def school_statistics(request, code):
    school, schools = _school(request, code)
    return _page(request, school, schools, town=False)


@login_required
def school_statistics_export(request, code, table):
    school, schools = _school(request, code)
    return _export(request, school, schools, table, town=False)


@login_required
def authority_statistics(request, pk):
    authority, schools = _authority(request, pk)
    return _page(request, authority, schools, town=True)


@login_required
def authority_statistics_export(request, pk, table):
    authority, schools = _authority(request, pk)
    return _export(request, authority, schools, table, town=True)


@login_required
def authority_statistics_pdf(request, pk):
    """The semester summary of the authority's schools as of the chosen day (the quarterly report)."""
    authority, schools = _authority(request, pk)
    day, form = _day(request)
    if form.errors:
        return HttpResponseBadRequest(" ".join(form.errors["on"]))
    figures = statistics.figures(schools, day)
    content = statistics_reports.summary_pdf(figures, authority=authority, printed_by=request.user)
    statistics_events.summary_printed(authority, actor=request.user, on=day, semester=figures.semester, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statistics-{authority.code}-{day:%Y%m%d}.pdf"'
    return response
