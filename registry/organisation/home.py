"""The home page's sections, one per role the user holds. Layer rule: registry imports no app above it, so
the organisation's own figures are filled in here and each higher app adds its part of a section (the
requests awaiting the user, the registrar's open requests, …) through a contributor registered with
`@home_contributor` when that app is ready."""

from collections.abc import Callable

from django.db.models import Count
from django.utils import timezone

from registry.models import Semester
from registry.roles import Grant, Role
from registry.scoping import authorities_visible_to, schools_visible_to

HomeContributor = Callable[[object, Grant, dict], None]

_contributors: list[HomeContributor] = []


def home_contributor(contributor: HomeContributor) -> HomeContributor:
    """Register `contributor(user, grant, section)`, which adds its entries to the section dict; returns it."""
    if contributor not in _contributors:
        _contributors.append(contributor)
    return contributor


def home_section(user, grant) -> dict:
    section = {"grant": grant, "template": f"registry/home/{grant.role.value}.html"}
    if grant.role == Role.OFFICER:
        section["schools"] = (
            schools_visible_to(user).filter(authority=grant.authority).annotate(class_count=Count("classes"))
        )
    elif grant.role == Role.ADMINISTRATOR:
        section["authority_count"] = authorities_visible_to(user).count()
        section["school_count"] = schools_visible_to(user).count()
    else:
        section["class_count"] = grant.school.classes.count()
        section["semester"] = Semester.as_of(timezone.localdate())
    for contributor in _contributors:
        contributor(user, grant, section)
    return section
