"""Many requests at once (transfers.batches): the kinds' own rules on every item, every refusal named,
nothing saved unless all pass."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from registry.organisation.working_days import add_working_days
from tests.factories import SchoolClassFactory, StudentFactory
from tests.transfers import commendation_kind
from tests.transfers.kinds_helpers import pupil_in
from transfers.batches import RequestsRefused, submit_requests
from transfers.kinds import KINDS, ChangeRefused, register, unregister
from transfers.kinds.base import Party
from transfers.models import ApprovalStep, ChangeRequest


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_every_item_a_rule_refuses_is_named_and_nothing_is_saved(world):
    registrar = world.users["registrar"]
    grade5 = [pupil_in(world.school_a, grade=5) for _ in range(2)]
    leaver = pupil_in(world.school_a, grade=6)
    before = (ChangeRequest.objects.count(), ApprovalStep.objects.count())
    items = [(grade5[0], {}), (leaver, {}), (grade5[1], {})]
    with pytest.raises(RequestsRefused) as refused:
        submit_requests(kind="graduation", school=world.school_a, items=items, actor=registrar)
    assert sorted(refused.value.problems) == [0, 2]
    assert "not the last grade" in refused.value.problems[0] and grade5[1].name in refused.value.problems[2]
    assert (ChangeRequest.objects.count(), ApprovalStep.objects.count()) == before


def test_a_pupil_with_an_open_request_is_refused_and_the_rest_go_through(world):
    registrar = world.users["registrar"]
    first, second = pupil_in(world.school_a, grade=6), pupil_in(world.school_a, grade=6)
    (request,) = submit_requests(kind="graduation", school=world.school_a, items=[(first, {})], actor=registrar)
    assert request.steps.get().authority == world.school_a.authority and request.steps.get().due_on
    with pytest.raises(RequestsRefused) as refused:
        submit_requests(kind="graduation", school=world.school_a, items=[(second, {}), (first, {})], actor=registrar)
    assert list(refused.value.problems) == [1] and "already has an open request" in refused.value.problems[1]
    assert not second.change_requests.exists()


def test_kinds_that_need_evidence_are_not_submitted_in_bulk(world):
    with pytest.raises(ValueError):
        submit_requests(kind="withdrawal", school=world.school_a, items=[], actor=world.users["registrar"])


def _registrations(world, pupils):
    return [
        ChangeRequest(kind="registration", school=world.school_a, student=student, payload=payload)
        for student, payload in pupils
    ]


def test_a_registration_batch_refuses_exactly_what_each_validate_refuses_in_a_few_queries(
    world, django_assert_max_num_queries
):
    """validate_many applies the registration's rules to an import's pupils with the batch's reads (pupils on a
    register, the classes named) instead of two queries per pupil, and refuses the same pupils with the same
    messages as `validate` one by one."""
    grade1 = SchoolClassFactory(school=world.school_a, grade=1)
    own = {"school_class": world.class_a.pk, "grade": world.class_a.grade}
    entry = date(2026, 9, 1)
    pupils = [StudentFactory(entry_date=entry, birth_date=date(2019, 3, 1), national_number=None) for _ in range(30)]
    batch = [(student, own) for student in pupils]
    registered = pupil_in(world.school_a)
    registered.national_number = None  # so that the rule after "no national number yet" is the one that refuses
    batch[3] = (registered, own)
    batch[7] = (pupils[7], {"school_class": world.class_c.pk, "grade": 3})  # another town's school's class
    too_young = StudentFactory(entry_date=entry, birth_date=date(2020, 10, 1), national_number=None)  # 6 after 31 Aug
    batch[11] = (too_young, {"school_class": grade1.pk, "grade": 1})
    requests = _registrations(world, batch)
    kind = KINDS["registration"]

    one_by_one = {}
    for position, request in enumerate(requests):
        try:
            kind.validate(request)
        except ChangeRefused as refusal:
            one_by_one[position] = str(refusal)
    with django_assert_max_num_queries(3):
        problems = kind.validate_many(requests)
    assert problems == one_by_one
    assert sorted(problems) == [3, 7, 11]
    assert "already on a school's register" in problems[3]
    assert world.school_a.name in problems[7] and "31 August" in problems[11]


def test_a_batch_is_saved_in_order_with_its_submission_time_history_and_the_first_steps_deadline(world):
    """Each request of a batch is the one `submit_request` would make: submitted now by the registrar, its
    history naming them and why, one step at the town office due after the kind's working days."""
    registrar = world.users["registrar"]
    pupils = [pupil_in(world.school_a, grade=6) for _ in range(3)]
    moment = datetime(2026, 6, 15, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        requests = submit_requests(kind="graduation", school=world.school_a, items=[(p, {}) for p in pupils],
                                   actor=registrar, batch_size=2)  # fmt: skip
        due = add_working_days(timezone.localdate(), KINDS["graduation"].deadline_working_days)
    assert [request.student for request in requests] == pupils
    for request in ChangeRequest.objects.filter(pk__in=[r.pk for r in requests]):
        assert (request.kind, request.school, request.initiated_by, request.submitted_at, request.state,
                request.payload) == ("graduation", world.school_a, registrar, moment, "pending", {})  # fmt: skip
        history = request.history.get()
        assert (history.history_user, history.history_change_reason) == (registrar, "graduation submitted")
        step = request.steps.get()
        assert (step.round, step.position, step.school, step.authority, step.due_on, step.decision) == (
            1, 1, None, world.town1, due, "pending"
        )  # fmt: skip
        assert (step.history.get().history_user, step.history.get().history_change_reason) == (
            registrar, "graduation submitted"
        )  # fmt: skip


def test_the_refusal_counts_the_items_and_names_each_in_order_with_the_whole_message(world):
    registrar = world.users["registrar"]
    busy, ready, young = pupil_in(world.school_a, grade=6), pupil_in(world.school_a, grade=6), pupil_in(world.school_a)
    done = pupil_in(world.school_a, grade=6)
    submit_requests(kind="graduation", school=world.school_a, items=[(busy, {})], actor=registrar)
    (closed,) = submit_requests(kind="graduation", school=world.school_a, items=[(done, {})], actor=registrar)
    ChangeRequest.objects.filter(pk=closed.pk).update(state=ChangeRequest.State.WITHDRAWN)
    before = (ChangeRequest.objects.count(), ApprovalStep.objects.count())
    with pytest.raises(RequestsRefused) as refused:
        submit_requests(kind="graduation", school=world.school_a,
                        items=[(busy, {}), (ready, {}), (young, {}), (done, {})], actor=registrar)  # fmt: skip
    assert str(refused.value) == "2 of the requests break a rule."
    assert list(refused.value.problems) == [0, 2]  # in the order of the items, whichever rule refused them
    assert refused.value.problems[0] == (
        f"{busy.name} already has an open request (Graduation, Under review); finish or withdraw it first."
    )
    assert refused.value.problems[2] == f"{young.name} is in grade 3, not the last grade of {world.school_a}."
    assert (ChangeRequest.objects.count(), ApprovalStep.objects.count()) == before


def test_only_the_schools_registrar_submits_a_batch_and_kinds_with_a_four_copy_form_go_one_by_one(world):
    pupil = pupil_in(world.school_c, grade=6)
    with pytest.raises(PermissionDenied):
        submit_requests(kind="graduation", school=world.school_c, items=[(pupil, {})], actor=world.users["registrar"])
    assert not pupil.change_requests.exists()
    with pytest.raises(ValueError, match="transfer requests need evidence or a submission hook"):
        submit_requests(kind="transfer", school=world.school_a, items=[], actor=world.users["registrar"])


class _SchoolThenTown(commendation_kind.Commendation):
    """A kind decided by the school, then its town office (only the tests have one that goes in bulk)."""

    def chain(self, request):
        return [Party(school=request.school), Party(authority=request.school.authority)]


def test_a_batch_of_a_two_step_kind_waits_on_the_school_first_with_only_that_step_due(world):
    register(_SchoolThenTown)
    try:
        pupil = pupil_in(world.school_a)
        (request,) = submit_requests(kind="commendation", school=world.school_a, items=[(pupil, {"citation": "三好"})],
                                     actor=world.users["registrar"])  # fmt: skip
        due = add_working_days(timezone.localdate(), 5)
        steps = [(s.position, s.school, s.authority, s.due_on) for s in request.steps.order_by("position")]
        assert steps == [(1, world.school_a, None, due), (2, None, world.town1, None)]
    finally:
        unregister("commendation")
