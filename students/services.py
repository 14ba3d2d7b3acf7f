"""State changes and audited reads of pupils' records."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from registry.roles import Role
from registry.scoping import roles_at
from students import events

# Who may see a minor's full ID numbers (个人信息保护法 第二十八条: sensitive data, least privilege).
REVEAL_ROLES = {Role.REGISTRAR, Role.OFFICER, Role.ADMINISTRATOR}


def can_reveal_id_numbers(user, school) -> bool:
    return bool(roles_at(user, school) & REVEAL_ROLES)


def reveal_id_numbers(student, school, *, actor, reason, request=None):
    """Record that `actor` is shown the full ID numbers of `student` and their guardians, and why.

    ID numbers are masked by default (DESIGN §4); revealing one is an audited action and needs a reason.
    """
    if not can_reveal_id_numbers(actor, school):
        raise PermissionDenied
    with transaction.atomic():
        events.id_number_revealed(actor=actor, student=student, reason=reason, request=request)
