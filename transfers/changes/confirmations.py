"""What withdrawing a request says before it is done (registry.confirmation): the same sentence on the
confirmation page and in the withdraw button's dialog."""

from django.utils.translation import gettext as _


def withdrawal_sentence(change_request):
    return _(
        "The %(kind)s request of %(name)s is withdrawn and closed for good; to go ahead, a new request would "
        "have to be started."
    ) % {"kind": change_request.get_kind_display(), "name": change_request.student.name}
