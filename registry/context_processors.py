"""The navigation of the base layout: each role sees only what it may use."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.notifications.services import unread_by_kind
from registry.roles import holds
from registry.scoping import can_anywhere, grants_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = grants_of(user)
    items = [(_("Home"), reverse("home"))]
    for grant in grants:
        if grant.school is not None:
            item = (grant.school.name, reverse("school_detail", args=[grant.school.code]))
        elif grant.authority is not None:
            item = (grant.authority.name, reverse("authority_detail", args=[grant.authority.pk]))
        else:
            continue
        if item not in items:
            items.append(item)
    for grant in grants:
        if holds(grant.role, "request.initiate"):
            item = (_("New-student registration"), reverse("registration_new", args=[grant.school.code]))
            if item not in items:
                items.append(item)
        if holds(grant.role, "request.decide_as_authority") or holds(grant.role, "request.decide_as_school"):
            item = (_("Approval queue"), reverse("approval_queue"))
            if item not in items:
                items.append(item)
    if grants:
        items.append((_("Pupils"), reverse("pupil_list")))
        items.append((_("Semesters"), reverse("semester_list")))
        items.append((_("Statistics"), reverse("statistics")))
    if can_anywhere(user, "audit.search"):
        items.append((_("Audit log"), reverse("audit_search")))
    if can_anywhere(user, "staff.manage"):
        items.append((_("Staff"), reverse("staff_list")))
    if user.is_superuser:
        items.append((_("System administration"), reverse("admin:index")))
    path = request.path
    # the current page is the item with the longest address that the path starts with
    matches = [url for _label, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    nav = [{"label": label, "url": url, "active": url == current} for label, url in items]
    unread = _Unread(user)
    return {
        "nav_items": nav,
        "user_grants": grants,
        "unread_notifications": unread,
        "unread_notifications_by_kind": unread.by_kind,
        # the timeout warning (layout.html, static/js/app.js) and a form kept over a timeout (base.html)
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "kept_form": getattr(request, "kept_form", None),
    }


class _Unread:
    """The user's unread notifications for the layout's badges: `unread_notifications` the total,
    `unread_notifications_by_kind` (kind, label, count) per kind with any. Counted once (one query), when a
    page first shows them (templates call them: `{% with unread=unread_notifications %}`), never for pages
    that don't."""

    def __init__(self, user):
        self.user, self.counted = user, None

    def by_kind(self):
        if self.counted is None:
            self.counted = unread_by_kind(self.user)
        return self.counted

    def __call__(self):
        return sum(count for _kind, _label, count in self.by_kind())
