"""The cells of a statistics table on the page (templates/statistics/includes/table.html), built in Python.

A school's page shows every class as a row: written as template tags per cell (a class, a link, a badge each
tested cell by cell), the tables cost the page more than all its queries. As Django's admin builds the cells of
its change list (`items_for_result`), each row's cells are built here once, escaped and localised as `{{ value }}`
would be."""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from reports.statistics.tables import shown

register = template.Library()


@register.simple_tag
def row_cells(table, row):
    """The <td> cells of `row`: numbers to the right, a cell's link (`row.links`), and the table's flag label
    said beside the first cell of a flagged row (so it is not told by colour alone)."""
    cells = []
    for index, (value, (_label, numeric)) in enumerate(zip(row.cells, table.columns, strict=False)):
        text = _text(value)
        link = row.links.get(index)
        if link:
            text = format_html('<a href="{}">{}</a>', link, text)
        if index == 0 and row.flagged and table.flag_label:
            text = format_html('{} <span class="badge text-bg-warning">{}</span>', text, table.flag_label)
        cells.append(f'<td class="text-end">{text}</td>' if numeric else f"<td>{text}</td>")
    return mark_safe("".join(cells))


@register.simple_tag
def total_cells(table):
    """The total row's cells: the first a row header, the others emphasised."""
    cells = []
    for index, (value, (_label, numeric)) in enumerate(zip(table.total or [], table.columns, strict=False)):
        text = _text(value)
        if index == 0:
            cells.append(f'<th scope="row">{text}</th>')
        else:
            cells.append(
                f'<td class="fw-semibold text-end">{text}</td>' if numeric else f'<td class="fw-semibold">{text}</td>'
            )
    return mark_safe("".join(cells))


def _text(value):
    """A cell's text, escaped and localised as `{{ value }}` would give it. A count (most cells) is its digits:
    what localize gives an integer when numbers are not grouped in thousands, without its formatting machinery
    (a few microseconds a cell, a millisecond a page)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return conditional_escape(localize(shown(value)))
