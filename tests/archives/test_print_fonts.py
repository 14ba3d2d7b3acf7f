"""A bundle prints from the small subset fonts made at set-up time (registry.fonts), not from the 19–27 MB system
collections: GB2312 from the main faces, the rest of GBK's hanzi (many given names) from small slices; a
character beyond them (a rare character of a pupil's name) still prints, from the full system font; and
without the subsets (set-up not run) papers still print, from the system fonts."""

import logging
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from archives.printing.services import start_print
from archives.services import ensure_archive
from registry import fonts, pdf

pytestmark = pytest.mark.slow  # renders PDFs with WeasyPrint; `make test-fast` leaves it out

RARE = "䶮"  # U+4DAE (CJK Extension A: in no subset), as in 刘䶮
NAME = "玥"  # U+73A5: common in girls' names, not in GB2312 (in GBK: a slice has it)


@pytest.fixture(scope="module")
def subset_fonts():
    """The subsets, made as `make setup` makes them if this checkout has not run it yet."""
    folder = Path(settings.PDF_FONT_ROOT)
    if not all((folder / face.file_name).is_file() for face in fonts.FACES):
        fonts.build(folder)
    pdf.subset_font_faces.cache_clear()
    return folder


def _font_names(data):
    """The BaseFont names of every font the PDF embeds (page resources and the forms they draw)."""
    names, seen = set(), set()

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if id(xobject) not in seen and "/Resources" in xobject:
                seen.add(id(xobject))
                walk(xobject["/Resources"])

    reader = PdfReader(BytesIO(data))
    for page in reader.pages:
        walk(page.get("/Resources"))
    return names, "".join(page.extract_text() for page in reader.pages)


def _bundle(world, capture):
    archive = ensure_archive(world.pupils["own"])
    with capture(execute=True):
        job = start_print(world.users["archivist"], archive=archive, reason="转学调档")
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        return handle.read()


def test_a_pupils_bundle_embeds_only_the_small_subset_faces(world, subset_fonts, django_capture_on_commit_callbacks):
    names, text = _font_names(_bundle(world, django_capture_on_commit_callbacks))
    assert world.pupils["own"].name in text
    cjk = {name for name in names if "Mono" not in name}  # the hashes' DejaVu Sans Mono is small already
    assert cjk and all("Xueji" in name for name in cjk), names
    assert any("Xueji-Serif-SC" in name for name in cjk) and any("Xueji-Sans-SC" in name for name in cjk)


def test_a_name_character_beyond_gb2312_prints_from_a_small_slice(
    world, subset_fonts, django_capture_on_commit_callbacks
):
    assert ord(NAME) not in fonts.characters()
    pupil = world.pupils["own"]
    pupil.name = "段" + NAME
    pupil.save(update_fields=["name"])
    names, text = _font_names(_bundle(world, django_capture_on_commit_callbacks))
    assert "段" + NAME in text.replace("\n", "")
    cjk = {name for name in names if "Mono" not in name}
    assert all("Xueji" in name for name in cjk), names  # no full system face
    assert any(name.split("+")[1].startswith(("Xueji-Serif-SC-4", "Xueji-Sans-SC-4")) for name in cjk), names


def test_a_rare_character_of_a_name_prints_from_the_full_system_font(
    world, subset_fonts, django_capture_on_commit_callbacks
):
    assert ord(RARE) not in fonts.characters()
    pupil = world.pupils["own"]
    pupil.name = "刘" + RARE
    pupil.save(update_fields=["name"])
    names, text = _font_names(_bundle(world, django_capture_on_commit_callbacks))
    assert "刘" + RARE in text.replace("\n", "")  # its glyph is in the PDF, mapped back to the character
    assert any("Noto" in name and "CJK" in name for name in names), names  # …from the system face
    assert any("Xueji" in name for name in names)  # the rest still from the subsets


def test_without_the_subsets_papers_print_from_the_system_fonts_and_say_so(db, settings, tmp_path, caplog):
    settings.PDF_FONT_ROOT = tmp_path  # set-up not run: an empty folder
    pdf.subset_font_faces.cache_clear()
    pdf.font_configuration.cache_clear()  # a fresh process's: no subset face registered yet
    try:
        with caplog.at_level(logging.WARNING, logger="registry.pdf"):
            data = pdf.layout_html(pdf.WARM_UP_HTML.replace("{qr}", "")).write_pdf()
        names, text = _font_names(data)
    finally:
        pdf.subset_font_faces.cache_clear()
        pdf.font_configuration.cache_clear()
    assert "学籍档案" in text and "审核意见" in text
    assert names and not any("Xueji" in name for name in names)
    assert any("Noto-Serif-CJK-SC" in name for name in names) and any("Noto-Sans-CJK-SC" in name for name in names)
    assert any("PDF fonts" in record.getMessage() and "missing" in record.getMessage() for record in caplog.records)


def test_weasyprint_may_load_the_subset_faces_and_nothing_else_of_their_folder(settings, tmp_path):
    settings.PDF_FONT_ROOT = tmp_path
    face = tmp_path / fonts.FACES[0].file_name
    face.write_bytes(b"OTTO")
    (tmp_path / "notes.txt").write_text("not a font")
    assert pdf.subset_font_file(pdf.FONT_ORIGIN + face.name) == face
    for url in ("notes.txt", "../fonts/" + face.name, "%2e%2e/notes.txt", face.name + "?x", "/" + face.name):
        assert pdf.subset_font_file(pdf.FONT_ORIGIN + url) is None, url
    with pytest.raises(ValueError):
        pdf.static_only_fetcher_class()().fetch(pdf.FONT_ORIGIN + "notes.txt")
    face.unlink()  # set-up not run: the name alone opens nothing
    assert pdf.subset_font_file(pdf.FONT_ORIGIN + face.name) is None
