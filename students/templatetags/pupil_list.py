"""The rows of the pupil list (templates/students/pupil_list.html), built in Python.

Twenty to two hundred rows of eight cells, each cell a template variable with a filter (a date, a mask, a
default) and a link per row: as Django's admin builds the rows of its change list (`items_for_result`), the
rows are built here in one pass, escaped by `format_html`, rather than by some two hundred template nodes."""

from django import template
from django.urls import reverse
from django.utils.html import format_html_join

from students.templatetags.masking import mask_id

register = template.Library()

NOTHING = "—"
ROW = (
    '<tr><td class="font-monospace">{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>'
    '<td class="font-monospace">{}</td><td class="font-monospace">{}</td><td>{}</td><td>{}</td></tr>'
)


@register.simple_tag
def pupil_rows(spells):
    """One <tr> per open spell: school number, name (a link to the record), sex, birth date, the masked ID
    and national numbers, school and class; a missing value shown as a dash."""
    return format_html_join("\n", ROW, (_cells(spell) for spell in spells))


def _cells(spell):
    pupil = spell.student
    return (
        spell.school_number or NOTHING,
        reverse("pupil_detail", args=[pupil.pk]),
        pupil.name,
        pupil.get_sex_display(),
        pupil.birth_date.isoformat() if pupil.birth_date else "",
        mask_id(pupil.id_number),
        mask_id(pupil.national_number) or NOTHING,
        spell.school.name,
        spell.school_class or NOTHING,
    )
