"""The papers' small fonts: single-face subsets of the system's Noto CJK collections, made once at set-up time.

WeasyPrint copies the whole file of every font it embeds, for every PDF it writes, and then subsets it: with
Debian's fonts-noto-cjk that is a 19–27 MB collection (.ttc, every CJK region's faces) per face used, four faces
on most papers. Set-up (`make setup`, the Dockerfile; `python -m registry.fonts [folder]`) therefore extracts
the Simplified Chinese face of each collection and keeps only the characters of GB2312 (GB/T 2312-1980: its
6,763 hanzi of levels 1 and 2 and its 682 symbols; every code point Python's "gb2312" codec decodes), plus
ASCII, Latin-1, general punctuation, CJK symbols and punctuation and the full-width forms, into a ~4–6 MB
OpenType file each under settings.PDF_FONT_ROOT (var/fonts, not committed). The faces are renamed ("Xueji
Serif SC", "Xueji Sans SC") so that no one mistakes them for the full fonts: registry.pdf declares them with
@font-face and the papers name them before the system family, so a character outside the subset (a rare
character of a pupil's name, 生僻字 such as 䶮 or 𬱖) still prints, from the full system font (WeasyPrint
falls back per glyph). When the files are missing the papers print with the system fonts alone.

This module imports fontTools only in the functions that build fonts (the web processes never do).
"""

import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

# settings.PDF_FONT_ROOT's default (the Makefile's too): VAR_DIR/fonts
DEFAULT_FOLDER = Path(os.environ.get("XUEJI_VAR_DIR") or Path(__file__).resolve().parent.parent / "var") / "fonts"
SYSTEM_FONT_FOLDERS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts"))


@dataclass(frozen=True)
class Face:
    family: str  # the name the papers' CSS uses for the subset
    weight: int
    system_file: str  # the fonts-noto-cjk collection it is cut from
    system_family: str  # the face of that collection

    @property
    def style_name(self):
        return "Bold" if self.weight >= 700 else "Regular"

    @property
    def file_name(self):
        return f"{self.family.replace(' ', '')}-{self.style_name}.otf"


SERIF, SANS = "Xueji Serif SC", "Xueji Sans SC"
FACES = (
    Face(SERIF, 400, "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    Face(SERIF, 700, "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    Face(SANS, 400, "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    Face(SANS, 700, "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
)

# Beyond GB2312: what the papers' Latin text, numbers and punctuation use.
EXTRA_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (·, ×, ÷, accented pinyin's ü, à…)
    (0x0100, 0x017F),  # Latin Extended-A (pinyin tone marks ā ē ī ō ū ǖ…)
    (0x01CD, 0x01DC),  # pinyin ǎ ǐ ǒ ǔ ǘ ǚ ǜ
    (0x2010, 0x206F),  # general punctuation (— ‘ ’ “ ” … ‰ ※)
    (0x2100, 0x215F),  # letterlike symbols and number forms (℃ № Ⅰ…)
    (0x2160, 0x217F),  # roman numerals
    (0x2460, 0x24FF),  # enclosed numbers ①…
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (□ ■ ○ ●)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。《》【】〔〕)
    (0xFF00, 0xFFEF),  # full-width forms (，：；（）０-９ Ａ-Ｚ)
)


def characters():
    """The code points of the subsets: GB2312 (every character its codec decodes) and EXTRA_RANGES."""
    chosen = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chosen.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for first, last in EXTRA_RANGES:
        chosen.update(range(first, last + 1))
    return chosen


def system_file(name):
    """The path of a system font file by name (Debian's fonts-noto-cjk puts them in opentype/noto), or None."""
    for folder in SYSTEM_FONT_FOLDERS:
        if (folder / name).is_file():
            return folder / name
    for folder in SYSTEM_FONT_FOLDERS[-1:]:
        for path in folder.rglob(name) if folder.is_dir() else ():
            return path
    return None


def build(folder=DEFAULT_FOLDER, *, force=False, log=print):
    """Write every face of FACES into `folder` (skipping those already newer than their system file unless
    `force`). Returns the paths written or kept. A missing system font is an error: the papers need it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    wanted = characters()
    paths = []
    for face in FACES:
        source = system_file(face.system_file)
        if source is None:
            raise SystemExit(f"{face.system_file} not found under {', '.join(map(str, SYSTEM_FONT_FOLDERS))}: "
                             "install Debian's fonts-noto-cjk")  # fmt: skip
        target = folder / face.file_name
        if not force and target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
            paths.append(target)
            continue
        _write_atomically(target, _subset(source, face, wanted))
        log(f"{target}: {face.family} {face.style_name}, {target.stat().st_size / 1e6:.1f} MB from {source}")
        paths.append(target)
    return paths


def _subset(source, face, wanted):
    from io import BytesIO

    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    collection = TTCollection(source, lazy=True)
    numbers = [n for n, font in enumerate(collection.fonts) if font["name"].getDebugName(1) == face.system_family]
    if not numbers:
        raise SystemExit(f"{source} has no face named {face.system_family}")
    font = TTFont(source, fontNumber=numbers[0], lazy=True)
    options = subset.Options()
    options.layout_features = ["*"]  # vertical forms, locl, kerning of what is kept
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    _rename(font, face)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


def _rename(font, face):
    """Name the subset as its own family (every language's record), so fontconfig never takes it for the full
    system face; copyright, licence and designer records are kept."""
    postscript = face.file_name.removesuffix(".otf")
    names = {1: face.family, 2: face.style_name, 3: f"{postscript};subset of {face.system_family}",
             4: f"{face.family} {face.style_name}", 6: postscript, 16: face.family, 17: face.style_name}  # fmt: skip
    table = font["name"]
    table.names = [record for record in table.names if record.nameID not in names]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
        table.setName(text, name_id, 1, 0, 0)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FamilyName, top.FullName = face.family, f"{face.family} {face.style_name}"


def _write_atomically(target, data):
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=os.environ.get("PDF_FONT_ROOT", DEFAULT_FOLDER), type=Path)
    parser.add_argument("--force", action="store_true", help="rebuild even the faces that look up to date")
    options = parser.parse_args(argv)
    build(options.folder, force=options.force)


if __name__ == "__main__":
    sys.exit(main())
