"""Races on a three-step transfer (school A → town 1 → town 2), on PostgreSQL with real threads: two officers
deciding the same step at once, the final approval against a withdrawal, two approvals of the last step.
Each time exactly one click decides, the other gets the rule's message, and nothing is applied twice."""

import threading

import pytest
from django.db import connections
from django.utils import translation

from registry.roles import Role
from registry.services import grant_role
from tests.factories import SchoolClassFactory, UserFactory
from tests.transfers.kinds_helpers import approve_all, pupil_in
from transfers.kinds import ChangeRefused
from transfers.models import ApprovalStep, ChangeRequest
from transfers.services import approve_step, current_step, reject_step, submit_request, withdraw_request

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def transfer(world):
    """A transfer of a grade-3 pupil from school A to school C, submitted; two officers in each town."""
    for town, names in ((world.town1, ("officer1b",)), (world.town2, ("officer2", "officer2b"))):
        for name in names:
            world.users[name] = UserFactory(username=name)
            grant_role(world.users[name], Role.OFFICER, town, actor=world.users["administrator"])
    world.users["registrar_c"] = UserFactory(username="registrar_other")  # school C's registrar, from `world`
    world.pupil = pupil_in(world.school_a, grade=3)
    target = SchoolClassFactory(school=world.school_c, grade=3)
    return submit_request(
        kind=ChangeRequest.Kind.TRANSFER, student=world.pupil, school=world.school_c,
        counterpart_school=world.school_a, payload={"school_class": target.pk, "grade": 3, "reason": "随父母迁居"},
        actor=world.users["registrar_c"],
    )  # fmt: skip


def _at_once(*clicks):
    """Run each click in its own thread and connection, released together; their outcomes, in order:
    "done" or the refusal's message (in English)."""
    barrier = threading.Barrier(len(clicks))
    outcomes = [None] * len(clicks)

    def run(n, click):
        try:
            with translation.override("en"):
                barrier.wait()
                click()
                outcomes[n] = "done"
        except ChangeRefused as refused:
            outcomes[n] = str(refused)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, click)) for n, click in enumerate(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _step(request):
    return ApprovalStep.objects.get(pk=current_step(request).pk)


def test_an_approval_and_a_rejection_of_the_same_step_at_once_make_one_decision(transfer, world):
    request = approve_all(transfer, world.users["registrar"])
    step = current_step(request)
    assert step.authority == world.town1
    approved, rejected = _at_once(
        lambda: approve_step(_step(request), actor=world.users["officer"]),
        lambda: reject_step(_step(request), actor=world.users["officer1b"], reason="材料不全"),
    )
    step.refresh_from_db()
    request.refresh_from_db()
    assert sorted([approved == "done", rejected == "done"]) == [False, True]
    if approved == "done":
        assert step.decision == ApprovalStep.Decision.APPROVED
        assert rejected.startswith(f"{world.users['officer']} already decided this step (Approved)")
        assert (request.state, current_step(request).authority) == (ChangeRequest.State.PENDING, world.town2)
    else:
        assert step.decision == ApprovalStep.Decision.REJECTED
        assert approved.startswith(f"{world.users['officer1b']} already decided this step (Rejected)")
        assert request.state == ChangeRequest.State.RETURNED
    assert ApprovalStep.history.filter(id=step.pk).exclude(decision=ApprovalStep.Decision.PENDING).count() == 1


def test_the_final_approval_racing_a_withdrawal_has_one_outcome(transfer, world):
    request = approve_all(transfer, world.users["registrar"], world.users["officer"])
    approved, withdrawn = _at_once(
        lambda: approve_step(_step(request), actor=world.users["officer2"]),
        lambda: withdraw_request(request, actor=world.users["registrar_c"], reason="家长决定不转学"),
    )
    request.refresh_from_db()
    assert sorted([approved == "done", withdrawn == "done"]) == [False, True]
    spells = world.pupil.spells.order_by("pk")
    if approved == "done":
        assert request.state == ChangeRequest.State.APPROVED
        assert withdrawn == "This request is already closed (Approved)."
        assert [spell.school for spell in spells] == [world.school_a, world.school_c]
    else:
        assert request.state == ChangeRequest.State.WITHDRAWN
        assert approved == "This request is already closed (Withdrawn by the school)."
        assert [spell.school for spell in spells] == [world.school_a]
        assert spells.get().ended_on is None


def test_two_approvals_of_the_last_step_apply_the_transfer_once(transfer, world):
    request = approve_all(transfer, world.users["registrar"], world.users["officer"])
    first, second = _at_once(
        lambda: approve_step(_step(request), actor=world.users["officer2"]),
        lambda: approve_step(_step(request), actor=world.users["officer2b"]),
    )
    assert sorted([first, second]).count("done") == 1
    winner = world.users["officer2"] if first == "done" else world.users["officer2b"]
    loser_message = second if first == "done" else first
    assert loser_message.startswith(f"{winner} already decided this step (Approved)")
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.APPROVED
    assert [spell.school for spell in world.pupil.spells.order_by("pk")] == [world.school_a, world.school_c]
