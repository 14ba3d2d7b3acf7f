"""Signal receivers of the organisation app."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from registry import two_factor
from registry.middleware import start_session_clock


@receiver(user_logged_in, dispatch_uid="registry.session_clock")
def on_login(sender, request, user, **kwargs):
    """Start the session's timeout clocks and work out whether a second factor is due."""
    if request is None or not hasattr(request, "session"):
        return
    start_session_clock(request)
    request.session[two_factor.SESSION_KEY] = two_factor.state_for(user)
