"""Approve and reject ask first (issue 17): the request page's buttons carry the sentence saying what will
happen, a POST without confirmed=1 gets the confirmation page and changes nothing; "approve and next" opens
the next request of the filtered queue."""

import html

from django.urls import reverse

from tests.conftest import client_for
from tests.factories import GuardianFactory, SchoolClassFactory, StudentFactory
from tests.transfers.kinds_helpers import evidence, pupil_in
from transfers.models import ApprovalStep, ChangeRequest, Evidence
from transfers.registration import register_pupil
from transfers.services import approve_step, current_step, submit_request


def _confirm_attributes(page):
    return [html.unescape(part.split('"')[0]) for part in page.split('data-xj-confirm="')[1:]]


def test_approving_a_registration_says_the_national_number_will_be_issued_and_asks_first(client, world):
    request = world.registrations["own"]
    officer = client_for(client, world, "officer")
    page = officer.get(reverse("request_detail", args=[request.pk])).content.decode()
    sentence = f"将为 {request.student.name} 生成学籍号 G…，并编入{world.school_a.name}{world.class_a}。"
    assert sentence in _confirm_attributes(page)

    unconfirmed = officer.post(reverse("approve_request", args=[request.pk]), {"comment": "同意"})
    assert unconfirmed.status_code == 200 and sentence in unconfirmed.content.decode()
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.PENDING and request.student.national_number is None

    officer.post(reverse("approve_request", args=[request.pk]), {"comment": "同意", "confirmed": "1"})
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.APPROVED


def test_rejecting_says_it_returns_to_the_school_with_the_reason_and_asks_first(client, world):
    request = world.registrations["own"]
    officer = client_for(client, world, "officer")
    page = officer.get(reverse("request_detail", args=[request.pk])).content.decode()
    sentence = f"{request.student.name} 的新生注册将连同驳回原因退回{world.school_a.name}，学校可修改后重新提交。"
    assert sentence in _confirm_attributes(page)

    unconfirmed = officer.post(reverse("reject_request", args=[request.pk]), {"reason": "户口簿复印件不清晰"})
    text = unconfirmed.content.decode()
    assert sentence in text and "原因：户口簿复印件不清晰" in text
    assert request.steps.get().decision == ApprovalStep.Decision.PENDING

    officer.post(reverse("reject_request", args=[request.pk]), {"reason": "户口簿复印件不清晰", "confirmed": "1"})
    request.refresh_from_db()
    assert request.state == ChangeRequest.State.RETURNED


def test_a_transfer_approval_says_what_each_step_does(client, world):
    pupil = pupil_in(world.school_a, grade=3)
    target = SchoolClassFactory(school=world.school_b, grade=3)
    request = submit_request(
        kind=ChangeRequest.Kind.TRANSFER, student=pupil, school=world.school_b, counterpart_school=world.school_a,
        payload={"school_class": target.pk, "grade": 3, "reason": "随父母迁居"},
        actor=world.registrations["sibling"].initiated_by, evidence=evidence(Evidence.Kind.HOUSEHOLD_PROOF),
    )  # fmt: skip
    registrar = client_for(client, world, "registrar")  # the sending school decides first
    page = registrar.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert f"通过后，{pupil.name} 的转学将转交{world.town1.name}继续审核。" in _confirm_attributes(page)

    approve_step(current_step(request), actor=world.users["registrar"])
    officer = client_for(client, world, "officer")  # the one town office of both schools decides last
    page = officer.get(reverse("request_detail", args=[request.pk])).content.decode()
    sending, receiving = world.school_a.name, world.school_b.name
    effect = f"{pupil.name} 将从{sending}转入{receiving}，学籍号不变；学籍档案随之转至{receiving}。"
    assert effect in _confirm_attributes(page)


def test_approve_and_next_opens_the_next_request_of_the_filtered_queue(client, world):
    own, sibling = world.registrations["own"], world.registrations["sibling"]
    officer = client_for(client, world, "officer")
    query = f"school={world.school_a.code}&sort=due"
    page = officer.get(reverse("request_detail", args=[own.pk]) + "?" + query).content.decode()
    assert 'name="then" value="next"' in page and 'id="review" tabindex="-1" autofocus' in page

    extra = SchoolClassFactory(school=world.school_a, grade=own.payload["grade"])
    following = _second_registration(world, extra)
    response = officer.post(
        reverse("approve_request", args=[own.pk]) + "?" + query, {"then": "next", "confirmed": "1"}
    )
    assert response["Location"] == reverse("request_detail", args=[following.pk]) + "?" + query  # not school B's

    response = officer.post(
        reverse("approve_request", args=[following.pk]) + "?" + query, {"then": "next", "confirmed": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("approval_queue") + "?" + query
    assert "这是队列中最后一项待审核的申请" in response.content.decode()
    sibling.refresh_from_db()
    assert sibling.state == ChangeRequest.State.PENDING


def _second_registration(world, school_class):
    return register_pupil(
        StudentFactory.build(national_number=None), GuardianFactory.build_batch(2, student=None), school_class,
        actor=world.users["registrar"],
    )  # fmt: skip


def test_a_page_opened_outside_the_queue_offers_no_next(client, world):
    page = client_for(client, world, "officer").get(
        reverse("request_detail", args=[world.registrations["own"].pk])
    ).content.decode()
    assert 'name="then"' not in page and "autofocus" not in page
