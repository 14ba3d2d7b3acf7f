"""The approval queue and its bulk approval (批量审核). Thin: read the filters, call the selector or the
service, show the result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from registry.confirmation import confirmation_page
from registry.scoping import grants_of, schools_visible_to
from transfers.queue import bulk
from transfers.queue.filters import QueueFilterForm, add_days_left
from transfers.queue.following import queue_query, queue_url
from transfers.selectors import requests_awaiting

PAGE_SIZE = 50


@login_required
def approval_queue(request):
    if not grants_of(request.user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET or None, schools=schools_visible_to(request.user))
    steps = form.filter(
        requests_awaiting(request.user).select_related("request__student", "request__school", "authority")
    )
    page = Paginator(steps, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    add_days_left(rows)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": form.query_string(),
        "bulk_kinds": bulk.BULK_KINDS,
        "filtered": form.is_bound,
    }
    return render(request, "transfers/approval_queue.html", context)


@login_required
@require_POST
def bulk_approve(request):
    """The selected rows' preview, as the one confirmation; confirmed, one decision per request."""
    if not grants_of(request.user):
        raise PermissionDenied
    query = queue_query(request.user, request.GET)
    ids = bulk.selected_ids(request.POST.getlist("request"))
    if not ids:
        messages.error(request, _("Select the requests to approve first."))
        return redirect(queue_url(query))
    rows, not_waiting = bulk.preview(request.user, ids)
    approvable = [row for row in rows if not row.problems]
    if not approvable:
        _report(request, held_back=[(row.request, "；".join(row.problems)) for row in rows], not_decided=not_waiting)
        return redirect(queue_url(query))
    what = ngettext(
        "Approve %(count)s request? Each is decided and recorded on its own; a pupil held back is not approved.",
        "Approve %(count)s requests? Each is decided and recorded on its own; a pupil held back is not approved.",
        len(approvable),
    ) % {"count": len(approvable)}
    lines = [row.line() for row in rows] + [f"{req.student.name}：{reason}" for req, reason in not_waiting]
    page = confirmation_page(request, what=what, action=_("Approve the selected requests"), consequences=lines)
    if page:
        return page
    outcome = bulk.approve_selected(request.user, ids, comment=request.POST.get("comment", "").strip()[:500])
    if outcome.approved:
        messages.success(
            request,
            ngettext("%(count)s request approved.", "%(count)s requests approved.", len(outcome.approved))
            % {"count": len(outcome.approved)},
        )
    _report(request, held_back=outcome.held_back, not_decided=outcome.not_decided)
    return redirect(queue_url(query))


def _report(request, *, held_back, not_decided):
    for change_request, reason in held_back:
        messages.warning(
            request,
            _("Held back, not approved: %(request)s — %(reason)s") % {"request": change_request, "reason": reason},
        )
    for change_request, reason in not_decided:
        messages.info(
            request, _("Not decided by you: %(request)s — %(reason)s") % {"request": change_request, "reason": reason}
        )
