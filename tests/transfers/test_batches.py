"""Many requests at once (transfers.batches): the kinds' own rules on every item, every refusal named,
nothing saved unless all pass."""

from datetime import date

import pytest
from django.utils import translation

from tests.factories import SchoolClassFactory, StudentFactory
from tests.transfers.kinds_helpers import pupil_in
from transfers.batches import RequestsRefused, submit_requests
from transfers.kinds import KINDS, ChangeRefused
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
