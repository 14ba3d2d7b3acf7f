"""Shared pieces of the status-change tests: evidence uploads, a pupil placed in a class, approvals, and a
completed transfer from the world's school A to school C (another town)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import SchoolClass
from registry.roles import Role
from registry.services import grant_role
from tests.conftest import PDF
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory, UserFactory
from transfers.models import ChangeRequest, Evidence
from transfers.services import approve_step, current_step, submit_request
from transfers.uploads import check_evidence


def evidence(kind, name="proof.pdf"):
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    return [(kind, upload, check_evidence(upload))]


def pupil_in(school, grade=3, number=None):
    """A pupil on `school`'s register in grade `grade` (in class `number` when given, else a new class)."""
    if number is None:
        school_class = SchoolClassFactory(school=school, grade=grade)
    else:
        school_class = SchoolClass.objects.filter(school=school, grade=grade, number=number).first()
        school_class = school_class or SchoolClassFactory(school=school, grade=grade, number=number)
    return EnrolmentSpellFactory(school_class=school_class).student


def approve_all(request, *actors):
    """Each actor approves the step now waiting, in order."""
    for actor in actors:
        approve_step(current_step(request), actor=actor)
    request.refresh_from_db()
    return request


def transfer_to_c(world, pupil):
    """School C (town 2) transfers in `pupil` of school A (grade 3); every step approved. The request."""
    officer2 = UserFactory(username="officer2")
    grant_role(officer2, Role.OFFICER, world.town2, actor=world.users["administrator"])
    target = SchoolClassFactory(school=world.school_c, grade=3)
    request = submit_request(
        kind=ChangeRequest.Kind.TRANSFER, student=pupil, school=world.school_c, counterpart_school=world.school_a,
        payload={"school_class": target.pk, "grade": 3, "reason": "随父母迁居"},
        actor=UserFactory(username="registrar_other"), evidence=evidence(Evidence.Kind.HOUSEHOLD_PROOF),
    )  # fmt: skip
    return approve_all(request, world.users["registrar"], world.users["officer"], officer2)
