"""Ten officers approving one request at the same moment: one decision, one history row (PostgreSQL)."""

import threading

import pytest
from django.db import connections

from registry.roles import Role
from registry.services import grant_role
from tests.factories import UserFactory
from transfers.kinds import ChangeRefused
from transfers.models import ApprovalStep
from transfers.services import approve_step, current_step


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_approvals_make_one_decision(world):
    officers = [world.users["officer"]]
    for n in range(9):
        officer = UserFactory(username=f"officer_{n}")
        grant_role(officer, Role.OFFICER, world.town1, actor=world.users["administrator"])
        officers.append(officer)
    request = world.registrations["own"]
    step = current_step(request)
    barrier = threading.Barrier(len(officers))
    outcomes = []

    def decide(officer):
        try:
            barrier.wait()
            approve_step(ApprovalStep.objects.get(pk=step.pk), actor=officer)
            outcomes.append("approved")
        except ChangeRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved"] + ["refused"] * 9
    assert ApprovalStep.history.filter(id=step.pk, decision="approved").count() == 1
    request.student.refresh_from_db()
    assert request.student.spells.count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_class_changes_into_a_class_with_one_place_left_move_one_pupil(world):
    """The class-size cap holds under concurrent clicks: each class change locks its school while it counts."""
    from tests.factories import EnrolmentSpellFactory, SchoolClassFactory
    from transfers.services import submit_request

    world.school_a.class_size_cap = 2
    world.school_a.save()
    source = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    target = SchoolClassFactory(school=world.school_a, grade=3, number=2)
    EnrolmentSpellFactory(school_class=target)
    pupils = [EnrolmentSpellFactory(school_class=source).student for _ in range(5)]
    barrier = threading.Barrier(len(pupils))
    outcomes = []

    def move(pupil):
        try:
            barrier.wait()
            submit_request(kind="class_change", student=pupil, school=world.school_a, actor=world.users["registrar"],
                           payload={"school_class": target.pk, "reason": "调班"})  # fmt: skip
            outcomes.append("moved")
        except ChangeRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(pupil,)) for pupil in pupils]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["moved"] + ["refused"] * 4
    assert target.spells.filter(ended_on__isnull=True).count() == 2
