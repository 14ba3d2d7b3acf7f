"""A kind that exists only in the tests (表彰 — a commendation noted on the record): one module and one
template (tests/transfers/templates/transfers/kinds/commendation.html), nothing else, to show that adding a
kind touches nothing of the engine. Registered by the test that uses it."""

from dataclasses import dataclass

from transfers.kinds.base import ChangeKind, ChangeRefused, Payload, town_office_of
from transfers.kinds.forms import ChangeForm, reason_field

APPLIED = []


@dataclass
class CommendationPayload(Payload):
    citation: str = ""


class CommendationForm(ChangeForm):
    citation = reason_field("Citation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citation"].required = False

    def payload(self):
        return CommendationPayload(citation=self.cleaned_data["citation"])


class Commendation(ChangeKind):
    code = "commendation"
    label = "Commendation"
    deadline_working_days = 5
    Payload = CommendationPayload
    starts_from = "pupil"
    form_class = CommendationForm
    details_template = "transfers/kinds/commendation.html"

    def chain(self, request):
        return town_office_of(request.school)

    def validate(self, request, *, attached=frozenset()):
        if not self.data(request).citation.strip():
            raise ChangeRefused("A commendation needs its citation.")

    def apply(self, request, *, actor):
        APPLIED.append((request.student_id, self.data(request).citation))
