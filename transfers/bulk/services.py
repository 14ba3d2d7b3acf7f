"""The school-wide changes of a new school year: graduation (毕业) of the last grade, submitted in bulk and
approved by the town office, and promotion (升级) of every other enrolled pupil by one grade (DOMAIN
Status changes; 校制度 第十七条: no skipping or repeating within a stage). Both show who is affected first."""

from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from audit.bulk import create_with_history
from audit.history import acting_as
from audit.reasons import encode
from registry.models import SchoolClass
from students.models import EnrolmentSpell, Suspension
from transfers import events, signals
from transfers.batches import RequestsRefused, submit_requests
from transfers.kinds import KINDS, ChangeRefused
from transfers.models import ApprovalStep, ChangeRequest
from transfers.selectors import requests_awaiting
from transfers.services import can_decide, can_initiate


def school_year_of(day: date) -> int:
    """The school year a day belongs to: it starts in September (promotion may run from 1 August)."""
    return day.year if day.month >= 8 else day.year - 1


def _open_spells(school):
    return (
        EnrolmentSpell.objects.filter(school=school, ended_on__isnull=True)
        .exclude(Exists(Suspension.objects.filter(student=OuterRef("student"), ended_on__isnull=True)))
        .select_related("student", "school_class")
        .order_by("grade", "school_class__number", "student__name", "pk")
    )


def graduation_candidates(school):
    """Enrolled pupils in the school's last grade, not suspended and without an open request."""
    return (
        _open_spells(school)
        .filter(grade=max(school.grades))
        .exclude(student__change_requests__state__in=ChangeRequest.OPEN_STATES)
    )


def submit_graduations(school, *, actor):
    """One graduation request per candidate, all or none, each checked by the kind's rules and with its own
    history and approval step, written in bulk (transfers.batches); one audit event names them all. The
    school row is locked, so a second click waits and then finds nobody left to submit."""
    if not can_initiate(actor, school):
        raise PermissionDenied
    with transaction.atomic():
        school = type(school).objects.select_for_update().get(pk=school.pk)
        spells = list(graduation_candidates(school))
        if not spells:
            raise ChangeRefused(_("No pupil of the last grade is waiting to graduate."))
        try:
            requests = submit_requests(
                kind=ChangeRequest.Kind.GRADUATION, school=school, items=[(spell.student, {}) for spell in spells],
                actor=actor,
            )  # fmt: skip
        except RequestsRefused as refused:
            raise ChangeRefused("；".join(refused.problems.values())) from None
        events.graduations_submitted(school, actor=actor, requests=requests)
    return requests


def graduation_steps_awaiting(school, user):
    """The graduation steps of `school` now waiting for this officer's decision."""
    return requests_awaiting(user).filter(request__school=school, request__kind=ChangeRequest.Kind.GRADUATION)


def approve_graduations(school, *, actor, comment=""):
    """The town office approves every graduation of the school waiting for it, all or none, in bulk: the
    steps are decided by one conditional update (a step someone else decided meanwhile refuses the whole
    batch), each request is checked again by the kind's rules and takes its effect through the kind, and the
    decisions' and requests' history rows (naming the officer) are written with the bulk helpers. One audit
    event names every request; the archive files each decision as for a single approval."""
    with transaction.atomic():
        school = type(school).objects.select_for_update().get(pk=school.pk)
        steps = list(graduation_steps_awaiting(school, actor).select_related("request__student", "request__school"))
        if not steps:
            return 0
        if any(not can_decide(actor, step) for step in steps):
            raise PermissionDenied
        if ApprovalStep.objects.filter(  # graduation has a one-step chain; a later step would need its own turn
            request__in=[step.request_id for step in steps], decision=ApprovalStep.Decision.PENDING
        ).count() != len(steps):
            raise ChangeRefused(_("Some of these graduations wait for a further step; approve them one by one."))
        now = timezone.now()
        decided = ApprovalStep.objects.filter(
            pk__in=[step.pk for step in steps], decision=ApprovalStep.Decision.PENDING
        ).update(decision=ApprovalStep.Decision.APPROVED, decided_by=actor, decided_at=now, comment=comment)
        if decided != len(steps):
            raise ChangeRefused(_("Someone else decided some of these graduations meanwhile; reload the page."))
        kind = KINDS[ChangeRequest.Kind.GRADUATION]
        requests = [step.request for step in steps]
        with acting_as(actor, reason="graduation approved"):
            problems = []
            for request in requests:
                try:
                    kind.validate(request)
                except ChangeRefused as refusal:
                    problems.append(str(refusal))
            if problems:
                raise ChangeRefused("；".join(problems))
            for step in steps:
                step.decision, step.decided_by, step.decided_at, step.comment = (
                    ApprovalStep.Decision.APPROVED, actor, now, comment
                )  # fmt: skip
            ApprovalStep.history.bulk_history_create(
                steps, update=True, default_user=actor, default_change_reason="graduation approved"
            )
            for request in requests:
                request.state, request.closed_at = ChangeRequest.State.APPROVED, now
            bulk_update_with_history(
                requests, ChangeRequest, ["state", "closed_at"], default_user=actor,
                default_change_reason="graduation approved",
            )  # fmt: skip
            for request in requests:
                kind.apply(request, actor=actor)
                signals.request_approved.send(sender=ChangeRequest, request=request, actor=actor)
        events.graduations_approved(school, actor=actor, requests=requests)
    return len(steps)


def promotion_plan(school):
    """{(old class, new class number): [spells]} for every enrolled pupil below the last grade who is not
    suspended (a suspended pupil stays in their grade and joins the next cohort on resumption)."""
    plan = defaultdict(list)
    for spell in _open_spells(school).filter(grade__lt=max(school.grades)):
        plan[spell.school_class].append(spell)
    return dict(plan)


def promote_school(school, *, actor, today=None):
    """Move every pupil of the plan up one grade, into the class of the same number (created if missing):
    each old spell closes (promoted) and a new one opens, with history rows naming the actor. Refused if
    the school was already promoted this school year, so a second click cannot make anyone skip a grade."""
    if not can_initiate(actor, school):
        raise PermissionDenied
    today = today or timezone.localdate()
    year = school_year_of(today)
    with transaction.atomic(), acting_as(actor, reason="transfers.promotion", year=year):
        school = type(school).objects.select_for_update().get(pk=school.pk)
        already = EnrolmentSpell.objects.filter(
            school=school, entry_reason=EnrolmentSpell.EntryReason.PROMOTION, started_on__gte=date(year, 8, 1)
        )
        if already.exists():
            raise ChangeRefused(_("%(school)s was already promoted for the %(year)s school year.")
                                % {"school": school, "year": year})  # fmt: skip
        closed, opened = [], []
        for old_class, spells in promotion_plan(school).items():
            new_class, _created = SchoolClass.objects.get_or_create(
                school=school, grade=old_class.grade + 1, number=old_class.number,
                defaults={"entry_year": old_class.entry_year, "homeroom_teacher": old_class.homeroom_teacher},
            )  # fmt: skip
            for spell in spells:
                spell.ended_on, spell.exit_reason = today, EnrolmentSpell.ExitReason.PROMOTED
                closed.append(spell)
                opened.append(EnrolmentSpell(
                    student=spell.student, school=school, school_class=new_class, grade=new_class.grade,
                    started_on=today, entry_reason=EnrolmentSpell.EntryReason.PROMOTION,
                ))  # fmt: skip
        if not closed:
            raise ChangeRefused(_("No pupil of %(school)s can be promoted.") % {"school": school})
        reason = encode("transfers.promotion", year=year)
        bulk_update_with_history(
            closed, EnrolmentSpell, ["ended_on", "exit_reason"], default_user=actor, default_change_reason=reason
        )
        create_with_history(opened, EnrolmentSpell, actor=actor, reason=reason)
        events.school_promoted(school, actor=actor, pupils=len(opened), year=year)
    return len(opened)
