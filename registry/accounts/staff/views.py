"""The staff pages (用户与角色管理, issue 15) for town officers and administrators. Every page asks
"staff.manage" (403 without it anywhere); an account, school or town office outside the user's reach is a
404 (registry.accounts.staff.scope). A one-time password is shown once, on the response to the POST that made
it, never stored or sent again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.accounts.staff import services
from registry.accounts.staff.confirmations import disable_sentence, password_sentence, revoke_sentence, role_at
from registry.accounts.staff.forms import GrantForm, StaffCreateForm, StaffImportForm, StaffSearchForm
from registry.accounts.staff.importing import import_staff
from registry.accounts.staff.scope import (
    authorities_managed_by,
    is_administrator,
    schools_managed_by,
    staff_managed_by,
)
from registry.accounts.staff.spreadsheet import SpreadsheetRefused, build_template, read_staff
from registry.confirmation import confirmation_page
from registry.downloads import xlsx_response
from registry.roles import Role
from registry.scoping import can_anywhere, grants_of


def _manager(request):
    if not can_anywhere(request.user, "staff.manage"):
        raise PermissionDenied
    return request.user


def _account(request, pk):
    return get_object_or_404(staff_managed_by(_manager(request)), pk=pk)


def _once(response):
    """A page carrying a one-time password: never cached, so Back or a proxy cannot show it again."""
    add_never_cache_headers(response)
    return response


@login_required
def staff_list(request):
    actor = _manager(request)
    form = StaffSearchForm(request.GET or None)
    accounts = staff_managed_by(actor).order_by("username")
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        accounts = accounts.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(accounts, 50).get_page(request.GET.get("page"))
    return render(request, "registry/staff/staff_list.html", {"form": form, "page": page})


@login_required
def staff_new(request):
    actor = _manager(request)
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.create_staff(
                actor=actor,
                full_name=data["full_name"],
                username=data["username"],
                phone=data["phone"],
                email=data["email"],
            )
        except IntegrityError:  # the same user name created at the same moment (a double click)
            form.add_error("username", _("The user name %(name)s is already taken.") % {"name": data["username"]})
        else:
            return _once(
                render(request, "registry/staff/one_time_password.html", {"account": user, "password": password})
            )
    return render(request, "registry/staff/staff_new.html", {"form": form})


def _grant_form(actor, data=None):
    return GrantForm(
        data,
        schools=schools_managed_by(actor).order_by("code"),
        authorities=authorities_managed_by(actor).order_by("code"),
        may_grant_administrator=is_administrator(actor),
    )


def _detail(request, account, grant_form=None, status=200):
    actor = request.user
    context = {
        "account": account,
        "grants": [(grant, revoke_sentence(account, grant.role, grant.scope)) for grant in grants_of(account)],
        "confirm_disable": disable_sentence(account),
        "confirm_password": password_sentence(account),
        "grant_form": grant_form or _grant_form(actor),
        "may_grant_administrator": is_administrator(actor),
    }
    return render(request, "registry/staff/staff_detail.html", context, status=status)


@login_required
def staff_detail(request, pk):
    return _detail(request, _account(request, pk))


def _scope(actor, where):
    """The School or Authority a posted "school:<pk>" / "authority:<pk>" names, within the actor's reach
    (404 outside it); None for no place (the administrator's role)."""
    kind, _sep, pk = (where or "").partition(":")
    if not kind:
        return None
    if not pk.isdigit():
        raise Http404
    if kind == "school":
        return get_object_or_404(schools_managed_by(actor), pk=pk)
    if kind == "authority":
        return get_object_or_404(authorities_managed_by(actor), pk=pk)
    raise Http404


@login_required
@require_POST
def staff_grant(request, pk):
    account = _account(request, pk)
    actor = request.user
    scope = _scope(actor, request.POST.get("where"))
    form = _grant_form(actor, request.POST)
    if not form.is_valid():
        return _detail(request, account, grant_form=form)
    role = Role(form.cleaned_data["role"])
    services.grant(account, role, scope, actor=actor)
    messages.success(request, _("%(user)s is now %(role)s.") % {"user": account, "role": role_at(role, scope)})
    return redirect("staff_detail", pk=account.pk)


@login_required
@require_POST
def staff_revoke(request, pk):
    account = _account(request, pk)
    actor = request.user
    scope = _scope(actor, request.POST.get("where"))
    if request.POST.get("role") not in Role.values:
        messages.error(request, _("Choose the role to revoke."))
        return redirect("staff_detail", pk=account.pk)
    role = Role(request.POST["role"])
    page = confirmation_page(request, what=revoke_sentence(account, role, scope), action=_("Revoke"))
    if page:
        return page
    try:
        services.revoke(account, role, scope, actor=actor)
    except services.StaffRuleError as error:
        messages.error(request, str(error))
    except ValueError:
        raise Http404 from None
    else:
        messages.success(
            request, _("%(user)s is no longer %(role)s.") % {"user": account, "role": role_at(role, scope)}
        )
    return redirect("staff_detail", pk=account.pk)


@login_required
@require_POST
def staff_active(request, pk):
    account = _account(request, pk)
    active = request.POST.get("active") == "1"
    if not active and account.is_active:  # re-enabling, or disabling twice, is harmless
        page = confirmation_page(request, what=disable_sentence(account), action=_("Disable the account"))
        if page:
            return page
    try:
        services.set_active(account, active, actor=request.user)
    except services.StaffRuleError as error:
        messages.error(request, str(error))
    else:
        message = _("%(user)s can sign in again.") if active else _("%(user)s can no longer sign in.")
        messages.success(request, message % {"user": account})
    return redirect("staff_detail", pk=account.pk)


@login_required
@require_POST
def staff_password(request, pk):
    account = _account(request, pk)
    page = confirmation_page(request, what=password_sentence(account), action=_("Give a new one-time password"))
    if page:
        return page
    password = services.reset_password(account, actor=request.user)
    return _once(render(request, "registry/staff/one_time_password.html", {"account": account, "password": password}))


@login_required
def staff_import(request):
    actor = _manager(request)
    form = StaffImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            results = read_staff(upload, schools=schools_managed_by(actor), authorities=authorities_managed_by(actor))
            imported = import_staff(results, actor=actor, filename=upload.name)
        except SpreadsheetRefused as error:
            form.add_error("file", str(error))
        except services.StaffRuleError as error:
            context.update(error=str(error), problems=[result for result in results if not result.ok])
        else:
            return _once(render(request, "registry/staff/import_done.html", {"imported": imported}))
    return render(request, "registry/staff/staff_import.html", context)


@login_required
def staff_import_template(request):
    _manager(request)
    return xlsx_response(build_template(), "staff-template.xlsx")
