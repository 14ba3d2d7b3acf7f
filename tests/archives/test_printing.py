"""Printing for the archivist: what a bundle PDF says (and masks), chosen documents, class batches with
their progress, the register and audit lines, idempotent rendering, and bounded queries."""

from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from pypdf import PdfReader

from archives.models import ArchiveCopy, ArchiveDocument, ArchiveFile, PrintJob, RegisterEntry
from archives.printing import services as printing
from archives.printing.bundle import css_content, css_string
from archives.printing.services import file_name, render_print_job, start_print
from archives.services import ArchiveRefused, ensure_archive
from audit.models import Event
from students import nationality
from students.identity import mask_id_number, mask_phone
from tests.conftest import PDF
from tests.factories import EnrolmentSpellFactory, GuardianFactory, SchoolClassFactory, UserFactory
from transfers.models import ApprovalStep, ChangeRequest

pytestmark = pytest.mark.slow  # renders PDFs with WeasyPrint; `make test-fast` leaves it out

Type, Source = ArchiveDocument.Type, ArchiveDocument.Source


def _png():
    buffer = BytesIO()
    Image.new("RGB", (160, 90), "#cde").save(buffer, format="PNG")
    return buffer.getvalue()


def _site_language(message, **values):
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(message)
    return text % values if values else text


def _document(archive, title, *, type=Type.EVIDENCE, source=Source.UPLOADED, content=None, name="scan.png", **extra):
    fields = {}
    if content is not None:
        fields = {"file": SimpleUploadedFile(name, content), "size": len(content), "sha256": "a" * 64}
    return ArchiveDocument.objects.create(
        archive=archive, type=type, title=title, document_date=date(2026, 9, 10), source=source,
        added_by=UserFactory(username="filer"), **fields, **extra,
    )  # fmt: skip


def _approved_suspension(student, school, *, registrar, officer):
    now = timezone.now()
    request = ChangeRequest.objects.create(
        kind=ChangeRequest.Kind.SUSPENSION, student=student, school=school, state=ChangeRequest.State.APPROVED,
        payload={"starts_on": "2026-10-08", "ends_on": "2027-10-07", "reason": "因病住院治疗"},
        initiated_by=registrar, submitted_at=now, closed_at=now,
    )  # fmt: skip
    ApprovalStep.objects.create(
        request=request, round=1, position=1, authority=school.authority, decision=ApprovalStep.Decision.APPROVED,
        decided_by=officer, decided_at=now, comment="同意休学一年",
    )  # fmt: skip
    return request


@pytest.fixture
def filed(world):
    """School A's pupil's archive: the basic information form, a PNG scan, a PDF award, a decided request."""
    pupil = world.pupils["own"]
    archive = ensure_archive(pupil)
    _document(archive, "学生基本信息表", type=Type.BASIC_INFORMATION, source=Source.GENERATED)
    _document(archive, "户口簿复印件", content=_png(), content_type="image/png")
    _document(archive, "三好学生奖状", type=Type.AWARD, content=PDF, name="award.pdf", content_type="application/pdf")
    _approved_suspension(pupil, world.school_a, registrar=world.users["registrar"], officer=world.users["officer"])
    return archive


def _print(capture, user, **kwargs):
    kwargs.setdefault("reason", "转学调档")
    with capture(execute=True):
        job = start_print(user, **kwargs)
    job.refresh_from_db()
    return job


def _reader(job):
    with job.file.open("rb") as handle:
        return PdfReader(BytesIO(handle.read()))


def _text(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def _class_of(school, size, *, with_history=True):
    school_class = SchoolClassFactory(school=school, grade=4)
    registrar, officer = UserFactory(username="registrar_q"), UserFactory(username="officer_q")
    for _ in range(size):
        pupil = EnrolmentSpellFactory(school_class=school_class).student
        GuardianFactory.create_batch(2, student=pupil)
        if with_history:
            archive = ensure_archive(pupil)
            _document(archive, "户口簿复印件", content=_png(), content_type="image/png")
            _approved_suspension(pupil, school, registrar=registrar, officer=officer)
    return school_class


def test_a_full_bundle_prints_the_catalogue_forms_and_requests_with_masked_numbers(
    world, filed, django_capture_on_commit_callbacks
):
    archivist, pupil = world.users["archivist"], world.pupils["own"]
    job = _print(django_capture_on_commit_callbacks, archivist, archive=filed)
    assert job.state == PrintJob.State.READY and job.done == job.total == 1 and job.finished_at
    reader = _reader(job)
    text = _text(reader)
    assert job.pages == len(reader.pages) >= 4  # cover, basic information, the request, the scan
    assert pupil.name in text
    assert _site_language("Catalogue of contents") in text
    flat = text.replace("\n", "")  # a narrow table cell may wrap a title
    for title in ("学生基本信息表", "户口簿复印件", "三好学生奖状"):
        assert title in flat
    assert _site_language("Basic information form") in text and _site_language("Enrolment history") in text
    assert "因病住院治疗" in text and "同意休学一年" in text  # the request's details and its step's opinion
    guardian = pupil.guardians.get()
    assert mask_id_number(pupil.id_number) in text and pupil.id_number not in text
    assert mask_id_number(guardian.id_number) in text and guardian.id_number not in text
    assert mask_phone(pupil.phone) in text and pupil.phone not in text
    assert any(page.images for page in reader.pages)  # the PNG scan is embedded; the PDF award only listed


def test_every_page_has_its_number_and_names_who_printed_it(world, filed, django_capture_on_commit_callbacks):
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed)
    reader = _reader(job)
    when = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
    printed_by = _site_language("Printed by %(who)s at %(when)s", who=world.users["archivist"], when=when)
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert printed_by in text
        assert _site_language("Page %(page)s of %(pages)s", page=number, pages=total) in text


def test_the_print_is_registered_and_audited(world, filed, django_capture_on_commit_callbacks):
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed, reason="升学调档")
    entry = RegisterEntry.objects.get(archive=filed)
    assert (entry.action, entry.user, entry.school, entry.why) == ("printed", world.users["archivist"],
                                                                   world.school_a, "升学调档")  # fmt: skip
    assert entry.what == _site_language("Full archive bundle")
    event = Event.objects.get(action="archives.print.printed")
    assert event.data["job"] == job.pk and event.data["reason"] == "升学调档" and event.data["revealed"] is False
    assert not Event.objects.filter(action="archives.print.id_numbers_printed").exists()


def test_the_archivist_prints_full_id_numbers_only_with_a_reason_and_it_is_logged(
    world, filed, django_capture_on_commit_callbacks
):
    pupil = world.pupils["own"]
    archivist = world.users["archivist"]
    masked = _print(django_capture_on_commit_callbacks, archivist, archive=filed)
    assert pupil.id_number not in _text(_reader(masked))
    assert not Event.objects.filter(action="archives.print.id_numbers_printed").exists()
    revealed = _print(django_capture_on_commit_callbacks, archivist, archive=filed, reveal_reason="公安户籍核查")
    text = _text(_reader(revealed))
    assert pupil.id_number in text and pupil.guardians.get().id_number in text and pupil.phone in text
    event = Event.objects.get(action="archives.print.id_numbers_printed")
    assert event.target_id == str(pupil.pk) and event.data["reason"] == "公安户籍核查"


def test_a_former_school_printing_its_copy_may_not_reveal(world, filed):
    ArchiveCopy.objects.create(archive=filed, school=world.school_a)  # handed over to school C
    ArchiveFile.objects.filter(pk=filed.pk).update(school=world.school_c)
    filed.refresh_from_db()
    with pytest.raises(ArchiveRefused):  # school A's archivist prints the copy, masked only
        start_print(world.users["archivist"], archive=filed, reason="调档", reveal_reason="公安核查")
    assert not PrintJob.objects.exists()


def test_chosen_documents_print_only_those_and_a_cover(world, filed, django_capture_on_commit_callbacks):
    scan = filed.documents.get(title="户口簿复印件")
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed, documents=[scan])
    reader = _reader(job)
    text = _text(reader)
    assert len(reader.pages) == 2  # the cover and the scan
    assert "户口簿复印件" in text and _site_language("Catalogue of contents") in text
    assert "三好学生奖状" not in text and "因病住院治疗" not in text
    assert _site_language("Basic information form") not in text
    assert "户口簿复印件" in RegisterEntry.objects.get(archive=filed).what
    generated = filed.documents.get(type=Type.BASIC_INFORMATION)
    form = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed, documents=[generated.pk])
    assert _site_language("Basic information form") in _text(_reader(form))


def test_a_former_school_prints_its_copy_as_handed_over(world, filed, django_capture_on_commit_callbacks):
    pupil = world.pupils["own"]
    copy = ArchiveCopy.objects.create(archive=filed, school=world.school_a)  # handed over to school C
    ArchiveFile.objects.filter(pk=filed.pk).update(school=world.school_c)
    filed.refresh_from_db()
    pupil.home_address = "青山镇新村 9 号"  # school C's later changes are not in school A's copy
    pupil.save()
    _document(filed, "青山镇书法比赛奖状", type=Type.AWARD, content=PDF, name="award.pdf")
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed)
    assert job.school == world.school_c
    flat = _text(_reader(job)).replace("\n", "")
    assert "幸福路" in flat and "青山镇新村" not in flat
    assert "户口簿复印件" in flat and "青山镇书法比赛奖状" not in flat
    assert timezone.localtime(copy.since).strftime("%Y-%m-%d") in flat
    registers = RegisterEntry.objects.filter(archive=filed, action="printed").values_list("school", flat=True)
    assert sorted(registers) == sorted([world.school_a.pk, world.school_c.pk])  # both schools' registers


def test_who_may_print_what(world, filed):
    with pytest.raises(PermissionDenied):
        start_print(world.users["headteacher"], archive=filed, reason="调档")
    with pytest.raises(PermissionDenied):
        start_print(world.users["archivist"], school_class=world.class_b, reason="调档")
    with pytest.raises(ArchiveRefused):
        start_print(world.users["archivist"], archive=filed, reason="  ")
    other = ensure_archive(world.pupils["sibling"])
    foreign = _document(other, "别校文件", content=_png())
    with pytest.raises(ArchiveRefused):
        start_print(world.users["archivist"], archive=filed, documents=[foreign], reason="调档")
    assert not PrintJob.objects.exists()


def test_a_class_batch_is_one_pdf_with_each_pupil_from_a_new_page(world, django_capture_on_commit_callbacks):
    school_class = _class_of(world.school_a, 3)
    pupils = [spell.student for spell in school_class.spells.all()]
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], school_class=school_class)
    assert job.state == PrintJob.State.READY and job.total == 3 and job.done == 3 and job.school == world.school_a
    reader = _reader(job)
    first_pages = [
        page.extract_text() for page in reader.pages if _site_language("Catalogue of contents") in page.extract_text()
    ]
    assert len(first_pages) == 3  # one cover per pupil, each a page of its own
    for pupil, cover in zip(sorted(pupils, key=lambda p: (p.name_pinyin, p.pk)), first_pages, strict=True):
        assert pupil.name in cover
        assert _site_language("Page %(page)s of %(pages)s", page=1, pages=len(reader.pages) // 3) in cover
    assert RegisterEntry.objects.filter(action="printed", school=world.school_a).count() == 3
    assert Event.objects.get(action="archives.print.printed").target_id == str(school_class.pk)


def test_a_class_batch_creates_the_missing_archives(world, django_capture_on_commit_callbacks):
    school_class = _class_of(world.school_a, 2, with_history=False)
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], school_class=school_class)
    assert job.state == PrintJob.State.READY
    for spell in school_class.spells.all():
        assert spell.student.archive.school == world.school_a
        assert spell.student.archive.history.count() == 1


def test_rendering_twice_leaves_one_file_and_one_register_line(
    world, filed, settings, django_capture_on_commit_callbacks
):
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed)
    first = job.file.name
    render_print_job(job.pk)
    job.refresh_from_db()
    assert job.file.name == first == file_name(job)
    assert len([path for path in (settings.MEDIA_ROOT / "prints").rglob("*") if path.is_file()]) == 1
    assert RegisterEntry.objects.filter(archive=filed).count() == 1


def test_a_job_left_half_done_by_a_killed_worker_is_rendered_again(world, filed, settings):
    job = start_print(world.users["archivist"], archive=filed, reason="调档")  # its task never ran
    partial = settings.MEDIA_ROOT / file_name(job)
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"%PDF-1.7 half")
    PrintJob.objects.filter(pk=job.pk).update(state=PrintJob.State.RENDERING, done=0)
    render_print_job(job.pk)
    render_print_job(job.pk)
    job.refresh_from_db()
    assert job.state == PrintJob.State.READY and job.file.name == file_name(job)
    assert len(_reader(job).pages) == job.pages
    assert [path.name for path in partial.parent.iterdir()] == [partial.name]
    assert RegisterEntry.objects.filter(archive=filed).count() == 1


def test_a_class_in_parallel_workers_is_merged_by_whichever_part_finishes_last(world, settings, monkeypatch):
    school_class = _class_of(world.school_a, 3)
    job = start_print(world.users["archivist"], school_class=school_class, reason="调档")
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as with a broker: one task per part, finishing in any order
    monkeypatch.setattr(printing, "PUPILS_PER_PART", 2)
    assert printing.in_parallel(job)
    pupils = list(printing.class_pupils(school_class))
    parts = printing.parts_of(job)
    assert parts == [(1, [pupils[0].pk, pupils[1].pk]), (3, [pupils[2].pk])]
    PrintJob.objects.filter(pk=job.pk).update(total=3)
    for index, done in ((1, 1), (0, 3), (1, 3)):  # the second part's task redelivered after the job was merged
        printing.render_part(job.pk, *parts[index])
        job.refresh_from_db()
        assert job.done == done
    assert job.state == PrintJob.State.READY and job.pages == len(_reader(job).pages)
    texts = [page.extract_text() for page in _reader(job).pages]
    covers = [text for text in texts if _site_language("Catalogue of contents") in text]
    assert [pupil.name in cover for pupil, cover in zip(pupils, covers, strict=True)] == [True] * 3
    per_pupil = len(texts) // 3  # each pupil's pages numbered within its own bundle, across the parts too
    for number, text in enumerate(texts):
        assert _site_language("Page %(page)s of %(pages)s", page=number % per_pupil + 1, pages=per_pupil) in text
    assert RegisterEntry.objects.filter(action="printed", school=world.school_a).count() == 3
    assert not (settings.MEDIA_ROOT / "print-parts" / f"print-{job.pk:06d}").exists() or not any(
        (settings.MEDIA_ROOT / "print-parts" / f"print-{job.pk:06d}").iterdir()
    )


def test_queries_do_not_grow_with_the_pupils_beyond_a_constant_each(world):
    archivist = world.users["archivist"]

    def queries(size):
        school_class = _class_of(world.school_a, size)
        job = start_print(archivist, school_class=school_class, reason="调档")
        archivist.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            render_print_job(job.pk)
        return len(captured.captured_queries)

    few, many = queries(2), queries(5)
    # each pupil: its progress (`done`) and its register line; everything else is fetched per job
    assert many - few <= 2 * (5 - 2), (few, many)


def test_margin_box_strings_cannot_break_out_of_the_style_sheet():
    quoted = css_string('王"老师\\</style><script>')
    assert quoted.count('"') == 2 and "<" not in quoted and ">" not in quoted
    assert css_content("Page %(page)s of %(pages)s", page="page", pages="pages") == (
        '"Page " counter(page) " of " counter(pages)'
    )


def test_the_basic_information_form_prints_the_record_not_its_search_keys(
    world, filed, django_capture_on_commit_callbacks
):
    """Issue 18 item 13: no pinyin search key ("|baikeyu|bokeyu|") and 国籍 as the country's name, not "CHN"."""
    pupil = world.pupils["own"]
    assert pupil.name_pinyin and pupil.nationality == "CHN"
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed)
    text = _text(_reader(job))
    assert "|" not in text and pupil.name_pinyin.strip("|").split("|")[0] not in text.replace(" ", "").lower()
    assert "CHN" not in text
    with translation.override(settings.LANGUAGE_CODE):
        assert nationality.label("CHN") in text
    with translation.override("en"):
        assert nationality.label("CHN") == "China"
    assert nationality.label("XYZ") == "XYZ"


def _two_page_pdf():
    """A real two-page PDF, as a scanner or a word processor would upload one."""
    from weasyprint import HTML

    return HTML(string="<p>附件甲页</p><p style='break-before: page'>附件乙页</p>").write_pdf()


def test_a_full_bundle_includes_the_pages_of_uploaded_pdfs_numbered_on(
    world, filed, django_capture_on_commit_callbacks
):
    """Issue 18 item 14: an uploaded PDF prints with the bundle — its pages follow its listing, each carrying
    the bundle's page number (the numbering runs on through them) — instead of a note to print it elsewhere."""
    content = _two_page_pdf()
    _document(filed, "转学申请原件", content=content, name="application.pdf", content_type="application/pdf")
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed)
    reader = _reader(job)
    texts = [page.extract_text() for page in reader.pages]
    first = next(index for index, text in enumerate(texts) if "附件甲页" in text)
    assert "附件乙页" in texts[first + 1]
    page_of = _site_language("Page %(page)s of %(pages)s")
    for index in (first, first + 1):
        assert page_of % {"page": index + 1, "pages": len(texts)} in texts[index]
    listing = texts[first - 1].replace("\n", "")
    assert "转学申请原件" in listing
    assert _site_language("The original is kept in the electronic archive; print it from there.") not in listing
    assert job.pages == len(texts)


def test_a_damaged_pdf_upload_is_listed_not_included(world, filed, django_capture_on_commit_callbacks):
    _document(filed, "损坏的文件", content=b"%PDF-1.4 not really", name="broken.pdf", content_type="application/pdf")
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], archive=filed)
    assert job.state == PrintJob.State.READY
    flat = "".join(page.extract_text() for page in _reader(job).pages).replace("\n", "")
    assert "损坏的文件" in flat


def test_in_a_class_batch_an_uploaded_pdf_lands_on_its_own_pupils_pages(world, django_capture_on_commit_callbacks):
    """Pupils are written several to a PDF part: the pages reserved for a later pupil's uploaded PDF are found
    after the earlier pupils' pages, and carry that pupil's page numbers."""
    school_class = _class_of(world.school_a, 3)
    pupils = list(printing.class_pupils(school_class))
    _document(pupils[1].archive, "转学申请原件", content=_two_page_pdf(), name="application.pdf",
              content_type="application/pdf")  # fmt: skip
    job = _print(django_capture_on_commit_callbacks, world.users["archivist"], school_class=school_class)
    texts = [page.extract_text() for page in _reader(job).pages]
    covers = [index for index, text in enumerate(texts) if _site_language("Catalogue of contents") in text]
    first = next(index for index, text in enumerate(texts) if "附件甲页" in text)
    assert covers[1] < first and first + 2 == covers[2]  # the last pages of the second pupil's bundle
    assert "转学申请原件" in texts[first - 1]  # right after its listing
    assert "附件乙页" in texts[first + 1] and "附件甲页" not in "".join(texts[:first] + texts[first + 1 :])
    page_of = _site_language("Page %(page)s of %(pages)s")
    for index in (first, first + 1):
        assert page_of % {"page": index - covers[1] + 1, "pages": covers[2] - covers[1]} in texts[index]
