"""The town officer's home page: open problem records per school of the town, as last counted (issue 15)."""

from registry.organisation.home import home_contributor
from registry.roles import Role
from students.problems.counts import counted


@home_contributor
def problem_counts(user, grant, section):
    """`section["problem_counts"]`: [(school, open problems)] for each of the town's schools that has any;
    `section["problems_counted_at"]`: when (None before the first count)."""
    if grant.role != Role.OFFICER:
        return
    section["problem_counts"], section["problems_counted_at"] = counted(list(section["schools"]))
