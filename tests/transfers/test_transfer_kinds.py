"""转学: transfers within the system and into or out of it — chains, effects, rejections and rules."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from registry.roles import Role
from registry.services import grant_role
from students.models import EnrolmentSpell
from tests.factories import SchoolClassFactory, SemesterFactory, StudentFactory, TransferWindowFactory, UserFactory
from tests.transfers.kinds_helpers import approve_all, evidence, pupil_in
from transfers.kinds import ChangeRefused, kind_of
from transfers.models import ChangeRequest, Evidence
from transfers.selectors import pupil_for_transfer, requests_awaiting, requests_visible_to
from transfers.services import current_step, reject_step, resubmit_request, submit_request, withdraw_request
from transfers.slip.services import slip_ends
from transfers.templatetags.change_kinds import change_kinds

TRANSFER = ChangeRequest.Kind.TRANSFER


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are matched in English (the msgids); the UI shows them in Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def two_towns(world):
    """A grade-3 pupil of school A (town 1), a grade-3 class at school C (town 2), officer2 for town 2."""
    officer2 = UserFactory(username="officer2")
    grant_role(officer2, Role.OFFICER, world.town2, actor=world.users["administrator"])
    world.users["officer2"] = officer2
    world.users["registrar_c"] = UserFactory(username="registrar_other")  # school C's registrar, from `world`
    world.pupil = pupil_in(world.school_a, grade=3)
    world.receiving_class = SchoolClassFactory(school=world.school_c, grade=3)
    return world


def _transfer(world, school_class=None, payload=None, actor=None):
    school_class = school_class or world.receiving_class
    return submit_request(
        kind=TRANSFER, student=world.pupil, school=school_class.school, counterpart_school=world.school_a,
        payload={"school_class": school_class.pk, "grade": school_class.grade, "reason": "随父母迁居",
                 **(payload or {})},
        actor=actor or world.users["registrar_c"],
    )  # fmt: skip


def test_the_receiving_school_finds_a_pupil_by_id_or_national_number_only_elsewhere(two_towns):
    world = two_towns
    student, spell = pupil_for_transfer(world.pupil.id_number, receiving_school=world.school_c)
    assert (student, spell.school, spell.grade) == (world.pupil, world.school_a, 3)
    assert pupil_for_transfer(world.pupil.national_number.lower(), receiving_school=world.school_c)[0] == world.pupil
    assert pupil_for_transfer(world.pupil.id_number, receiving_school=world.school_a) == (None, None)
    assert pupil_for_transfer("110101201001011234", receiving_school=world.school_c) == (None, None)


def test_a_transfer_between_towns_goes_sending_school_then_both_town_offices(two_towns):
    world = two_towns
    request = _transfer(world)
    chain = [(step.school, step.authority) for step in request.steps.order_by("position")]
    assert chain == [(world.school_a, None), (None, world.town1), (None, world.town2)]
    assert current_step(request).due_on is not None
    # the sending school's registrar and headteacher see it waiting; the officers only in their turn
    assert requests_awaiting(world.users["registrar"]).get().request == request
    assert requests_awaiting(world.users["headteacher"]).get().request == request
    assert not requests_awaiting(world.users["officer"]).filter(request=request).exists()
    assert requests_visible_to(world.users["registrar"]).filter(pk=request.pk).exists()
    assert not requests_visible_to(UserFactory(username="registrar_sibling")).filter(pk=request.pk).exists()


def test_within_one_town_there_is_one_town_step(world):
    world.pupil = pupil_in(world.school_a, grade=3)
    target = SchoolClassFactory(school=world.school_b, grade=3)
    request = _transfer(world, school_class=target, actor=UserFactory(username="registrar_sibling"))
    chain = [(step.school, step.authority) for step in request.steps.order_by("position")]
    assert chain == [(world.school_a, None), (None, world.town1)]


def test_the_last_approval_moves_the_pupil_keeping_the_national_number(two_towns):
    world = two_towns
    number = world.pupil.national_number
    request = approve_all(_transfer(world), world.users["registrar"], world.users["officer"], world.users["officer2"])
    assert request.state == ChangeRequest.State.APPROVED
    old, new = world.pupil.spells.order_by("pk")
    assert (old.school, old.ended_on, old.exit_reason) == (world.school_a, timezone.localdate(), "transferred_out")
    assert (new.school, new.school_class, new.grade, new.ended_on) == (world.school_c, world.receiving_class, 3, None)
    assert new.entry_reason == EnrolmentSpell.EntryReason.TRANSFER_IN
    world.pupil.refresh_from_db()
    assert world.pupil.national_number == number
    assert new.history.get().history_user == world.users["officer2"]


def test_nothing_moves_until_the_last_step(two_towns):
    world = two_towns
    request = approve_all(_transfer(world), world.users["registrar"], world.users["officer"])
    assert request.state == ChangeRequest.State.PENDING
    assert current_step(request).authority == world.town2
    assert world.pupil.spells.get().school == world.school_a


def test_a_rejection_returns_to_the_receiving_school_which_resubmits_or_withdraws(two_towns):
    world = two_towns
    request = _transfer(world)
    reject_step(current_step(request), actor=world.users["registrar"], reason="家长未提交申请")
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.RETURNED
    resubmit_request(request, actor=world.users["registrar_c"])
    request.refresh_from_db()
    assert (request.state, request.round, current_step(request).school) == ("pending", 2, world.school_a)
    withdraw_request(request, actor=world.users["registrar_c"], reason="家长决定不转学")
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.WITHDRAWN
    assert current_step(request) is None
    assert world.pupil.spells.get().school == world.school_a


def test_the_initiator_can_never_approve_their_own_request(two_towns):
    world = two_towns
    request = approve_all(_transfer(world), world.users["registrar"], world.users["officer"])
    grant_role(world.users["registrar_c"], Role.OFFICER, world.town2, actor=world.users["administrator"])
    from transfers.services import can_decide

    assert not can_decide(world.users["registrar_c"], current_step(request))
    assert not requests_awaiting(world.users["registrar_c"]).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("graduating_year", "graduating year"),
        ("suspended", "suspended"),
        ("other_grade", "keeps the grade"),
        ("full_class", "class-size cap"),
        ("same_school", "another school"),
    ],
)
def test_transfer_rules_refuse_with_a_clear_message(two_towns, case, message):
    world = two_towns
    school_class = world.receiving_class
    counterpart = world.school_a
    if case == "graduating_year":
        world.pupil = pupil_in(world.school_a, grade=6)
        school_class = SchoolClassFactory(school=world.school_c, grade=6)
    elif case == "suspended":
        world.pupil.suspensions.create(
            started_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=100), reason="病休"
        )
    elif case == "other_grade":
        school_class = SchoolClassFactory(school=world.school_c, grade=4)
    elif case == "full_class":
        world.school_c.class_size_cap = 1
        world.school_c.save()
        pupil_in(world.school_c, grade=3).spells.update(school_class=school_class)
    elif case == "same_school":
        counterpart = world.school_c
        world.pupil = pupil_in(world.school_c, grade=3)
    with pytest.raises(ChangeRefused, match=message):
        submit_request(
            kind=TRANSFER, student=world.pupil, school=world.school_c, counterpart_school=counterpart,
            payload={"school_class": school_class.pk, "grade": school_class.grade, "reason": "迁居"},
            actor=world.users["registrar_c"],
        )  # fmt: skip
    assert not ChangeRequest.objects.filter(kind=TRANSFER).exists()


def test_outside_the_transfer_window_an_exception_reason_is_needed(two_towns):
    world = two_towns
    today = timezone.localdate()
    semester = SemesterFactory(school_year=today.year - 1, starts_on=today - timedelta(days=60),
                               ends_on=today + timedelta(days=60))  # fmt: skip
    TransferWindowFactory(semester=semester, opens_on=today - timedelta(days=60), closes_on=today - timedelta(days=50))
    with pytest.raises(ChangeRefused, match="transfer windows"):
        _transfer(world)
    request = _transfer(world, payload={"exception_reason": "父亲工作调动，随迁"})
    assert request.state == ChangeRequest.State.PENDING
    # approved on a later day, the request is judged by the day it was submitted
    approve_all(request, world.users["registrar"], world.users["officer"], world.users["officer2"])
    assert request.state == ChangeRequest.State.APPROVED


def test_one_open_request_per_pupil(two_towns):
    world = two_towns
    _transfer(world)
    with pytest.raises(ChangeRefused, match="already has an open request"):
        _transfer(world, school_class=SchoolClassFactory(school=world.school_c, grade=3))


def test_transfer_out_of_the_system_needs_the_form_and_closes_the_spell(world):
    pupil = pupil_in(world.school_a, grade=4)
    payload = {"destination_school": "浙江省某市实验小学", "destination_authority": "某市教育局", "reason": "随迁"}
    arguments = {"kind": ChangeRequest.Kind.TRANSFER_OUT_EXTERNAL, "student": pupil, "school": world.school_a,
                 "payload": payload, "actor": world.users["registrar"]}  # fmt: skip
    with pytest.raises(ChangeRefused, match="Attach the evidence"):
        submit_request(**arguments)
    assert not ChangeRequest.objects.filter(student=pupil).exists()
    request = submit_request(**arguments, evidence=evidence(Evidence.Kind.TRANSFER_FORM_SCAN))
    assert [step.authority for step in request.steps.all()] == [world.town1]
    approve_all(request, world.users["officer"])
    spell = pupil.spells.get()
    assert (spell.ended_on, spell.exit_reason) == (timezone.localdate(), "transferred_out")


def test_transfer_in_from_outside_keeps_the_national_number(world):
    from tests.factories import GuardianFactory
    from transfers.registration import register_pupil

    school_class = SchoolClassFactory(school=world.school_a, grade=2)
    student = StudentFactory.build(national_number=None)
    number = f"G{student.id_number}"
    extra = {"national_number": number, "origin_school": "外省某小学", "origin_authority": "外省某局", "reason": "迁居"}
    request = register_pupil(
        student, GuardianFactory.build_batch(2, student=None), school_class, actor=world.users["registrar"],
        evidence=evidence(Evidence.Kind.TRANSFER_FORM_SCAN), kind=ChangeRequest.Kind.TRANSFER_IN_EXTERNAL,
        extra=extra,
    )  # fmt: skip
    approve_all(request, world.users["officer"])
    student.refresh_from_db()
    assert student.national_number == number
    spell = student.spells.get()
    assert (spell.school_class, spell.entry_reason) == (school_class, "transfer_in")


def test_transfer_in_from_outside_refuses_a_number_already_in_use(world):
    from tests.factories import GuardianFactory
    from transfers.registration import register_pupil

    with pytest.raises(ChangeRefused, match="already in use"):
        register_pupil(
            StudentFactory.build(national_number=None), GuardianFactory.build_batch(2, student=None), world.class_a,
            actor=world.users["registrar"], evidence=evidence(Evidence.Kind.TRANSFER_FORM_SCAN),
            kind=ChangeRequest.Kind.TRANSFER_IN_EXTERNAL,
            extra={"national_number": world.pupils["other"].national_number, "reason": "迁居"},
        )  # fmt: skip


def test_a_transfer_started_the_friday_before_national_day_skips_the_holiday_week(two_towns):
    """2025: 1–8 October off, Sunday 28 September and Saturday 11 October are make-up workdays (调休).
    Ten working days from Friday 26 September: 28, 29, 30 Sep, 9, 10, 11, 13, 14, 15, 16 Oct."""
    import time_machine

    with time_machine.travel(datetime(2025, 9, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        request = _transfer(two_towns)
    assert current_step(request).due_on == date(2025, 10, 16)
    with time_machine.travel(datetime(2025, 10, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        approve_all(request, two_towns.users["registrar"])
    # the next party gets its own ten working days from its start, counting Saturday 11 October
    assert current_step(request).due_on == date(2025, 10, 23)


def test_the_receiving_school_sees_name_school_and_grade_only_until_the_pupil_is_theirs(client, two_towns):
    """Issue 18 item 19 (DESIGN §4): before the last approval the receiving registrar's request page names
    the pupil, the sending school and the grade — not the pupil's sex or anything else of the record."""
    world = two_towns
    request = _transfer(world)
    client.force_login(world.users["registrar_c"])
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert world.pupil.name in page and world.school_a.name in page
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert f"{world.pupil.name} · {world.pupil.get_sex_display()}" not in page
    assert world.pupil.get_sex_display() not in page.split('data-testid="transfer-pupil"')[1].split("</p>")[0]


def test_what_the_officer_confirms_the_offer_and_the_forms_two_schools_name_both_ends(two_towns):
    """The last approver's confirmation sentence, the "Transfer in" offer on the receiving school's pages and
    the four-copy form's ends (sending school; receiving school and its town office) name the right schools."""
    request = _transfer(two_towns)
    kind = kind_of(request)
    assert kind.approval_effect(request) == (
        f"{two_towns.pupil.name} leaves {two_towns.school_a} and is enrolled at {two_towns.school_c} with the same "
        f"national number; the archive moves to {two_towns.school_c}."
    )
    assert ("transfer", "Transfer in") in [(code, label) for code, label, _style in change_kinds("incoming")]
    assert ("transfer", "Transfer in") in [(code, label) for code, label, _style in change_kinds("incoming", True)]
    assert "transfer" not in [code for code, _label, _style in change_kinds("pupil")]
    assert slip_ends(request) == (two_towns.school_a, two_towns.school_c.name, two_towns.town2.name)
