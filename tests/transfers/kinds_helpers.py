"""Shared pieces of the status-change tests: evidence uploads and a pupil placed in a class."""

from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import SchoolClass
from tests.conftest import PDF
from tests.factories import EnrolmentSpellFactory, SchoolClassFactory
from transfers.services import approve_step, current_step
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
