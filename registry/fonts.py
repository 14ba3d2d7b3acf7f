"""The papers' small fonts: single-face subsets of the system's Noto CJK collections, made once at set-up time.

WeasyPrint copies the whole file of every font it embeds, for every PDF it writes, and then subsets it: with
Debian's fonts-noto-cjk that is a 19–27 MB collection (.ttc, every CJK region's faces) per face used, four faces
on most papers. Set-up (`make setup`, the Dockerfile; `python -m registry.fonts [folder]`) therefore extracts
the Simplified Chinese face of each collection, in two tiers, into settings.PDF_FONT_ROOT (VAR_DIR/fonts, not
committed):

- the main face ("Xueji Serif SC", 3.6–5.1 MB): GB2312 (GB/T 2312-1980: its 6,763 hanzi of levels 1 and 2 and
  its 682 symbols; every code point Python's "gb2312" codec decodes), plus ASCII, Latin-1 and the pinyin
  letters, general punctuation, CJK symbols and punctuation and the full-width forms;
- SLICES small faces ("Xueji Serif SC 1" … "8", about 1 MB each) holding, in code point order, the rest of GBK's
  hanzi (every CJK Unified Ideograph the "gbk" codec decodes, 14,139 beyond GB2312): the characters of many
  given names (玥, 喆, 堃, 珺, 昇…) are not in GB2312, and a PDF embeds only the slices it uses, not a 5× bigger
  face for everyone.

The faces are renamed so that nobody mistakes them for the full fonts. registry.pdf declares them with
@font-face and gives the papers their font stacks (`var(--paper-serif)`, `var(--paper-sans)`: the main face,
its slices, then the full system family), so a character outside all of them (䶮 and 𬱖 of the CJK extensions)
still prints, from the full system font (WeasyPrint falls back per glyph). When the files are missing the
papers print with the system fonts alone.

This module imports fontTools only in the functions that build fonts (the web processes never do); the cutting
is HarfBuzz's hb-subset (Debian's libharfbuzz-bin, a system package of set-up), the renaming fontTools'.
"""

import logging
import os
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from registry.files import write_atomically

logger = logging.getLogger(__name__)

# settings.PDF_FONT_ROOT's default (the Makefile's too): VAR_DIR/fonts
DEFAULT_FOLDER = Path(os.environ.get("XUEJI_VAR_DIR") or Path(__file__).resolve().parent.parent / "var") / "fonts"
SYSTEM_FONT_FOLDERS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts"))


SLICES = 8  # faces holding GBK's hanzi beyond GB2312, 1,768 each


@dataclass(frozen=True)
class Face:
    family: str  # the stack's name: the main face's family, the slices' family with its number after it
    weight: int
    system_file: str  # the fonts-noto-cjk collection it is cut from
    system_family: str  # the face of that collection
    part: int = 0  # 0: the main face (GB2312 and the Latin and punctuation); 1…SLICES: a slice

    @property
    def css_family(self):
        return self.family if not self.part else f"{self.family} {self.part}"

    @property
    def style_name(self):
        return "Bold" if self.weight >= 700 else "Regular"

    @property
    def file_name(self):
        return f"{self.css_family.replace(' ', '')}-{self.style_name}.otf"


SERIF, SANS = "Xueji Serif SC", "Xueji Sans SC"
MAIN_FACES = (
    Face(SERIF, 400, "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    Face(SERIF, 700, "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    Face(SANS, 400, "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    Face(SANS, 700, "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
)
FACES = tuple(
    replace(main, part=part) for main in MAIN_FACES for part in range(SLICES + 1)
)  # each main face, then its slices
SYSTEM_FAMILIES = {SERIF: "Noto Serif CJK SC", SANS: "Noto Sans CJK SC"}


def stack(family, present=FACES):
    """The CSS font-family list of a stack (SERIF or SANS): its faces in `present`, then the system family."""
    names = [face.css_family for face in present if face.family == family and face.weight == 400]
    return ", ".join(f'"{name}"' for name in [*names, SYSTEM_FAMILIES[family]])


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


def slices():
    """[set of code points] of each slice: GBK's CJK Unified Ideographs beyond characters(), in order."""
    main = characters()
    rest = []
    for high in range(0x81, 0xFF):
        for low in range(0x40, 0xFF):
            try:
                character = ord(bytes((high, low)).decode("gbk"))
            except UnicodeDecodeError:
                continue
            if 0x4E00 <= character <= 0x9FFF and character not in main:
                rest.append(character)
    rest.sort()
    size = -(-len(rest) // SLICES)
    return [set(rest[start : start + size]) for start in range(0, len(rest), size)]


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
    """Write every face of FACES into `folder`, the main faces in parallel (one process per core), skipping a
    main face whose files, slices included, are all newer than its system file unless `force`. Returns the
    paths. A missing system font is an error: the papers need it."""
    from concurrent.futures import ProcessPoolExecutor

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    work, paths = [], []
    for main in MAIN_FACES:
        source = system_file(main.system_file)
        if source is None:
            raise SystemExit(f"{main.system_file} not found under {', '.join(map(str, SYSTEM_FONT_FOLDERS))}: "
                             "install Debian's fonts-noto-cjk")  # fmt: skip
        targets = [folder / face.file_name for face in FACES if replace(face, part=0) == main]
        paths += targets
        if force or not all(t.is_file() and t.stat().st_mtime >= source.stat().st_mtime for t in targets):
            work.append((main, source, folder))
    if work:
        with ProcessPoolExecutor(max_workers=min(len(work), os.cpu_count() or 1)) as pool:
            for line in pool.map(_build_face, *zip(*work, strict=True)):
                log(line)
    return paths


def _build_face(main, source, folder):
    """One main face and its slices written into `folder`: a line saying what was written."""
    faces = [face for face in FACES if replace(face, part=0) == main]
    targets = [folder / face.file_name for face in faces]
    parts = slices()
    number = _face_number(source, main)
    for face, target, wanted in zip(faces, targets, [characters(), *parts], strict=True):
        write_atomically(target, _subset(source, number, face, wanted))
    size = sum(target.stat().st_size for target in targets[1:])
    return (f"{targets[0]}: {main.family} {main.style_name}, {targets[0].stat().st_size / 1e6:.1f} MB from {source}; "
            f"{len(parts)} slices, {size / 1e6:.1f} MB")  # fmt: skip


def _face_number(source, face):
    """The number of the face named face.system_family in the collection `source`."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(source, lazy=True)
    numbers = [n for n, font in enumerate(collection.fonts) if font["name"].getDebugName(1) == face.system_family]
    if not numbers:
        raise SystemExit(f"{source} has no face named {face.system_family}")
    return numbers[0]


def _subset(source, number, face, wanted):
    """Face `number` of the collection `source` cut down to the code points `wanted` by HarfBuzz's hb-subset
    (Debian's libharfbuzz-bin; a quarter of a second where fontTools' subsetter took half a minute per CJK
    face) and renamed as `face`: OpenType bytes."""
    import subprocess
    from io import BytesIO

    from fontTools.ttLib import TTFont

    with tempfile.TemporaryDirectory(prefix="xueji-fonts-") as scratch:
        codes, cut = Path(scratch) / "unicodes.txt", Path(scratch) / "cut.otf"
        codes.write_text(",".join(f"{code:X}" for code in sorted(wanted)))
        subprocess.run(
            ["hb-subset", f"--font-file={source}", f"--face-index={number}", f"--unicodes-file={codes}",
             f"--output-file={cut}"], check=True,
        )  # fmt: skip
        font = TTFont(cut, lazy=True)
        _rename(font, face)
        out = BytesIO()
        font.save(out)
    return out.getvalue()


def _rename(font, face):
    """Name the subset as its own family (every language's record), so fontconfig never takes it for the full
    system face; copyright, licence and designer records are kept."""
    postscript = face.file_name.removesuffix(".otf")
    family = face.css_family
    names = {1: family, 2: face.style_name, 3: f"{postscript};subset of {face.system_family}",
             4: f"{family} {face.style_name}", 6: postscript, 16: family, 17: face.style_name}  # fmt: skip
    table = font["name"]
    table.names = [record for record in table.names if record.nameID not in names]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
        table.setName(text, name_id, 1, 0, 0)
    # The CFF table keeps its own font name: renaming it would recompile every glyph (seconds per face), and
    # the PDF names an OpenType font by its name table (record 6).


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=os.environ.get("PDF_FONT_ROOT", DEFAULT_FOLDER), type=Path)
    parser.add_argument("--force", action="store_true", help="rebuild even the faces that look up to date")
    options = parser.parse_args(argv)
    build(options.folder, force=options.force)


if __name__ == "__main__":
    sys.exit(main())
