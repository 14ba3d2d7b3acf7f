"""关键信息变更: the strict case of the information change (transfers.kinds.information_change) — the five key
fields only, always decided by the town office. No longer started on its own (the information change page
sends key fields to the town office as an information change); kept so that the requests stored with this
kind display, decide, amend and resubmit as before, by the same rules and effect."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transfers.kinds import register
from transfers.kinds.information_change import InformationChange
from transfers.kinds.information_change.fields import KEY_FIELDS


@register
class KeyChange(InformationChange):
    """Name, sex, birth date, ID number or ethnicity (DOMAIN Key fields): the rules and effect of the
    information change, restricted to these fields; other fields in a stored payload are ignored."""

    code = "key_change"
    label = gettext_lazy("Key-information change")
    position = 101
    fields = KEY_FIELDS
    changes_family = False

    def nothing_to_change(self):
        return _("Change at least one of name, sex, birth date, ID number or ethnicity.")
