"""The families' confirmation forms on the semester's roll reconciliation page (students.rollcheck.parts):
how many families confirmed, corrected or did not return the form, for the school and each class — seen by
the registrar while preparing and by the headteacher before signing — with the registrar's way to each
class's forms."""

from archives.family_confirmations.services import can_manage, tally
from students.rollcheck.parts import roll_check_part


@roll_check_part
def confirmation_forms(check, user):
    total, by_class = tally(check.school, check.semester)
    classes = [
        (school_class, by_class.get(school_class.pk, {"confirmed": 0, "corrected": 0, "outstanding": 0}))
        for school_class in check.school.classes.order_by("grade", "number")
    ]
    return {
        "template": "archives/family_confirmations/roll_check_part.html",
        "total": total,
        "classes": [(school_class, counts) for school_class, counts in classes if school_class.pk in by_class],
        "may_manage": can_manage(user, check.school),
        "semester": check.semester,
        "school": check.school,
    }
