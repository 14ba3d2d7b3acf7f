"""PDF rendering with WeasyPrint, shared by every app that prints (the four-copy transfer form, the signed
roll reconciliation, archive bundles).

WeasyPrint may load nothing but data: URIs and our own static files (DESIGN §6): templates address static
files under the made-up origin STATIC_ORIGIN, and the fetcher refuses everything else — no network, no
arbitrary file:// path, whatever a template or a pupil's text might contain. Papers are official, so they
are rendered in the site's language (settings.LANGUAGE_CODE) whoever asks for them.

Fonts: the CJK faces come from fonts-noto-cjk ("Noto Serif CJK SC" / "Noto Sans CJK SC"), but each of its files
is a 19–27 MB collection that WeasyPrint would copy whole and subset for every PDF. Set-up cuts small subsets
of them into settings.PDF_FONT_ROOT (registry.fonts: GB2312 in a main face, GBK's other hanzi in slices);
every document gets the @font-face rules
declaring them (fetched under FONT_ORIGIN) and the font stacks the templates name (`var(--paper-serif)`,
`var(--paper-sans)`): the subsets, then the system family, which prints the characters they lack (rare
characters of names). Without the files (set-up not run) the papers print from the system fonts alone, as a
warning in the log says.

WeasyPrint is imported where it is used: loading it parses its style sheets, which most requests never need.
"""

import atexit
import functools
import gc
import logging
import shutil
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from registry.files import write_atomically

logger = logging.getLogger(__name__)

# WeasyPrint reports every layout step at INFO level; a log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Where WeasyPrint may load from: our own static files, addressed under this made-up origin.
STATIC_ORIGIN = "https://xueji-static.invalid/"
# … and the subset fonts of registry.fonts in settings.PDF_FONT_ROOT, under this one.
FONT_ORIGIN = "https://xueji-fonts.invalid/"


@functools.cache
def static_only_fetcher_class():
    """WeasyPrint's URL fetcher, limited to data: URIs and our own static files."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file(url) or subset_font_file(url)
            if path is None:
                raise ValueError(f"a PDF may load only our own static files, not {url[:100]}")
            return super().fetch(Path(path).resolve().as_uri(), headers)

    return StaticOnlyFetcher


def static_file(url):
    """The file of one of our static files addressed under STATIC_ORIGIN, or None."""
    prefix = STATIC_ORIGIN + settings.STATIC_URL.lstrip("/")
    if not url.startswith(prefix):
        return None
    relative = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
    if not relative or relative.startswith("/") or ".." in relative.split("/"):
        return None
    return finders.find(relative)


def subset_font_file(url):
    """The file of one of registry.fonts' subset faces addressed under FONT_ORIGIN, or None."""
    from registry.fonts import FACES

    names = {face.file_name for face in FACES}
    name = url.removeprefix(FONT_ORIGIN) if url.startswith(FONT_ORIGIN) else None
    if name not in names:
        return None
    path = Path(settings.PDF_FONT_ROOT) / name
    return path if path.is_file() else None


def layout_html(html):
    """An HTML string laid out by WeasyPrint with the static-only fetcher: a Document (`.pages`, `.write_pdf()`)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=static_only_fetcher_class()()).render(
        font_config=font_configuration(), stylesheets=subset_font_faces()
    )


@functools.cache
def font_configuration():
    """The process's one WeasyPrint font configuration (fonts found and loaded once, not per document)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def release_fonts():
    """Remove the copies of the @font-face files that WeasyPrint keeps in a temporary folder per font
    configuration (its own clean-up runs too late at interpreter exit, and never in a pool process that
    ends with os._exit): called at exit and when a Celery pool process stops."""
    if not font_configuration.cache_info().currsize:
        return
    config = font_configuration()
    folder, config._folder = getattr(config, "_folder", None), None  # WeasyPrint's attribute: the copies
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


atexit.register(release_fonts)


@functools.cache
def subset_font_faces():
    """[the style sheet giving the papers their font stacks and declaring registry.fonts' subset faces], added
    to every document; loaded once per process into font_configuration(). The templates name the stacks
    `var(--paper-serif)` and `var(--paper-sans)`: the subset faces set-up made, then the full system family
    (which alone remains when set-up has not made them: a warning says so)."""
    from weasyprint import CSS

    from registry.fonts import FACES, SANS, SERIF, stack

    folder = Path(settings.PDF_FONT_ROOT)
    present = [face for face in FACES if (folder / face.file_name).is_file()]
    if len(present) < len(FACES):
        missing = [face.file_name for face in FACES if face not in present]
        logger.warning(
            "PDF fonts: %s of %s missing in %s (run `make setup` or `python -m registry.fonts`); papers print "
            "with the full system fonts for want of them, which costs memory and time per PDF",
            len(missing),
            len(FACES),
            folder,
        )
    rules = "".join(
        f'@font-face {{ font-family: "{face.css_family}"; font-weight: {face.weight}; '
        f'src: url("{FONT_ORIGIN}{face.file_name}") format("opentype"); }}\n'
        for face in present
    )
    rules += f":root {{ --paper-serif: {stack(SERIF, present)}; --paper-sans: {stack(SANS, present)}; }}\n"
    return [CSS(string=rules, url_fetcher=static_only_fetcher_class()(), font_config=font_configuration())]


# The faces and weights our papers use, with text in each script, for warm_up.
WARM_UP_HTML = """<!doctype html><html lang="zh-hans"><meta charset="utf-8"><style>@page { size: A4; margin: 10mm;
@bottom-right { content: "第 1 页" counter(page); font-family: var(--paper-sans), sans-serif; } }
html { font-family: var(--paper-serif), serif; } /* as the papers: no other face is loaded */
.serif { font-family: var(--paper-serif), serif; } .sans { font-family: var(--paper-sans), sans-serif; }
.mono { font-family: "DejaVu Sans Mono", monospace; }</style>
<p class="serif">学籍档案 转学联系单 Xueji 0123456789 <b>学生基本信息表</b></p>
<p class="sans">镇教办审核 身份证号 3201********1234 <b>审核意见：同意</b></p>
<p class="mono">ABCD-EFGH-JKMN</p><table><tr><td>一</td><td>二</td></tr></table><img src="{qr}">
<p class="sans" style="break-before: page">第二联</p></html>"""


# The papers' templates, compiled by warm_up (names only: the apps that print them sit above this module).
PAPER_TEMPLATES = (
    "transfers/transfer_form.html",
    "archives/print/bundle.html",
    "students/roll_check_pdf.html",
    "statistics/summary_pdf.html",
)


def warm_up():
    """Do now what a process's first paper would otherwise pay for (a worker calls this when it starts, so its
    first paper takes as long as the rest): load WeasyPrint, its style sheets and our fonts, import every view
    (the URL resolver, for the papers' links and QR codes) and compile the papers' templates. Then what has been
    loaded is moved out of the garbage collector's way (`gc.freeze`): otherwise the first paper pays a full
    collection of everything start-up created (about half a second of the four-copy form's first render)."""
    from django.urls import reverse

    reverse("home")  # fills the URL resolver: imports every view module
    quiet = logging.getLogger("weasyprint")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # empty templates leave CSS values empty: not worth a warning
    try:
        _lay_out_papers()
    finally:
        quiet.setLevel(level)
    gc.collect()
    gc.freeze()


def _lay_out_papers():
    from django.template.loader import get_template

    with translation.override(settings.LANGUAGE_CODE):
        qr = segno.make("https://xueji.invalid/verify/ABCD-EFGH", error="m").png_data_uri(border=2, scale=1)
        draw_last_page_on_the_others(layout_html(WARM_UP_HTML.replace("{qr}", qr)).write_pdf())
        for name in PAPER_TEMPLATES:  # each paper's style sheet and layout once, with nothing to fill in
            layout_html(get_template(name).render({})).write_pdf()


def layout(template_name, context):
    """The template rendered in the site's language and laid out: a WeasyPrint Document, for counting pages."""
    with translation.override(settings.LANGUAGE_CODE):
        return layout_html(render_to_string(template_name, context))


def render_pdf(template_name, context) -> bytes:
    """The template as PDF bytes, in the site's language, loading only our own static files."""
    return layout(template_name, context).write_pdf()


LAYER_NAME = "/XjLayer"


def draw_last_page_on_the_others(data: bytes) -> bytes:
    """The PDF without its last page, which is drawn instead on every other page, over what is there, and
    stored once (a form XObject). For a paper of copies that differ only in a few words (the four-copy transfer
    form): the shared body is laid out and written once as the last page, the pages before it carry each copy's
    own words and footer in the places the body leaves free."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    layer = writer.pages[-1]
    # The last page's own content stream becomes the layer, with the page's resources and box: nothing is copied
    # or compressed again.
    drawing = layer[NameObject("/Contents")]
    drawing.get_object().update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): layer.mediabox,
            NameObject("/Resources"): layer[NameObject("/Resources")],
        }
    )
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")  # the page's own drawing leaves its graphics state as it found it …
    after.set_data(f"\nQ q {LAYER_NAME} Do Q\n".encode())  # … and the layer is drawn in the page's own space
    around = [writer._add_object(before), writer._add_object(after)]
    for page in writer.pages[:-1]:
        resources = DictionaryObject(page[NameObject("/Resources")].get_object())  # the page's own copy
        objects = DictionaryObject(resources.get(NameObject("/XObject"), DictionaryObject()).get_object())
        objects[NameObject(LAYER_NAME)] = drawing
        resources[NameObject("/XObject")] = objects
        page[NameObject("/Resources")] = resources
        own = page[NameObject("/Contents")]
        own = list(own.get_object()) if isinstance(own.get_object(), ArrayObject) else [own]
        page[NameObject("/Contents")] = ArrayObject([around[0], *own, around[1]])
    writer.remove_page(len(writer.pages) - 1)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def write_replacing(storage, name, data):
    """Write `data` under exactly `name`, replacing what is there. On a local disk the bytes go to a
    temporary file first and are moved into place, so a reader never sees half a PDF."""
    try:
        path = storage.path(name)
    except NotImplementedError:  # remote storage: no rename, so delete and save under the same name
        path = None
    if path is None:
        storage.delete(name)
        saved = storage.save(name, ContentFile(data))
        if saved != name:  # another writer got there in between
            raise RuntimeError(f"{name} was saved as {saved}")
        return
    write_atomically(path, data)
