"""Audit event types of pupils' records, and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

ID_NUMBER_REVEALED = types.register(
    "students.id_number.revealed", _("{actor} revealed the ID numbers of {target} (reason: {reason})")
)


def id_number_revealed(*, actor, student, reason, request=None):
    return record(ID_NUMBER_REVEALED, actor=actor, target=student, data={"reason": reason}, request=request)
