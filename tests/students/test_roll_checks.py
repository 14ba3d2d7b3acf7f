"""The semester roll reconciliation services: counts from spells as of the check date, naming the
differences, submit, sign (headteacher only, reasons first, snapshot and hash), receive, reopen."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from registry.models import SchoolClass
from students.models import EnrolmentSpell, RollCheck
from students.rollcheck.services import (
    RollCheckRefused,
    add_unregistered,
    class_rolls,
    explain,
    mark_absent,
    receive_roll_check,
    reopen_roll_check,
    set_headcounts,
    sign_roll_check,
    snapshot_hash,
    start_roll_check,
    submit_roll_check,
)
from tests.factories import EnrolmentSpellFactory, SemesterFactory

CHECK_DATE = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def check(world):
    """School A's autumn 2026 reconciliation: class A with the world's pupil plus three more."""
    for _ in range(3):
        EnrolmentSpellFactory(school_class=world.class_a)
    semester = SemesterFactory(school_year=2026)
    return start_roll_check(world.school_a, semester, actor=world.users["registrar"], check_date=CHECK_DATE)


def _roll(check, world):
    return next(roll for roll in class_rolls(check, with_pupils=True) if roll.school_class == world.class_a)


def _ready_to_submit(check, world):
    """Class A: 4 on the register, 4 present — one absent pupil and one unregistered child named."""
    roll = _roll(check, world)
    registrar = world.users["registrar"]
    set_headcounts(check, {c.school_class_id: 0 for c in check.classes.all()} | {world.class_a.pk: 4}, actor=registrar)
    absent = mark_absent(check, roll.pupils[0], actor=registrar, reason="随父母搬家", action="transfer_out_external")
    child = add_unregistered(check, world.class_a, "王小明", actor=registrar)
    return absent, child


def test_the_register_is_counted_from_spells_as_of_the_check_date(check, world):
    EnrolmentSpellFactory(school_class=world.class_a, started_on=date(2026, 11, 1))  # came later
    left = EnrolmentSpellFactory(school_class=world.class_a, started_on=date(2026, 9, 1))
    EnrolmentSpell.objects.filter(pk=left.pk).update(ended_on=date(2026, 10, 20), exit_reason="withdrawn")
    gone = EnrolmentSpellFactory(school_class=world.class_a, started_on=date(2026, 9, 1))
    EnrolmentSpell.objects.filter(pk=gone.pk).update(ended_on=date(2026, 10, 1), exit_reason="withdrawn")
    roll = _roll(check, world)
    assert roll.registered == 5  # 4 + the one who left after the check date
    assert {s.student for s in roll.pupils} == {
        s.student
        for s in EnrolmentSpell.objects.filter(school_class=world.class_a).exclude(pk=gone.pk)
        if s.started_on <= CHECK_DATE
    }


def test_submission_needs_every_class_counted_and_every_difference_named(check, world):
    registrar = world.users["registrar"]
    with pytest.raises(RollCheckRefused, match="Enter the number present"):
        submit_roll_check(check, actor=registrar)
    set_headcounts(check, {c.school_class_id: 0 for c in check.classes.all()} | {world.class_a.pk: 3}, actor=registrar)
    with pytest.raises(RollCheckRefused, match="4 on the register, 3 present — name the 1"):
        submit_roll_check(check, actor=registrar)
    mark_absent(check, _roll(check, world).pupils[0], actor=registrar)
    submit_roll_check(check, actor=registrar)
    check.refresh_from_db()
    assert check.state == RollCheck.State.SUBMITTED


def test_only_the_headteacher_signs_and_not_while_a_reason_is_missing(check, world):
    absent, child = _ready_to_submit(check, world)
    submit_roll_check(check, actor=world.users["registrar"])
    with pytest.raises(PermissionDenied):
        sign_roll_check(check, actor=world.users["registrar"])
    with pytest.raises(PermissionDenied):
        sign_roll_check(check, actor=world.users["officer"])
    with pytest.raises(RollCheckRefused, match="王小明"):
        sign_roll_check(check, actor=world.users["headteacher"])
    explain(child, actor=world.users["headteacher"], reason="随父母务工来本镇，尚未转入", action="guest_study")
    signature = sign_roll_check(check, actor=world.users["headteacher"])
    check.refresh_from_db()
    assert check.state == RollCheck.State.SIGNED
    assert signature.signed_by == world.users["headteacher"]
    assert signature.snapshot_hash == snapshot_hash(signature.snapshot)
    class_a = next(c for c in signature.snapshot["classes"] if c["registered"])
    assert (class_a["registered"], class_a["present"], len(class_a["pupils"])) == (4, 4, 4)
    assert class_a["absent"][0]["reason"] == "随父母搬家"
    with pytest.raises(RollCheckRefused, match="Signed by the headteacher"):
        mark_absent(check, _roll(check, world).pupils[1], actor=world.users["registrar"])
    with pytest.raises(RollCheckRefused):
        sign_roll_check(check, actor=world.users["headteacher"])  # a second click signs nothing more
    assert check.signatures.count() == 1


def test_a_pupil_transferred_after_the_signature_does_not_change_what_was_signed(check, world):
    absent, child = _ready_to_submit(check, world)
    explain(child, actor=world.users["registrar"], reason="借读", action="guest_study")
    submit_roll_check(check, actor=world.users["registrar"])
    signature = sign_roll_check(check, actor=world.users["headteacher"])
    frozen, digest = signature.snapshot, signature.snapshot_hash
    spell = EnrolmentSpell.objects.get(student=absent.student, ended_on__isnull=True)
    EnrolmentSpell.objects.filter(pk=spell.pk).update(ended_on=date(2026, 10, 10), exit_reason="transferred_out")
    signature.refresh_from_db()
    assert (signature.snapshot, signature.snapshot_hash) == (frozen, digest)
    assert snapshot_hash(signature.snapshot) == digest
    assert _roll(check, world).registered == 3  # the live count moved; the signed one did not


def test_the_town_office_receives_and_reopens_keeping_the_signed_version(check, world):
    absent, child = _ready_to_submit(check, world)
    explain(child, actor=world.users["registrar"], reason="借读", action="guest_study")
    submit_roll_check(check, actor=world.users["registrar"])
    first = sign_roll_check(check, actor=world.users["headteacher"])
    with pytest.raises(PermissionDenied):
        reopen_roll_check(check, actor=world.users["headteacher"], reason="重新核对")
    receive_roll_check(check, actor=world.users["officer"])
    with pytest.raises(RollCheckRefused, match="reason"):
        reopen_roll_check(check, actor=world.users["officer"], reason=" ")
    reopen_roll_check(check, actor=world.users["officer"], reason="三年级人数有误，请重新核对")
    check.refresh_from_db()
    first.refresh_from_db()
    assert check.state == RollCheck.State.DRAFT
    assert first.superseded_by == world.users["officer"] and first.snapshot_hash
    submit_roll_check(check, actor=world.users["registrar"])
    second = sign_roll_check(check, actor=world.users["headteacher"])
    assert check.signatures.count() == 2 and second.pk != first.pk


def test_reconciling_takes_the_same_queries_for_a_small_and_a_large_class(world):
    def queries(pupils):
        school_class = SchoolClass.objects.create(school=world.school_a, grade=4, number=90 + pupils, entry_year=2023)
        for _ in range(pupils):
            EnrolmentSpellFactory(school_class=school_class)
        semester = SemesterFactory()
        check = start_roll_check(world.school_a, semester, actor=world.users["registrar"],
                                 check_date=semester.starts_on.replace(day=20))  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            class_rolls(check, with_pupils=True)
        check.delete()
        return len(captured.captured_queries)

    assert queries(2) == queries(30)
