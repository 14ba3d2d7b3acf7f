"""What the information change adds to a pupil's page (students.record_parts): which items need the town
office's approval at the pupil's school (the page offers "edit" for the others and "request a change" for
these), and the family members' history — each change old → new with the member named and personal numbers
masked, additions and removals — up to the moment the reader's view stops. Three queries."""

from itertools import groupby

from django.utils.translation import gettext as _

from audit.timeline import Change, history_timeline
from students.identity import mask_id_number, mask_phone
from students.models import EnrolmentSpell, Guardian
from students.record_parts import pupil_page_part
from transfers.kinds.information_change.fields import items
from transfers.kinds.information_change.policy import approval_fields


@pupil_page_part
def information(student_pk, as_of):
    spell = EnrolmentSpell.objects.filter(student_id=student_pk, ended_on__isnull=True).select_related("school")
    spell = spell.first()
    listed = approval_fields(spell.school.authority_id) if spell is not None else frozenset()
    labels = [str(text) for item, text in items() if item in listed]
    return {"approval_items": labels}, _family_timeline(student_pk, as_of)


def _family_timeline(student_pk, as_of):
    rows = Guardian.history.filter(student_id=student_pk).select_related("history_user")
    if as_of is not None:
        rows = rows.filter(history_date__lte=as_of)
    entries = []
    for _pk, member_rows in groupby(sorted(rows, key=lambda row: row.id), key=lambda row: row.id):
        ordered = sorted(member_rows, key=lambda row: (row.history_date, row.history_id))
        timeline = history_timeline(ordered, masked={"id_number": mask_id_number, "phone": mask_phone})
        for row, entry in zip(reversed(ordered), timeline, strict=True):
            member = f"{row.name}（{row.get_relation_display()}）"
            if entry.kind == "~":
                for change in entry.changes:
                    change.label = f"{member} · {change.label}"
            else:
                old, new = ("", member) if entry.kind == "+" else (member, "")
                entry.changes = [Change(_("Family member"), old, new)]
            entries.append(entry)
    return entries
