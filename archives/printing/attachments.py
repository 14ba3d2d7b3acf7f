"""Uploaded PDF documents printed in the bundle (issue 18 item 14): their pages are part of the paper file,
so the bundle includes them rather than a note to print them separately. The bundle's layout reserves one
page per page of the document — each with the bundle's header, footer and page number, so the numbering runs
on through them — and the document's pages are then drawn onto those pages, scaled to fit the margins."""

import logging
from io import BytesIO

from pypdf import PdfReader, PdfWriter, Transformation

logger = logging.getLogger(__name__)

PDF_SIGNATURE = b"%PDF-"
SIZE_LIMIT = 32 * 1024 * 1024  # a larger upload is listed, not included
ANCHOR = "attached-{document}-{page}"
# The bundle's page box (templates/archives/print/bundle.html: A4, margins 16 / 15 / 18 mm), in points.
A4 = (595.28, 841.89)
MARGINS = {"top": 45.35, "right": 42.52, "bottom": 51.02, "left": 42.52}


def _reader(document):
    if not document.file or document.size > SIZE_LIMIT:
        return None
    try:
        with document.file.open("rb") as handle:
            data = handle.read(SIZE_LIMIT + 1)
    except OSError:
        return None
    if not data.startswith(PDF_SIGNATURE) or len(data) > SIZE_LIMIT:
        return None
    try:
        reader = PdfReader(BytesIO(data))
        len(reader.pages)
    except Exception:  # a damaged or encrypted upload is listed with the note, not included
        logger.warning("archive document %s: its PDF could not be read", document.pk, exc_info=True)
        return None
    return reader


def page_count(document) -> int:
    """How many pages of the uploaded PDF the bundle includes (0: not a readable PDF; it is listed only)."""
    reader = _reader(document)
    return len(reader.pages) if reader is not None else 0


def reserved_pages(layout):
    """{page index of the laid-out bundle: (document pk, page of the document)} from the reserved pages'
    anchors."""
    reserved = {}
    for index, page in enumerate(layout.pages):
        for name in page.anchors:
            if name.startswith("attached-"):
                _prefix, document, number = name.split("-")
                reserved[index] = (int(document), int(number))
    return reserved


def draw_onto(data: bytes, reserved, documents) -> bytes:
    """The bundle's PDF with each reserved page carrying its page of the document, scaled into the margins."""
    if not reserved:
        return data
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    readers = {}
    width = A4[0] - MARGINS["left"] - MARGINS["right"]
    height = A4[1] - MARGINS["top"] - MARGINS["bottom"]
    for index, (document_pk, number) in sorted(reserved.items()):
        if document_pk not in readers:  # a writer's copy, so a rotated page's rotation can go into its content
            readers[document_pk] = PdfWriter(clone_from=_reader(documents[document_pk]))
        source = readers[document_pk].pages[number]
        if source.rotation:
            source.transfer_rotation_to_content()
        box = source.mediabox
        scale = min(width / float(box.width), height / float(box.height))
        left = MARGINS["left"] + (width - float(box.width) * scale) / 2
        bottom = MARGINS["bottom"] + (height - float(box.height) * scale) / 2
        placed = Transformation().translate(-float(box.left), -float(box.bottom)).scale(scale).translate(left, bottom)
        writer.pages[index].merge_transformed_page(source, placed)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
