"""What each bulk action of the school year says before it is done (registry.confirmation): the sentence
and one line per pupil (or class), the same on the confirmation page and in the button's dialog."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def graduation_submission(school, candidates):
    count = len(candidates)
    what = ngettext(
        "%(count)s pupil of %(school)s is submitted to the town office for graduation.",
        "%(count)s pupils of %(school)s are submitted to the town office for graduation.",
        count,
    ) % {"count": count, "school": school.name}
    return what, [_pupil_in_class(spell.student.name, spell.school_class) for spell in candidates]


def graduation_approval(school, steps):
    count = len(steps)
    what = ngettext(
        "%(count)s pupil of %(school)s graduates and leaves the register as a graduate.",
        "%(count)s pupils of %(school)s graduate and leave the register as graduates.",
        count,
    ) % {"count": count, "school": school.name}
    return what, [step.request.student.name for step in steps]


def promotion(school, plan):
    count = sum(len(spells) for spells in plan.values())
    what = ngettext(
        "%(count)s pupil of %(school)s moves up one grade, into the class of the same number.",
        "%(count)s pupils of %(school)s move up one grade, into the class of the same number.",
        count,
    ) % {"count": count, "school": school.name}
    lines = [
        ngettext("%(class)s → grade %(grade)s: %(count)s pupil", "%(class)s → grade %(grade)s: %(count)s pupils",
                 len(spells)) % {"class": old_class, "grade": old_class.grade + 1, "count": len(spells)}
        for old_class, spells in plan.items()
    ]  # fmt: skip
    return what, lines


def class_moves(rows, from_class, to_class):
    count = len(rows)
    what = ngettext(
        "%(count)s pupil moves from %(from)s to %(to)s.", "%(count)s pupils move from %(from)s to %(to)s.", count
    ) % {"count": count, "from": from_class, "to": to_class}
    return what, [student.name for student, _old, _new in rows]


def intake(school, rows):
    moves = [(student, new) for student, old, new in rows if old != new]
    what = ngettext(
        "%(count)s grade 1 pupil of %(school)s changes class from today.",
        "%(count)s grade 1 pupils of %(school)s change class from today.",
        len(moves),
    ) % {"count": len(moves), "school": school.name}
    return what, [_pupil_in_class(student.name, new) for student, new in moves]


def _pupil_in_class(name, school_class):
    return _("%(name)s (%(class)s)") % {"name": name, "class": school_class or "—"}
