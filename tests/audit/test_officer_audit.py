"""Audit that an officer can use (issue 18 items 6-9, issue 21's failed logins): both towns of a transfer see
it, write events carry the client's IP address, the page reads as sentences with real names and no codes,
times are Beijing time."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation

import audit
from archives.events import ARCHIVE_VIEWED
from archives.models import PrintJob
from audit import context, types
from audit.models import Event
from reports.statistics.events import STATISTICS_EXPORTED, SUMMARY_PRINTED
from students.events import ROLL_CHECK
from tests.conftest import client_for
from tests.factories import SchoolClassFactory, UserFactory
from tests.transfers.kinds_helpers import approve_all, evidence, pupil_in, transfer_to_c
from transfers.events import STEP_APPROVED, SUBMITTED
from transfers.models import ChangeRequest, Evidence
from transfers.services import current_step, submit_request


def _shown(response):
    assert response.status_code == 200
    return {event.pk for event, _sentence in response.context["rows"]}


def test_the_sending_town_sees_the_transfer_and_its_own_approval(client, world):
    """Item 6: school C (town 2) takes in a pupil of school A (town 1); town 1's officer finds the request's
    submission and their own approval in their audit log (before: only town 2 saw them)."""
    request = transfer_to_c(world, pupil_in(world.school_a))
    about_request = Event.objects.filter(target_type="transfers.changerequest", target_id=str(request.pk))
    submitted = about_request.get(action=SUBMITTED)
    own_approval = about_request.get(action=STEP_APPROVED, actor=world.users["officer"])
    shown = _shown(client_for(client, world, "officer").get(reverse("audit_search")))
    assert {submitted.pk, own_approval.pk} <= shown


def test_events_written_while_serving_a_request_carry_its_ip_address(client, world):
    """Item 7: a decision taken through the page (the service takes no request) records the client's address."""
    target = SchoolClassFactory(school=world.school_a, grade=3)
    change = submit_request(
        kind=ChangeRequest.Kind.TRANSFER, student=pupil_in(world.school_b), school=world.school_a,
        counterpart_school=world.school_b, payload={"school_class": target.pk, "grade": 3, "reason": "就近入学"},
        actor=world.users["registrar"], evidence=evidence(Evidence.Kind.HOUSEHOLD_PROOF),
    )  # fmt: skip
    sending = UserFactory(username="registrar_b")
    from registry.roles import Role
    from registry.services import grant_role

    grant_role(sending, Role.REGISTRAR, world.school_b, actor=world.users["administrator"])
    approve_all(change, sending)
    assert current_step(change).authority_id == world.town1.pk
    officer = client_for(client, world, "officer")
    response = officer.post(
        reverse("approve_request", args=[change.pk]), {"comment": "", "confirmed": "1"}, REMOTE_ADDR="10.8.0.7"
    )
    assert response.status_code == 302
    decision = Event.objects.filter(action=STEP_APPROVED, actor=world.users["officer"]).latest("id")
    assert decision.ip_address == "10.8.0.7"
    assert Event.objects.filter(action=SUBMITTED).latest("id").ip_address is None  # written outside a request


def test_a_task_queued_from_a_request_writes_its_events_with_the_requests_address(world):
    """Item 7, prints: the print is made by a worker; the address travels in the task's headers."""
    headers = {}
    token = context._client_ip.set("10.8.0.9")
    try:
        context.add_to_task_headers(headers=headers)
    finally:
        context._client_ip.reset(token)

    class Task:
        class request:  # noqa: N801 - stands for celery's task.request
            pass

    Task.request.headers = headers
    context.restore_in_worker(task=Task)
    event = audit.record(SUMMARY_PRINTED, actor=world.users["officer"], target=world.town1, data={"on": "2026-09-01"})
    context.forget_in_worker(task=Task)
    assert event.ip_address == "10.8.0.9"
    assert context.client_ip() is None


@pytest.fixture
def officer_page(client, world):
    """Town 1's officer's audit page (in Chinese) after an archive view, a summary print, a roll-check step and
    a statistics export by the registrar 赵学籍."""
    registrar = world.users["registrar"]
    registrar.full_name = "赵学籍"
    registrar.save()
    audit.record(ARCHIVE_VIEWED, actor=registrar, target=world.school_a, data={"pupil": "张小明", "reason": "核对"})
    audit.record(SUMMARY_PRINTED, actor=registrar, target=world.town1, data={"on": "2026-09-01", "semester": "秋"})
    audit.record(ROLL_CHECK, actor=registrar, target=world.school_a, data={"step": "submitted", "reason": ""})
    audit.record(STATISTICS_EXPORTED, actor=registrar, target=world.school_a,
                 data={"table": "all", "on": "2026-09-01", "rows": 36})  # fmt: skip
    officer = client_for(client, world, "officer")
    return officer.get(reverse("audit_search"), HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_the_audit_page_shows_no_internal_codes(officer_page):
    """Item 8: no action code, in the table or in the choice of operations."""
    content = officer_page.content.decode()
    for code in ("transfers.statistics.printed", "archives.archive.viewed", "students.roll_check.changed"):
        assert code not in content.replace(f'value="{code}"', "")
    assert "(archives.archive.viewed)" not in content


def test_operators_are_shown_and_found_by_their_real_name(client, world, officer_page):
    """Item 8: the operator column and the sentences say 赵学籍; searching 赵学籍 finds their events."""
    sentences = [sentence for event, sentence in officer_page.context["rows"] if event.actor_full_name == "赵学籍"]
    assert len(sentences) == 4 and all("赵学籍" in sentence for sentence in sentences)
    assert "赵学籍" in officer_page.content.decode()
    found = client.get(reverse("audit_search"), {"user": "赵学籍"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert len(_shown(found)) == 4


def test_roll_check_steps_and_exports_read_as_chinese_sentences(officer_page):
    """Item 8: "submitted" and "all" were shown as they are stored."""
    sentences = " ".join(sentence for _event, sentence in officer_page.context["rows"])
    assert "赵学籍 提交了学期学籍核对" in sentences
    assert "全部统计表（36 行数据）" in sentences
    assert "submitted" not in sentences and "：all" not in sentences


def test_the_audit_searches_own_event_names_its_filters_in_words(client, world):
    """Item 8: the export and the search said "user=registrar1"."""
    officer = client_for(client, world, "officer")
    officer.get(reverse("audit_search"), {"user": "registrar1"})
    with translation.override("zh-hans"):
        sentence = types.render(Event.objects.filter(action="audit.searched").latest("id"))
    assert "操作人（姓名或用户名）：registrar1" in sentence
    assert "user=" not in sentence


def test_print_job_descriptions_use_beijing_time():
    """Item 9: a print at 05:22 Beijing time read "21:22" (UTC) in its description and audit sentences."""
    job = PrintJob(state=PrintJob.State.READY, created_at=datetime(2026, 11, 29, 21, 22, tzinfo=UTC))
    assert "2026-11-30 05:22" in str(job)


def test_a_failed_login_names_the_user_name_tried(client, db):
    """Issue 21: the sentence read "用户名 登录失败" (it formatted {target}; the event stores target_username)."""
    client.post(reverse("login"), {"username": "registrar9", "password": "wrong"})
    with translation.override("zh-hans"):
        sentence = types.render(Event.objects.get(action="auth.login_failed"))
    assert sentence == "用户名 registrar9 登录失败"
