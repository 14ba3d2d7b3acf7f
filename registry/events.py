"""Audit event types of the organisation, and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types


def _role_label(event):
    from registry.roles import Role

    role = event.data.get("role")
    return {"role": Role(role).label if role in Role.values else role}


ROLE_GRANTED = types.register(
    "registry.role.granted", _("{actor} granted the role {role} for {target}"), values=_role_label
)
ROLE_REVOKED = types.register(
    "registry.role.revoked", _("{actor} revoked the role {role} for {target}"), values=_role_label
)


def role_granted(*, actor, user, role, scope):
    return record(ROLE_GRANTED, actor=actor, target=user, data={"role": role.value, "scope": str(scope or "")})


def role_revoked(*, actor, user, role, scope):
    return record(ROLE_REVOKED, actor=actor, target=user, data={"role": role.value, "scope": str(scope or "")})


ACCOUNT_DISABLED_IDLE = types.register(
    "registry.account.disabled_idle",
    _("Account {target} disabled automatically after {days} days without a login"),
)
TWO_FACTOR_ENROLLED = types.register(
    "registry.account.two_factor_enrolled", _("{actor} set up two-factor authentication")
)
TWO_FACTOR_FAILED = types.register("registry.account.two_factor_failed", _("{actor} entered a wrong two-factor code"))


def account_disabled_idle(*, user, days, by):
    """An account sealed for inactivity (registry.accounts.disable_idle_accounts); `by` is "task" or
    "command", the system actor that ran it."""
    return record(ACCOUNT_DISABLED_IDLE, actor=None, target=user, data={"days": days, "by": by})


def two_factor_enrolled(*, user, request):
    return record(TWO_FACTOR_ENROLLED, actor=user, target=user, request=request)


def two_factor_failed(*, user, request):
    return record(TWO_FACTOR_FAILED, actor=user, target=user, request=request)


STAFF_CREATED = types.register("registry.staff.created", _("{actor} created the staff account {target}"))
STAFF_DISABLED = types.register("registry.staff.disabled", _("{actor} disabled the account {target}"))
STAFF_ENABLED = types.register("registry.staff.enabled", _("{actor} re-enabled the account {target}"))
STAFF_PASSWORD_RESET = types.register("registry.staff.password_reset", _("{actor} gave {target} a one-time password"))
STAFF_IMPORTED = types.register("registry.staff.imported", _("{actor} imported {count} staff accounts from {file}"))


def staff_created(*, actor, user):
    return record(STAFF_CREATED, actor=actor, target=user, data={"username": user.username})


def staff_active_changed(*, actor, user):
    return record(STAFF_ENABLED if user.is_active else STAFF_DISABLED, actor=actor, target=user)


def staff_password_reset(*, actor, user):
    return record(STAFF_PASSWORD_RESET, actor=actor, target=user)


def staff_imported(*, actor, count, file):
    return record(STAFF_IMPORTED, actor=actor, data={"count": count, "file": file})
