"""Pages of the four-copy transfer form: its page and download for those who see the transfer, and the
public verification page that shows nothing of the pupil but a masked name."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from students.identity import mask_id_number, mask_name
from tests.conftest import client_for
from tests.factories import GuardianFactory, StudentFactory
from transfers.models import ChangeRequest, TransferForm
from transfers.slip.services import grouped_code, issue_transfer_form, render_transfer_form

pytestmark = pytest.mark.slow  # renders PDFs with WeasyPrint; `make test-fast` leaves it out


@pytest.fixture
def world(shared_world):
    """The module's world (tests/conftest.py `shared_world`); each test's changes roll back."""
    return shared_world


@pytest.fixture(scope="module")
def _ready_form(_module_world, django_db_blocker):
    """Issue 1 of a transfer of 张晓明 from 乙小学 (school B) to 甲小学 (school A), rendered once for the module."""
    world, media_root = _module_world
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        pupil = StudentFactory(name="张晓明")
        GuardianFactory(student=pupil, name="张大山")
        request = ChangeRequest.objects.create(
            kind="transfer", student=pupil, school=world.school_a, counterpart_school=world.school_b,
            payload={"school_class": world.class_a.pk, "grade": 1, "reason": "随父母迁居", "from_grade": 1,
                     "from_school_class": world.class_b.pk},
            initiated_by=world.users["registrar"], submitted_at=timezone.now(),
        )  # fmt: skip
        form = issue_transfer_form(request, 1, actor=world.users["registrar"])
        return render_transfer_form(form.pk).pk


@pytest.fixture
def transfer_form(_ready_form, world):
    """The module's ready form, read afresh (a test's changes to it roll back)."""
    return TransferForm.objects.get(pk=_ready_form)


def test_mask_name():
    assert mask_name("张晓明") == "张*明"
    assert mask_name("李䶮") == "李*"
    assert mask_name("𠮷文堃") == "𠮷*堃"
    assert mask_name("欧阳晓峰") == "欧**峰"
    assert mask_name("王") == "*" and mask_name("") == ""


def test_a_genuine_code_shows_the_masked_name_the_schools_and_the_state_without_login(client, transfer_form):
    pupil = transfer_form.request.student
    response = client.get(reverse("transfer_form_verify"), {"code": transfer_form.verification_code.lower()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "张*明" in page
    assert "甲小学" in page and "乙小学" in page
    assert transfer_form.request.get_state_display() in page and transfer_form.serial in page
    assert pupil.name not in page and pupil.id_number not in page and mask_id_number(pupil.id_number) not in page
    assert pupil.national_number not in page and "张大山" not in page
    assert pupil.birth_date.isoformat() not in page


def test_the_code_as_printed_in_groups_is_accepted(client, transfer_form):
    response = client.get(reverse("transfer_form_verify"), {"code": grouped_code(transfer_form.verification_code)})
    assert "张*明" in response.content.decode()


def test_an_unknown_code_is_not_found(client, transfer_form):
    response = client.get(reverse("transfer_form_verify"), {"code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="verification-result"' in page and "alert-danger" in page
    assert "张*明" not in page and "甲小学" not in page


def test_the_verify_page_without_a_code_is_a_form_with_a_label(client, db):
    page = client.get(reverse("transfer_form_verify")).content.decode()
    assert '<label class="form-label" for="id_code">' in page and 'data-testid="verification-result"' not in page


def test_the_download_is_a_pdf_attachment_and_is_logged(client, world, transfer_form):
    response = client_for(client, world, "registrar").get(reverse("transfer_form_download", args=[transfer_form.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{transfer_form.serial}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = Event.objects.get(action="transfers.transfer_form.downloaded")
    assert event.actor == world.users["registrar"] and event.target_id == str(transfer_form.pk)


def test_the_sending_school_and_its_town_see_the_form_another_town_does_not(client, world, transfer_form):
    url = reverse("transfer_form_download", args=[transfer_form.pk])
    assert client_for(client, world, "officer").get(url).status_code == 200  # town 1: both schools
    client.logout()
    other_town = world.registrations["other"].initiated_by  # school C's registrar, in town 2
    client.force_login(other_town)
    assert client.get(url).status_code == 404
    assert client.get(reverse("transfer_form", args=[transfer_form.pk])).status_code == 404


def test_a_form_not_yet_ready_cannot_be_downloaded(client, world, transfer_form):
    TransferForm.objects.filter(pk=transfer_form.pk).update(state=TransferForm.State.RENDERING)
    client = client_for(client, world, "registrar")
    assert client.get(reverse("transfer_form_download", args=[transfer_form.pk])).status_code == 404


def test_the_page_polls_until_the_form_is_ready_then_offers_the_download(client, world, transfer_form):
    TransferForm.objects.filter(pk=transfer_form.pk).update(state=TransferForm.State.QUEUED)
    client = client_for(client, world, "registrar")
    url = reverse("transfer_form", args=[transfer_form.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and reverse("transfer_form_download", args=[transfer_form.pk]) not in page
    TransferForm.objects.filter(pk=transfer_form.pk).update(state=TransferForm.State.READY)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "<html" not in fragment
    assert reverse("transfer_form_download", args=[transfer_form.pk]) in fragment


def test_a_form_stuck_for_long_is_queued_again_when_its_page_is_opened(client, world, transfer_form):
    TransferForm.objects.filter(pk=transfer_form.pk).update(
        state=TransferForm.State.RENDERING, created_at=timezone.now() - timedelta(hours=1)
    )
    client = client_for(client, world, "registrar")
    client.get(reverse("transfer_form", args=[transfer_form.pk]))
    assert TransferForm.objects.get(pk=transfer_form.pk).state == TransferForm.State.READY


def test_the_request_page_links_to_its_forms(client, world, transfer_form):
    page = client_for(client, world, "registrar").get(reverse("request_detail", args=[transfer_form.request.pk]))
    assert reverse("transfer_form", args=[transfer_form.pk]) in page.content.decode()


def test_a_form_whose_task_was_lost_is_queued_again_when_its_page_is_opened(client, world, transfer_form):
    """The render-job base (registry.render_jobs): a form still waiting five minutes after it was issued
    is queued again (tasks run eagerly here), once per pause; opening its page then shows it ready."""
    cache.clear()  # the once-per-pause marks of earlier tests' forms (their ids come round again)
    TransferForm.objects.filter(pk=transfer_form.pk).update(
        state=TransferForm.State.QUEUED, file="", created_at=timezone.now() - timedelta(minutes=6)
    )
    page = client_for(client, world, "registrar").get(reverse("transfer_form", args=[transfer_form.pk]))
    assert page.status_code == 200
    transfer_form.refresh_from_db()
    assert transfer_form.state == TransferForm.State.READY and transfer_form.file
