"""What a kind of change request is: its form, its typed payload, its rules (`validate`), its approval chain,
its effect (`apply`) and its hooks (`on_submitted`, `on_approved`) — DESIGN §3.

Payloads are stdlib dataclasses (`Payload`): a handful of scalar fields per kind, stored as the request's
JSON and read back typed; model references are kept as ids and looked up again (and refused with the rule's
message when gone) whenever the kind validates or applies."""

import dataclasses
import functools
import typing
from datetime import date

from django.utils.translation import gettext as _


class ChangeRefused(Exception):
    """A domain rule refuses the change; the message says which rule, in the user's language. `field` names
    the form field the message belongs to, when there is one."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True)
class Party:
    """Who decides one step: a school or an authority."""

    school: object = None
    authority: object = None


def _decode(annotation, value):
    """One JSON value as the field's type: date (ISO), int (an id), str, dict, list; None stays None when allowed."""
    types = set(typing.get_args(annotation)) or {annotation}
    if value is None or (value == "" and str not in types):
        return None if type(None) in types else ({} if dict in types else [] if list in types else "")
    if date in types:
        return value if isinstance(value, date) else date.fromisoformat(value)
    if int in types:
        return int(value)
    if dict in types:
        return dict(value)
    if list in types:
        return list(value)
    return str(value)


@functools.cache
def _type_hints(payload_class):
    """A payload class's field types, resolved once per class (`from_json` runs once per request of an import)."""
    return typing.get_type_hints(payload_class)


@dataclasses.dataclass
class Payload:
    """Base of every kind's payload: `from_json` reads the stored JSON (unknown keys ignored, a missing key
    takes the field's default), `to_json` writes it (dates as ISO strings)."""

    @classmethod
    def from_json(cls, data):
        if isinstance(data, cls):
            return data
        hints = _type_hints(cls)
        values = {}
        for field in dataclasses.fields(cls):
            if field.name in (data or {}):
                try:
                    values[field.name] = _decode(hints[field.name], data[field.name])
                except (TypeError, ValueError) as error:
                    raise ChangeRefused(_("The request's %(field)s is not valid.") % {"field": field.name}) from error
        return cls(**values)

    def to_json(self) -> dict:
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in dataclasses.asdict(self).items()
        }


class ChangeKind:
    """One workflow. Subclasses set `code`, `label`, `position` (order in menus and tables),
    `deadline_working_days`, `Payload`, and implement `chain`, `validate` and `apply`.

    `required_evidence`: the Evidence kinds that must be attached; `starts_from`: where a registrar starts it
    ("pupil": the pupil's page; "incoming": the school's page, finding a pupil of another school;
    "new_pupil": the school's page, entering a new pupil; None: by a bulk page only); `form_class` with
    `form_kwargs`; `details_template`: the request page's details block; `change_type_code`: the kind's
    change-type code (学籍异动类别码, JY/T 1001; "" when the standard has none); `decided_by_school`: the
    school decides it alone — its chain is empty and the engine applies it on submission; `creates_pupil`: the request
    carries its own new pupil, whose record its deciders see; `hands_over_archive`: on approval the archive
    moves from `counterpart_school` to `school`."""

    code: str
    label = ""
    position = 100
    deadline_working_days: int
    required_evidence: tuple = ()
    Payload = Payload
    starts_from = None
    form_class = None
    details_template = "transfers/kinds/details.html"
    change_type_code = ""
    decided_by_school = False
    creates_pupil = False
    hands_over_archive = False
    menu_style = "primary"

    def data(self, request):
        """The request's payload, typed."""
        return self.Payload.from_json(request.payload)

    def chain(self, request) -> list[Party]:
        """The parties that must approve, in order, computed when the request is submitted."""
        raise NotImplementedError

    def validate(self, request, *, attached=frozenset()) -> None:
        """Raise ChangeRefused when the rules of this kind forbid the change (checked again on approval).
        `attached`: the Evidence kinds attached, or being attached, to the request."""

    def validate_many(self, requests) -> dict[int, str]:
        """`validate` on every request of a batch (an import, a school's graduation): the position of each
        one refused, with its message. A kind whose rules read the database per request overrides this to
        read once for the whole batch, applying the same rules."""
        problems = {}
        for position, request in enumerate(requests):
            try:
                self.validate(request)
            except ChangeRefused as refusal:
                problems[position] = str(refusal)
        return problems

    def apply(self, request, *, actor) -> None:
        """The effect of the final approval, run inside the approving transaction."""
        raise NotImplementedError

    def on_submitted(self, request, *, actor) -> None:
        """Run in the submitting (or resubmitting) transaction, after the chain is opened."""

    def on_approved(self, request, *, actor) -> None:
        """Run in the approving transaction, after the effect."""

    def approval_effect(self, request) -> str:
        """What the final approval does, in one sentence for the confirmation before it (issue 17)."""
        return _("Approving completes the %(kind)s of %(name)s: the record changes at once.") % {
            "kind": request.get_kind_display(), "name": request.student.name,
        }  # fmt: skip

    def details(self, request) -> list[tuple[str, str]]:
        """(label, value) pairs describing the request's payload for its page and its printed forms."""
        return []

    def form_kwargs(self, *, student=None, spell=None, school=None, request=None) -> dict:
        """Keyword arguments of `form_class` besides data, files and initial."""
        return {}

    def amend_initial(self, request) -> dict:
        """The form's initial values when a returned request is amended: its payload."""
        return dict(request.payload)

    def start_label(self, *, suspended=False):
        """The label of this kind in a start menu, or None when it is not offered (e.g. while suspended)."""
        return self.label


def town_office_of(school):
    """The one-step chain of most kinds: the school's town office approves (镇制度 四)."""
    return [Party(authority=school.authority)]
