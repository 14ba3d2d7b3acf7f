"""Reads of change requests, always scoped; and the duplicate checks of registration (一生一籍)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404

from registry.scoping import can, officer_authorities, schools_visible_to, schools_where
from students.models import EnrolmentSpell, Student
from students.pinyin import folded
from transfers.models import ApprovalStep, ChangeRequest


def requests_visible_to(user):
    """Requests of the schools in the user's scope: those they started, and those naming them as the other
    school (the sending school of a transfer, the home school of a guest study) — so each party of a
    transfer sees the request it decides on, and nothing else of the other school."""
    schools = schools_visible_to(user).values("pk")
    return ChangeRequest.objects.filter(Q(school__in=schools) | Q(counterpart_school__in=schools))


def deciding_schools(user) -> set[int]:
    """Ids of the schools whose steps this user decides: their school as its registrar or headteacher."""
    return {school.pk for school in schools_where(user, "request.decide_as_school")}


def requests_awaiting(user):
    """The steps now waiting for this user's decision: the first undecided step of each pending
    request, whose party is an authority the user is an officer of, or the school they are registrar or
    headteacher of (the sending school of a transfer); never the user's own requests."""
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
        )
        .filter(Q(authority__in=officer_authorities(user)) | Q(school__in=deciding_schools(user)))
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


def pupil_for_transfer(number, *, receiving_school):
    """The pupil with this ID number or national student number who is on another school's register, with
    that spell — or (None, None). A receiving school sees only the name, school and grade (DESIGN §4)."""
    number = number.strip().upper()
    if not number:
        return None, None
    student = Student.objects.filter(Q(id_number=number) | Q(national_number=number)).first()
    if student is None:
        return None, None
    spell = (
        EnrolmentSpell.objects.select_related("school", "school_class")
        .filter(student=student, ended_on__isnull=True)
        .exclude(school=receiving_school)
        .first()
    )
    return (student, spell) if spell is not None else (None, None)


def initiating_school(user, code):
    """The school `code` where `user` starts requests: 404 outside the user's scope, 403 without the right to
    initiate there (the pages a registrar starts from)."""
    school = get_object_or_404(schools_visible_to(user), code=code)
    if not can(user, "request.initiate", school):
        raise PermissionDenied
    return school
