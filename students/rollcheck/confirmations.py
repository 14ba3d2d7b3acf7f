"""What each irreversible step of the roll check says before it is taken (registry.confirmation): the same
sentence on the confirmation page (no JavaScript) and in the button's dialog, in the user's terms."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.rollcheck import services

STEP_SENTENCES = {
    "return": gettext_lazy(
        "The roll check of %(school)s for %(semester)s goes back to the registrar with your reason."
    ),
    "receive": gettext_lazy(
        "The roll check of %(school)s for %(semester)s is recorded as received by the town office."
    ),
    "reopen": gettext_lazy(
        "The roll check of %(school)s for %(semester)s reopens as a draft for the registrar; the signed "
        "version is kept, marked superseded."
    ),
}
STEP_BUTTONS = {
    "sign": gettext_lazy("Sign"),
    "return": gettext_lazy("Send back to the registrar"),
    "receive": gettext_lazy("Receive"),
    "reopen": gettext_lazy("Reopen"),
}


def step_sentence(check, step, rolls=None):
    """The sentence for `step` ("sign", "return", "receive", "reopen") of `check`; signing names the
    figures it locks (`rolls`: the check's services.class_rolls, read when not given)."""
    names = {"school": check.school.name, "semester": check.semester}
    if step == "sign":
        rolls = services.class_rolls(check) if rolls is None else rolls
        return _(
            "Signing locks the roll check of %(school)s for %(semester)s as it stands: %(registered)s on the "
            "register, %(present)s present. Only the town office can reopen it."
        ) % {**names, "registered": sum(r.registered for r in rolls), "present": sum(r.present or 0 for r in rolls)}
    return STEP_SENTENCES[step] % names


def removal_sentence(discrepancy):
    return _("%(name)s is removed from the differences of the roll check, with the reason given.") % {
        "name": discrepancy.name
    }
