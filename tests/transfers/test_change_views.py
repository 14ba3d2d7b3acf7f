"""The pages that start status changes: what a registrar sees, what a refusal keeps, what others see."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PDF
from tests.factories import SchoolClassFactory, UserFactory
from tests.transfers.kinds_helpers import pupil_in
from transfers.models import ChangeRequest, Evidence

TODAY = timezone.localdate()


def _suspension_post(name="cert.pdf", content=PDF, days=100):
    return {
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=days)).isoformat(),
        "reason": "肺炎住院治疗",
        "medical_certificate": SimpleUploadedFile(name, content),
    }


def test_a_registrar_starts_a_suspension_from_the_pupils_page(client, world):
    pupil = pupil_in(world.school_a)
    client.force_login(world.users["registrar"])
    page = client.get(reverse("pupil_detail", args=[pupil.pk])).content.decode()
    assert reverse("change_new", args=[pupil.pk, "suspension"]) in page
    response = client.post(reverse("change_new", args=[pupil.pk, "suspension"]), _suspension_post())
    request = ChangeRequest.objects.get(student=pupil)
    assert response.status_code == 302 and response["Location"] == reverse("request_detail", args=[request.pk])
    assert request.evidence.get().kind == Evidence.Kind.MEDICAL_CERTIFICATE
    detail = client.get(response["Location"]).content.decode()
    assert "肺炎住院治疗" in detail


def test_a_renamed_executable_is_refused_and_what_was_typed_is_kept(client, world):
    pupil = pupil_in(world.school_a)
    client.force_login(world.users["registrar"])
    response = client.post(
        reverse("change_new", args=[pupil.pk, "suspension"]), _suspension_post(content=b"MZ\x90\x00" + b"\0" * 300)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "肺炎住院治疗" in page  # kept
    assert 'class="invalid-feedback' in page
    assert not ChangeRequest.objects.filter(student=pupil).exists()
    assert not Evidence.objects.filter(request__student=pupil).exists()


def test_a_rule_refusal_is_shown_on_the_form(client, world):
    pupil = pupil_in(world.school_a)
    client.force_login(world.users["registrar"])
    response = client.post(reverse("change_new", args=[pupil.pk, "suspension"]), _suspension_post(days=500))
    assert response.status_code == 200
    assert "一年" in response.content.decode() or "one year" in response.content.decode()
    assert not ChangeRequest.objects.filter(student=pupil).exists()


def test_transfer_in_shows_only_name_school_and_grade_of_the_other_schools_pupil(client, world):
    pupil = pupil_in(world.school_a, grade=3)
    SchoolClassFactory(school=world.school_c, grade=3)
    client.force_login(UserFactory(username="registrar_other"))
    url = reverse("incoming_new", args=[world.school_c.code, "transfer"])
    page = client.post(url, {"number": pupil.id_number}).content.decode()
    assert pupil.name in page and world.school_a.name in page
    assert pupil.id_number not in page.replace(f'value="{pupil.id_number}"', "")  # only in the hidden field
    assert pupil.home_address not in page and pupil.phone not in page
    missing = client.post(url, {"number": "110101201001011234"}).content.decode()
    assert "No pupil with this number" in missing or "没有" in missing


def test_the_sending_registrar_sees_the_transfer_waiting_and_the_receiver_sees_no_record(client, world):
    pupil = pupil_in(world.school_a, grade=3)
    target = SchoolClassFactory(school=world.school_c, grade=3)
    receiver = UserFactory(username="registrar_other")
    client.force_login(receiver)
    url = reverse("incoming_new", args=[world.school_c.code, "transfer"])
    response = client.post(url, {"number": pupil.id_number, "school_class": target.pk, "reason": "随父母迁居"})
    request = ChangeRequest.objects.get(student=pupil, kind="transfer")
    assert response["Location"] == reverse("request_detail", args=[request.pk])
    page = client.get(response["Location"]).content.decode()
    assert pupil.home_address not in page  # the other school's data stays there
    client.force_login(world.users["registrar"])
    queue = client.get(reverse("approval_queue")).content.decode()
    assert reverse("request_detail", args=[request.pk]) in queue
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert reverse("approve_request", args=[request.pk]) in page
