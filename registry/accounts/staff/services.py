"""Every change to a staff account made on the staff pages (issue 15), each in one transaction with an audit
event naming the actor:

- an officer acts only within their town (registry.accounts.staff.scope) and never makes, unmakes, disables
  or resets an administrator — only an administrator does ("staff.grant_administrator");
- the last active administrator can be neither disabled nor lose the role (the county would be locked out);
- a new account and a reset one get a one-time password, shown once, that must be changed at first login
  (User.must_change_password, registry.accounts.middleware.PasswordAgeMiddleware).

Roles themselves go through registry.services.grant_role / revoke_role, audited there.
"""

import secrets
import string

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.history import acting_as
from registry import events
from registry.accounts.staff.scope import (
    authorities_managed_by,
    is_administrator,
    schools_managed_by,
    staff_managed_by,
)
from registry.models import Authority, School
from registry.roles import Role
from registry.services import grant_role, revoke_role

_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0OoIl1")
ONE_TIME_PASSWORD_LENGTH = 14


class StaffRuleError(ValueError):
    """A change the rules refuse; str() is the message for the user."""


def one_time_password(user=None) -> str:
    """A random password that passes the password rules (length, three kinds of character)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def _check_manages(actor, user):
    if not staff_managed_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied


def _check_scope(actor, role, scope):
    if role == Role.ADMINISTRATOR:
        if not is_administrator(actor):
            raise PermissionDenied
        return
    if isinstance(scope, School) and schools_managed_by(actor).filter(pk=scope.pk).exists():
        return
    if isinstance(scope, Authority) and authorities_managed_by(actor).filter(pk=scope.pk).exists():
        return
    raise PermissionDenied


def _lock_administrators():
    """The active administrators, locked until the transaction ends, so that two administrators disabling
    each other at the same moment cannot both succeed."""
    return list(get_user_model().objects.select_for_update().filter(is_superuser=True, is_active=True).order_by("pk"))


def _refuse_last_administrator(user, message):
    administrators = _lock_administrators()
    if [admin.pk for admin in administrators] == [user.pk]:
        raise StaffRuleError(message)


def _set_one_time_password(user):
    password = one_time_password(user)
    user.set_password(password)
    user.must_change_password = True
    return password


def create_staff(*, actor, full_name, username, phone="", email=""):
    """A new active staff account with no role yet; returns (user, its one-time password)."""
    if not (is_administrator(actor) or _manages_somewhere(actor)):
        raise PermissionDenied
    user = get_user_model()(full_name=full_name, username=username, phone=phone, email=email)
    password = _set_one_time_password(user)
    with transaction.atomic(), acting_as(actor):
        user.save()
        events.staff_created(actor=actor, user=user)
    return user, password


def _manages_somewhere(actor) -> bool:
    return schools_managed_by(actor).exists() or authorities_managed_by(actor).exists()


def reset_password(user, *, actor) -> str:
    """Give `user` a new one-time password (returned, to be shown once); their old one stops working."""
    _check_manages(actor, user)
    with transaction.atomic(), acting_as(actor):
        password = _set_one_time_password(user)
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        events.staff_password_reset(actor=actor, user=user)
    return password


def set_active(user, active, *, actor):
    """Disable an account (it can no longer sign in; its roles stay) or re-enable it."""
    _check_manages(actor, user)
    with transaction.atomic(), acting_as(actor):
        if not active and user.is_superuser:
            _refuse_last_administrator(user, _("This is the last active administrator; it cannot be disabled."))
        user.refresh_from_db(fields=["is_active"])
        if user.is_active == active:
            return
        user.is_active = active
        user.save(update_fields=["is_active"])
        events.staff_active_changed(actor=actor, user=user)


def grant(user, role, scope, *, actor):
    """Grant `role` at `scope` (a School for a school role, an Authority for the officer, None for the
    administrator), within the actor's reach."""
    _check_manages(actor, user)
    _check_scope(actor, role, scope)
    grant_role(user, role, scope, actor=actor)


def revoke(user, role, scope, *, actor):
    """Revoke `role` at `scope`; never the last active administrator's."""
    _check_manages(actor, user)
    _check_scope(actor, role, scope)
    with transaction.atomic():
        if role == Role.ADMINISTRATOR:
            _refuse_last_administrator(user, _("This is the last active administrator; the role cannot be revoked."))
        revoke_role(user, role, scope, actor=actor)
