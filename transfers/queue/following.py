"""Approve and next: the request an officer reviews after deciding one — the first still waiting in the queue
as they filtered and sorted it (the one just decided waits no more, so it is never chosen again)."""

from django.http import QueryDict
from django.urls import reverse

from registry.scoping import schools_visible_to
from transfers.queue.filters import QueueFilterForm
from transfers.selectors import requests_awaiting


def queue_form(user, data):
    return QueueFilterForm(data, schools=schools_visible_to(user))


def queue_query(user, data):
    """The queue's filters in `data` (a request's GET), checked, as a query string; "" when there are none."""
    return queue_form(user, data).query_string() if data else ""


def next_request_url(user, query):
    """The page of the next request waiting in the queue filtered by `query`, carrying the filters; None when
    nothing is left."""
    step = queue_form(user, QueryDict(query)).filter(requests_awaiting(user)).only("request_id").first()
    if step is None:
        return None
    return f"{reverse('request_detail', args=[step.request_id])}?{query}"


def queue_url(query):
    return f"{reverse('approval_queue')}?{query}" if query else reverse("approval_queue")
