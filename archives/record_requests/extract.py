"""The extract of the record printed for a granted record request (学号办法 八1): the basic information form
(学生基本信息表), the enrolment history and the approved status changes. Rule: the pupil's own ID number is
printed in full (it is their record), the guardians' numbers and phones masked. Nothing here writes."""

from types import SimpleNamespace

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.printing.bundle import basic_information, css_content, css_string, guardian_rows
from students.models import EnrolmentSpell, Guardian, Student
from transfers.kinds import KINDS
from transfers.models import ApprovalStep, ChangeRequest


def _pupil(student_pk):
    steps = ApprovalStep.objects.select_related("school", "authority", "decided_by").order_by("round", "position")
    approved = (
        ChangeRequest.objects.filter(state=ChangeRequest.State.APPROVED)
        .select_related("school", "counterpart_school", "initiated_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("submitted_at", "pk")
    )
    spells = EnrolmentSpell.objects.select_related("school", "school_class").order_by("started_on", "pk")
    return Student.objects.prefetch_related(
        Prefetch("guardians", queryset=Guardian.objects.order_by("pk")),
        Prefetch("spells", queryset=spells),
        Prefetch("change_requests", queryset=approved),
    ).get(pk=student_pk)


def _change(request):
    kind = KINDS.get(request.kind)
    details = kind.details(request) if kind else []
    return {"request": request, "details": [(str(label), value) for label, value in details],
            "steps": list(request.steps.all())}  # fmt: skip


def extract_context(extract):
    query = extract.request
    student = _pupil(query.archive.student_id)
    rows = basic_information(student, revealed=True)
    when = timezone.localtime(extract.created_at).strftime("%Y-%m-%d %H:%M")
    return {
        "query": query,
        "bundle": SimpleNamespace(
            student=student,
            basic_rows=[rows[start : start + 2] for start in range(0, len(rows), 2)],
            guardians=guardian_rows(list(student.guardians.all()), revealed=False),
            spells=list(student.spells.all()),
        ),
        "changes": [_change(request) for request in student.change_requests.all()],
        "school": query.school,
        "printed_at": when,
        "header_css": css_string(f"{student.name} · {query.school.name}"),
        "footer_css": css_string(
            _("Printed by %(who)s at %(when)s for %(name)s")
            % {
                "who": extract.requested_by,
                "when": when,
                "name": query.requester_name,
            }  # fmt: skip
        ),
        "page_css": css_content(_("Page %(page)s of %(pages)s"), page="page", pages="pages"),
    }


def extract_html(extract) -> str:
    return render_to_string("archives/print/extract.html", extract_context(extract))
