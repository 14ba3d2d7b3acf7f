"""批量审核 from the queue (issue 17): the preview is the one confirmation; one decision per request through
the engine, with its history row, audit event and national number; a row with a problem is held back and
listed; two officers approving overlapping sets never decide a step twice."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from audit.models import Event
from registry.roles import Role
from registry.services import grant_role
from students.models import EnrolmentSpell
from tests.conftest import client_for
from tests.factories import GuardianFactory, StudentFactory, UserFactory
from tests.transfers.kinds_helpers import evidence, pupil_in
from transfers.bulk.services import submit_graduations
from transfers.events import STEP_APPROVED
from transfers.models import ApprovalStep, ChangeRequest, Evidence
from transfers.queue.bulk import approve_selected
from transfers.registration import register_pupil
from transfers.services import approve_step, current_step, submit_request


def _registrations(world, count, school_class=None):
    return [
        register_pupil(
            StudentFactory.build(national_number=None), GuardianFactory.build_batch(2, student=None),
            school_class or world.class_a, actor=world.users["registrar"],
        )  # fmt: skip
        for _ in range(count)
    ]


def _duplicate_of(world, pupil):
    """A registration of a child with the same name, birth date and sex as `pupil` (another ID number)."""
    twin = StudentFactory.build(national_number=None, name=pupil.name, birth_date=pupil.birth_date, sex=pupil.sex)
    return register_pupil(twin, GuardianFactory.build_batch(2, student=None), world.class_a,
                           actor=world.users["registrar"])  # fmt: skip


def test_thirty_registrations_with_one_confirmation_and_a_duplicate_held_back(client, world):
    requests = _registrations(world, 30)
    duplicate = _duplicate_of(world, world.pupils["sibling"])
    officer = client_for(client, world, "officer")
    queue = officer.get(reverse("approval_queue"), {"kind": "registration"}).content.decode()
    for request in [*requests, duplicate]:
        assert f'name="request" value="{request.pk}"' in queue
    chosen = {"request": [str(request.pk) for request in [*requests, duplicate]], "comment": "材料齐全"}
    url = reverse("bulk_approve") + "?kind=registration"

    preview = officer.post(url, chosen)
    page = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="confirm-page"' in page
    assert "批准 30 项申请" in page
    for request in requests:
        assert request.student.name in page
    held_line = next(line for line in page.splitlines() if duplicate.student.name in line and "暂缓" in line)
    assert world.school_b.name in held_line  # the school holding the same name, birth date and sex
    assert ApprovalStep.objects.filter(decision="approved").count() == 0  # the preview changes nothing
    assert page.count('name="request"') == 31 and '<input type="hidden" name="confirmed" value="1">' in page

    done = officer.post(url, {**chosen, "confirmed": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("approval_queue") + "?kind=registration&sort=due"
    page = done.content.decode()
    assert "已批准 30 项申请" in page
    assert "暂缓" in page and duplicate.student.name in page

    officer_user = world.users["officer"]
    for request in requests:
        request.refresh_from_db()
        request.student.refresh_from_db()
        assert request.state == ChangeRequest.State.APPROVED
        assert request.student.national_number == f"G{request.student.id_number}"
    steps = ApprovalStep.objects.filter(request__in=requests)
    assert steps.filter(decision="approved", decided_by=officer_user, comment="材料齐全").count() == 30
    history = ApprovalStep.history.filter(request_id__in=[r.pk for r in requests], decision="approved")
    assert history.filter(history_user=officer_user).count() == 30
    assert Event.objects.filter(action=STEP_APPROVED, actor=officer_user).count() == 30
    duplicate.refresh_from_db()
    duplicate.student.refresh_from_db()
    assert duplicate.state == ChangeRequest.State.PENDING and duplicate.student.national_number is None


def test_a_step_another_officer_decided_meanwhile_is_reported_not_decided_twice(world):
    requests = _registrations(world, 4)
    second = UserFactory(username="officer2")
    grant_role(second, Role.OFFICER, world.town1, actor=world.users["administrator"])
    ids = [request.pk for request in requests]
    approve_step(current_step(requests[1]), actor=second)  # the other officer was quicker on one of them

    outcome = approve_selected(world.users["officer"], ids)
    later = approve_selected(second, ids)  # and then bulk-approves the same four

    assert [request.pk for request in outcome.approved] == [ids[0], ids[2], ids[3]]
    assert [request.pk for request, _reason in outcome.not_decided] == [ids[1]]
    assert "officer2" in outcome.not_decided[0][1] or str(second) in outcome.not_decided[0][1]
    assert later.approved == [] and len(later.not_decided) == 4
    for request in requests:
        step = request.steps.get()
        assert step.decision == "approved"
        assert step.history.filter(decision="approved").count() == 1  # decided once, by one officer
    assert Event.objects.filter(action=STEP_APPROVED).count() == 4


def test_only_the_users_own_waiting_registrations_and_graduations_are_approved(client, world):
    elsewhere = world.registrations["other"]  # town 2: not the officer's
    mine = world.registrations["own"]
    outcome = approve_selected(world.users["officer"], [elsewhere.pk, mine.pk])
    assert outcome.approved == [mine] and outcome.not_decided == []  # another town's request is not even named
    elsewhere.refresh_from_db()
    assert elsewhere.state == ChangeRequest.State.PENDING


def test_nothing_approvable_goes_back_to_the_queue_with_the_reasons(client, world):
    duplicate = _duplicate_of(world, world.pupils["own"])
    officer = client_for(client, world, "officer")
    response = officer.post(reverse("bulk_approve"), {"request": [duplicate.pk]}, follow=True)
    page = response.content.decode()
    assert 'data-testid="confirm-page"' not in page and "暂缓" in page and world.school_a.name in page
    duplicate.refresh_from_db()
    assert duplicate.state == ChangeRequest.State.PENDING


def test_graduations_are_approved_in_bulk_and_other_kinds_are_not(world):
    leavers = [pupil_in(world.school_a, grade=6, number=1) for _ in range(2)]
    graduations = submit_graduations(world.school_a, actor=world.users["registrar"])
    ill = pupil_in(world.school_a, grade=3)
    suspension = submit_request(
        kind=ChangeRequest.Kind.SUSPENSION, student=ill, school=world.school_a, actor=world.users["registrar"],
        payload={"reason": "病休", "starts_on": "2026-12-01", "ends_on": "2027-06-30"},
        evidence=evidence(Evidence.Kind.MEDICAL_CERTIFICATE),
    )  # fmt: skip

    outcome = approve_selected(world.users["officer"], [request.pk for request in graduations] + [suspension.pk])

    assert {request.student for request in outcome.approved} == set(leavers)
    assert not EnrolmentSpell.objects.filter(student__in=leavers, ended_on__isnull=True).exists()  # graduated
    assert [(request.pk, reason) for request, reason in outcome.not_decided] == [
        (suspension.pk, "只有新生注册和毕业可以批量审核")
    ]
    suspension.refresh_from_db()
    assert suspension.state == ChangeRequest.State.PENDING


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_officers_bulk_approving_overlapping_sets_at_once_decide_each_step_once(world):
    requests = _registrations(world, 8)
    second = UserFactory(username="officer2")
    grant_role(second, Role.OFFICER, world.town1, actor=world.users["administrator"])
    ids = [request.pk for request in requests]
    sets = {world.users["officer"]: ids[:6], second: ids[2:]}  # ids[2:6] chosen by both
    barrier = threading.Barrier(2)
    outcomes = {}

    def bulk(officer):
        try:
            barrier.wait()
            outcomes[officer] = approve_selected(officer, sets[officer])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=bulk, args=(officer,)) for officer in sets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    approved = [request.pk for outcome in outcomes.values() for request in outcome.approved]
    reported = [request.pk for outcome in outcomes.values() for request, _reason in outcome.not_decided]
    assert sorted(approved) == sorted(ids)  # each request approved by exactly one of them
    assert sorted(approved + reported) == sorted(sets[world.users["officer"]] + sets[second])
    for request in requests:
        assert ApprovalStep.history.filter(request_id=request.pk, decision="approved").count() == 1
    assert Event.objects.filter(action=STEP_APPROVED).count() == 8
