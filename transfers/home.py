"""What the status changes add to the home page's sections (registry.organisation.home): the requests
awaiting the user's decision (an officer's town, or the school of a registrar or headteacher — the sending
school decides on a transfer) and a registrar's open requests."""

from registry.organisation.home import home_contributor
from registry.roles import Role, holds
from transfers.models import ChangeRequest
from transfers.selectors import requests_awaiting, requests_visible_to


@home_contributor
def requests_of_the_section(user, grant, section):
    if grant.role == Role.OFFICER:
        section["awaiting"] = (
            requests_awaiting(user).select_related("request__student", "request__school").order_by("due_on", "pk")[:10]
        )
    elif holds(grant.role, "request.decide_as_school"):
        section["awaiting"] = (
            requests_awaiting(user)
            .filter(school=grant.school)
            .select_related("request__student", "request__school")
            .order_by("due_on", "pk")[:10]
        )
    if holds(grant.role, "request.initiate"):
        section["requests"] = (
            requests_visible_to(user)
            .filter(school=grant.school, state__in=ChangeRequest.OPEN_STATES)
            .select_related("student")
            .order_by("-submitted_at")[:20]
        )
