"""The town officer's home page: open problem records per school of the town (issue 15)."""

from registry.organisation.home import home_contributor
from registry.roles import Role
from students.problems.selectors import counts_by_school, open_problems


@home_contributor
def problem_counts(user, grant, section):
    """`section["problem_counts"]`: [(school, open problems)] for each of the town's schools that has any."""
    if grant.role != Role.OFFICER:
        return
    schools = list(section["schools"])
    counts = counts_by_school(open_problems([school.pk for school in schools]))
    section["problem_counts"] = [(school, counts[school.pk]) for school in schools if counts.get(school.pk)]
