"""Notices of a transfer's four-copy form and of a withdrawn request (issue 17), in the style of
tests/registry/test_event_notices.py: told on commit, once, only to the people concerned."""

import pytest
from django.urls import reverse
from django.utils import translation

from registry.models import Notification
from registry.roles import Role
from registry.services import grant_role
from tests.factories import UserFactory
from transfers.models import TransferForm
from transfers.services import current_step, reject_step, withdraw_request


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _notices(user, **filters):
    return list(Notification.objects.filter(recipient=user, **filters).exclude(kind=Notification.Kind.REMINDER))


def test_a_withdrawn_request_tells_the_party_whose_step_was_waiting(world, django_capture_on_commit_callbacks):
    other_officer = UserFactory(username="officer_town2")
    grant_role(other_officer, Role.OFFICER, world.town2, actor=world.users["administrator"])
    request = world.registrations["own"]
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_request(request, actor=world.users["registrar"], reason="家长改变主意，转往外省就读")
    [notice] = _notices(world.users["officer"])
    assert (notice.kind, notice.key, notice.is_read) == ("request", f"request-withdrawn:{request.pk}", False)
    assert notice.title == "A New-student registration request waiting for your decision was withdrawn"
    assert "家长改变主意，转往外省就读" in notice.body and request.school.name in notice.body
    assert notice.link == reverse("request_detail", args=[request.pk])
    assert request.student.name not in notice.title
    # the registrar who withdrew it, the school's other staff, another town's officer: nothing
    for user in (world.users["registrar"], world.users["headteacher"], world.users["archivist"], other_officer):
        assert _notices(user) == []


def test_a_request_withdrawn_after_its_return_tells_no_one(world, django_capture_on_commit_callbacks):
    request = world.registrations["own"]
    with django_capture_on_commit_callbacks(execute=True):
        reject_step(current_step(request), actor=world.users["officer"], reason="材料不全")
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_request(request, actor=world.users["registrar"], reason="不再办理")
    assert _notices(world.users["officer"]) == []  # no step waited on the town office any more


@pytest.mark.slow  # the transfer's two forms are rendered by WeasyPrint
def test_a_rendered_four_copy_form_tells_the_registrar_who_started_the_transfer(
    world, django_capture_on_commit_callbacks
):
    from tests.transfers.kinds_helpers import pupil_in, transfer_to_c

    with django_capture_on_commit_callbacks(execute=True):
        request = transfer_to_c(world, pupil_in(world.school_a))
    forms = list(TransferForm.objects.filter(request=request).order_by("issue"))
    assert [form.state for form in forms] == [TransferForm.State.READY] * 2
    told = sorted(_notices(request.initiated_by, kind="document"), key=lambda notice: notice.key)
    assert [n.key for n in told] == [f"transfer-form-ready:{form.pk}" for form in forms]
    assert told[0].title == "A four-copy transfer form is ready to print"
    assert forms[0].serial in told[0].body and told[0].link == reverse("transfer_form", args=[forms[0].pk])
    # the sending school's staff and the town offices decide on it, but only the registrar who asked prints it
    for user in (world.users["registrar"], world.users["headteacher"], world.users["officer"]):
        assert _notices(user, kind="document") == []
