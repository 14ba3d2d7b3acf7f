"""Reads of problem records, scoped: a town officer reaches the schools of their town, an administrator
the county; another town's school or pupil is not found (a 404)."""

from registry.scoping import officer_authorities, schools_visible_to
from students.models import ProblemAcknowledgement
from students.problems.detection import find_problems


def problem_schools(user):
    """The schools whose problem records the user reviews ("problems.review": town officers, administrators)."""
    schools = schools_visible_to(user)
    if user.is_superuser:
        return schools
    return schools.filter(authority_id__in=officer_authorities(user))


def open_problems(school_ids, *, kinds=None, student_ids=None):
    """The problems found at those schools that nobody has kept with evidence (a kept problem is matched by
    pupil, kind and fingerprint, so a different problem later is listed again)."""
    problems = find_problems(school_ids, kinds=kinds, student_ids=student_ids)
    if not problems:
        return []
    kept = set(
        ProblemAcknowledgement.objects.filter(student_id__in={problem.student_id for problem in problems}).values_list(
            "student_id", "kind", "fingerprint"
        )
    )
    return [problem for problem in problems if (problem.student_id, problem.kind, problem.fingerprint) not in kept]


def counts_by_school(problems):
    """{school id: number of open problems}."""
    counts = {}
    for problem in problems:
        counts[problem.school_id] = counts.get(problem.school_id, 0) + 1
    return counts
