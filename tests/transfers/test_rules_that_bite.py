"""Rules of the change engine that single planted bugs slipped past (issue 22): a decided step of a
three-step transfer stays decided, the final approval checks the kind's rules again, the graduating years
of both primary and junior school, a transfer window's closing day, and a closed request stays closed."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from audit.models import Event
from registry.organisation.working_days import add_working_days
from registry.roles import Role
from registry.services import grant_role
from students.models import Suspension
from tests.factories import (
    EnrolmentSpellFactory,
    SchoolClassFactory,
    SemesterFactory,
    TransferWindowFactory,
    UserFactory,
)
from tests.transfers.kinds_helpers import approve_all, pupil_in
from transfers.kinds import ChangeRefused, kind_of
from transfers.kinds.transfer import TransferInForm
from transfers.models import ApprovalStep, ChangeRequest
from transfers.services import (
    AlreadyDecided,
    approve_step,
    current_step,
    reject_step,
    resubmit_request,
    submit_request,
    withdraw_request,
)

TRANSFER = ChangeRequest.Kind.TRANSFER


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are matched in English (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def two_towns(world):
    """A grade-3 pupil of school A (town 1), a grade-3 class at school C (town 2), officer2 for town 2: a
    transfer from A to C has three steps (school A, town 1, town 2)."""
    officer2 = UserFactory(username="officer2")
    grant_role(officer2, Role.OFFICER, world.town2, actor=world.users["administrator"])
    world.users["officer2"] = officer2
    world.users["registrar_c"] = UserFactory(username="registrar_other")  # school C's registrar, from `world`
    world.pupil = pupil_in(world.school_a, grade=3)
    world.receiving_class = SchoolClassFactory(school=world.school_c, grade=3)
    return world


def _transfer(world, school_class=None, payload=None):
    school_class = school_class or world.receiving_class
    return submit_request(
        kind=TRANSFER, student=world.pupil, school=school_class.school, counterpart_school=world.school_a,
        payload={"school_class": school_class.pk, "grade": school_class.grade, "reason": "随父母迁居",
                 **(payload or {})},
        actor=world.users["registrar_c"],
    )  # fmt: skip


def test_an_approved_step_of_a_three_step_transfer_cannot_then_be_rejected_or_approved_again(two_towns):
    world = two_towns
    request = _transfer(world)
    assert request.steps.count() == 3
    first = current_step(request)
    approve_step(first, actor=world.users["registrar"])
    # the headteacher of school A still has the page with the first step open and rejects it
    with pytest.raises(AlreadyDecided, match=f"{world.users['registrar']} already decided this step"):
        reject_step(ApprovalStep.objects.get(pk=first.pk), actor=world.users["headteacher"], reason="资料不全")
    with pytest.raises(AlreadyDecided):
        approve_step(ApprovalStep.objects.get(pk=first.pk), actor=world.users["headteacher"])
    first.refresh_from_db()
    request.refresh_from_db()
    assert (first.decision, first.decided_by) == (ApprovalStep.Decision.APPROVED, world.users["registrar"])
    assert request.state == ChangeRequest.State.PENDING
    assert current_step(request).authority == world.town1
    assert ApprovalStep.history.filter(id=first.pk).exclude(decision=ApprovalStep.Decision.PENDING).count() == 1


def test_the_final_approval_refuses_a_class_filled_since_the_submission(two_towns):
    world = two_towns
    world.school_c.class_size_cap = 2
    world.school_c.save()
    EnrolmentSpellFactory(school_class=world.receiving_class)
    request = approve_all(_transfer(world), world.users["registrar"], world.users["officer"])  # one place left
    EnrolmentSpellFactory(school_class=world.receiving_class)  # someone else took it meanwhile
    with pytest.raises(ChangeRefused, match="class-size cap"):
        approve_step(current_step(request), actor=world.users["officer2"])
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.PENDING
    assert current_step(request).authority == world.town2
    assert world.pupil.spells.get().school == world.school_a
    assert world.receiving_class.spells.filter(ended_on__isnull=True).count() == 2


@pytest.mark.parametrize("grade", [6, 9])
def test_neither_primary_grade_6_nor_junior_grade_9_can_transfer(two_towns, grade):
    world = two_towns
    world.pupil = pupil_in(world.school_a, grade=grade)
    with pytest.raises(
        ChangeRefused, match=rf"^Grade {grade} is a graduating year: a transfer is normally not possible\.$"
    ):
        _transfer(world, school_class=SchoolClassFactory(school=world.school_c, grade=grade))
    assert not ChangeRequest.objects.filter(kind=TRANSFER).exists()


@pytest.mark.parametrize("grade", [5, 8])
def test_the_year_before_a_graduating_year_can_transfer(two_towns, grade):
    world = two_towns
    world.pupil = pupil_in(world.school_a, grade=grade)
    request = _transfer(world, school_class=SchoolClassFactory(school=world.school_c, grade=grade))
    assert request.state == ChangeRequest.State.PENDING


def _window(opens_days, closes_days):
    """The semester around today with one transfer window, its days counted from today."""
    today = timezone.localdate()
    semester = SemesterFactory(school_year=today.year - 1, starts_on=today - timedelta(days=60),
                               ends_on=today + timedelta(days=60))  # fmt: skip
    TransferWindowFactory(semester=semester, opens_on=today + timedelta(days=opens_days),
                          closes_on=today + timedelta(days=closes_days))  # fmt: skip


@pytest.mark.parametrize(("opens", "closes"), [(-10, 0), (0, 10)], ids=["closing_day", "opening_day"])
def test_a_transfer_windows_first_and_last_days_are_inside_it(two_towns, opens, closes):
    _window(opens, closes)
    request = _transfer(two_towns)  # no exception reason needed
    assert request.state == ChangeRequest.State.PENDING


def test_the_day_after_a_window_closes_is_outside_it(two_towns):
    _window(-10, -1)
    with pytest.raises(ChangeRefused, match="outside the semester's transfer windows"):
        _transfer(two_towns)


def test_an_approved_transfer_cannot_be_withdrawn(two_towns):
    world = two_towns
    request = approve_all(_transfer(world), world.users["registrar"], world.users["officer"], world.users["officer2"])
    assert request.state == ChangeRequest.State.APPROVED
    with pytest.raises(ChangeRefused, match="already closed"):
        withdraw_request(request, actor=world.users["registrar_c"], reason="家长改变主意")
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.APPROVED
    assert world.pupil.spells.get(ended_on__isnull=True).school == world.school_c


def test_a_decision_on_a_withdrawn_request_says_it_was_withdrawn(two_towns):
    world = two_towns
    request = approve_all(_transfer(world), world.users["registrar"], world.users["officer"])
    waiting = current_step(request)
    withdraw_request(request, actor=world.users["registrar_c"], reason="家长决定不转学")
    with pytest.raises(ChangeRefused, match=r"^This request is already closed \(Withdrawn by the school\)\.$"):
        approve_step(waiting, actor=world.users["officer2"])
    with pytest.raises(ChangeRefused, match=r"^This request is already closed \(Withdrawn by the school\)\.$"):
        reject_step(waiting, actor=world.users["officer2"], reason="不同意")
    waiting.refresh_from_db()
    assert waiting.decision == ApprovalStep.Decision.PENDING
    assert world.pupil.spells.get().school == world.school_a


def test_a_later_step_of_a_returned_request_awaits_no_decision(two_towns):
    world = two_towns
    request = _transfer(world)
    first, town_step = request.steps.order_by("position")[:2]
    reject_step(first, actor=world.users["registrar"], reason="家长未提交申请")
    with pytest.raises(
        ChangeRefused, match=r"^This request was returned to the school for amendment; it awaits no decision now\.$"
    ):
        approve_step(town_step, actor=world.users["officer"])
    town_step.refresh_from_db()
    assert town_step.decision == ApprovalStep.Decision.PENDING


def test_each_step_gets_its_deadline_when_it_is_reached(two_towns):
    world = two_towns
    request = _transfer(world)
    due = add_working_days(timezone.localdate(), 10)
    assert [step.due_on for step in request.steps.order_by("position")] == [due, None, None]
    approve_step(current_step(request), actor=world.users["registrar"])
    assert [step.due_on for step in request.steps.order_by("position")] == [due, due, None]
    assert current_step(request).due_on == due


def test_the_final_approval_issues_the_second_form_under_the_officers_name(two_towns):
    world = two_towns
    approve_all(_transfer(world), world.users["registrar"], world.users["officer"], world.users["officer2"])
    issued = {
        event.data["issue"]: event.actor for event in Event.objects.filter(action="transfers.transfer_form.issued")
    }
    assert issued == {1: world.users["registrar_c"], 2: world.users["officer2"]}


def test_a_transfer_returned_at_its_first_step_is_decided_afresh_in_its_second_round(two_towns):
    """The steps of the first round left undecided by the return wait for nobody: the second round's
    steps are the ones decided, and its last approval moves the pupil."""
    world = two_towns
    request = _transfer(world)
    reject_step(current_step(request), actor=world.users["registrar"], reason="家长未提交申请")
    request = resubmit_request(request, actor=world.users["registrar_c"])
    assert (current_step(request).round, current_step(request).position) == (2, 1)
    request = approve_all(request, world.users["registrar"], world.users["officer"], world.users["officer2"])
    assert request.state == ChangeRequest.State.APPROVED
    assert world.pupil.spells.get(ended_on__isnull=True).school == world.school_c


@pytest.mark.parametrize(("opens", "closes", "outside"), [(-10, 0, False), (-10, -1, True)])
def test_the_transfer_form_says_when_today_is_outside_the_windows(two_towns, opens, closes, outside):
    _window(opens, closes)
    form = TransferInForm(school=two_towns.school_c, grade=3)
    assert form.outside_window is outside
    assert list(form.fields["school_class"].queryset) == [two_towns.receiving_class]


def test_the_request_page_names_both_schools_the_reason_and_the_exception(two_towns):
    world = two_towns
    request = _transfer(world, payload={"exception_reason": "父母工作调动"})
    assert kind_of(request).details(request) == [
        ("Sending school", str(world.school_a)), ("Receiving school", str(world.school_c)), ("Reason", "随父母迁居"),
        ("Exception requested (outside the transfer window)", "父母工作调动"),
    ]  # fmt: skip


def test_a_transfer_names_the_pupils_own_school_as_the_sending_school(two_towns):
    world = two_towns
    with pytest.raises(ChangeRefused, match=r"^A transfer moves a pupil from another school to yours\.$"):
        submit_request(kind=TRANSFER, student=world.pupil, school=world.school_a, counterpart_school=world.school_a,
                       payload={"school_class": world.receiving_class.pk, "reason": "迁居"},
                       actor=world.users["registrar"])  # fmt: skip
    with pytest.raises(ChangeRefused, match="is not on the register of"):
        submit_request(kind=TRANSFER, student=world.pupil, school=world.school_c, counterpart_school=world.school_b,
                       payload={"school_class": world.receiving_class.pk, "reason": "迁居"},
                       actor=world.users["registrar_c"])  # fmt: skip


def test_the_window_is_judged_on_the_day_the_transfer_was_submitted(two_towns):
    """Submitted inside a window that closed before the last approval: approved without an exception reason."""
    world = two_towns
    today = timezone.localdate()
    semester = SemesterFactory(school_year=today.year - 1, starts_on=today - timedelta(days=60),
                               ends_on=today + timedelta(days=60))  # fmt: skip
    window = TransferWindowFactory(semester=semester, opens_on=today - timedelta(days=10), closes_on=today)
    request = _transfer(world)
    ChangeRequest.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    window.closes_on = today - timedelta(days=1)
    window.save()
    request = approve_all(request, world.users["registrar"], world.users["officer"], world.users["officer2"])
    assert request.state == ChangeRequest.State.APPROVED


def test_the_transfer_form_binds_what_the_registrar_entered(two_towns):
    world = two_towns
    entered = {"school_class": world.receiving_class.pk, "reason": "随父母迁居", "exception_reason": ""}
    form = TransferInForm(data=entered, school=world.school_c, grade=3)
    assert form.is_valid(), form.errors
    assert (form.payload().school_class, form.payload().grade) == (world.receiving_class.pk, 3)


def test_before_a_window_opens_is_outside_it_and_the_refusal_says_what_to_do(two_towns):
    _window(5, 10)
    with pytest.raises(
        ChangeRefused,
        match=r"^This is outside the semester's transfer windows\. Give the reason for an exception; the town office "
        r"decides on it with the request\.$",
    ):
        _transfer(two_towns)


def test_a_suspended_pupil_or_another_grade_is_refused_with_the_whole_message(two_towns):
    world = two_towns
    with pytest.raises(
        ChangeRefused,
        match=r"^The pupil is in grade 3; a transfer keeps the grade, so choose a grade 3 class\.$",
    ):
        _transfer(world, school_class=SchoolClassFactory(school=world.school_c, grade=4))
    today = timezone.localdate()
    Suspension.objects.create(student=world.pupil, started_on=today, ends_on=today + timedelta(days=30), reason="病休")
    with pytest.raises(
        ChangeRefused,
        match=rf"^{world.pupil.name} is suspended; a transfer or guest study is not possible during a suspension\.$",
    ):
        _transfer(world)


def test_a_pupil_on_no_register_or_on_another_schools_is_refused_by_name(two_towns):
    """The register rule (rules.enrolled_spell): a pupil who has left every school, or who is on another
    school's register than the sending school named, is refused with the whole message naming them."""
    world = two_towns
    with pytest.raises(ChangeRefused, match=rf"^{world.pupil.name} is not on the register of 乙小学\.$"):
        submit_request(kind=TRANSFER, student=world.pupil, school=world.school_c, counterpart_school=world.school_b,
                       payload={"school_class": world.receiving_class.pk, "reason": "迁居"},
                       actor=world.users["registrar_c"])  # fmt: skip
    world.pupil.spells.update(ended_on=timezone.localdate() - timedelta(days=1), exit_reason="withdrawn")
    with pytest.raises(ChangeRefused, match=rf"^{world.pupil.name} is not on any school's register\.$"):
        _transfer(world)
    assert not ChangeRequest.objects.filter(kind=TRANSFER).exists()


def test_a_class_deleted_since_the_submission_is_refused_on_the_class_field(two_towns):
    """A payload's class is looked up again at the final approval (rules.school_class): gone since the
    submission, the approval is refused on the class field, naming the receiving school, and nobody moves."""
    world = two_towns
    request = approve_all(_transfer(world), world.users["registrar"], world.users["officer"])
    world.receiving_class.delete()
    with pytest.raises(ChangeRefused, match=r"^Choose a class of 丙小学\.$") as refused:
        approve_step(current_step(request), actor=world.users["officer2"])
    assert refused.value.field == "school_class"
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.PENDING
    assert world.pupil.spells.get().school == world.school_a


def test_a_pupil_whose_suspension_has_ended_can_transfer(two_towns):
    """Only an open suspension (not yet resumed) stops a transfer: a pupil back from one transfers as usual."""
    world = two_towns
    today = timezone.localdate()
    back = today - timedelta(days=10)
    Suspension.objects.create(student=world.pupil, started_on=back - timedelta(days=90), ends_on=back, ended_on=back,
                              reason="病休")  # fmt: skip
    request = _transfer(world)
    assert request.state == ChangeRequest.State.PENDING


def test_only_the_windows_of_the_semester_under_way_count(two_towns):
    """A window entered under another semester (here last year's, with this week's dates by mistake) does not
    open the current semester: the transfer needs the reason for an exception."""
    today = timezone.localdate()
    SemesterFactory(school_year=today.year - 1, starts_on=today - timedelta(days=60),
                    ends_on=today + timedelta(days=60))  # fmt: skip
    earlier = SemesterFactory(school_year=today.year - 2, starts_on=today - timedelta(days=400),
                              ends_on=today - timedelta(days=250))  # fmt: skip
    TransferWindowFactory(semester=earlier, opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=5))
    with pytest.raises(ChangeRefused, match=r"^This is outside the semester's transfer windows\. "):
        _transfer(two_towns)
