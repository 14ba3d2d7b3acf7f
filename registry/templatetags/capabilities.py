"""`{% can "archive.manage" school as may_manage %}`: the capability table (registry.roles.CAPABILITIES)
asked from a template for the signed-in user, at a school, an authority, or (no scope) anywhere — so no
template tests a role by name."""

from django import template

from registry import scoping

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, capability, scope=None):
    """The user holds `capability` at `scope`; False when the scope resolved to nothing (a missing object,
    e.g. `current.school` of a pupil who left), which is never "anywhere"."""
    if scope == "":
        return False
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user is not None and scoping.can(user, capability, scope)
