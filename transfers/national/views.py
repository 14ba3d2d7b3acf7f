"""The export page in the national template: a school's pupils (all, a class, new registrations or status changes
of a period) or its change list, as .xlsx; masked unless the user may reveal and asks with a reason."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from registry.downloads import xlsx_response
from registry.scoping import can, schools_visible_to
from students import events
from students.national.export import national_workbook, spells_for_export
from students.services import can_reveal_id_numbers
from transfers.national.changes import change_list_workbook
from transfers.national.forms import CHANGE_LIST, NationalExportForm
from transfers.national.selectors import export_spells


def _file_name(school, data):
    period = f"-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}" if data.get("start") and data.get("end") else ""
    return f"{school.code}-{data['what'].replace('_', '-')}{period}.xlsx"


def _scope(school, data):
    parts = [school.name, str(data["school_class"]) if data.get("school_class") else ""]
    if data.get("start") and data.get("end"):
        parts.append(f"{data['start']:%Y-%m-%d}–{data['end']:%Y-%m-%d}")
    return " ".join(part for part in parts if part)


@login_required
def national_export(request, code):
    school = get_object_or_404(schools_visible_to(request.user), code=code)
    if not can(request.user, "pupil.export_national", school):
        raise PermissionDenied
    may_reveal = can_reveal_id_numbers(request.user, school)
    form = NationalExportForm(request.POST or None, school=school, may_reveal=may_reveal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        full = bool(data["full_numbers"])
        if data["what"] == CHANGE_LIST:
            content, rows = change_list_workbook(school, data["start"], data["end"], full_numbers=full)
        else:
            spells = export_spells(
                school,
                data["what"],
                school_class=data.get("school_class"),
                start=data.get("start"),
                end=data.get("end"),
            )
            content, rows = national_workbook(spells_for_export(spells), full_numbers=full)
        events.national_exported(
            actor=request.user, rows=rows, scope=_scope(school, data), what=data["what"], school=school,
            revealed=full, reason=data["reason"], request=request,
        )  # fmt: skip
        return xlsx_response(content, _file_name(school, data))
    return render(request, "transfers/national_export.html", {"school": school, "form": form, "may_reveal": may_reveal})
