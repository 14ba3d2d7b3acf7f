"""An information change as people read it: (label, old, new) rows in the current language, personal
numbers masked — the pupil's fields, then each family member's (named as the record named them), additions
and removals. The request page, the direct edit's confirmation and the service's outcome show these."""

from django.utils.translation import gettext as _

from students.models import Guardian, Student
from transfers.kinds.information_change.fields import display, label


def rows_of(plan):
    rows = [
        (label(Student, name), display(Student, name, plan.previous.get(name, "")), display(Student, name, new))
        for name, new in plan.changes.items()
    ]
    for op in plan.guardians:
        if op.action == "add":
            rows.append((_("New family member"), "", _member_summary(op.changes)))
        elif op.action == "remove":
            rows.append((_("Family member removed"), _member_summary(op.previous), ""))
        else:
            rows += [
                (f"{op.member} · {label(Guardian, name)}", display(Guardian, name, op.previous.get(name, "")),
                 display(Guardian, name, new))
                for name, new in op.changes.items()
            ]  # fmt: skip
    return rows


def _member_summary(values):
    relation = display(Guardian, "relation", values.get("relation", ""))
    phone = display(Guardian, "phone", values.get("phone", ""))
    return f"{values.get('name', '')}（{relation}）{phone}"
