"""Never lose a typed form to the session timeout (issue 21, WCAG 2.2.1 and 2.2.5).

- Before the idle timeout the page warns and offers "continue working": `keep_alive` is the small request
  that moves the session's last-seen time (registry.middleware.SessionTimeoutMiddleware does the moving).
- A form posted after the session ended is kept server-side (the cache), for that user only and for
  KEEP_FOR seconds; the anonymous session that follows the logout holds only the key. After the same user
  logs in again and opens the form's page, the page carries what was typed (templates/base.html as JSON,
  filled in by static/js/app.js) and says so. Uploaded files cannot be kept: they must be chosen again.
"""

import secrets

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.http import require_POST

KEEP_FOR = 30 * 60
SESSION_KEY = "xueji_kept_form"
NOT_KEPT = {"csrfmiddlewaretoken"}


def _cache_key(token):
    return f"xueji:kept-form:{token}"


def keep_posted_form(request, user):
    """Called when a POST arrives on an ended session, before the logout: keeps the posted fields for `user`
    and returns the key to put in the new session. A POST that fails the CSRF check is not kept."""
    if CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
        return None
    fields = [[name, values] for name, values in request.POST.lists() if name not in NOT_KEPT]
    if not fields:
        return None
    token = secrets.token_urlsafe(24)
    cache.set(_cache_key(token), {"user": user.pk, "path": request.path, "fields": fields}, KEEP_FOR)
    return token


def take_kept_form(request):
    """The fields kept for this user and this page, once (then forgotten); None when there are none."""
    token = request.session.get(SESSION_KEY)
    if not token or request.method != "GET":
        return None
    kept = cache.get(_cache_key(token))
    if kept is None or kept["user"] != request.user.pk:
        request.session.pop(SESSION_KEY, None)
        return None
    if kept["path"] != request.path:
        return None
    request.session.pop(SESSION_KEY, None)
    cache.delete(_cache_key(token))
    return kept["fields"]


@login_required
@require_POST
def keep_alive(request):
    """"Continue working": the request itself moves the session's last-seen time; nothing else happens."""
    return HttpResponse(status=204)
