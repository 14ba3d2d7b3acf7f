"""Resolving a problem record (问题学籍; DOMAIN National-system details: keep with evidence, correct, delete).
Correcting is a key-information change (transfers.kinds.key_change, started by the school's registrar):
once the record is right the problem is no longer found. Each of the other two is one function here, in
one transaction, with its history row and audit event."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import acting_as
from registry.scoping import can
from students.models import ProblemAcknowledgement, Student
from students.problems import events
from students.problems.counts import recount_soon


class ProblemResolutionRefused(Exception):
    """A resolution that cannot be made (already made by someone else, or the problem is gone)."""


def keep_problem(problem, *, actor, reason, evidence, school, request=None):
    """Keep the record as it stands, with an uploaded proof (佐证) and a reason: the problem (this kind,
    this fingerprint) is no longer listed; a different problem later on the same record is. Town officers
    of the pupil's school and administrators ("problems.review")."""
    if not can(actor, "problems.review", school):
        raise PermissionDenied
    try:
        with transaction.atomic(), acting_as(actor, reason="students.problem.kept"):
            acknowledgement = ProblemAcknowledgement.objects.create(
                student_id=problem.student_id, kind=problem.kind, fingerprint=problem.fingerprint,
                reason=reason, evidence=evidence, acknowledged_by=actor,
            )  # fmt: skip
            events.problem_kept(acknowledgement, actor=actor, school=school, request=request)
            recount_soon()
    except IntegrityError:
        raise ProblemResolutionRefused(_("This problem was already kept with evidence.")) from None
    return acknowledgement


def remove_pupil(student, *, actor, reason, school, request=None):
    """Remove a pupil entered in error (administrators only, "problems.remove"): the record leaves every
    register, list and count and frees its ID and national numbers, but the row stays, with its history and
    the audit event naming who removed it and why — nothing is deleted from the database. Irreversible."""
    if not can(actor, "problems.remove", school):
        raise PermissionDenied
    with transaction.atomic(), acting_as(actor, reason="students.pupil.removed"):
        locked = Student.all_records.select_for_update().get(pk=student.pk)
        if locked.removed_at is not None:
            raise ProblemResolutionRefused(_("%(name)s was already removed.") % {"name": locked.name})
        locked.removed_at = timezone.now()
        locked.removal_reason = reason
        locked.save(update_fields=["removed_at", "removal_reason"])
        events.pupil_removed(locked, actor=actor, school=school, request=request)
        recount_soon()
    return locked
