"""Real templates for the template tests, made at test time: LibreOffice's, python-pptx's."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from external import libreoffice_convert_all
from external import missing as missing_tool

#: Where Debian's libreoffice-impress keeps the presentation templates it ships.
LIBREOFFICE_TEMPLATES = Path("/usr/lib/libreoffice/share/template/common/presnt")
#: A handful of them, different in size, masters and artwork.
LIBREOFFICE_CHOICE = ("Vivid", "Focus", "Beehive", "Midnightblue")

#: python-pptx's default layouts in the order it ships them, as Japanese PowerPoint names them.
JAPANESE = (
    "タイトル スライド",
    "タイトルとコンテンツ",
    "セクション見出し",
    "2 つのコンテンツ",
    "比較",
    "タイトルのみ",
    "白紙",
    "タイトル付きのコンテンツ",
    "タイトル付きの図",
    "タイトルと縦書きテキスト",
    "縦書きタイトルと縦書きテキスト",
)
#: German PowerPoint's names, deliberately given to the wrong layouts (rotated by three), so
#: that a mapping by name would pick the wrong one every time.
GERMAN = (
    "Titelfolie",
    "Titel und Inhalt",
    "Abschnittsüberschrift",
    "Zwei Inhalte",
    "Vergleich",
    "Nur Titel",
    "Leer",
    "Inhalt mit Überschrift",
    "Bild mit Überschrift",
    "Titel und vertikaler Text",
    "Vertikaler Titel und Text",
)


def rewrite(source: Path, target: Path, edit=None, add: dict[str, bytes] | None = None) -> Path:
    """Copy the package `source` to `target`, passing each part through `edit(name, blob)`.

    `edit` returns the new bytes, or `None` to leave the part out; `add` adds parts.
    """
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            blob = archive.read(info)
            if edit is not None:
                blob = edit(info.filename, blob)
            if blob is not None:
                out.writestr(info.filename, blob, zipfile.ZIP_DEFLATED)
        for name, blob in (add or {}).items():
            out.writestr(name, blob, zipfile.ZIP_DEFLATED)
    return target


def layout_names(path: Path) -> dict[str, str]:
    """Return each slide layout part's name attribute (`p:cSld@name`), by part name."""
    names = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"ppt/slideLayouts/slideLayout\d+\.xml", name):
                found = re.search(rb'<p:cSld name="([^"]*)"', archive.read(name))
                names[name] = found.group(1).decode() if found else ""
    return names


#: Names a template made by hand may carry: they say nothing about what a layout holds.
BY_HAND = tuple(f"Layout {n}" for n in range(1, 12))


def reordered(source: Path, target: Path) -> Path:
    """Return `source` with its first master's layouts in reverse order."""

    def edit(name: str, blob: bytes) -> bytes:
        if name != "ppt/slideMasters/slideMaster1.xml":
            return blob
        listing = re.search(rb"<p:sldLayoutIdLst>.*?</p:sldLayoutIdLst>", blob, re.S)
        assert listing is not None
        rids = re.findall(rb'r:id="(rId\d+)"', listing.group(0))
        flipped = iter(reversed(rids))
        new = re.sub(
            rb'r:id="rId\d+"', lambda _: b'r:id="' + next(flipped) + b'"', listing.group(0)
        )
        return blob.replace(listing.group(0), new)

    return rewrite(source, target, edit)


def renamed(source: Path, target: Path, names: tuple[str, ...]) -> Path:
    """Return `source` with its layouts (in python-pptx's order) renamed to `names`."""
    from pptx import Presentation

    order = [layout.part.partname.lstrip("/") for layout in Presentation(source).slide_layouts]
    new = dict(zip(order, names, strict=True))

    def edit(name: str, blob: bytes) -> bytes:
        if name in new:
            return re.sub(
                rb'<p:cSld name="[^"]*"', f'<p:cSld name="{new[name]}"'.encode(), blob, count=1
            )
        return blob

    return rewrite(source, target, edit)


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Path:
    """Return a folder holding the test templates (made once per session)."""
    folder = tmp_path_factory.mktemp("templates")
    from pptx import Presentation

    default = folder / "default.pptx"
    Presentation().save(default)
    renamed(default, folder / "japanese.pptx", JAPANESE)
    renamed(default, folder / "german.pptx", GERMAN[3:] + GERMAN[:3])
    reordered(default, folder / "reversed.pptx")
    renamed(folder / "reversed.pptx", folder / "by-hand.pptx", BY_HAND)
    return folder


@pytest.fixture(scope="session")
def libreoffice_templates(tmp_path_factory) -> dict[str, Path]:
    """Return several of LibreOffice's own presentation templates, converted by it (one .potx)."""
    sources = [LIBREOFFICE_TEMPLATES / f"{name}.otp" for name in LIBREOFFICE_CHOICE]
    missing = [str(s) for s in [*sources, LIBREOFFICE_TEMPLATES / "Piano.otp"] if not s.is_file()]
    if missing:
        reason = f"LibreOffice's templates are not installed ({missing[0]}): apt-get install "
        missing_tool(reason + "libreoffice-impress (its libreoffice-common holds them)")
    folder = tmp_path_factory.mktemp("libreoffice-templates")
    libreoffice_convert_all(sources, folder, "pptx")
    libreoffice_convert_all([LIBREOFFICE_TEMPLATES / "Piano.otp"], folder, "potx")
    converted = {name: folder / f"{name}.pptx" for name in LIBREOFFICE_CHOICE}
    converted["Piano.potx"] = folder / "Piano.potx"  # a real .potx, as LibreOffice writes it
    return converted


def package_bytes(path: Path) -> dict[str, bytes]:
    """Return every part of the package at `path`, by name."""
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def without_layouts(source, target, names: set[str]):
    """Save `source` without the layouts called `names` (none of which a slide uses)."""
    from pptx import Presentation

    prs = Presentation(source)
    for layout in [layout for layout in prs.slide_layouts if layout.name in names]:
        prs.slide_layouts.remove(layout)
    prs.save(target)
    return target
