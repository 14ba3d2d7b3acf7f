"""One badge per state (issue 17): every state a request, roll check, print, import, four-copy form or access
request can be in has its colour, and the same state looks the same wherever it shows."""

import pytest
from django.template import Context, Template

from archives.models import AccessRequest, PrintJob
from registry.templatetags.states import TONE_OF
from students.models import RollCheck
from transfers.models import ApprovalStep, ChangeRequest, ImportJob, TransferForm


@pytest.mark.parametrize(
    "states", [ChangeRequest.State, ApprovalStep.Decision, RollCheck.State, PrintJob.State, ImportJob.State,
               TransferForm.State, AccessRequest.State],  # fmt: skip
)
def test_every_state_has_its_colour(states):
    assert {state.value for state in states} <= set(TONE_OF)


def test_the_badge_reads_an_object_or_a_code_with_its_label():
    request = ChangeRequest(state=ChangeRequest.State.RETURNED)
    html = Template('{% state_badge request testid="request-state" %}|{% state_badge "signed" "已签字" %}').render(
        Context({"request": request})
    )
    shown, code = html.split("|")
    assert 'class="badge xj-state xj-state-yours"' in shown and 'data-testid="request-state"' in shown
    assert str(ChangeRequest.State.RETURNED.label) in shown
    assert 'class="badge xj-state xj-state-done" data-state="signed">已签字<' in code
