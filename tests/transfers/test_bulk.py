"""Graduation in bulk (submitted by the school, approved by the town office together) and promotion."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from audit.models import Event
from registry.models import SchoolClass
from students.models import EnrolmentSpell, Suspension
from tests.transfers.kinds_helpers import pupil_in
from transfers.bulk.services import (
    approve_graduations,
    graduation_candidates,
    promote_school,
    promotion_plan,
    submit_graduations,
)
from transfers.kinds import ChangeRefused
from transfers.models import ChangeRequest


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are matched in English (the msgids); the UI shows them in Chinese."""
    with translation.override("en"):
        yield


def test_graduation_previews_submits_and_approves_the_last_grade(world):
    leavers = [pupil_in(world.school_a, grade=6, number=1) for _ in range(3)]
    staying = pupil_in(world.school_a, grade=5)
    suspended = pupil_in(world.school_a, grade=6, number=1)
    Suspension.objects.create(student=suspended, started_on=date(2026, 9, 1), ends_on=date(2027, 6, 1), reason="病休")
    assert {spell.student for spell in graduation_candidates(world.school_a)} == set(leavers)

    requests = submit_graduations(world.school_a, actor=world.users["registrar"])
    assert {request.student for request in requests} == set(leavers)
    (event,) = Event.objects.filter(action="transfers.graduations.submitted")  # one event for the job
    assert event.data == {"pupils": 3, "requests": [[request.student_id, request.pk] for request in requests]}
    assert not Event.objects.filter(action="transfers.request.submitted", target_type="transfers.changerequest",
                                    target_id__in=[str(request.pk) for request in requests]).exists()  # fmt: skip
    for request in requests:  # each request and its step still has its history naming the registrar
        assert request.history.get().history_user == world.users["registrar"]
        assert request.steps.get().history.get().history_change_reason == "graduation submitted"
    assert not graduation_candidates(world.school_a).exists()  # no second request for the same pupils
    with pytest.raises(ChangeRefused):
        submit_graduations(world.school_a, actor=world.users["registrar"])

    assert approve_graduations(world.school_a, actor=world.users["officer"]) == 3
    (approved,) = Event.objects.filter(action="transfers.graduations.approved")  # one event for the job
    assert sorted(approved.data["requests"]) == sorted([request.student_id, request.pk] for request in requests)
    assert not Event.objects.filter(action__in=["transfers.step.approved", "transfers.request.approved"]).filter(
        target_id__in=[str(request.pk) for request in requests]).exists()  # fmt: skip
    for request in requests:
        request.refresh_from_db()
        latest = request.history.first()
        assert (latest.state, latest.history_user, latest.history_change_reason) == (
            "approved", world.users["officer"], "graduation approved")  # fmt: skip
        step = request.steps.get()
        assert (step.decision, step.decided_by) == ("approved", world.users["officer"])
        assert step.history.first().decision == "approved"
        assert request.student.spells.get().history.first().history_user == world.users["officer"]
    for pupil in leavers:
        assert pupil.spells.get().exit_reason == EnrolmentSpell.ExitReason.GRADUATED
    assert staying.spells.get().ended_on is None
    assert ChangeRequest.objects.filter(kind="graduation", state="approved").count() == 3


def test_promotion_moves_every_pupil_up_one_grade_once_a_school_year(world):
    pupils = [pupil_in(world.school_a, grade=grade, number=2) for grade in (1, 2, 5)]
    leaver = pupil_in(world.school_a, grade=6, number=2)
    suspended = pupil_in(world.school_a, grade=3, number=2)
    Suspension.objects.create(student=suspended, started_on=date(2026, 9, 1), ends_on=date(2027, 6, 1), reason="病休")
    plan = promotion_plan(world.school_a)
    assert sum(len(spells) for spells in plan.values()) == 4  # world's own pupil (grade 1) and the three

    with CaptureQueriesContext(connection) as few:
        count = promote_school(world.school_a, actor=world.users["registrar"], today=date(2027, 8, 25))
    assert count == 4
    for pupil, grade in zip(pupils, (2, 3, 6), strict=True):
        spell = pupil.spells.get(ended_on__isnull=True)
        assert (spell.grade, spell.school_class.grade, spell.school_class.number) == (grade, grade, 2)
        assert spell.entry_reason == EnrolmentSpell.EntryReason.PROMOTION
        assert spell.history.get().history_user == world.users["registrar"]
    assert leaver.spells.get().grade == 6
    assert suspended.spells.get().grade == 3
    assert SchoolClass.objects.filter(school=world.school_a, grade=6, number=2).count() == 1

    with pytest.raises(ChangeRefused, match="already promoted"):
        promote_school(world.school_a, actor=world.users["registrar"], today=date(2027, 9, 2))
    assert len(few.captured_queries) < 60


def test_promotion_queries_do_not_grow_with_pupils(world):
    def promote_queries(school, pupils):
        for _ in range(pupils):
            pupil_in(school, grade=2, number=1)
        with CaptureQueriesContext(connection) as queries:
            promote_school(school, actor=world.users["registrar"], today=date(2027, 8, 25))
        return len(queries.captured_queries)

    from registry.roles import Role
    from registry.services import grant_role
    from tests.factories import SchoolFactory, UserFactory

    warm, small, large = (SchoolFactory(authority=world.town1) for _ in range(3))
    registrar = UserFactory()
    for school in (warm, small, large):
        grant_role(registrar, Role.REGISTRAR, school, actor=world.users["administrator"])
    world.users["registrar"] = registrar
    promote_queries(warm, 1)  # first use fills per-process caches (content types)
    assert promote_queries(small, 2) == promote_queries(large, 20)
