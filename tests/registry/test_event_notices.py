"""Event notices (issue 17): told on commit, once per event, only to the people of the object's own school or
town; the navigation counts unread ones per kind; the e-mail goes only to those who asked for it."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from audit.models import Event
from registry.models import Notification
from registry.notifications.dispatch import notify_of
from registry.notifications.services import send_digests
from registry.roles import Role
from registry.services import grant_role
from students.models import RollCheck
from students.rollcheck.services import return_roll_check, set_headcounts, start_roll_check, submit_roll_check
from tests.conftest import client_for
from tests.factories import SemesterFactory, UserFactory
from transfers.models import ImportJob
from transfers.services import current_step, reject_step, resubmit_request


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _notices(user, **filters):
    return list(Notification.objects.filter(recipient=user, **filters).exclude(kind=Notification.Kind.REMINDER))


def _reject(world, django_capture_on_commit_callbacks, reason="户口簿复印件不清晰"):
    request = world.registrations["own"]
    with django_capture_on_commit_callbacks(execute=True):
        reject_step(current_step(request), actor=world.users["officer"], reason=reason)
    return request


def test_a_returned_request_tells_its_school_the_reason_and_no_one_else(world, django_capture_on_commit_callbacks):
    request = _reject(world, django_capture_on_commit_callbacks)
    [notice] = _notices(world.users["registrar"])
    assert (notice.kind, notice.is_read) == ("request", False)
    assert "户口簿复印件不清晰" in notice.body
    assert notice.link == reverse("request_detail", args=[request.pk])
    assert request.student.name not in notice.title  # titles are e-mailed: no pupil named
    # another school's registrar, the deciding officer himself, the school's other staff: nothing
    for other in (world.registrations["sibling"].initiated_by, world.registrations["other"].initiated_by,
                  world.users["officer"], world.users["headteacher"], world.users["archivist"]):  # fmt: skip
        assert _notices(other) == []


def test_nothing_is_told_before_the_transaction_commits(world, django_capture_on_commit_callbacks):
    request = world.registrations["own"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reject_step(current_step(request), actor=world.users["officer"], reason="材料不全")
    assert _notices(world.users["registrar"]) == []
    assert callbacks  # the notice waits for the commit


def test_each_event_is_told_once_however_often_it_is_delivered(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reject_step(current_step(world.registrations["own"]), actor=world.users["officer"], reason="材料不全")
    for callback in callbacks:  # the same hook run again (a double commit hook, a retried task)
        callback()
    event = Event.objects.get(action="transfers.step.rejected")
    assert notify_of(event.pk) == []
    assert len(_notices(world.users["registrar"])) == 1


def test_a_resubmission_tells_the_town_office_and_not_another_town(world, django_capture_on_commit_callbacks):
    other_officer = UserFactory(username="officer_town2")
    grant_role(other_officer, Role.OFFICER, world.town2, actor=world.users["administrator"])
    request = _reject(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        resubmit_request(request, actor=world.users["registrar"])
    [notice] = _notices(world.users["officer"])
    assert notice.kind == "request" and notice.link == reverse("request_detail", args=[request.pk])
    request.refresh_from_db()
    assert notice.key == f"step-waiting:{current_step(request).pk}"
    assert _notices(other_officer) == []
    assert len(_notices(world.users["registrar"])) == 1  # the return only; not told of their own resubmission


@pytest.fixture
def submitted_check(world, django_capture_on_commit_callbacks):
    registrar = world.users["registrar"]
    check = start_roll_check(world.school_a, SemesterFactory(school_year=2026), actor=registrar)
    set_headcounts(check, {c.school_class_id: 0 for c in check.classes.all()} | {world.class_a.pk: 1}, actor=registrar)
    with django_capture_on_commit_callbacks(execute=True):
        submit_roll_check(check, actor=registrar)
    return check


def test_a_submitted_roll_check_waits_for_the_headteachers_signature(world, submitted_check):
    [notice] = _notices(world.users["headteacher"])
    assert notice.kind == "roll_check"
    assert notice.link == reverse("roll_check", args=[world.school_a.code, submitted_check.semester_id])
    assert _notices(world.users["registrar"]) == []


def test_a_returned_roll_check_keeps_the_reason_and_tells_the_registrar(
    world, submitted_check, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        return_roll_check(submitted_check, actor=world.users["headteacher"], reason="三班人数不对")
    submitted_check.refresh_from_db()
    assert submitted_check.state == RollCheck.State.DRAFT
    [sent_back] = submitted_check.returns.all()
    assert (sent_back.returned_by, sent_back.reason) == (world.users["headteacher"], "三班人数不对")
    [notice] = _notices(world.users["registrar"])
    assert "三班人数不对" in notice.body
    assert _notices(world.registrations["sibling"].initiated_by) == []
    page = client_for(client, world, "registrar").get(notice.link).content.decode()
    assert 'data-testid="return-reason"' in page and "三班人数不对" in page


def _kind_counts(response):
    """The per-kind badges of the navigation, as shown: {kind: count}."""
    page = response.content.decode()
    badges = page.split('data-testid="unread-by-kind">', 1)[1] if "unread-by-kind" in page else ""
    return {kind: int(count) for kind, count in re.findall(r'data-kind="(\w+)">[^<]*<span[^>]*>(\d+)<', badges)}


def test_the_navigation_counts_unread_notifications_per_kind(world, client, submitted_check,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        return_roll_check(submitted_check, actor=world.users["headteacher"], reason="三班人数不对")
    _reject(world, django_capture_on_commit_callbacks)
    client = client_for(client, world, "registrar")
    response = client.get(reverse("home"))
    # the world's own reminder, the returned request, the returned roll check
    assert _kind_counts(response) == {"reminder": 1, "request": 1, "roll_check": 1}
    page = response.content.decode()
    assert 'data-testid="unread-by-kind"' in page and 'data-testid="unread-count">3<' in page
    notice = _notices(world.users["registrar"], kind="request")[0]
    opened = client.post(reverse("notification_read", args=[notice.pk]), {"open": "1"})
    assert opened["Location"] == notice.link
    assert _kind_counts(client.get(reverse("home"))) == {"reminder": 1, "roll_check": 1}
    listed = client.get(reverse("notifications"), {"kind": "roll_check"})
    assert [n.kind for n in listed.context["notifications"]] == ["roll_check"]


def test_the_morning_digest_mails_each_notice_once_to_those_who_asked(
    world, client, django_capture_on_commit_callbacks
):
    registrar = world.users["registrar"]
    registrar.email = "registrar@example.cn"
    registrar.save()
    world.notifications["own"].delete()  # the world's old reminder
    _reject(world, django_capture_on_commit_callbacks, reason="材料不全")
    assert mail.outbox == []  # told in the inbox at once; mailed in the morning digest
    assert send_digests() == 1 and send_digests() == 0  # each notice is mailed once
    [message] = mail.outbox
    assert message.to == ["registrar@example.cn"] and message.subject == "Xueji: 1 new notification"
    assert "Your New-student registration request was returned" in message.body
    assert "材料不全" not in message.body and world.registrations["own"].student.name not in message.body

    page = client_for(client, world, "registrar")
    response = page.post(reverse("notification_settings"), {})  # the box unticked
    assert response.status_code == 302
    registrar.refresh_from_db()
    assert registrar.email_notifications is False
    request = world.registrations["own"]
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        resubmit_request(request, actor=registrar)
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reject_step(current_step(request), actor=world.users["officer"], reason="仍然不全")
    assert len(_notices(registrar)) == 2 and send_digests() == 0 and len(mail.outbox) == 1


def test_an_import_tells_its_uploader_the_outcome_once(world, client, django_capture_on_commit_callbacks):
    from tests.transfers.test_imports import filled_template, pupil_row, upload
    from transfers.imports import run_import

    client = client_for(client, world, "registrar")
    job, _page = upload(client, world, filled_template([pupil_row(1, world.class_a)]),
                        django_capture_on_commit_callbacks)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        run_import(job.pk)  # a redelivered task
    [notice] = _notices(world.users["registrar"], kind="import")
    assert notice.link == reverse("import_job", args=[job.pk]) and "1" in notice.body
    assert _notices(world.users["headteacher"], kind="import") == []
    [waiting] = _notices(world.users["officer"])  # one notice for the batch, to the school's town office
    assert waiting.title == "Imported new-student registrations wait for your decision" and "1 requests" in waiting.body

    ImportJob.objects.all().delete()
    refused, _page = upload(client, world, filled_template([], name="empty.xlsx"), django_capture_on_commit_callbacks)
    assert refused.state == "refused"
    [notice] = _notices(world.users["registrar"], kind="import", key=f"import-finished:{refused.pk}")
    assert notice.title == "Your import was not imported" and "empty.xlsx" in notice.body


def test_a_transfer_tells_each_party_in_turn_and_the_school_that_asked(world, django_capture_on_commit_callbacks):
    from tests.transfers.kinds_helpers import pupil_in, transfer_to_c

    pupil = pupil_in(world.school_a)
    with django_capture_on_commit_callbacks(execute=True):
        request = transfer_to_c(world, pupil)
    steps = list(request.steps.order_by("position"))
    # the sending school's registry head: its registrar and headteacher, either of whom decides
    for head in (world.users["registrar"], world.users["headteacher"]):
        assert [n.key for n in _notices(head)] == [f"step-waiting:{steps[0].pk}"]
    assert [n.key for n in _notices(world.users["officer"])] == [f"step-waiting:{steps[1].pk}"]
    assert [n.key for n in _notices(steps[2].decided_by)] == [f"step-waiting:{steps[2].pk}"]  # town 2
    assert [n.key for n in _notices(request.initiated_by, kind="request")] == [f"request-approved:{request.pk}"]
    assert _notices(world.registrations["sibling"].initiated_by) == []
    assert _notices(world.users["archivist"]) == []


def test_a_roll_check_signed_received_and_reopened_is_told_to_the_next_party(
    world, submitted_check, django_capture_on_commit_callbacks
):
    from students.rollcheck.services import receive_roll_check, reopen_roll_check, sign_roll_check

    with django_capture_on_commit_callbacks(execute=True):
        sign_roll_check(submitted_check, actor=world.users["headteacher"])
    assert [n.title for n in _notices(world.users["officer"])] == ["A signed roll reconciliation waits to be received"]
    with django_capture_on_commit_callbacks(execute=True):
        receive_roll_check(submitted_check, actor=world.users["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        reopen_roll_check(submitted_check, actor=world.users["officer"], reason="二班人数需复核")
    told = [n.title for n in _notices(world.users["registrar"])]
    assert told == ["Your roll reconciliation was reopened", "Your roll reconciliation was received"]
    assert "二班人数需复核" in _notices(world.users["headteacher"])[0].body
    assert _notices(world.registrations["sibling"].initiated_by) == []
