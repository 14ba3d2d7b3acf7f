"""Rules several kinds share (DOMAIN Status changes): the pupil must be on the school's register, not
suspended, not in the graduating year; a class has a size cap; transfers happen in the semester's transfer
windows unless the town office approves an exception. Each raises ChangeRefused with a message saying which
rule refused the change."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import SchoolClass, Semester, TransferWindow
from students.models import EnrolmentSpell
from transfers.kinds.base import ChangeRefused

GRADUATING_GRADES = (6, 9)  # primary grade 6, junior grade 9


def open_spell(student):
    """The pupil's open enrolment spell (their current school and class), or None."""
    return student.spells.select_related("school", "school_class").filter(ended_on__isnull=True).first()


def enrolled_spell(student, school=None):
    """The open spell, refusing when the pupil is not on a register (or not on `school`'s)."""
    spell = open_spell(student)
    if spell is None:
        raise ChangeRefused(_("%(name)s is not on any school's register.") % {"name": student.name})
    if school is not None and spell.school_id != school.pk:
        raise ChangeRefused(_("%(name)s is not on the register of %(school)s.") % {"name": student, "school": school})
    return spell


def open_suspension(student):
    return student.suspensions.filter(ended_on__isnull=True).first()


def refuse_during_suspension(student):
    if open_suspension(student) is not None:
        raise ChangeRefused(
            _("%(name)s is suspended; a transfer or guest study is not possible during a suspension.")
            % {"name": student.name}
        )


def refuse_graduating_year(grade, what):
    if grade in GRADUATING_GRADES:
        raise ChangeRefused(
            _("Grade %(grade)s is a graduating year: %(what)s is normally not possible.")
            % {"grade": grade, "what": what}
        )


def school_class(class_id, school):
    """The class with this id (a payload's reference), which must (still) exist and belong to `school`: a
    class deleted or moved since the request was submitted is refused with this message, not a crash."""
    found = SchoolClass.objects.filter(pk=class_id, school=school).first() if class_id else None
    if found is None:
        raise ChangeRefused(_("Choose a class of %(school)s.") % {"school": school}, field="school_class")
    return found


def refuse_full_class(school_class, *, exclude_student=None, arriving=1):
    """班额: a class may not exceed its school's cap (with `arriving` pupils joining it at once)."""
    pupils = EnrolmentSpell.objects.filter(school_class=school_class, ended_on__isnull=True)
    if exclude_student is not None:
        pupils = pupils.exclude(student=exclude_student)
    present = pupils.count()
    if arriving > 1 and present + arriving > school_class.school.class_size_cap:
        raise ChangeRefused(
            _("%(class)s has %(present)s pupils; %(arriving)s more would exceed %(cap)s, the class-size cap of "
              "%(school)s.")
            % {"class": school_class, "present": present, "arriving": arriving,
               "cap": school_class.school.class_size_cap, "school": school_class.school}
        )  # fmt: skip
    if present >= school_class.school.class_size_cap:
        raise ChangeRefused(
            _("%(class)s already has %(cap)s pupils, the class-size cap of %(school)s; choose another class.")
            % {"class": school_class, "cap": school_class.school.class_size_cap, "school": school_class.school}
        )


def refuse_grade_change(spell, school_class):
    """A transfer keeps the pupil's grade (no skipping or repeating by moving school)."""
    if school_class.grade != spell.grade:
        raise ChangeRefused(
            _("The pupil is in grade %(grade)s; a transfer keeps the grade, so choose a grade %(grade)s class.")
            % {"grade": spell.grade}
        )


def in_transfer_window(day: date) -> bool:
    """Inside a transfer window of the semester containing `day`; between semesters (the holidays, when
    schools normally take transfers) counts as inside."""
    semester = Semester.containing(day)
    if semester is None:
        return True
    return TransferWindow.objects.filter(semester=semester, opens_on__lte=day, closes_on__gte=day).exists()


def refuse_outside_window(exception_reason, submitted_at):
    """Outside the transfer windows (on the day the request was submitted), the registrar must give the
    reason for an exception, which the town office approves or rejects with the request."""
    if not in_transfer_window(timezone.localdate(submitted_at)) and not exception_reason.strip():
        raise ChangeRefused(
            _(
                "This is outside the semester's transfer windows. Give the reason for an exception; the town "
                "office decides on it with the request."
            )
        )
