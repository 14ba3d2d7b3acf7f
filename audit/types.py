"""The registry of event types: each dotted action code and the sentence that shows it to people.

Apps register their own types (in their events.py); `audit.record` refuses an unregistered action, so
every event in the log can be rendered.
"""

from django.utils.translation import gettext_lazy as _

_TYPES: dict[str, object] = {}


def register(action: str, sentence) -> str:
    """Register `action` (e.g. "registry.role.granted") with a sentence using {actor}, {target} and data keys."""
    _TYPES[action] = sentence
    return action


def is_registered(action: str) -> bool:
    return action in _TYPES


def render(event) -> str:
    """The event as a sentence in the current language, built at display time from its structured data."""
    sentence = _TYPES.get(event.action, event.action)
    values = {"actor": event.actor_name or _("(system)"), "target": event.target_repr, **event.data}
    try:
        return str(sentence).format(**values)
    except (KeyError, IndexError):
        return str(sentence)


LOGIN = register("auth.login", _("{actor} logged in"))
LOGIN_FAILED = register("auth.login_failed", _("Failed login for user name {target}"))
LOGOUT = register("auth.logout", _("{actor} logged out"))

SEARCHED = register("audit.searched", _("{actor} searched the audit log ({rows} events)"))
EXPORTED = register("audit.exported", _("{actor} exported {rows} audit events to Excel"))
CHAIN_BROKEN = register(
    "audit.chain_broken", _("The audit log's hash chain is broken at event #{event_id} ({problem})")
)


def registered_actions() -> list[str]:
    """Every registered action code, sorted (the audit search offers them as choices)."""
    return sorted(_TYPES)


class _Blanks(dict):
    def __missing__(self, key):
        return "…"


def describe(action: str) -> str:
    """The action as a pattern in the current language, its details left as "…" (a choice's label)."""
    sentence = _TYPES.get(action, action)
    try:
        return str(sentence).format_map(_Blanks())
    except (IndexError, ValueError):
        return action
