"""Fonts: find each layout font's files on the search path, register them, and measure text."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from alliancedeck.errors import ContentError, Location

if TYPE_CHECKING:
    from alliancedeck.theme import FontFamily, TextStyle, Theme

PACKAGE_FONTS = Path(__file__).parent / "fonts"
SYSTEM_FONT_DIRS = (
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
    Path("/usr/local/share/fonts"),
    Path("/usr/share/fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


def font_search_path(content_dir: Path | None = None) -> list[Path]:
    """Return the folders searched for font files, in order.

    The content's own `fonts/` folder, then each folder in `ALLIANCEDECK_FONT_PATH`
    (separated by the OS path separator), then the fonts shipped with alliancedeck,
    then the usual system font folders (searched recursively).
    """
    folders: list[Path] = []
    if content_dir is not None:
        folders.append(content_dir / "fonts")
    folders += [
        Path(p) for p in os.environ.get("ALLIANCEDECK_FONT_PATH", "").split(os.pathsep) if p
    ]
    folders.append(PACKAGE_FONTS)
    folders += list(SYSTEM_FONT_DIRS)
    return folders


@lru_cache(maxsize=256)
def _find_in(folder: Path, file_name: str) -> Path | None:
    direct = folder / file_name
    if direct.is_file():
        return direct
    if folder.is_dir() and folder not in (PACKAGE_FONTS,):
        for found in folder.rglob(file_name):
            return found
    return None


def find_font_file(file_name: str, content_dir: Path | None = None) -> Path:
    """Return the path of the font file `file_name` on the search path, or raise a clear error."""
    for folder in font_search_path(content_dir):
        found = _find_in(folder, file_name)
        if found is not None:
            return found
    searched = ", ".join(str(f) for f in font_search_path(content_dir))
    raise ContentError.at(
        Location("layout"),
        f'font file "{file_name}" not found (searched {searched}). Install the font '
        "(for example Debian's fonts-liberation2, fonts-ipaexfont) or put the file in a folder "
        "named by ALLIANCEDECK_FONT_PATH",
    )


class FontBook:
    """The fonts one theme uses, registered with reportlab, and text measurement with them."""

    def __init__(self, theme: Theme, content_dir: Path | None = None):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        self.theme = theme
        self._names: dict[tuple[str, str], str] = {}
        self._faces: dict[str, TTFont] = {}
        for family_key, family in theme.fonts.items():
            for style, file_name in family.files.items():
                path = find_font_file(file_name, content_dir)
                registered = f"{family.pdf.replace(' ', '')}-{style}"
                if registered not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(_load_ttf(TTFont, registered, path))
                self._names[(family_key, style)] = registered
                self._faces[registered] = pdfmetrics.getFont(registered)
            regular = self._names[(family_key, "regular")]
            for style in ("bold", "italic", "bold_italic"):
                self._names.setdefault((family_key, style), regular)
            pdfmetrics.registerFontFamily(
                regular,
                normal=regular,
                bold=self._names[(family_key, "bold")],
                italic=self._names[(family_key, "italic")],
                boldItalic=self._names[(family_key, "bold_italic")],
            )

    def pdf_name(
        self, style: TextStyle, *, bold: bool | None = None, italic: bool | None = None
    ) -> str:
        """Return the reportlab font name for `style` (optionally forcing bold or italic)."""
        is_bold = style.bold if bold is None else bold
        is_italic = style.italic if italic is None else italic
        key = {
            (False, False): "regular",
            (True, False): "bold",
            (False, True): "italic",
            (True, True): "bold_italic",
        }[(is_bold, is_italic)]
        return self._names[(style.font, key)]

    def family(self, style: TextStyle) -> FontFamily:
        """Return the layout family of `style`."""
        return self.theme.fonts[style.font]

    def width(self, text: str, font_name: str, size: float) -> float:
        """Return the advance width of `text` in `font_name` at `size` points."""
        return _unit_width(self._faces[font_name], text) * size

    def ascent(self, font_name: str, size: float) -> float:
        """Return the ascent of `font_name` at `size` points."""
        return self._faces[font_name].face.ascent * size / 1000.0

    def descent(self, font_name: str, size: float) -> float:
        """Return the (positive) descent of `font_name` at `size` points."""
        return -self._faces[font_name].face.descent * size / 1000.0

    def covers(self, font_name: str, char: str) -> bool:
        """Return whether `font_name` has a glyph for `char`."""
        return ord(char) in self._faces[font_name].face.charToGlyph


def _load_ttf(ttfont_class: type, name: str, path: Path):
    try:
        return ttfont_class(name, str(path))
    except Exception as exc:  # reportlab raises TTFError and plain errors for bad files
        raise ContentError.at(Location(str(path)), f"cannot use this font file: {exc}") from None


@lru_cache(maxsize=65536)
def _unit_width(face: object, text: str) -> float:
    return face.stringWidth(text, 1.0)  # type: ignore[attr-defined]


_BOOKS: dict[tuple[int, Path | None], FontBook] = {}


def font_book(theme: Theme, content_dir: Path | None = None) -> FontBook:
    """Return the `FontBook` of `theme`, built once per run."""
    key = (id(theme), content_dir)
    if key not in _BOOKS:
        _BOOKS[key] = FontBook(theme, content_dir)
    return _BOOKS[key]
