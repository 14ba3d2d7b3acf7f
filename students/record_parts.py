"""What the apps above students add to a pupil's page (the status-change requests and their timeline
entries, …). Layer rule: students imports no app above it; a higher app registers a part with
`@pupil_page_part` when it is ready. A part is called with the pupil's id and the moment the reader's view
stops (a former school reads the record as it stood when the pupil left; None: now) and returns the page
context it adds and its timeline entries (audit.timeline.TimelineEntry)."""

from collections.abc import Callable
from datetime import datetime

PupilPagePart = Callable[[int, datetime | None], tuple[dict, list]]

_parts: list[PupilPagePart] = []


def pupil_page_part(part: PupilPagePart) -> PupilPagePart:
    """Register `part`; returns it."""
    if part not in _parts:
        _parts.append(part)
    return part


def pupil_page_parts(student_pk, as_of=None) -> tuple[dict, list]:
    """The context and the timeline entries every registered part adds to the pupil's page."""
    context, entries = {}, []
    for part in _parts:
        added, timeline = part(student_pk, as_of)
        context.update(added)
        entries += timeline
    return context, entries
