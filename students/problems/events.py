"""Audit event types of problem records' resolutions, and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types
from students.models import ProblemKind


def _kind_label(event):
    kind = event.data.get("kind")
    return {"kind": ProblemKind(kind).label if kind in ProblemKind.values else kind}


PROBLEM_KEPT = types.register(
    "students.problem.kept",
    _("{actor} kept the record of {target} with evidence ({kind}): {reason}"),
    values=_kind_label,
)
PUPIL_REMOVED = types.register("students.pupil.removed", _("{actor} removed {target} as entered in error: {reason}"))


def problem_kept(acknowledgement, *, actor, school, request=None):
    return record(
        PROBLEM_KEPT,
        actor=actor,
        target=acknowledgement.student,
        data={"kind": acknowledgement.kind, "reason": acknowledgement.reason, "acknowledgement": acknowledgement.pk},
        school=school,
        request=request,
    )


def pupil_removed(student, *, actor, school, request=None):
    return record(
        PUPIL_REMOVED,
        actor=actor,
        target=student,
        data={"reason": student.removal_reason},
        school=school,
        request=request,
    )
