"""`{% state_badge obj %}`: the one badge every page shows a state with (a request, a roll check, a print, an
import, an access request), one colour per state (static/css/app.css `.xj-state-*`): waiting on someone,
in progress, back with you, done, refused or failed, idle. `obj` is a model with `state` and
`get_state_display`, or a state code with its label: `{% state_badge row.state row.state_label %}`;
`testid=` sets data-testid."""

from django import template

register = template.Library()

TONES = {
    "waiting": ("pending", "submitted", "queued"),
    "working": ("running", "rendering"),
    "yours": ("returned",),
    "done": ("approved", "signed", "received", "ready", "imported"),
    "refused": ("rejected", "refused", "failed"),
    "idle": ("draft", "withdrawn", "none", "expired"),
}
TONE_OF = {state: tone for tone, states in TONES.items() for state in states}


@register.inclusion_tag("includes/state_badge.html")
def state_badge(value, label=None, testid=""):
    state = getattr(value, "state", value)
    if label is None:
        label = value.get_state_display() if hasattr(value, "get_state_display") else state
    return {"state": state, "label": label, "tone": TONE_OF.get(str(state), "idle"), "testid": testid}
