"""The registry of event types: each dotted action code and the sentence that shows it to people.

Apps register their own types (in their events.py); `audit.record` refuses an unregistered action, so
every event in the log can be rendered. A sentence is a (lazily translated) pattern over {actor}, {target}
and the event's data keys, or a function of the data returning one (one pattern per step, say); `values`
turns stored codes into words at display time (a step, a table's slug), so nothing internal is shown and
every reader gets their own language. The actor is shown by the real name copied into the event.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventType:
    sentence: object  # a pattern, or a function data -> pattern
    values: object = None  # a function event -> {key: display value}, or None
    label: object = None  # the operation's name in choices; by default the pattern with blanks


_TYPES: dict[str, EventType] = {}


def register(action: str, sentence, *, values=None, label=None) -> str:
    """Register `action` (e.g. "registry.role.granted") with its sentence (see the module's docstring)."""
    _TYPES[action] = EventType(sentence, values, label)
    return action


def is_registered(action: str) -> bool:
    return action in _TYPES


class _Blanks(dict):
    def __missing__(self, key):
        return "…"


def _pattern(kind: EventType, data):
    sentence = kind.sentence
    return sentence(data) if callable(sentence) and not isinstance(sentence, Promise) else sentence


def render(event) -> str:
    """The event as a sentence in the current language, built at display time from its structured data."""
    kind = _TYPES.get(event.action)
    if kind is None:
        return _("An operation no longer known to this version")
    values = {"actor": event.operator or _("(system)"), "target": event.target_repr, **event.data}
    if kind.values is not None:
        values.update(kind.values(event))
    pattern = str(_pattern(kind, event.data))
    try:
        return pattern.format(**values)
    except (KeyError, IndexError, ValueError):
        return pattern.format_map(_Blanks(values))


def registered_actions() -> list[str]:
    """Every registered action code, sorted (the audit search offers them as choices)."""
    return sorted(_TYPES)


def describe(action: str) -> str:
    """The operation in the current language, for a choice's label: its label, else its pattern with the
    details left as "…"."""
    kind = _TYPES.get(action)
    if kind is None:
        return str(_("An operation no longer known to this version"))
    if kind.label is not None:
        return str(kind.label)
    try:
        return str(_pattern(kind, {})).format_map(_Blanks())
    except (IndexError, ValueError):
        return str(_("Operation"))


LOGIN = register("auth.login", _("{actor} logged in"))
LOGIN_FAILED = register("auth.login_failed", _("Failed login for user name {target_username}"))
LOGOUT = register("auth.logout", _("{actor} logged out"))

def describe_problem(problem: str) -> str:
    """A break's kind (audit.chain.BrokenLink.problem) in words, in the current language."""
    if problem == "edited":
        return _("its content does not match its hash (the row was edited)")
    if problem == "inserted":
        return _("it was not written by the application (the row was inserted in the database)")
    return _("the chain does not continue there (this event or one before it was removed)")


def _problem(event):
    return {"problem": describe_problem(event.data.get("problem", ""))}


CHAIN_BROKEN = register(
    "audit.chain_broken", _("The audit log's hash chain is broken at event #{event_id}: {problem}"), values=_problem
)
