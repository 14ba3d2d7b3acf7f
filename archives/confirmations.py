"""What each irreversible archive action says before it is done (registry.confirmation): the same sentence
on the confirmation page and in the button's dialog, naming the pupil whose file it is."""

from django.utils.translation import gettext as _

from archives.services import ACCESS_DAYS


def supersede_sentence(document, replacement=None):
    """Without `replacement` (the dialog, before the user's choice is known): "the document you chose"."""
    names = {"title": document.title, "name": document.archive.student.name}
    if replacement is None:
        return (
            _(
                "“%(title)s” in the archive of %(name)s is marked superseded by the document you chose; both stay "
                "in the archive."
            )
            % names
        )
    return _(
        "“%(title)s” in the archive of %(name)s is marked superseded by “%(replacement)s”; both stay in the archive."
    ) % {**names, "replacement": replacement.title}


def sending_sentence(hand_over):
    return _("It is recorded that the paper file of %(name)s left for %(school)s.") % {
        "name": hand_over.archive.student.name,
        "school": hand_over.to_school.name,
    }


def receiving_sentence(hand_over):
    return _("It is recorded that the paper file of %(name)s arrived from %(school)s.") % {
        "name": hand_over.archive.student.name,
        "school": hand_over.from_school.name,
    }


def return_sentence(loan):
    return _("It is recorded that %(borrower)s returned the paper file of %(name)s; the loan closes.") % {
        "borrower": loan.borrower,
        "name": loan.archive.student.name,
    }


def access_sentence(access, approve):
    names = {"school": access.requesting_school.name, "name": access.archive.student.name}
    if approve:
        return _("%(school)s may read the archive of %(name)s for %(days)s days from now.") % {
            **names,
            "days": ACCESS_DAYS,
        }
    return _("The request of %(school)s to read the archive of %(name)s is refused.") % names
