"""Signal receivers of the organisation app: the session clocks at login, and the audit of role grants
however they are made (grant_role, or guardian's object-permission pages in the admin)."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from guardian.models import UserObjectPermission
from simple_history.models import HistoricalRecords

from audit.history import current_actor
from registry import events
from registry.accounts import two_factor
from registry.accounts.middleware import start_session_clock
from registry.roles import ROLE_BY_CODENAME


@receiver(user_logged_in, dispatch_uid="registry.session_clock")
def on_login(sender, request, user, **kwargs):
    """Start the session's timeout clocks and work out whether a second factor is due."""
    if request is None or not hasattr(request, "session"):
        return
    start_session_clock(request)
    request.session[two_factor.SESSION_KEY] = two_factor.state_for(user)


def _acting_user():
    """Who made the change: the actor a service names (acting_as), else the signed-in user of the request
    being served (simple_history's middleware keeps it), else nobody (the system)."""
    actor = current_actor()
    if actor is not None:
        return actor
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _audit_role(permission, event):
    role = ROLE_BY_CODENAME.get(permission.permission.codename)
    if role is not None:
        event(actor=_acting_user(), user=permission.user, role=role, scope=permission.content_object)


@receiver(post_save, sender=UserObjectPermission, dispatch_uid="registry.role_granted")
def on_role_permission_saved(sender, instance, created, **kwargs):
    """A school or town role is an object permission (DESIGN §4): each new one is a role granted."""
    if created:
        _audit_role(instance, events.role_granted)


@receiver(post_delete, sender=UserObjectPermission, dispatch_uid="registry.role_revoked")
def on_role_permission_deleted(sender, instance, **kwargs):
    _audit_role(instance, events.role_revoked)
