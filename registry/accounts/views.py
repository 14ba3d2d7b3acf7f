"""Account pages of issue 7: setting up and entering the TOTP second factor. Logging in, out and changing
the password are Django's own views (registry.urls) under our templates."""

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import user_has_device

from registry.accounts import two_factor
from registry.accounts.forms import CodeForm


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with one code."""
    has_device = user_has_device(request.user, confirmed=True)
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm_device(request, device, form.cleaned_data["token"]):
            messages.success(request, _("Two-factor authentication is on. You will enter a code after each login."))
            return redirect("home")
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "has_device": has_device,
            "required": two_factor.must_use_two_factor(request.user),
            "qr_code": two_factor.qr_code_svg(device),
            "secret": _base32(device.bin_key),
        },
    )


def _base32(key: bytes) -> str:
    """The device's key as authenticator apps take it when typed in: base32, in groups of four."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def two_factor_verify(request):
    """After login, a user with a confirmed device enters a code before anything else."""
    if request.user.is_verified() or not user_has_device(request.user, confirmed=True):
        return redirect(_next_url(request) or "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify_code(request, form.cleaned_data["token"]):
            return redirect(_next_url(request) or "home")
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})
