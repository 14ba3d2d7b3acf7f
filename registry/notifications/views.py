"""The inbox pages (通知): every signed-in user reads their own reminders and marks them read. Rule: a user
reaches only their own notifications (anyone else's is a 404), and "open" follows only a link on this site."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from registry.models import Notification
from registry.notifications.services import mark_all_read, mark_read


@login_required
def notification_list(request):
    """The user's own reminders, newest first; unread ones stand out. Every signed-in user has an inbox."""
    page = Paginator(Notification.objects.filter(recipient=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "registry/notifications.html", {"page": page, "notifications": page.object_list})


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
