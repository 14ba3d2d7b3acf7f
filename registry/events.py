"""Audit event types of the organisation, and their typed constructors (STYLE 9)."""

from django.utils.translation import gettext_lazy as _

from audit import record, types

ROLE_GRANTED = types.register("registry.role.granted", _("{actor} granted the role {role} for {target}"))
ROLE_REVOKED = types.register("registry.role.revoked", _("{actor} revoked the role {role} for {target}"))


def role_granted(*, actor, user, role, scope):
    return record(ROLE_GRANTED, actor=actor, target=user, data={"role": role.value, "scope": str(scope or "")})


def role_revoked(*, actor, user, role, scope):
    return record(ROLE_REVOKED, actor=actor, target=user, data={"role": role.value, "scope": str(scope or "")})
