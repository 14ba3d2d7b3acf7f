"""State changes and audited reads of pupils' records."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from registry.roles import Role
from registry.scoping import roles_at
from students import events
from students.export import pupil_list_workbook
from students.pinyin import folded, search_keys

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


def refresh_search_keys(student):
    """Set the search keys (simplified form, pinyin) from the pupil's name; every path that sets a name
    calls this."""
    student.name_folded = folded(student.name)
    student.name_pinyin, student.name_initials = search_keys(student.name)


def export_pupil_list(spells, *, actor, scope, filters, request=None):
    """The filtered pupil list as an Excel workbook; every export is an audit event with its row count."""
    content, rows = pupil_list_workbook(spells, scope=scope, exported_by=actor)
    events.list_exported(actor=actor, rows=rows, scope=scope, filters=filters, request=request)
    return content
