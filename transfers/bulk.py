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
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from audit.history import acting_as
from audit.reasons import encode
from registry.models import SchoolClass
from students.models import EnrolmentSpell, Suspension
from transfers import events
from transfers.kinds import ChangeRefused
from transfers.models import ChangeRequest
from transfers.selectors import requests_awaiting
from transfers.services import approve_step, can_initiate, submit_request


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
    """One graduation request per candidate, all or none, each with its own history and approval step."""
    if not can_initiate(actor, school):
        raise PermissionDenied
    with transaction.atomic():
        spells = list(graduation_candidates(school))
        if not spells:
            raise ChangeRefused(_("No pupil of the last grade is waiting to graduate."))
        return [
            submit_request(
                kind=ChangeRequest.Kind.GRADUATION, student=spell.student, school=school, payload={}, actor=actor
            )  # fmt: skip
            for spell in spells
        ]


def graduation_steps_awaiting(school, user):
    """The graduation steps of `school` now waiting for this officer's decision."""
    return requests_awaiting(user).filter(request__school=school, request__kind=ChangeRequest.Kind.GRADUATION)


def approve_graduations(school, *, actor, comment=""):
    """The town office approves every graduation of the school waiting for it, in one transaction."""
    with transaction.atomic():
        steps = list(graduation_steps_awaiting(school, actor).select_related("request"))
        for step in steps:
            approve_step(step, actor=actor, comment=comment)
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
        bulk_create_with_history(opened, EnrolmentSpell, default_user=actor, default_change_reason=reason)
        events.school_promoted(school, actor=actor, pupils=len(opened), year=year)
    return len(opened)
