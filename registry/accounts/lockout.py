"""Login lockout and per-address throttling, on django-axes (issue 7, ASVS 2.2.1).

A user name is locked for AXES_COOLOFF_TIME (15 minutes) after AXES_FAILURE_LIMIT (5) failed logins; an
address is locked after LOGIN_IP_FAILURE_LIMIT failures for any user names, a higher number because a
school's staff share one address. A locked-out attempt is answered with the login page exactly as for a
wrong password or an unknown user name, so the page reveals neither whether an account exists nor
whether it is locked. Every refused attempt is still a failed-login audit event (audit.signals).
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a separate limit per address (AXES_LOCKOUT_PARAMETERS is
    ["username", "ip_address"]: the first query set counts the user name's failures, the second the
    address's)."""

    def get_failures(self, request, credentials=None) -> int:
        by_username, by_address = (_failures(attempts) for attempts in self.get_user_attempts(request, credentials))
        if by_address >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(by_username, settings.AXES_FAILURE_LIMIT)
        return by_username


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out attempt gets: the login view's own answer (the form with its usual "enter a
    correct user name and password" error), never a distinct lockout page."""
    if original_response is not None:
        return original_response
    from django.contrib.auth.views import LoginView

    return LoginView.as_view()(request)


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend (first in AUTHENTICATION_BACKENDS: it refuses a locked-out attempt before any password
    is checked). Every web login passes its request; a call without one (the test client's login(), a
    shell) has no address to throttle and is let through to the password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
