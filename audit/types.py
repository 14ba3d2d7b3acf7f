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
