"""The staff import (issue 15): all or nothing — every row of the file is created, with its role, in one
transaction, or none is; each account gets a one-time password, shown once on the result page."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.history import acting_as
from registry import events
from registry.accounts.staff.services import StaffRuleError, create_staff, grant
from registry.roles import Role


@dataclass
class Imported:
    user: object
    password: str
    role: Role | None
    scope: object


def import_staff(results, *, actor, filename) -> list[Imported]:
    """Create the accounts of checked rows (registry.accounts.staff.spreadsheet.read_staff). Refuses
    (StaffRuleError) if any row has an error or a user name was taken meanwhile; then nothing is created."""
    if not results or any(not result.ok for result in results):
        raise StaffRuleError(_("The file has errors; nothing was imported."))
    imported = []
    try:
        with transaction.atomic(), acting_as(actor):
            for result in results:
                values = result.values
                user, password = create_staff(
                    actor=actor,
                    full_name=values["full_name"],
                    username=values["username"],
                    phone=values["phone"] or "",
                    email=values["email"] or "",
                )
                role = Role(values["role"]) if values["role"] else None
                if role is not None:
                    grant(user, role, values["scope"], actor=actor)
                imported.append(Imported(user, password, role, values["scope"]))
            events.staff_imported(actor=actor, count=len(imported), file=filename)
    except IntegrityError:
        raise StaffRuleError(_("A user name in the file was taken while importing; nothing was imported.")) from None
    except PermissionDenied:
        raise StaffRuleError(_("A role in the file is outside your reach; nothing was imported.")) from None
    return imported
