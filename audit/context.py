"""Where the current action comes from: the client's IP address of the web request (or of the request that
queued the Celery task) being served, so every audit event written meanwhile carries it (issue 18 item 7)
— services take no request, and need none.

`ClientAddressMiddleware` sets it for a web request; `before_task_publish` copies it into a task's headers
and `task_prerun` restores it in the worker until `task_postrun` (audit.apps connects both).
"""

from contextvars import ContextVar

_client_ip = ContextVar("audit_client_ip", default=None)

HEADER = "xueji_client_ip"


def client_ip():
    return _client_ip.get()


def ip_of(request):
    return request.META.get("REMOTE_ADDR") or None


class ClientAddressMiddleware:
    """Remember the request's client address (REMOTE_ADDR, which the proxy in front sets) while it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(ip_of(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


def add_to_task_headers(headers=None, **kwargs):
    """celery before_task_publish: a task queued while serving a request carries the request's address."""
    address = _client_ip.get()
    if address and headers is not None:
        headers[HEADER] = address


def restore_in_worker(task=None, **kwargs):
    """celery task_prerun: the worker writes the queuing request's address on the task's events."""
    request = getattr(task, "request", None)
    address = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    if address:
        request.xueji_client_ip_token = _client_ip.set(address)


def forget_in_worker(task=None, **kwargs):
    """celery task_postrun: the next task of the worker starts without the address."""
    token = getattr(getattr(task, "request", None), "xueji_client_ip_token", None)
    if token is not None:
        _client_ip.reset(token)
        task.request.xueji_client_ip_token = None
