"""PDF rendering with WeasyPrint, shared by every app that prints (the four-copy transfer form, the signed
roll reconciliation, archive bundles).

WeasyPrint may load nothing but data: URIs and our own static files (DESIGN §6): templates address static
files under the made-up origin STATIC_ORIGIN, and the fetcher refuses everything else — no network, no
arbitrary file:// path, whatever a template or a pupil's text might contain. Papers are official, so they
are rendered in the site's language (settings.LANGUAGE_CODE) whoever asks for them. Fonts are the system's
(the CJK faces come from fonts-noto-cjk; templates name "Noto Serif CJK SC" / "Noto Sans CJK SC").

WeasyPrint is imported where it is used: loading it parses its style sheets, which most requests never need.
"""

import functools
import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint reports every layout step at INFO level; a log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Where WeasyPrint may load from: our own static files, addressed under this made-up origin.
STATIC_ORIGIN = "https://xueji-static.invalid/"


@functools.cache
def static_only_fetcher_class():
    """WeasyPrint's URL fetcher, limited to data: URIs and our own static files."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file(url)
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


def layout_html(html):
    """An HTML string laid out by WeasyPrint with the static-only fetcher: a Document (`.pages`, `.write_pdf()`)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=static_only_fetcher_class()()).render()


def layout(template_name, context):
    """The template rendered in the site's language and laid out: a WeasyPrint Document, for counting pages."""
    with translation.override(settings.LANGUAGE_CODE):
        return layout_html(render_to_string(template_name, context))


def render_pdf(template_name, context) -> bytes:
    """The template as PDF bytes, in the site's language, loading only our own static files."""
    return layout(template_name, context).write_pdf()


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
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + ".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
