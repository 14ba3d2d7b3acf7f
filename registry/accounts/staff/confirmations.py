"""What revoking a role, disabling an account and resetting its password say before they are done
(registry.confirmation): the same sentence on the confirmation page and in the button's dialog."""

from django.utils.translation import gettext as _


def role_at(role, scope):
    """ "Registrar（甲小学）", or the role alone where it has no place (the administrator)."""
    return f"{role.label}（{scope}）" if scope is not None else str(role.label)


def revoke_sentence(account, role, scope):
    return _("%(user)s is no longer %(role)s and loses its pages and rights there at once.") % {
        "user": account,
        "role": role_at(role, scope),
    }


def disable_sentence(account):
    return _("%(user)s can no longer sign in, from now on; the roles stay.") % {"user": account}


def password_sentence(account):
    return _("%(user)s gets a new one-time password; the current password stops working at once.") % {"user": account}
