"""Pupil pages: the register of the schools in scope, and a pupil's record with masked ID numbers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.timeline import EVENTS_SHOWN, event_timeline, events_about, history_timeline, merge_timelines
from registry.downloads import xlsx_response
from registry.scoping import grants_of, schools_visible_to
from students import services
from students.forms import PupilFilterForm, RevealForm
from students.identity import mask_id_number, mask_national_number, mask_phone
from students.models import Guardian, Student
from students.paging import CappedPaginator
from students.record_parts import pupil_page_parts
from students.school_numbers.selectors import school_numbers_of, with_school_numbers
from students.selectors import as_left, open_spells_visible_to, students_visible_to
from students.status import status_of


def _filtered_spells(request):
    if not grants_of(request.user):
        raise PermissionDenied
    form = PupilFilterForm(request.GET or None, schools=schools_visible_to(request.user))
    spells = form.filter_qs(
        with_school_numbers(open_spells_visible_to(request.user))
        .select_related("student", "school", "school_class")
        .order_by("school__code", "grade", "school_class__number", "student__name", "pk")
    )
    return form, spells


@login_required
def pupil_list(request):
    form, spells = _filtered_spells(request)
    page = CappedPaginator(spells, form.page_size()).get_page(request.GET.get("page"))
    return render(request, "students/pupil_list.html", {"form": form, "page": page})


@login_required
def pupil_export(request):
    form, spells = _filtered_spells(request)
    scope = "、".join(str(grant.scope or _("all schools")) for grant in grants_of(request.user))
    content = services.export_pupil_list(
        spells, actor=request.user, scope=scope, filters=request.GET.dict(), request=request
    )
    return xlsx_response(content, f"pupils-{timezone.localdate():%Y%m%d}.xlsx")


def _pupil_page(request, pk, *, reveal_form=None, revealed=False):
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    spells = list(student.spells.select_related("school", "school_class").order_by("started_on"))
    history = student.history.select_related("history_user")
    events = events_about(pupil=student.pk, exclude_target_types=["transfers.changerequest"])
    guardians = student.guardians.all()
    suspension = student.suspensions.filter(ended_on__isnull=True).first()
    left = as_left(request.user, spells)
    if left is not None:  # a former school: the record as it stood when the pupil left it
        moment, spells = left
        try:
            student = student.history.as_of(moment)
        except Student.DoesNotExist:  # no history row that early (data loaded before history was kept)
            pass
        history = history.filter(history_date__lte=moment)
        events = events.filter(occurred_at__lte=moment)
        guardians = Guardian.history.as_of(moment).filter(student_id=student.pk).order_by("pk")
        suspension = None
    current = next((spell for spell in spells if spell.ended_on is None), None)
    parts, part_entries = pupil_page_parts(student.pk, as_of=left[0] if left else None)
    context = {
        "school_numbers": school_numbers_of(student.pk, as_of=left[0] if left else None),
        "timeline": merge_timelines(
            history_timeline(
                history,
                hidden=("name_pinyin", "name_initials"),
                masked={"id_number": mask_id_number, "national_number": mask_national_number, "phone": mask_phone},
            ),
            part_entries,
            event_timeline(events[:EVENTS_SHOWN]),
        ),
        **parts,
        "student": student,
        "guardians": guardians,
        "spells": spells,
        "status": status_of(spells, suspended=suspension is not None),
        "suspension": suspension,
        "current": current,
        "last": spells[-1],
        "left_at": left[0] if left else None,
        "revealed": revealed,
        "can_reveal": current is not None and services.can_reveal_id_numbers(request.user, current.school),
        "reveal_form": reveal_form or RevealForm(),
    }
    return render(request, "students/pupil_detail.html", context)


@login_required
def pupil_detail(request, pk):
    return _pupil_page(request, pk)


@login_required
@require_POST
def reveal_id_numbers(request, pk):
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    spell = student.spells.filter(ended_on__isnull=True).select_related("school").first()
    if spell is None:
        raise PermissionDenied  # a pupil who left: their former school reads the record, reveals nothing
    school = spell.school
    if not services.can_reveal_id_numbers(request.user, school):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _pupil_page(request, pk, reveal_form=form)
    services.reveal_id_numbers(student, school, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    return _pupil_page(request, pk, reveal_form=form, revealed=True)
