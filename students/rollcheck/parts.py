"""What the apps above students add to the roll reconciliation page (the families' confirmation forms, …).
Layer rule: students imports no app above it; a higher app registers a part with `@roll_check_part` when it
is ready. A part is called with the reconciliation and the reading user and returns a dict with the
`template` to include and its context (the template reads it as `part`), or None to add nothing."""

from collections.abc import Callable

RollCheckPart = Callable[[object, object], dict | None]

_parts: list[RollCheckPart] = []


def roll_check_part(part: RollCheckPart) -> RollCheckPart:
    """Register `part`; returns it."""
    if part not in _parts:
        _parts.append(part)
    return part


def roll_check_parts(check, user) -> list[dict]:
    """The parts every registered app adds to the reconciliation's page, in registration order."""
    return [added for part in _parts if (added := part(check, user)) is not None]
