"""The inbox pages (通知): every signed-in user reads their own reminders and event notices, marks them read,
and chooses whether to get them by e-mail too. Rule: a user
reaches only their own notifications (anyone else's is a 404), and "open" follows only a link on this site."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.models import Notification
from registry.notifications.forms import NotificationSettingsForm
from registry.notifications.services import mark_all_read, mark_read, set_email_notifications


@login_required
def notification_list(request):
    """The user's own notifications, newest first, of one kind with `?kind=` (the navigation's per-kind
    counts link here); unread ones stand out. Every signed-in user has an inbox."""
    notifications = Notification.objects.filter(recipient=request.user)
    kind = request.GET.get("kind", "")
    if kind in Notification.Kind.values:
        notifications = notifications.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    context = {"page": page, "notifications": page.object_list, "kind": kind, "kinds": Notification.Kind.choices}
    return render(request, "registry/notifications.html", context)


def _back_to_inbox(request):
    page = request.POST.get("page", "")
    return redirect(f"{reverse('notifications')}?page={page}" if page.isdigit() else reverse("notifications"))


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one of the user's own notifications read (anyone else's is a 404); with `open`, go on to the page
    it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(notification)
    link = notification.link
    if request.POST.get("open") and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return _back_to_inbox(request)


@login_required
@require_POST
def notification_read_all(request):
    mark_all_read(request.user)
    return _back_to_inbox(request)


@login_required
def notification_settings(request):
    """The user's own choice of an e-mail digest of new notifications (User.email_notifications)."""
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        set_email_notifications(request.user, on=form.cleaned_data["email_notifications"])
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications")
    return render(request, "registry/notification_settings.html", {"form": form})
