"""学籍基础信息确认表: a class's forms printed one A4 page per pupil with masked numbers and a progress count;
each family's return recorded (the scan filed in the archive, one return per pupil and semester); the roll
reconciliation shows who confirmed, corrected or did not return; another school sees none of it."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from archives.family_confirmations.models import ConfirmationPrint, FamilyConfirmation
from archives.models import ArchiveDocument
from registry.models import Semester
from students.identity import mask_id_number
from tests.conftest import PDF
from tests.factories import EnrolmentSpellFactory, GuardianFactory


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def semester(db):
    return Semester.objects.create(school_year=2026, term=1, starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 22))


@pytest.fixture
def pupils(world):
    """The own class's three pupils on the register, each with a guardian."""
    more = [EnrolmentSpellFactory(school_class=world.class_a).student for _ in range(2)]
    for pupil in more:
        GuardianFactory(student=pupil)
    return [world.pupils["own"], *more]


def _scan(name="form.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _return(client, world, pupil, semester, **data):
    client.force_login(world.users["registrar"])
    url = reverse("confirmation_return", args=[pupil.pk])
    return client.post(url, {"semester": semester.pk, "outcome": "confirmed", "scan": _scan(), **data})


@pytest.mark.slow
def test_the_class_forms_print_one_page_per_pupil_with_masked_numbers(
    client, world, pupils, semester, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    client.force_login(world.users["registrar"])
    url = reverse("confirmation_print_new", args=[world.school_a.code, world.class_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"semester": semester.pk})
    job = ConfirmationPrint.objects.get()
    assert response["Location"] == reverse("confirmation_print", args=[job.pk])
    assert job.state == ConfirmationPrint.State.READY and job.done == job.total == 3 and job.pages == 3
    page = client.get(reverse("confirmation_print", args=[job.pk])).content.decode()
    assert "The PDF is ready: 3 pages for 3 pupils." in page
    download = client.get(reverse("confirmation_print_download", args=[job.pk]))
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(b"".join(download.streaming_content))).pages)
    for pupil in pupils:
        guardian = pupil.guardians.first()
        assert pupil.id_number not in text and mask_id_number(pupil.id_number) in text
        assert guardian.id_number not in text and mask_id_number(guardian.id_number) in text


def test_a_confirmed_return_files_the_scan_and_a_second_one_is_refused(client, world, pupils, semester):
    response = _return(client, world, pupils[0], semester)
    assert response.status_code == 302
    confirmation = FamilyConfirmation.objects.get()
    assert confirmation.outcome == "confirmed" and confirmation.semester == semester
    assert confirmation.document.type == ArchiveDocument.Type.FAMILY_CONFIRMATION
    assert confirmation.document.archive.student == pupils[0] and confirmation.document.sha256
    again = _return(client, world, pupils[0], semester)
    assert "Already recorded: Confirmed as is" in again.content.decode()
    assert FamilyConfirmation.objects.count() == 1 and ArchiveDocument.objects.count() == 1


def test_corrections_asked_without_a_correction_change_nothing(client, world, pupils, semester):
    response = _return(client, world, pupils[0], semester, outcome="corrected")
    assert response.status_code == 200
    assert "Enter at least one correction" in response.content.decode()
    response = _return(client, world, pupils[0], semester, outcome="corrected", field_1="phone")
    assert "Write the right value the family gave." in response.content.decode()
    assert not FamilyConfirmation.objects.exists() and not ArchiveDocument.objects.exists()


def test_a_file_that_is_not_a_scan_is_refused(client, world, pupils, semester):
    response = _return(client, world, pupils[0], semester, scan=SimpleUploadedFile("form.pdf", b"MZ\x90\x00binary"))
    assert response.status_code == 200 and "Only PDF, JPEG or PNG files are accepted" in response.content.decode()
    assert not FamilyConfirmation.objects.exists()


def test_the_roll_check_counts_confirmed_corrected_and_outstanding(client, world, pupils, semester):
    from students.models import RollCheck

    _return(client, world, pupils[0], semester)
    RollCheck.objects.create(school=world.school_a, semester=semester, check_date=date(2026, 10, 15))
    client.force_login(world.users["headteacher"])
    page = client.get(reverse("roll_check", args=[world.school_a.code, semester.pk])).content.decode()
    assert "Confirmed: 1 · corrected: 0 · not returned: 2" in page


def test_another_schools_registrar_finds_none_of_it(client, world, pupils, semester):
    _return(client, world, pupils[0], semester)
    job = ConfirmationPrint.objects.create(school=world.school_a, school_class=world.class_a, semester=semester,
                                           requested_by=world.users["registrar"], total=3)  # fmt: skip
    other = world.users["registrar"].__class__.objects.get(username="registrar_other")
    client.force_login(other)
    code, pk = world.school_a.code, world.class_a.pk
    for url in (reverse("class_confirmations", args=[code, pk]), reverse("confirmation_print", args=[job.pk]),
                reverse("confirmation_return", args=[pupils[1].pk])):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(reverse("confirmation_print_new", args=[code, pk]), {"semester": semester.pk}).status_code == 404


def _new_birth(pupil):
    """A birth date a day later and the ID number that goes with it (the family corrects both)."""
    from datetime import timedelta

    from students.identity import make_id_number

    birth = pupil.birth_date + timedelta(days=1)
    number = make_id_number(pupil.id_number[:6], birth, int(pupil.id_number[14:17]), pupil.sex)
    return birth.isoformat(), number


def test_a_corrected_phone_is_applied_and_the_scan_filed(client, world, pupils, semester):
    response = _return(client, world, pupils[1], semester, outcome="corrected", field_1="phone", value_1="13912345678")
    assert response.status_code == 302
    pupils[1].refresh_from_db()
    assert pupils[1].phone == "13912345678"
    confirmation = FamilyConfirmation.objects.get()
    assert confirmation.outcome == "corrected" and confirmation.change_request is None
    assert confirmation.corrections == ["phone"] and confirmation.document.archive.student == pupils[1]


def test_a_corrected_birth_date_becomes_a_request_with_the_scan_as_evidence(client, world, pupils, semester):
    birth, number = _new_birth(pupils[2])
    response = _return(client, world, pupils[2], semester, outcome="corrected", field_1="birth_date", value_1=birth,
                       field_2="id_number", value_2=number)  # fmt: skip
    assert response.status_code == 302
    confirmation = FamilyConfirmation.objects.get()
    request = confirmation.change_request
    assert request.kind == "information_change" and request.state == "pending"
    assert request.evidence.get().sha256 == confirmation.document.sha256  # the same scan
    pupils[2].refresh_from_db()
    assert pupils[2].birth_date.isoformat() != birth  # waits for the town office


def test_a_refused_correction_records_nothing(client, world, pupils, semester):
    birth, _number = _new_birth(pupils[2])  # the birth date alone no longer matches the ID number
    response = _return(client, world, pupils[2], semester, outcome="corrected", field_1="birth_date", value_1=birth)
    assert response.status_code == 200 and "does not match the ID number" in response.content.decode()
    assert not FamilyConfirmation.objects.exists() and not ArchiveDocument.objects.exists()
    assert not pupils[2].change_requests.filter(kind="information_change").exists()


def _class_scan(pages):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return SimpleUploadedFile("class.pdf", out.getvalue(), content_type="application/pdf")


def test_a_class_scan_is_split_by_page_with_a_preview_and_each_page_filed_with_its_pupil(
    client, world, pupils, semester
):
    from archives.family_confirmations.models import ClassScan
    from archives.printing.services import class_pupils

    client.force_login(world.users["registrar"])
    url = reverse("class_scan_new", args=[world.school_a.code, world.class_a.pk])
    wrong = client.post(url, {"semester": semester.pk, "scan": _class_scan(2)}, follow=True)
    assert "The scan has 2 pages but" in wrong.content.decode() and not ClassScan.objects.exists()
    response = client.post(url, {"semester": semester.pk, "scan": _class_scan(3)}, follow=True)
    scan = ClassScan.objects.get()
    preview = response.content.decode()
    ordered = list(class_pupils(world.class_a))
    assert 'data-testid="scan-preview"' in preview and "The class's scan: 3 pages" in preview
    assert preview.index(ordered[0].name) < preview.index(ordered[1].name) < preview.index(ordered[2].name)
    page = client.get(reverse("class_scan_page", args=[scan.pk, 2]))
    assert page.status_code == 200 and page["Content-Disposition"].startswith("attachment")

    second = ordered[1]
    return_url = reverse("confirmation_return", args=[second.pk])
    form = client.get(return_url, {"semester": semester.pk, "class_scan": scan.pk, "page": 2}).content.decode()
    assert "Page 2 of the class's scan is used" in form
    done = client.post(return_url, {"semester": semester.pk, "class_scan": scan.pk, "page": 2, "outcome": "confirmed"})
    assert done.status_code == 302
    document = FamilyConfirmation.objects.get(student=second).document
    assert document.archive.student == second and document.content_type == "application/pdf"
    with document.file.open("rb") as handle:
        from pypdf import PdfReader

        assert len(PdfReader(handle).pages) == 1  # only the pupil's page, not the class's
