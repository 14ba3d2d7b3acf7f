"""The start menus of status changes, read from the kind registry (transfers.kinds): a new kind started from
a pupil's page or a school's page appears in its menu by registering."""

from django import template

from transfers.kinds import KINDS

register = template.Library()


@register.simple_tag
def change_kinds(starts_from, suspended=False):
    """(code, label, style) of the kinds started from `starts_from` ("pupil" or "incoming") and offered now."""
    offered = []
    for kind in KINDS.values():
        label = kind.start_label(suspended=bool(suspended)) if kind.starts_from == starts_from else None
        if label:
            offered.append((kind.code, label, kind.menu_style))
    return offered
