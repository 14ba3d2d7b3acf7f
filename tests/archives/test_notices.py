"""The archive's notices (issue 17): an access request is told to the holding school's registry head, the
decision to who asked, a finished print to the archivist who started it — once, and to no other school."""

import pytest
from django.urls import reverse
from django.utils import translation

from archives.printing.services import render_print_job
from archives.services import decide_access, ensure_archive, request_access
from registry.models import Notification
from registry.roles import Role
from registry.services import grant_role
from tests.archives.test_printing import _print, filed  # noqa: F401  (the filed archive fixture)
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _told(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_an_access_request_and_its_decision_are_told_to_each_side(world, django_capture_on_commit_callbacks):
    archive = ensure_archive(world.pupils["own"])
    reader = UserFactory(username="archivist_b")
    grant_role(reader, Role.ARCHIVIST, world.school_b, actor=world.users["administrator"])
    with django_capture_on_commit_callbacks(execute=True):
        access = request_access(archive, actor=reader, school=world.school_b, reason="核对转学生原始档案")
    for head in (world.users["registrar"], world.users["headteacher"]):
        [notice] = _told(head, "access")
        assert "核对转学生原始档案" in notice.body and notice.link == reverse("archive_detail", args=[archive.pk])
    assert _told(world.users["archivist"], "access") == []  # the registry head decides, not the archivist
    assert _told(world.registrations["sibling"].initiated_by, "access") == []

    with django_capture_on_commit_callbacks(execute=True):
        decide_access(access, actor=world.users["registrar"], approve=True, days=3)
    [notice] = _told(reader, "access")
    assert notice.title == "Your request to read an archive was approved"
    assert notice.link == reverse("archive_detail", args=[archive.pk])
    assert len(_told(world.users["headteacher"], "access")) == 1  # not told again of the decision


def test_a_finished_print_is_told_once_to_who_started_it(world, filed, django_capture_on_commit_callbacks):  # noqa: F811
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed)
    with django_capture_on_commit_callbacks(execute=True):
        render_print_job(job.pk)  # rendered again: a redelivered task
    [notice] = _told(world.users["archivist"], "document")
    assert notice.link == reverse("print_job", args=[job.pk]) and notice.title == "Your print is ready"
    assert _told(world.users["registrar"], "document") == []
