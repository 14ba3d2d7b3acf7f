"""Session and account rules applied to every signed-in request (issue 7).

- SessionTimeoutMiddleware: a session ends after SESSION_IDLE_TIMEOUT (15 minutes) without a request and
  SESSION_COOKIE_AGE (8 hours) after login, however active (ASVS 3.3.1/3.3.2). A form posted into an ended
  session is kept and given back after the login (registry.accounts.session_keeping).
- TwoFactorMiddleware: a user with a confirmed TOTP device enters its code before anything else; with
  REQUIRE_TOTP_FOR_OFFICERS on, an officer or administrator without one is sent to enrol.
- PasswordAgeMiddleware: a password older than PASSWORD_MAX_AGE_DAYS (90) must be changed first (2025 MoE
  revision: periodic password change).

The login time and the two-factor state are put in the session at login (registry.receivers).
"""

import time
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from registry.accounts import session_keeping, two_factor

LOGIN_AT = "xueji_login_at"
LAST_SEEN = "xueji_last_seen"
# Requests closer together than this (or a 30th of the idle timeout, when shorter) do not rewrite the session
# just to move its last-seen time.
LAST_SEEN_RESOLUTION = 30

ALWAYS_OPEN = {"login", "logout", "set_language", "session_keep_alive"}


def _redirect(request, url):
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def start_session_clock(request):
    """Called at login: the absolute and the idle timeout both count from now."""
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Logs out a session idle for SESSION_IDLE_TIMEOUT seconds or older than SESSION_COOKIE_AGE seconds
    since login, and sends the user to the login page with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT or now - login_at > settings.SESSION_COOKIE_AGE:
                path = request.get_full_path()
                htmx = getattr(request, "htmx", False)
                kept = None
                if request.method == "POST" and not htmx:
                    kept = session_keeping.keep_posted_form(request, request.user)
                logout(request)
                if kept:
                    request.session[session_keeping.SESSION_KEY] = kept
                    messages.info(
                        request,
                        _("Your session has ended. Please log in again: what you entered is kept, and the form "
                          "will be filled in again."),
                    )
                else:
                    messages.info(request, _("Your session has ended. Please log in again."))
                if htmx:
                    return HttpResponseClientRedirect(reverse(settings.LOGIN_URL))
                return redirect_to_login(path if request.method == "GET" or kept else reverse("home"))
            request.kept_form = session_keeping.take_kept_form(request)
            resolution = min(LAST_SEEN_RESOLUTION, settings.SESSION_IDLE_TIMEOUT / 30)
            if now - last_seen >= resolution or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """Holds a signed-in user at the code page (or the enrolment page) until the second factor is done.
    A user who owes a code cannot reach the enrolment page either: replacing the device needs the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = request.resolver_match.url_name
        if not request.user.is_authenticated or name in ALWAYS_OPEN or name == "two_factor_verify":
            return None
        state = two_factor.session_state(request)
        if state == two_factor.NONE or request.user.is_verified():
            return None
        if state == two_factor.VERIFY:
            next_url = urlencode({"next": request.get_full_path()})
            return _redirect(request, f"{reverse('two_factor_verify')}?{next_url}")
        if name != "two_factor_setup":
            messages.warning(request, _("Your account must use two-factor authentication. Set it up to continue."))
            return _redirect(request, reverse("two_factor_setup"))
        return None


def password_expired(user) -> bool:
    """Whether the user must choose a new password now: a one-time password (set by whoever manages staff,
    registry.accounts.staff) or one older than PASSWORD_MAX_AGE_DAYS."""
    if not user.has_usable_password():
        return False
    if user.must_change_password:
        return True
    return user.password_changed_at < timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


class PasswordAgeMiddleware:
    """Sends a user whose password is older than PASSWORD_MAX_AGE_DAYS to the password-change page."""

    OPEN = ALWAYS_OPEN | {"password_change", "password_change_done", "two_factor_verify", "two_factor_setup"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or request.resolver_match.url_name in self.OPEN:
            return None
        if password_expired(user) and user.must_change_password:
            messages.warning(
                request, _("You signed in with a one-time password. Choose your own password to continue.")
            )
            return _redirect(request, reverse("password_change"))
        if password_expired(user):
            messages.warning(
                request,
                _("Your password is more than %(days)d days old. Please choose a new one to continue.")
                % {"days": settings.PASSWORD_MAX_AGE_DAYS},
            )
            return _redirect(request, reverse("password_change"))
        return None
