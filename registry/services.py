"""State changes of the organisation: granting and revoking staff roles."""

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from audit.history import acting_as
from registry import events
from registry.models import Authority, School
from registry.roles import AUTHORITY_ROLE_PERMISSIONS, SCHOOL_ROLE_PERMISSIONS, Role
from registry.scoping import forget_grants


class RoleScopeError(ValueError):
    """A role was given a scope of the wrong kind (a school role needs a School, an officer an Authority)."""


def _permission_for(role, scope):
    if role in SCHOOL_ROLE_PERMISSIONS and isinstance(scope, School):
        return SCHOOL_ROLE_PERMISSIONS[role]
    if role in AUTHORITY_ROLE_PERMISSIONS and isinstance(scope, Authority):
        return AUTHORITY_ROLE_PERMISSIONS[role]
    if role == Role.ADMINISTRATOR and scope is None:
        return None
    raise RoleScopeError(f"role {role} cannot be scoped to {scope!r}")


def grant_role(user, role, scope=None, *, actor):
    """Give `user` the role for `scope` (one school, one authority, or none for an administrator).

    DESIGN §4: a school role is one object permission on the School row, an officer one on the Authority
    row — never a row per pupil. Recorded as an audit event (for a school or town role by the receiver that
    audits every object permission, registry.receivers, whoever creates it).
    """
    codename = _permission_for(role, scope)
    with transaction.atomic(), acting_as(actor):
        if codename is None:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
            events.role_granted(actor=actor, user=user, role=role, scope=scope)
        else:
            assign_perm(f"registry.{codename}", user, scope)
    forget_grants(user)


def revoke_role(user, role, scope=None, *, actor):
    """Take the role away again; recorded as an audit event (as for grant_role)."""
    codename = _permission_for(role, scope)
    with transaction.atomic(), acting_as(actor):
        if codename is None:
            user.is_superuser = user.is_staff = False
            user.save(update_fields=["is_superuser", "is_staff"])
            events.role_revoked(actor=actor, user=user, role=role, scope=scope)
        else:
            remove_perm(f"registry.{codename}", user, scope)
    forget_grants(user)
