"""The navigation of the base layout, grouped by task: each role sees only what it may use."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Semester
from registry.notifications.services import unread_by_kind
from registry.roles import holds
from registry.scoping import can_anywhere, grants_of

# The navigation's groups, in order (layout.html shows each group's heading above its links).
TODAY, PUPILS, SEMESTER, REPORTS, ADMINISTRATION = (
    _("Today's work"),
    _("Pupils and changes"),
    _("Semester"),
    _("Reports"),
    _("Administration"),
)
GROUPS = (TODAY, PUPILS, SEMESTER, REPORTS, ADMINISTRATION)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = grants_of(user)
    nav = _grouped(_items(user, grants), request.path)
    unread = _Unread(user)
    return {
        "nav_groups": nav,
        # the breadcrumbs' default trail (layout.html): 首页 › the navigation's current item, if not home
        "nav_current": next((item for group in nav for item in group["items"] if item["active"]), None),
        "user_grants": grants,
        "unread_notifications": unread,
        "unread_notifications_by_kind": unread.by_kind,
        # the timeout warning (layout.html, static/js/app.js) and a form kept over a timeout (base.html)
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "kept_form": getattr(request, "kept_form", None),
    }


def _items(user, grants) -> list[tuple]:
    """(group, label, url) of every link the user may follow, each once, in the order shown."""
    items = [(TODAY, _("Home"), reverse("home"))]
    semester = None
    for grant in grants:
        if holds(grant.role, "request.decide_as_authority") or holds(grant.role, "request.decide_as_school"):
            items.append((TODAY, _("Approval queue"), reverse("approval_queue")))
    for grant in grants:
        if grant.school is not None:
            items.append((PUPILS, grant.school.name, reverse("school_detail", args=[grant.school.code])))
        elif grant.authority is not None:
            items.append((PUPILS, grant.authority.name, reverse("authority_detail", args=[grant.authority.pk])))
    if grants:
        items.append((PUPILS, _("Pupils"), reverse("pupil_list")))
    for grant in grants:
        if holds(grant.role, "request.initiate"):
            items.append((PUPILS, _("New-student registration"), reverse("registration_new", args=[grant.school.code])))
    if grants:
        items.append((PUPILS, _("Archives"), reverse("archive_list")))
    if can_anywhere(user, "problems.review"):
        items.append((PUPILS, _("Problem records"), reverse("problem_records")))
    for grant in grants:
        if grant.school is not None and (holds(grant.role, "rollcheck.prepare") or holds(grant.role, "rollcheck.sign")):
            semester = semester or Semester.as_of(timezone.localdate())
            if semester is not None:
                url = reverse("roll_check", args=[grant.school.code, semester.pk])
                items.append((SEMESTER, _("Semester roll reconciliation"), url))
        elif grant.authority is not None and holds(grant.role, "rollcheck.receive"):
            url = reverse("town_roll_checks", args=[grant.authority.pk])
            items.append((SEMESTER, _("Semester roll reconciliations"), url))
    if grants:
        items.append((SEMESTER, _("Semesters"), reverse("semester_list")))
        items.append((REPORTS, _("Statistics"), reverse("statistics")))
    if can_anywhere(user, "audit.search"):
        items.append((ADMINISTRATION, _("Audit log"), reverse("audit_search")))
    if can_anywhere(user, "staff.manage"):
        items.append((ADMINISTRATION, _("Staff"), reverse("staff_list")))
    if user.is_superuser:
        items.append((ADMINISTRATION, _("System administration"), reverse("admin:index")))
    unique, seen = [], set()
    for item in items:  # each address once (by address: comparing the lazy labels translates them every time)
        if item[2] not in seen:
            seen.add(item[2])
            unique.append(item)
    return unique


def _grouped(items, path) -> list[dict]:
    """The groups with links, each link marked active when it is the current page: the item with the
    longest address that the path starts with."""
    matches = [url for _group, _label, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    groups = []
    for group in GROUPS:
        links = [
            {"label": label, "url": url, "active": url == current, "exact": url == path}
            for g, label, url in items
            if g is group
        ]
        if links:
            groups.append({"label": group, "items": links})
    return groups


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
