"""Account services: sealing accounts nobody has used for ACCOUNT_IDLE_DAYS (180) days."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from registry import events


def idle_accounts(now=None):
    """Active accounts whose last login (or, never logged in, their creation) and last password change
    are both more than ACCOUNT_IDLE_DAYS ago. The password change counts so that an account an
    administrator re-enables with a new password is not sealed again the next night. Superusers are
    included: the rule names accounts, not roles, and an idle administrator account is the most valuable
    one to an attacker (another administrator, or `manage.py createsuperuser`, restores access)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCOUNT_IDLE_DAYS)
    return (
        get_user_model()
        .objects.filter(is_active=True, password_changed_at__lt=cutoff)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("username")
    )


def disable_idle_accounts(*, by, now=None) -> list:
    """2025 MoE revision (accounts idle 6 months sealed): set is_active=False on every idle account, with
    an audit event for each naming the system actor `by` ("task" or "command"). A disabled user's
    sessions stop working at once (Django refuses inactive users); an administrator re-enables the account
    in the admin site. Safe to run twice: an account already disabled is not touched again.
    (registry.User keeps no history table; the audit event is the record.)"""
    User = get_user_model()
    disabled = []
    with transaction.atomic():
        for user in idle_accounts(now).select_for_update():
            if User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
                user.is_active = False
                events.account_disabled_idle(user=user, days=settings.ACCOUNT_IDLE_DAYS, by=by)
                disabled.append(user)
    return disabled
