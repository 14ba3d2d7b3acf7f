"""`{% can "archive.manage" school as may_manage %}`: the capability table (registry.roles.CAPABILITIES)
asked from a template for the signed-in user, at a school or an authority, or with no scope given
(`{% can "audit.search" as may %}`) anywhere — so no template tests a role by name."""

from django import template

from registry import scoping

register = template.Library()
ANYWHERE = object()


@register.simple_tag(takes_context=True)
def can(context, capability, scope=ANYWHERE):
    """The user holds `capability` at `scope`; False when the scope resolved to nothing (a missing object,
    e.g. `current.school` of a pupil who left), which is never "anywhere"."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or scope in ("", None):
        return False
    if scope is ANYWHERE:
        return scoping.can_anywhere(user, capability)
    return scoping.can(user, capability, scope)
