"""The roll reconciliation on paper and for the town office: the PDF of a signed reconciliation (its school's
staff, its town's officers, administrators) and the overview of every school of an authority in one
semester, with its Excel export (the authority's officers and administrators). Prints and exports are
logged. Anything outside the user's scope is a 404 (registry.scoping)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from registry.downloads import xlsx_response
from registry.models import Semester
from registry.scoping import authorities_visible_to, schools_visible_to
from students.rollcheck import events as roll_check_events
from students.rollcheck import reports as roll_check_reports
from students.rollcheck.services import current_signature
from students.selectors import roll_checks_visible_to


@login_required
def roll_check_pdf(request, pk):
    """A signed version of the reconciliation as a PDF download, from its signature's snapshot: the valid
    signature (else the latest, reopened since), or with `?signature=<id>` any earlier one — a superseded
    version prints marked as such; every signed version stays printable. Never signed: 404."""
    check = get_object_or_404(
        roll_checks_visible_to(request.user).select_related("school", "semester"),
        pk=pk,
    )
    chosen = request.GET.get("signature", "")
    if chosen:
        if not chosen.isdigit():
            raise Http404
        signature = get_object_or_404(check.signatures.select_related("signed_by", "superseded_by"), pk=chosen)
    else:  # the valid signature, else the latest one (reopened since)
        signature = current_signature(check) or check.signatures.select_related("superseded_by").last()
    if signature is None:
        raise Http404
    content = roll_check_reports.signed_pdf(signature, printed_by=request.user)
    roll_check_events.roll_check_printed(check, actor=request.user, signature=signature, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"roll-check-{check.school.code}-{check.semester.school_year}-{check.semester.term}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _town(request, pk):
    """The authority (in scope, else 404), the semesters to choose from and the chosen one (GET `semester`,
    default the semester containing today or the latest; 404 for an unknown one)."""
    authority = get_object_or_404(authorities_visible_to(request.user), pk=pk)
    semesters = list(Semester.objects.all())
    chosen = request.GET.get("semester", "")
    if chosen:
        semester = next((semester for semester in semesters if str(semester.pk) == chosen), None)
        if semester is None:
            raise Http404
    else:
        semester = roll_check_reports.default_semester(semesters)
    return authority, semesters, semester


def _overview(request, authority, semester):
    schools = schools_visible_to(request.user).filter(authority=authority)
    return roll_check_reports.town_overview(schools, semester)


@login_required
def town_roll_checks(request, pk):
    authority, semesters, semester = _town(request, pk)
    overview = _overview(request, authority, semester) if semester else None
    context = {
        "authority": authority,
        "semesters": semesters,
        "semester": semester,
        "overview": overview,
        "states": roll_check_reports.state_summary(overview) if overview else [],
    }
    return render(request, "students/roll_check_town.html", context)


@login_required
def town_roll_checks_export(request, pk):
    authority, _semesters, semester = _town(request, pk)
    if semester is None:
        raise Http404
    overview = _overview(request, authority, semester)
    content = roll_check_reports.overview_workbook(
        overview, authority=authority, semester=semester, exported_by=request.user
    )
    roll_check_events.roll_checks_exported(
        authority, actor=request.user, semester=semester, rows=len(overview.rows), request=request
    )
    filename = f"roll-checks-{authority.code}-{semester.school_year}-{semester.term}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(content, filename)
