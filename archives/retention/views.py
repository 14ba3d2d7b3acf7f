"""The retention pages (保管期限): a school's list of what is past its retention, with its requests and
stubs (its archivist and registrar; its town's officers), and the town office's page — the periods, the
town's due list, the requests to decide, the stubs. Thin: scope through registry.scoping (404 outside it),
call archives.retention.services, show the refusal with what was typed kept. Carrying out or refusing is
irreversible: confirmed first (registry.confirmation)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.models import Disposal
from archives.retention import selectors, services
from archives.retention.forms import DisposalDecisionForm, DisposalRequestForm, RetentionPolicyForm
from archives.selectors import archives_visible_to
from archives.services import ArchiveRefused
from registry.confirmation import confirmation_page
from registry.scoping import authorities_visible_to, can, schools_visible_to

PAGE_SIZE = 50


def _lists(request, schools, policy, *, requesting, bound=None):
    """The due lists (paginated), the waiting requests and the stubs of `schools`; with `requesting`, a
    request form on each due row without one waiting (`bound`, a posted form with errors, on its row)."""
    copies = Paginator(selectors.due_copies(schools, policy), PAGE_SIZE).get_page(request.GET.get("copies_page"))
    finals = Paginator(selectors.due_final_archives(schools, policy), PAGE_SIZE).get_page(
        request.GET.get("finals_page")
    )
    for item, rows in ((Disposal.Item.COPY, copies), (Disposal.Item.FINAL, finals)):
        for row in rows:
            archive = row.archive if item == Disposal.Item.COPY else row
            if item == Disposal.Item.COPY:
                row.kept_since = timezone.localdate(row.since)
                row.due_on = selectors.years_after(row.kept_since, policy.copy_years)
            else:
                row.kept_since = row.left_on
                row.due_on = selectors.years_after(row.left_on, policy.final_archive_years)
            if requesting and row.pending is None:
                key = (archive.pk, item)
                row.form = (
                    bound[1]
                    if bound and bound[0] == key
                    else DisposalRequestForm(
                        initial={"archive": archive.pk, "item": item}, prefix_id=f"{item}_{archive.pk}"
                    )
                )
    stubs = Paginator(selectors.stubs(schools), PAGE_SIZE).get_page(request.GET.get("stubs_page"))
    return {"copies": copies, "finals": finals, "waiting": list(selectors.waiting(schools)), "stubs": stubs}


def _school_page(request, school, bound=None):
    if not (can(request.user, "retention.request", school) or can(request.user, "retention.decide", school)):
        raise PermissionDenied
    policy = selectors.policy_of(school.authority)
    requesting = can(request.user, "retention.request", school)
    context = {"school": school, "policy": policy, "requesting": requesting}
    context.update(_lists(request, [school.pk], policy, requesting=requesting, bound=bound))
    return render(request, "archives/retention_school.html", context)


@login_required
def school_retention(request, code):
    return _school_page(request, get_object_or_404(schools_visible_to(request.user), code=code))


@login_required
@require_POST
def disposal_new(request, code):
    """The school asks its town office to destroy or hand over one item of its due list."""
    school = get_object_or_404(schools_visible_to(request.user), code=code)
    if not can(request.user, "retention.request", school):
        raise PermissionDenied
    form = DisposalRequestForm(request.POST)
    key = None
    if form.is_valid():
        data = form.cleaned_data
        key = (data["archive"], data["item"])
        form.auto_id = f"id_{data['item']}_{data['archive']}_%s"
        archive = get_object_or_404(archives_visible_to(request.user).select_related("student"), pk=data["archive"])
        try:
            disposal = services.request_disposal(
                archive=archive, school=school, item=data["item"], action=data["action"], reason=data["reason"],
                actor=request.user,
            )  # fmt: skip
        except ArchiveRefused as refusal:
            form.add_error(None, str(refusal))
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The request was sent to the town office: %(what)s") % {"what": disposal.what})
            return redirect("school_retention", school.code)
    else:
        messages.error(request, _("Choose destroy or hand over and give the reason."))
    return _school_page(request, school, bound=(key, form) if key else None)


def _town_page(request, authority, policy_form=None):
    schools = list(schools_visible_to(request.user).filter(authority=authority).values_list("pk", flat=True))
    policy = selectors.policy_of(authority)
    configuring = can(request.user, "retention.configure", authority)
    context = {
        "authority": authority,
        "policy": policy,
        "deciding": can(request.user, "retention.decide", authority),
        "policy_form": (policy_form or RetentionPolicyForm(
            initial={"copy_years": policy.copy_years, "final_archive_years": policy.final_archive_years}
        )) if configuring else None,
    }  # fmt: skip
    context.update(_lists(request, schools, policy, requesting=False))
    return render(request, "archives/retention_town.html", context)


@login_required
def town_retention(request, pk):
    return _town_page(request, get_object_or_404(authorities_visible_to(request.user), pk=pk))


@login_required
@require_POST
def retention_policy(request, pk):
    """The town officer sets the town's retention periods."""
    authority = get_object_or_404(authorities_visible_to(request.user), pk=pk)
    if not can(request.user, "retention.configure", authority):
        raise PermissionDenied
    form = RetentionPolicyForm(request.POST)
    if not form.is_valid():
        return _town_page(request, authority, policy_form=form)
    services.set_policy(authority, actor=request.user, **form.cleaned_data)
    messages.success(request, _("The retention periods were saved."))
    return redirect("town_retention", authority.pk)


@login_required
@require_POST
def disposal_decide(request, pk):
    """The town office carries out or refuses a request — irreversible, so confirmed first."""
    visible = Disposal.objects.filter(school__in=schools_visible_to(request.user).values("pk"))
    disposal = get_object_or_404(visible.select_related("school__authority", "archive__student"), pk=pk)
    if not can(request.user, "retention.decide", disposal.school):
        raise PermissionDenied
    form = DisposalDecisionForm(request.POST)
    back = redirect("town_retention", disposal.school.authority_id)
    if not form.is_valid():
        messages.error(request, _("Choose whether to carry out or refuse the request."))
        return back
    approve = form.cleaned_data["decision"] == "carry_out"
    values = {"action": disposal.get_action_display(), "what": disposal.what}
    page = confirmation_page(
        request,
        what=(_("%(action)s: %(what)s. This cannot be undone; a stub will say what, when and by whose decision.")
              if approve else _("Refuse “%(action)s: %(what)s”; the item stays kept.")) % values,
        action=_("Carry out") if approve else _("Refuse"),
    )  # fmt: skip
    if page:
        return page
    try:
        services.decide_disposal(disposal, actor=request.user, approve=approve, note=form.cleaned_data["note"])
    except ArchiveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Carried out: %(what)s") % values if approve else _("Refused: %(what)s") % values)
    return back
