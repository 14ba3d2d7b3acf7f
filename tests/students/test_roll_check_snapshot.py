"""What the headteacher signs (DOMAIN Semester roll reconciliation): the snapshot holds the school, the
semester, the check date and, per class, the register's names (national numbers masked), the counts and every
difference with its reason and action; its hash is SHA-256 of the documented canonical JSON, so anyone can
recompute it from the printed snapshot, and an edited snapshot is said to no longer match."""

import hashlib
import json
from datetime import date

import pytest
from django.utils import translation

from audit.models import Event
from audit.timeline import history_timeline
from students.identity import mask_national_number
from students.models import EnrolmentSpell, RollCheckSignature
from students.rollcheck.services import (
    RollCheckRefused,
    add_unregistered,
    current_signature,
    explain,
    mark_absent,
    set_headcounts,
    sign_roll_check,
    snapshot_hash,
    snapshot_intact,
    start_roll_check,
    submit_roll_check,
)
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, SemesterFactory, StudentFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def signed(world):
    """School A, autumn 2026: class A has the world's pupil and 刘洋 on the register, 刘洋 absent (moved away),
    and 王小明 in the classroom without a record; a second class of one pupil (no national number yet), all
    present; a third class with nobody on the register and nobody present."""
    registrar, headteacher = world.users["registrar"], world.users["headteacher"]
    liu = EnrolmentSpellFactory(school_class=world.class_a, student=StudentFactory(name="刘洋"))
    second = SchoolClassFactory(school=world.school_a, grade=2)
    EnrolmentSpellFactory(school_class=second, student=StudentFactory(name="陈静", national_number=None))
    empty = SchoolClassFactory(school=world.school_a, grade=3)
    check = start_roll_check(world.school_a, SemesterFactory(school_year=2026), actor=registrar,
                             check_date=date(2026, 10, 15))  # fmt: skip
    set_headcounts(check, {world.class_a.pk: 2, second.pk: 1, empty.pk: 0}, actor=registrar)
    mark_absent(check, liu, actor=registrar, reason="随父母搬家", action="transfer_out_external")
    add_unregistered(check, world.class_a, "王小明", actor=registrar, reason="借读", action="guest_study")
    submit_roll_check(check, actor=registrar)
    return sign_roll_check(check, actor=headteacher), check, second, empty


def _masked(student):
    """A pupil's line: id, name, masked national number and the 学号 held on the check date (none here)."""
    return [student.pk, student.name, mask_national_number(student.national_number), ""]


def test_the_snapshot_holds_what_the_headteacher_signed(signed, world):
    signature, check, second, empty = signed
    pupils_a = sorted(
        (s.student for s in EnrolmentSpell.objects.filter(school_class=world.class_a, ended_on__isnull=True)),
        key=lambda p: p.name,
    )
    chen = EnrolmentSpell.objects.get(school_class=second).student
    assert signature.snapshot == {
        "school": world.school_a.name,
        "school_code": world.school_a.code,
        "semester": str(check.semester),
        "check_date": "2026-10-15",
        "classes": [
            {
                "class": str(world.class_a),
                "registered": 2,
                "present": 2,
                "pupils": [_masked(p) for p in pupils_a],
                "absent": [{"name": "刘洋", "school_number": "", "reason": "随父母搬家", "action": "Transfer out"}],
                "unregistered": [{"name": "王小明", "reason": "借读", "action": "Guest study"}],
            },
            {
                "class": str(second),
                "registered": 1,
                "present": 1,
                "pupils": [_masked(chen)],
                "absent": [],
                "unregistered": [],
            },
            {"class": str(empty), "registered": 0, "present": 0, "pupils": [], "absent": [], "unregistered": []},
        ],  # fmt: skip
        "registered": 3,
        "present": 3,
    }
    printed = json.dumps(signature.snapshot, ensure_ascii=False)
    assert all(p.national_number not in printed for p in pupils_a)
    assert _masked(chen) == [chen.pk, "陈静", "", ""]  # no national number yet: an empty column, not a made-up one


def test_the_hash_is_sha256_of_the_canonical_json(signed):
    signature, *_rest = signed
    canonical = json.dumps(signature.snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert signature.snapshot_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert (
        snapshot_hash({"学校": "甲小学", "b": [1, None]})
        == hashlib.sha256('{"b":[1,null],"学校":"甲小学"}'.encode()).hexdigest()
    )


def test_a_snapshot_edited_after_signing_no_longer_matches(signed):
    signature, check, *_rest = signed
    assert current_signature(check) == signature
    assert snapshot_intact(signature)
    snapshot = signature.snapshot
    snapshot["present"] = 4
    RollCheckSignature.objects.filter(pk=signature.pk).update(snapshot=snapshot)
    assert not snapshot_intact(RollCheckSignature.objects.get(pk=signature.pk))


def test_a_difference_with_a_reason_but_no_action_cannot_be_signed(world):
    registrar = world.users["registrar"]
    check = start_roll_check(world.school_a, SemesterFactory(school_year=2026), actor=registrar,
                             check_date=date(2026, 10, 15))  # fmt: skip
    set_headcounts(check, {world.class_a.pk: 2}, actor=registrar)
    child = add_unregistered(check, world.class_a, "王小明", actor=registrar, reason="借读")
    submit_roll_check(check, actor=registrar)
    with pytest.raises(RollCheckRefused, match="王小明"):
        sign_roll_check(check, actor=world.users["headteacher"])
    explain(child, actor=world.users["headteacher"], reason="借读", action="guest_study")
    assert sign_roll_check(check, actor=world.users["headteacher"]).snapshot["present"] == 2


def test_the_history_says_the_headteacher_signed(signed, world):
    _signature, check, *_rest = signed
    latest = history_timeline(check.history.all())[0]
    assert (latest.actor, latest.reason) == (str(world.users["headteacher"]), "roll reconciliation signed")


def test_the_audit_log_records_the_headteacher_signing(signed, world):
    _signature, check, *_rest = signed
    event = Event.objects.filter(target_type="students.rollcheck", target_id=str(check.pk)).latest("pk")
    assert event.actor == world.users["headteacher"]
    assert event.data == {"step": "signed", "reason": "", "state": "signed"}


def test_the_refusal_names_the_first_ten_differences_without_a_reason(world):
    registrar = world.users["registrar"]
    check = start_roll_check(world.school_a, SemesterFactory(school_year=2026), actor=registrar,
                             check_date=date(2026, 10, 15))  # fmt: skip
    set_headcounts(check, {world.class_a.pk: 12}, actor=registrar)
    for letter in "KJIHGFEDCBA":
        add_unregistered(check, world.class_a, f"王{letter}", actor=registrar)
    submit_roll_check(check, actor=registrar)
    with pytest.raises(RollCheckRefused) as refused:
        sign_roll_check(check, actor=world.users["headteacher"])
    names = "、".join(f"王{letter}" for letter in "ABCDEFGHIJ")
    assert str(refused.value) == f"Not signed: give the reason and action for {names} first."
