"""The four-copy transfer form: issuing, the idempotent render task, and what the PDF says."""

from io import BytesIO

import pytest
import segno
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from audit.models import Event
from audit.tasks import seal_after_commit
from students.identity import mask_id_number, mask_national_number
from tests.factories import (
    EnrolmentSpellFactory,
    GuardianFactory,
    SchoolClassFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
)
from transfers.models import ChangeRequest, TransferForm
from transfers.slip import services as transfer_forms
from transfers.slip.services import (
    CODE_ALPHABET,
    CODE_LENGTH,
    COPIES,
    file_name,
    issue_transfer_form,
    normalise_verification_code,
    render_transfer_form,
    static_only_fetcher_class,
)
from transfers.tasks import render_transfer_form_task

pytestmark = pytest.mark.slow  # renders PDFs with WeasyPrint; `make test-fast` leaves it out


@pytest.fixture
def transfer(db):
    """A transfer of a pupil with rare name characters from 乙小学 (grade 3 class 2) to 甲小学."""
    sending = SchoolFactory(name="乙小学")
    receiving = SchoolFactory(name="甲小学")
    from_class = SchoolClassFactory(school=sending, grade=3, number=2, entry_year=2024)
    to_class = SchoolClassFactory(school=receiving, grade=3, number=1, entry_year=2024)
    pupil = StudentFactory(name="𠮷䶮堃燚")
    EnrolmentSpellFactory(student=pupil, school_class=from_class)
    GuardianFactory(student=pupil, name="𠮷大山")
    return ChangeRequest.objects.create(
        kind="transfer", student=pupil, school=receiving, counterpart_school=sending,
        payload={"school_class": to_class.pk, "grade": 3, "reason": "随父母务工迁居", "from_grade": 3,
                 "from_school_class": from_class.pk},
        initiated_by=UserFactory(), submitted_at=timezone.now(),
    )  # fmt: skip


def _pdf(form):
    form.refresh_from_db()
    with form.file.open("rb") as pdf:
        return PdfReader(BytesIO(pdf.read()))


def _text(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def _site_language(message):
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def _files(settings):
    return sorted(path.name for path in (settings.MEDIA_ROOT / "transfer-forms").rglob("*") if path.is_file())


def test_issuing_creates_one_form_with_a_serial_and_an_unguessable_code(transfer, django_capture_on_commit_callbacks):
    actor = transfer.initiated_by
    with django_capture_on_commit_callbacks() as callbacks:
        form = issue_transfer_form(transfer, 1, actor=actor)
        again = issue_transfer_form(transfer, 1, actor=actor)
    assert again.pk == form.pk and TransferForm.objects.count() == 1
    rendering = [hook for hook in callbacks if hook is not seal_after_commit]  # the audit sealer's aside
    assert len(rendering) == 1  # the PDF is queued once, after the transaction commits
    assert form.state == TransferForm.State.QUEUED
    assert form.serial == f"ZX{timezone.localdate().year}-{transfer.pk:06d}-1"
    assert len(form.verification_code) == CODE_LENGTH and set(form.verification_code) <= set(CODE_ALPHABET)
    second = issue_transfer_form(transfer, 2, actor=actor)
    assert second.verification_code != form.verification_code and second.serial.endswith("-2")
    event = Event.objects.get(action="transfers.transfer_form.issued", target_id=str(form.pk))
    assert event.actor == actor and event.data["issue"] == 1


def test_only_transfers_have_a_four_copy_form(transfer):
    transfer.kind = "suspension"
    with pytest.raises(ValueError):
        issue_transfer_form(transfer, 1, actor=transfer.initiated_by)


def test_the_pdf_is_rendered_once_the_transfer_commits(transfer, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        form = issue_transfer_form(transfer, 1, actor=transfer.initiated_by)
    form.refresh_from_db()
    assert form.state == TransferForm.State.READY and form.rendered_at is not None
    assert form.file.name == file_name(form)
    reader = _pdf(form)
    assert len(reader.pages) == 4
    text = _text(reader)
    for label in COPIES:
        assert text.count(_site_language(str(label))) == 1
    assert text.count(_site_language("Student transfer form")) == 4
    for number, (page, label) in enumerate(zip(reader.pages, COPIES, strict=True), start=1):
        words = page.extract_text()  # each copy: its own label and page number, and the whole form
        assert _site_language(str(label)) in words and f"{form.serial} · {number} / 4" in words
        assert _site_language("Student transfer form") in words and transfer.student.name in words
    assert form.serial in text
    assert "𠮷䶮堃燚" in text and "𠮷大山" in text  # rare characters outside the basic plane render and extract
    student = transfer.student
    assert mask_id_number(student.id_number) in text
    assert mask_national_number(student.national_number) in text
    assert student.id_number not in text and student.national_number not in text
    assert "乙小学" in text and "甲小学" in text and "随父母务工迁居" in text
    assert transfer_forms.grouped_code(form.verification_code) in text


def test_an_external_transfer_names_the_destination(transfer, django_capture_on_commit_callbacks):
    sending = transfer.counterpart_school
    transfer.kind, transfer.school, transfer.counterpart_school = "transfer_out_external", sending, None
    transfer.payload = {"destination_school": "浙江省杭州市文三路小学", "destination_authority": "杭州市西湖区教育局",
                        "reason": "随父母迁居"}  # fmt: skip
    transfer.save()
    with django_capture_on_commit_callbacks(execute=True):
        form = issue_transfer_form(transfer, 1, actor=transfer.initiated_by)
    text = _text(_pdf(form))
    assert "浙江省杭州市文三路小学" in text and "杭州市西湖区教育局" in text
    assert "乙小学" in text and sending.authority.name in text


def test_the_longest_reason_still_fits_one_page_per_copy(transfer):
    transfer.payload["reason"] = ("父母工作调动，全家迁居外地，需就近入学。" * 20)[
        :299
    ] + "完"  # 300, the most a form takes
    transfer.save()
    form = render_transfer_form(issue_transfer_form(transfer, 1, actor=transfer.initiated_by).pk)
    reader = _pdf(form)
    assert len(reader.pages) == 4
    assert "完" in reader.pages[3].extract_text()


def test_rendering_twice_leaves_one_form_and_one_file(transfer, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        form = issue_transfer_form(transfer, 1, actor=transfer.initiated_by)
    rendered_at = TransferForm.objects.get(pk=form.pk).rendered_at
    render_transfer_form_task.delay(form.pk)  # a redelivered task
    render_transfer_form(form.pk)
    assert TransferForm.objects.count() == 1
    assert TransferForm.objects.get(pk=form.pk).rendered_at == rendered_at  # a ready form is left alone
    assert _files(settings) == [f"{form.serial}.pdf"]


def test_a_form_left_half_done_by_a_killed_worker_is_rendered_again(transfer, settings):
    form = issue_transfer_form(transfer, 1, actor=transfer.initiated_by)
    name = file_name(form)
    partial = settings.MEDIA_ROOT / name
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"%PDF-1.7\n% cut off by SIGKILL")
    TransferForm.objects.filter(pk=form.pk).update(state=TransferForm.State.RENDERING, file=name)
    render_transfer_form_task.delay(form.pk)
    form.refresh_from_db()
    assert form.state == TransferForm.State.READY and form.file.name == name
    assert len(_pdf(form).pages) == 4
    assert TransferForm.objects.count() == 1 and _files(settings) == [f"{form.serial}.pdf"]


def test_a_ready_form_whose_file_is_gone_is_rendered_again(transfer, settings):
    form = issue_transfer_form(transfer, 1, actor=transfer.initiated_by)
    render_transfer_form(form.pk)
    (settings.MEDIA_ROOT / file_name(form)).unlink()
    render_transfer_form(form.pk)
    assert len(_pdf(form).pages) == 4


def test_progress_goes_from_waiting_to_ready(transfer):
    form = issue_transfer_form(transfer, 1, actor=transfer.initiated_by)
    assert transfer_forms.transfer_form_progress(form) == 0
    form = render_transfer_form(form.pk)
    assert transfer_forms.transfer_form_progress(form) == 100


def test_weasyprint_may_load_only_our_own_static_files():
    fetcher = static_only_fetcher_class()()
    response = fetcher.fetch(transfer_forms.STATIC_ORIGIN + "static/favicon.svg")
    assert b"<svg" in response.read()
    response.close()
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    for url in (
        "http://example.com/logo.png",
        "https://192.168.1.1/",
        "file:///etc/passwd",
        transfer_forms.STATIC_ORIGIN + "static/../../registry/settings.py",
        transfer_forms.STATIC_ORIGIN + "static/%2e%2e/registry/settings.py",
        transfer_forms.STATIC_ORIGIN + "media/transfer-forms/x.pdf",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_qr_code_points_to_the_public_verification_page(transfer, settings):
    settings.SITE_URL = "https://xueji.example.cn/"
    form = issue_transfer_form(transfer, 1, actor=transfer.initiated_by)
    assert transfer_forms.verification_url(form) == (f"https://xueji.example.cn/verify/?code={form.verification_code}")


@pytest.mark.slow
def test_each_copy_prints_the_qr_code_of_its_verification_page_module_for_module(transfer):
    form = render_transfer_form(issue_transfer_form(transfer, 1, actor=transfer.initiated_by).pk)
    expected = segno.make(transfer_forms.verification_url(form), error="m", micro=False)
    reader = _pdf(form)
    for page in reader.pages:
        (image,) = page.images
        assert image.indirect_reference.get_object()["/Interpolate"] == BooleanObject(False)  # sharp, not smoothed
        pixels = image.image.convert("1")
        border = 2
        assert pixels.size == (expected.symbol_size(border=border, scale=1))
        dark = [[pixels.getpixel((x + border, y + border)) == 0 for x in range(len(row))]
                for y, row in enumerate(expected.matrix)]  # fmt: skip
        assert dark == [[bool(module) for module in row] for row in expected.matrix]


def test_a_typed_code_is_normalised():
    assert normalise_verification_code(" abcd-efgh ｊｋｍｎ ") == "ABCDEFGHJKMN"
