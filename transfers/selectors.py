"""Reads of change requests, always scoped; and the duplicate checks of registration (一生一籍)."""

from django.db.models import Exists, F, OuterRef

from registry.scoping import officer_authorities, schools_visible_to
from students.models import EnrolmentSpell, Student
from students.pinyin import folded
from transfers.models import ApprovalStep, ChangeRequest


def requests_visible_to(user):
    """Requests of the schools in the user's scope."""
    return ChangeRequest.objects.filter(school__in=schools_visible_to(user).values("pk"))


def requests_awaiting(user):
    """The steps now waiting for this user's decision: the first undecided step of each pending
    request, whose party is an authority the user is an officer of; never the user's own requests."""
    earlier_undecided = ApprovalStep.objects.filter(
        request=OuterRef("request"),
        round=OuterRef("round"),
        position__lt=OuterRef("position"),
        decision=ApprovalStep.Decision.PENDING,
    )
    return (
        ApprovalStep.objects.filter(
            decision=ApprovalStep.Decision.PENDING,
            request__state=ChangeRequest.State.PENDING,
            round=F("request__round"),
            authority__in=officer_authorities(user),
        )
        .exclude(Exists(earlier_undecided))
        .exclude(request__initiated_by=user)
    )


def id_number_holder(id_number, *, exclude=None):
    """The school holding a record with this ID number (its register, or its pending registration), or
    None. Only the school is named: nothing else of another school's data is shown (DOMAIN Registration 5)."""
    holders = Student.objects.filter(id_number=id_number)
    if exclude is not None:
        holders = holders.exclude(pk=exclude.pk)
    holder = holders.first()
    if holder is None:
        return None
    spell = EnrolmentSpell.objects.filter(student=holder).select_related("school").order_by("-started_on").first()
    if spell is not None:
        return spell.school
    request = ChangeRequest.objects.filter(student=holder).select_related("school").order_by("-pk").first()
    return request.school if request is not None else None


def possible_duplicates(*, name, birth_date, sex, exclude=None):
    """Schools holding a pupil with the same name (simplified and traditional characters folded), birth date
    and sex: a warning to confirm, not a stop (DOMAIN Registration 5)."""
    same = Student.objects.filter(name_folded=folded(name), birth_date=birth_date, sex=sex)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    schools = []
    for student in same[:5]:
        spell = EnrolmentSpell.objects.filter(student=student).select_related("school").order_by("-started_on").first()
        request = ChangeRequest.objects.filter(student=student).select_related("school").order_by("-pk").first()
        school = spell.school if spell else (request.school if request else None)
        if school is not None and school not in schools:
            schools.append(school)
    return schools
