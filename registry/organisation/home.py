"""The home page's sections, one per role the user holds: what to do today. Layer rule: registry imports no
app above it, so the organisation's own figures are filled in here and each higher app adds its part of a
section through a contributor registered with `@home_contributor`.

A section is a dict; the keys the templates (templates/registry/home/*.html) read:
- `key`, `grant`, `template`, `semester` (today's), `today`, `statistics_url`: set here;
- `figures`: [(label, number)] key figures of the school or town — the number of classes or schools here,
  pupils on the register from students; each contributor appends;
- `awaiting` (steps waiting for the user's decision, overdue first), `awaiting_count`, `overdue_count`,
  `requests` (a registrar's open requests): transfers;
- `roll_check` (a school's check this semester, or None) or `roll_check_states` ([(state, label, count)] of
  a town's schools, "none" for not started): students;
- `running`: [{"label", "url", "percent", "state", "state_label"}] imports, forms and prints still being
  produced for the user; each contributor appends;
- `problem_counts`: [(school, open problems)] the problem records (问题学籍) of the schools in scope that
  have any, when an app counts them (students.problems.home, for officers).

Queries stay few and set-based (a county of 100,000 pupils): counts and aggregates, lists cut at ten.
"""

from collections.abc import Callable

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


def home_sections(user, grants) -> list[dict]:
    """One section per grant, in the grants' order; today's semester read once for all of them."""
    today = timezone.localdate()
    semester = Semester.as_of(today) if grants else None
    return [home_section(user, grant, today=today, semester=semester, key=n) for n, grant in enumerate(grants, 1)]


def home_section(user, grant, *, today=None, semester=None, key=1) -> dict:
    today = today or timezone.localdate()
    section = {
        "key": key,  # tells the section's headings apart in the page (ids)
        "grant": grant,
        "template": f"registry/home/{grant.role.value}.html",
        "today": today,
        "semester": semester,
        "figures": [],
        "running": [],
    }
    if grant.role == Role.OFFICER:
        section["schools"] = list(
            schools_visible_to(user).filter(authority=grant.authority).annotate(class_count=Count("classes"))
        )
        section["figures"].append((_("Schools"), len(section["schools"])))
        section["statistics_url"] = reverse("authority_statistics", args=[grant.authority.pk])
    elif grant.role == Role.ADMINISTRATOR:
        section["authority_count"] = authorities_visible_to(user).count()
        section["school_count"] = schools_visible_to(user).count()
        section["figures"] += [(_("Authorities"), section["authority_count"]), (_("Schools"), section["school_count"])]
        section["statistics_url"] = reverse("statistics")
    else:
        section["class_count"] = grant.school.classes.count()
        section["figures"].append((_("Classes"), section["class_count"]))
        section["statistics_url"] = reverse("school_statistics", args=[grant.school.code])
    for contributor in _contributors:
        contributor(user, grant, section)
    return section
