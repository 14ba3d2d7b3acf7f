"""The students app's models, a module each: the pupil and their record (pupil), the semester roll
reconciliation (rollcheck), school numbers (numbers), onboarding jobs (onboarding), problem records kept with
evidence (problems)."""

from students.models.numbers import SchoolNumber, SchoolNumberFormat
from students.models.onboarding import OnboardingJob
from students.models.problems import ProblemAcknowledgement, ProblemCount, ProblemKind
from students.models.pupil import EnrolmentSpell, Guardian, GuestStudy, Student, Suspension
from students.models.rollcheck import (
    RollCheck,
    RollCheckClass,
    RollCheckReturn,
    RollCheckSignature,
    RollDiscrepancy,
)

__all__ = [
    "EnrolmentSpell", "GuestStudy", "Guardian", "OnboardingJob", "ProblemAcknowledgement", "ProblemCount",
    "ProblemKind", "RollCheck", "RollCheckClass", "RollCheckReturn", "RollCheckSignature", "RollDiscrepancy",
    "SchoolNumber", "SchoolNumberFormat", "Student", "Suspension",
]  # fmt: skip
