"""The optional TOTP second factor (django-otp): enrolment, checking a code, and who must use it.

Issue 7 (ASVS 2.7/2.8, 等保 2.0 identification): any staff member may add an authenticator app; with
REQUIRE_TOTP_FOR_OFFICERS on, town officers and administrators (staff, superusers) must. A user with a
confirmed device enters a code after every login before anything else (registry.middleware).
"""

import segno
from django.conf import settings
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import events

SESSION_KEY = "xueji_two_factor"
VERIFY = "verify"  # the user has a confirmed device: a code is due after login
ENROL = "enrol"  # the user must enrol a device before anything else
NONE = ""


def must_use_two_factor(user) -> bool:
    """Whether REQUIRE_TOTP_FOR_OFFICERS applies to the user: a town officer, staff or superuser."""
    if not settings.REQUIRE_TOTP_FOR_OFFICERS:
        return False
    if user.is_staff or user.is_superuser:
        return True
    from registry.scoping import officer_authorities

    return bool(officer_authorities(user))


def state_for(user) -> str:
    if user_has_device(user, confirmed=True):
        return VERIFY
    if must_use_two_factor(user):
        return ENROL
    return NONE


def session_state(request) -> str:
    """The two-factor state of the signed-in user, worked out once per session (at login)."""
    state = request.session.get(SESSION_KEY)
    if state is None:
        state = request.session[SESSION_KEY] = state_for(request.user)
    return state


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed device, with a fresh secret key, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_code_svg(device) -> str:
    """The device's otpauth:// address as an inline SVG QR code, made here (no external service)."""
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR"))


def confirm_device(request, device, token) -> bool:
    """Confirm a pending device with a code from the app; on success the session counts as verified."""
    if not device.verify_token(token):
        events.two_factor_failed(user=request.user, request=request)
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        events.two_factor_enrolled(user=request.user, request=request)
    otp_login(request, device)
    request.session[SESSION_KEY] = VERIFY
    return True


def verify_code(request, token) -> bool:
    """Check a code against the user's confirmed devices (django-otp throttles repeated failures)."""
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    events.two_factor_failed(user=request.user, request=request)
    return False
