"""Many requests at once (transfers.batches): the kinds' own rules on every item, every refusal named,
nothing saved unless all pass."""

import pytest
from django.utils import translation

from tests.transfers.kinds_helpers import pupil_in
from transfers.batches import RequestsRefused, submit_requests
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
