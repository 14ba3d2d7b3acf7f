"""What the semester roll reconciliation adds to the home page's sections (registry.organisation.home): for
the registrar and the headteacher, their school's check this semester (None: not started) with the latest
reason it was sent back while it is a draft again; for a town officer, how many of the town's schools are at
each state (one grouped query)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from registry.organisation.home import home_contributor
from registry.roles import Role, holds
from students.models import RollCheck

NOT_STARTED = "none"


@home_contributor
def roll_check_of_the_section(user, grant, section):
    semester = section["semester"]
    if semester is None:
        return
    if grant.school is not None and (holds(grant.role, "rollcheck.prepare") or holds(grant.role, "rollcheck.sign")):
        check = RollCheck.objects.filter(school=grant.school, semester=semester).first()
        section["roll_check"] = check
        if check is not None and check.state == RollCheck.State.DRAFT:
            section["roll_check_return"] = check.returns.order_by("-returned_at", "-pk").first()
    elif grant.role == Role.OFFICER:
        rows = (
            RollCheck.objects.filter(semester=semester, school__authority=grant.authority)
            .values_list("state").annotate(count=Count("pk")).order_by()
        )  # fmt: skip
        counted = dict(rows)
        not_started = len(section["schools"]) - sum(counted.values())
        section["roll_check_states"] = [(NOT_STARTED, _("Not started"), not_started)] + [
            (state, label, counted.get(state, 0)) for state, label in RollCheck.State.choices
        ]
