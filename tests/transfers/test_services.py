"""The approval engine with the registration kind: submit, approve, reject, amend and resubmit."""

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from audit.models import Event
from audit.reasons import render
from students.identity import make_id_number
from students.models import EnrolmentSpell
from tests.conftest import PDF
from tests.factories import GuardianFactory, SchoolClassFactory, StudentFactory, UserFactory
from tests.transfers.kinds_helpers import evidence, pupil_in
from transfers.kinds import ChangeRefused
from transfers.models import ApprovalStep, ChangeRequest, Evidence
from transfers.registration import register_pupil
from transfers.selectors import requests_awaiting
from transfers.services import (
    AlreadyDecided,
    approve_step,
    current_step,
    reject_step,
    resubmit_request,
    submit_request,
    withdraw_request,
)


def test_registration_waits_for_the_town_office_with_a_15_working_day_deadline(world):
    request = world.registrations["own"]
    step = current_step(request)
    assert (request.state, step.authority, step.school) == ("pending", world.town1, None)
    assert step.due_on is not None
    assert request.student.national_number is None
    assert not request.student.spells.exists()
    assert list(requests_awaiting(world.users["officer"])) == [step, current_step(world.registrations["sibling"])]


def test_approval_gives_the_national_number_and_an_open_spell(world):
    request = world.registrations["own"]
    officer = world.users["officer"]
    approve_step(current_step(request), actor=officer, comment="材料齐全")
    request.refresh_from_db()
    student = request.student
    student.refresh_from_db()
    assert request.state == ChangeRequest.State.APPROVED
    assert student.national_number == f"G{student.id_number}"
    spell = student.spells.get()
    assert (spell.school, spell.school_class, spell.ended_on) == (world.school_a, world.class_a, None)
    assert spell.entry_reason == EnrolmentSpell.EntryReason.REGISTRATION
    # history names the officer, for the decision and for its effect
    assert student.history.latest().history_user == officer
    assert spell.history.get().history_user == officer
    step_history = ApprovalStep.history.filter(id=request.steps.get().pk).latest()
    assert (step_history.decision, step_history.history_user) == ("approved", officer)
    actions = list(Event.objects.filter(target_type="transfers.changerequest", target_id=str(request.pk))
                   .values_list("action", flat=True))  # fmt: skip
    assert actions == ["transfers.request.submitted", "transfers.step.approved", "transfers.request.approved"]


def test_rejection_returns_to_the_school_which_amends_and_resubmits(world):
    request = world.registrations["own"]
    reject_step(current_step(request), actor=world.users["officer"], reason="户口簿复印件不清晰")
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.RETURNED
    assert current_step(request) is None
    assert not requests_awaiting(world.users["officer"]).filter(request=request).exists()

    resubmit_request(request, actor=world.users["registrar"])
    request.refresh_from_db()
    assert (request.state, request.round) == ("pending", 2)
    assert current_step(request).round == 2
    assert request.steps.filter(round=1).get().comment == "户口簿复印件不清晰"


def test_rejection_needs_a_reason(world):
    request = world.registrations["own"]
    with (
        translation.override("en"),
        pytest.raises(ChangeRefused, match=r"^Give the reason for the rejection; the school sees it\.$"),
    ):
        reject_step(current_step(request), actor=world.users["officer"], reason="  ")
    request.refresh_from_db()
    assert request.state == "pending"


def test_second_decision_is_refused_naming_who_decided(world):
    request = world.registrations["own"]
    step = current_step(request)
    approve_step(step, actor=world.users["officer"])
    other_officer = UserFactory(full_name="另一位审核员")
    from registry.roles import Role
    from registry.services import grant_role

    grant_role(other_officer, Role.OFFICER, world.town1, actor=world.users["administrator"])
    with pytest.raises(AlreadyDecided, match=str(world.users["officer"])):
        reject_step(step, actor=other_officer, reason="重复")
    assert ApprovalStep.history.filter(id=step.pk, decision="approved").count() == 1


def test_a_second_decision_is_refused_saying_who_decided_what_and_when(world):
    request = world.registrations["own"]
    step = current_step(request)
    approve_step(step, actor=world.users["officer"])
    decided_at = datetime(2026, 10, 12, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    ApprovalStep.objects.filter(pk=step.pk).update(decided_at=decided_at)  # decided on an earlier day
    with translation.override("en"), pytest.raises(AlreadyDecided) as refused:
        reject_step(ApprovalStep.objects.get(pk=step.pk), actor=world.users["officer"], reason="重复")
    assert str(refused.value) == f"{world.users['officer']} already decided this step (Approved) at 2026-10-12 09:05."


def test_only_the_party_decides_never_the_initiator(world):
    request = world.registrations["own"]
    for role in ("registrar", "headteacher", "administrator"):
        with pytest.raises(PermissionDenied):
            approve_step(current_step(request), actor=world.users[role])
    officer = world.users["officer"]
    from registry.roles import Role
    from registry.services import grant_role

    grant_role(officer, Role.REGISTRAR, world.school_a, actor=world.users["administrator"])
    own = register_pupil(
        StudentFactory.build(national_number=None), GuardianFactory.build_batch(2, student=None), world.class_a,
        actor=officer,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        approve_step(current_step(own), actor=officer)


def test_one_open_request_per_pupil(world):
    request = world.registrations["own"]
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(
            kind="registration", student=request.student, school=world.school_a, initiated_by=request.initiated_by,
            submitted_at=request.submitted_at,
        )  # fmt: skip


def _reason(history_row):
    """A history row's change reason as an English reader sees it."""
    with translation.override("en"):
        return render(history_row.history_change_reason)


def test_the_pupils_history_and_the_audit_log_say_which_request_the_officer_approved(world):
    request = world.registrations["own"]
    officer = world.users["officer"]
    step = current_step(request)
    approve_step(step, actor=officer)  # no comment given
    step.refresh_from_db()
    assert step.comment == ""
    student = request.student
    assert _reason(student.history.latest()) == f"request #{request.pk} approved"
    assert _reason(student.spells.get().history.get()) == f"request #{request.pk} approved"
    decided = Event.objects.filter(target_type="transfers.changerequest", target_id=str(request.pk))
    assert {event.action: event.actor for event in decided.exclude(action="transfers.request.submitted")} == {
        "transfers.step.approved": officer,
        "transfers.request.approved": officer,
    }


def test_the_final_approval_sees_the_commitment_letter_of_an_under_age_pupil(world):
    """The last approval checks the kind's rules again, with the evidence the request has: a grade-1 child
    under six registered with the parents' commitment letter is approved, not refused for want of it."""
    young = date(2020, 9, 2)
    request = register_pupil(
        StudentFactory.build(national_number=None, sex="2", birth_date=young,
                             id_number=make_id_number("341199", young, 555, "2")),
        GuardianFactory.build_batch(2, student=None), SchoolClassFactory(school=world.school_a, grade=1),
        actor=world.users["registrar"], evidence=evidence(Evidence.Kind.COMMITMENT_LETTER),
    )  # fmt: skip
    officer = world.users["officer"]
    reject_step(current_step(request), actor=officer, reason="户口簿复印件不清晰")
    request = resubmit_request(request, actor=world.users["registrar"])  # the letter stays attached
    approve_step(current_step(request), actor=officer)
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.APPROVED
    assert request.student.spells.get().grade == 1


def test_only_a_returned_request_is_resubmitted_with_its_new_evidence_under_the_registrars_name(world):
    request = world.registrations["own"]
    registrar = world.users["registrar"]
    with (
        translation.override("en"),
        pytest.raises(ChangeRefused, match=r"^Only a returned request can be resubmitted\.$"),
    ):
        resubmit_request(request, actor=registrar)
    reject_step(current_step(request), actor=world.users["officer"], reason="照片不清晰")
    resubmit_request(request, actor=registrar, evidence=evidence(Evidence.Kind.HOUSEHOLD_PROOF, "户口簿.pdf"))
    request.refresh_from_db()
    added = request.evidence.get(kind=Evidence.Kind.HOUSEHOLD_PROOF)
    assert (added.original_name, added.uploaded_by) == ("户口簿.pdf", registrar)
    resubmitted = Event.objects.get(action="transfers.request.resubmitted")
    assert (resubmitted.actor, resubmitted.data) == (registrar, {"kind": "registration", "round": 2})
    latest = request.history.latest()
    assert (latest.history_user, _reason(latest)) == (registrar, f"request #{request.pk} resubmitted")
    assert current_step(request).history.get().history_user == registrar


def test_a_withdrawal_needs_a_reason_and_is_recorded_with_it_naming_the_step_that_waited(world):
    request = world.registrations["own"]
    registrar = world.users["registrar"]
    waiting = current_step(request)
    with translation.override("en"):
        with pytest.raises(ChangeRefused, match=r"^Give the reason for withdrawing the request\.$"):
            withdraw_request(request, actor=registrar, reason="  ")
        withdraw_request(request, actor=registrar, reason=" 家长决定暂缓入学 ")
        with pytest.raises(ChangeRefused, match=r"^This request is already closed \(Withdrawn by the school\)\.$"):
            withdraw_request(request, actor=registrar, reason="再次撤回")
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.WITHDRAWN
    assert request.closed_at is not None
    latest = request.history.latest()
    assert (latest.history_user, _reason(latest)) == (registrar, f"request #{request.pk} withdrawn")
    event = Event.objects.get(action="transfers.request.withdrawn")
    assert (event.actor, event.data) == (registrar, {"kind": "registration", "reason": "家长决定暂缓入学",
                                                     "step": waiting.pk})  # fmt: skip


def test_the_history_and_the_audit_log_say_who_submitted_and_who_rejected_the_request(world):
    request = world.registrations["own"]
    registrar, officer = world.users["registrar"], world.users["officer"]
    first = request.history.earliest()
    assert (first.history_user, _reason(first)) == (registrar, "New-student registration submitted")
    assert Event.objects.get(action="transfers.request.submitted", target_id=str(request.pk)).actor == registrar
    reject_step(current_step(request), actor=officer, reason=" 照片不清晰 ")
    request.refresh_from_db()
    latest = request.history.latest()
    assert (latest.history_user, _reason(latest)) == (officer, f"request #{request.pk} rejected")
    rejected = Event.objects.get(action="transfers.step.rejected")
    assert (rejected.actor, rejected.data["reason"]) == (officer, "照片不清晰")


def _withdrawal(world, pupil, proof=Evidence.Kind.APPLICATION):
    return submit_request(
        kind=ChangeRequest.Kind.WITHDRAWAL, student=pupil, school=world.school_a,
        payload={"reason_code": "abroad", "reason": "随父母出国定居"}, actor=world.users["registrar"],
        evidence=evidence(proof, name="申" * 250 + ".pdf") if proof else (),
    )  # fmt: skip


def test_a_request_is_refused_without_its_evidence_or_while_another_is_open_saying_which(world):
    pupil = pupil_in(world.school_a)
    with (
        translation.override("en"),
        pytest.raises(
            ChangeRefused, match=r"^Attach the evidence this change needs: Guardian's written application\.$"
        ),
    ):
        _withdrawal(world, pupil, proof=None)
    today = timezone.localdate()
    submit_request(
        kind=ChangeRequest.Kind.SUSPENSION, student=pupil, school=world.school_a, actor=world.users["registrar"],
        payload={"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat(), "reason": "病休"},
        evidence=evidence(Evidence.Kind.MEDICAL_CERTIFICATE),
    )  # fmt: skip
    message = (
        f"^{pupil.name} already has an open request \\(Suspension, Under review\\); finish or withdraw it first\\.$"
    )
    with translation.override("en"), pytest.raises(ChangeRefused, match=message):
        _withdrawal(world, pupil)
    assert list(pupil.change_requests.values_list("kind", flat=True)) == ["suspension"]


def test_the_evidence_is_stored_as_uploaded_with_a_long_file_name_cut_to_200_characters(world):
    request = _withdrawal(world, pupil_in(world.school_a))
    stored = request.evidence.get()
    assert (stored.kind, stored.original_name, stored.content_type, stored.size, stored.sha256, stored.uploaded_by) == (
        "application", "申" * 200, "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest(),
        world.users["registrar"],
    )  # fmt: skip
    with stored.file.open("rb") as stored_file:
        assert stored_file.read() == PDF


def test_an_amendment_into_grade_1_counts_the_commitment_letter_it_brings(world):
    """A registration returned and resubmitted into a grade-1 class, with the under-age child's letter
    added at the resubmission: the rules see the letter being added as well as the evidence kept."""
    young = date(2020, 9, 2)
    registrar = world.users["registrar"]
    request = register_pupil(
        StudentFactory.build(national_number=None, sex="2", birth_date=young,
                             id_number=make_id_number("341199", young, 557, "2")),
        GuardianFactory.build_batch(2, student=None), SchoolClassFactory(school=world.school_a, grade=2),
        actor=registrar, evidence=evidence(Evidence.Kind.HOUSEHOLD_PROOF),
    )  # fmt: skip
    reject_step(current_step(request), actor=world.users["officer"], reason="年龄不符，应入一年级")
    grade_one = SchoolClassFactory(school=world.school_a, grade=1)
    with translation.override("en"), pytest.raises(ChangeRefused, match="commitment letter"):
        resubmit_request(request, actor=registrar, payload={"school_class": grade_one.pk, "grade": 1})
    request = resubmit_request(
        request, actor=registrar, payload={"school_class": grade_one.pk, "grade": 1},
        evidence=evidence(Evidence.Kind.COMMITMENT_LETTER),
    )  # fmt: skip
    assert (request.state, request.round) == (ChangeRequest.State.PENDING, 2)
