"""Confirmation before what cannot be undone (issue 17): approving, rejecting, signing, receiving, reopening,
withdrawing, removing, destroying and every bulk action act only on a POST that carries `confirmed=1`.

Without JavaScript the first POST gets a confirmation page that says what will happen and posts the same
fields again with `confirmed=1`; with JavaScript (static/js/app.js) a button carrying `data-xj-confirm`
opens the layout's dialog with the same sentence and adds the field itself. A POST without the field changes
nothing: the view returns the page before calling its service.

    page = confirmation_page(request, what=_("将为 %(name)s 生成学籍号…") % …, action=_("Approve"))
    if page:
        return page
    services.approve_step(…)
"""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CONFIRM_FIELD = "confirmed"
NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def is_confirmed(request):
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def confirmation_page(request, *, what, action, consequences=(), cancel_url=None, irreversible=True):
    """None when the POST is confirmed; otherwise the confirmation page (HTTP 200), which re-posts the
    request's fields to the same URL with `confirmed=1`. `what` is the sentence saying what will happen,
    `action` the confirming button's label, `consequences` optional lines (e.g. one per pupil of a bulk
    action). Files are not re-posted: a view whose POST carries files confirms before the upload step."""
    if is_confirmed(request):
        return None
    fields = [
        (name, value) for name in request.POST for value in request.POST.getlist(name) if name not in NOT_REPOSTED
    ]
    referrer = request.META.get("HTTP_REFERER", "")
    if cancel_url is None and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        cancel_url = referrer
    return render(
        request,
        "includes/confirm_page.html",
        {
            "what": what,
            "action": action,
            "consequences": list(consequences),
            "fields": fields,
            "post_to": request.get_full_path(),
            "cancel_url": cancel_url or "/",
            "irreversible": irreversible,
            "confirm_field": CONFIRM_FIELD,
        },
    )
