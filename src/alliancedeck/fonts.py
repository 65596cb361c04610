"""Fonts: find each layout font's files on the search path, register them, and measure text."""

from __future__ import annotations

import io
import os
import stat
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from alliancedeck.compose.text import has_east_asian, is_east_asian
from alliancedeck.design import PACKAGE_LAYOUTS
from alliancedeck.errors import ContentError, Location, Problem, did_you_mean
from alliancedeck.markup import Run

if TYPE_CHECKING:
    from alliancedeck.design import Design, FontFamily, TextStyle

PACKAGE_FONTS = Path(__file__).parent / "fonts"
#: The largest font file read (the shipped Japanese faces are under 5 MiB each).
MAX_FONT_BYTES = 64 * 1024 * 1024
#: How to get font files a layout names but alliancedeck does not ship.
INSTALL_HINTS = {
    "ipaexg.ttf": "Debian/Ubuntu: apt-get install fonts-ipaexfont; or download IPAex Gothic",
}
SYSTEM_FONT_DIRS = (
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
    Path("/usr/local/share/fonts"),
    Path("/usr/share/fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


def font_search_path(content_dir: Path | None = None, layout_dir: Path | None = None) -> list[Path]:
    """Return the folders searched for font files, in order.

    The content's own `fonts/` folder, the layout's folder (when it is not a shipped layout),
    then each folder in `ALLIANCEDECK_FONT_PATH` (separated by the OS path separator), then
    the fonts shipped with alliancedeck, then the usual system font folders (searched
    recursively).
    """
    folders: list[Path] = []
    if content_dir is not None:
        folders.append(content_dir / "fonts")
    if layout_dir is not None and layout_dir not in folders:
        folders.append(layout_dir)
    folders += [
        Path(p) for p in os.environ.get("ALLIANCEDECK_FONT_PATH", "").split(os.pathsep) if p
    ]
    folders.append(PACKAGE_FONTS)
    folders += list(SYSTEM_FONT_DIRS)
    return folders


@lru_cache(maxsize=256)
def _find_in(folder: Path, file_name: str) -> Path | None:
    """Return the first `file_name` in the folders below `folder` (a slow walk, done once)."""
    if folder.is_dir():
        for found in folder.rglob(file_name):
            return found
    return None


def _font_error(file_name: str, message: str, layout_path: str) -> ContentError:
    return ContentError.at(Location(layout_path or "layout"), f'font file "{file_name}": {message}')


def find_font_file(
    file_name: str,
    content_dir: Path | None = None,
    *,
    family: str = "",
    layout_dir: Path | None = None,
    layout_path: str = "",
) -> Path:
    """Return the path of the font file `file_name` on the search path, or raise a clear error.

    `file_name` is a plain file name, never a path: a layout cannot reach a file outside the
    search folders. A file found in the content's or the layout's folder must stay inside that
    folder once links are followed. Only a regular file under `MAX_FONT_BYTES` is accepted;
    anything else (a folder, a FIFO, a device) is refused without being opened.
    """
    if (
        not file_name
        or file_name in (".", "..")
        or any(c in file_name for c in "/\\:\0")
        or not file_name.isprintable()
    ):
        raise _font_error(
            file_name.encode("unicode_escape").decode("ascii")[:80],
            "name a font file (like MyFont-Regular.ttf), not a path; put the file in the "
            "content's fonts/ folder or in a folder named by ALLIANCEDECK_FONT_PATH",
            layout_path,
        )
    # Folders the brief's author controls -> the folder their files must really be in.
    confined: dict[Path, Path] = {}
    if content_dir is not None:
        confined[content_dir / "fonts"] = content_dir
    if layout_dir is not None and layout_dir.resolve() != PACKAGE_LAYOUTS.resolve():
        confined.setdefault(layout_dir, layout_dir)
    folders = font_search_path(content_dir, layout_dir)
    for folder in folders:
        found: Path | None = folder / file_name
        if not os.path.lexists(found):
            # Confined folders are searched at the top only: a walk could follow links out.
            found = None if folder in confined else _find_in(folder, file_name)
        if found is None:
            continue
        if folder in confined:
            try:
                real = found.resolve(strict=True)
                inside = real.is_relative_to(confined[folder].resolve(strict=True))
            except (OSError, RuntimeError):
                inside = False
            if not inside:
                raise _font_error(
                    file_name,
                    f"is a link to a file outside {confined[folder]}; copy the font file "
                    f"into {folder}",
                    layout_path,
                )
        _check_regular(found, file_name, layout_path)
        return found
    searched = ", ".join(str(f) for f in folders)
    # A misspelt name: the font files in the folders searched at the top (no walk).
    nearby = [
        p.name
        for folder in folders
        if folder in confined or folder == PACKAGE_FONTS
        for p in (sorted(folder.glob("*.[tT][tT][fFcC]")) if folder.is_dir() else [])
    ]
    raise _font_error(
        file_name,
        f"not found{f' (a {family} face)' if family else ''}{did_you_mean(file_name, nearby)}; "
        f"searched {searched}. Install the font "
        f"({INSTALL_HINTS.get(file_name, 'from your system')}) or put the file in a folder "
        "named by ALLIANCEDECK_FONT_PATH",
        layout_path,
    )


def _check_regular(path: Path, file_name: str, layout_path: str) -> os.stat_result:
    """Return the status of the font file at `path`, or refuse one that is not a bounded file."""
    try:
        status = path.stat()
    except OSError as exc:
        raise _font_error(file_name, f"cannot be read ({exc.strerror})", layout_path) from None
    if not stat.S_ISREG(status.st_mode):
        raise _font_error(
            file_name, f"{path} is not a regular file (a folder, FIFO or device)", layout_path
        )
    if status.st_size > MAX_FONT_BYTES:
        raise _font_error(
            file_name,
            f"{path} is {status.st_size // (1024 * 1024)} MiB; font files over "
            f"{MAX_FONT_BYTES // (1024 * 1024)} MiB are refused",
            layout_path,
        )
    return status


def read_font_file(path: Path) -> bytes:
    """Return the bytes of the font file at `path`, read only if it is still a bounded file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FONT_BYTES:
            raise ContentError.at(Location(str(path)), f"font file {path} changed while being read")
        data = stream.read(MAX_FONT_BYTES + 1)
    if len(data) > MAX_FONT_BYTES:
        raise ContentError.at(Location(str(path)), f"font file {path} changed while being read")
    return data


STYLE_KEYS = {
    (False, False): "regular",
    (True, False): "bold",
    (False, True): "italic",
    (True, True): "bold_italic",
}


class FontBook:
    """The fonts one theme uses, registered with reportlab, and text measurement with them.

    A family may name a `fallback` family for characters it lacks (Japanese, for one); text is
    measured and drawn in segments, each in the first font that has its characters.
    """

    def __init__(self, theme: Design, content_dir: Path | None = None):
        self.theme = theme
        self.content_dir = content_dir
        self._names: dict[tuple[str, str], str] = {}
        self._faces: dict[str, object] = {}
        self._files: dict[str, tuple[str, str, str]] = {}
        self._family_of: dict[str, str] = {}
        self._fallback: dict[str, str | None] = {}
        self.missing: dict[str, str] = {}  # characters no font has -> the text they were in
        used = {style.font for group in (theme.brief, theme.deck) for style in group.values()}
        for family_key in sorted(used):
            self._register(family_key)

    def _register(self, family_key: str) -> None:
        """Name the fonts of `family_key`; each file is read when its style is first used."""
        from reportlab.pdfbase import pdfmetrics

        if (family_key, "regular") in self._names:
            return
        family = self.theme.fonts[family_key]
        for style, file_name in family.files.items():
            registered = registered_name(family.pdf, style)
            self._names[(family_key, style)] = registered
            self._files[registered] = (file_name, family.pdf, style)
            self._family_of[registered] = family_key
        regular = self._names[(family_key, "regular")]
        self._names.setdefault((family_key, "bold"), regular)
        if "italic" not in family.files:
            # Never a synthetic slant: the family's italic is upright, in the layout's weight.
            upright = self._names[(family_key, family.instead_of_italic)]
            self._names.setdefault((family_key, "italic"), upright)
            self._names.setdefault((family_key, "bold_italic"), self._names[(family_key, "bold")])
        self._names.setdefault((family_key, "bold_italic"), self._names[(family_key, "italic")])
        pdfmetrics.registerFontFamily(
            regular,
            normal=regular,
            bold=self._names[(family_key, "bold")],
            italic=self._names[(family_key, "italic")],
            boldItalic=self._names[(family_key, "bold_italic")],
        )

    def _face(self, name: str) -> object:
        """Return the reportlab font `name`, reading and registering its file on first use."""
        face = self._faces.get(name)
        if face is None:
            from reportlab.pdfbase import pdfmetrics

            file_name, family, style = self._files[name]
            try:
                path = find_font_file(
                    file_name,
                    self.content_dir,
                    family=family,
                    layout_dir=Path(self.theme.path).parent if self.theme.path else None,
                    layout_path=self.theme.path,
                )
                if _READ_FROM.get(name) != path:  # not read yet, or read from another file
                    pdfmetrics.registerFont(_load_ttf(name, path))
                    _READ_FROM[name] = path
            except ContentError as exc:  # a file not found, or found but not usable
                raise self._at_file_name(exc, name, style) from None
            face = self._faces[name] = pdfmetrics.getFont(name)
        return face

    def _at_file_name(self, error: ContentError, name: str, style: str) -> ContentError:
        """Return `error` located at the layout line that names the font file (`files:`)."""
        from alliancedeck.layout_files import layout_location

        where = layout_location(self.theme, ("fonts", self._family_of[name], "files", style))
        return ContentError(
            Problem(where, p.message, p.severity) if p.location.line <= 0 else p
            for p in error.problems
        )

    def files_key(self) -> tuple[tuple[str, str, str | None], ...]:
        """Return which file each font of the theme comes from (None: not found), as a key
        for what is measured with them (see alliancedeck.session)."""
        layout_dir = Path(self.theme.path).parent if self.theme.path else None
        found = []
        for family in self.theme.fonts.values():
            for style, file_name in sorted(family.files.items()):
                try:
                    path: str | None = str(
                        find_font_file(file_name, self.content_dir, layout_dir=layout_dir)
                    )
                except ContentError:
                    path = None
                found.append((registered_name(family.pdf, style), file_name, path))
        return tuple(found)

    def pdf_name(
        self, style: TextStyle, *, bold: bool | None = None, italic: bool | None = None
    ) -> str:
        """Return the reportlab font name for `style` (optionally forcing bold or italic)."""
        is_bold = style.bold if bold is None else bold
        is_italic = style.italic if italic is None else italic
        name = self._names[(style.font, STYLE_KEYS[(is_bold, is_italic)])]
        self._face(name)  # every name handed out is registered
        return name

    def family(self, style: TextStyle) -> FontFamily:
        """Return the layout family of `style`."""
        return self.theme.fonts[style.font]

    def fallback_for(self, font_name: str) -> str | None:
        """Return the registered fallback font of `font_name` (same style), loading it once."""
        if font_name not in self._fallback:
            family_key = self._family_of[font_name]
            fallback_key = self.theme.fonts[family_key].fallback
            result = None
            if fallback_key:
                self._register(fallback_key)
                style = next(
                    st
                    for (fam, st), name in self._names.items()
                    if fam == family_key and name == font_name
                )
                result = self._names[(fallback_key, style)]
                self._face(result)
            self._fallback[font_name] = result
        return self._fallback[font_name]

    def segments(self, text: str, font_name: str) -> list[tuple[str, str]]:
        """Return `text` cut into (segment, font) runs: each in the first font that has it."""
        if _all_covered(self._face(font_name), text):
            return [(text, font_name)] if text else []
        return _segments(self, text, font_name)

    def width(self, text: str, font_name: str, size: float) -> float:
        """Return the advance width of `text` in `font_name` (and its fallback) at `size`."""
        face = self._face(font_name)
        if _all_covered(face, text):
            return _unit_width(face, text) * size
        return (
            sum(
                _unit_width(self._face(name), part) for part, name in self.segments(text, font_name)
            )
            * size
        )

    def descent(self, font_name: str, size: float) -> float:
        """Return the (positive) descent of `font_name` at `size` points."""
        return -self._face(font_name).face.descent * size / 1000.0  # type: ignore[attr-defined]

    def covers(self, font_name: str, char: str) -> bool:
        """Return whether `font_name` has a glyph for `char`."""
        return ord(char) in self._face(font_name).face.charToGlyph  # type: ignore[attr-defined]

    def east_asian_bold(
        self, style: TextStyle, *, bold: bool | None = None, italic: bool | None = None
    ) -> bool:
        """Return whether East Asian text of `style` is set bold (forcing `bold` or `italic`).

        Japanese is never slanted: in an italic role (or run) it is set upright, in the weight
        the fallback family names as `instead_of_italic` (the PDFs draw the file mapped so).
        """
        is_bold = style.bold if bold is None else bold
        is_italic = style.italic if italic is None else italic
        family = self.theme.fonts[style.font]
        fallback = self.theme.fonts.get(family.fallback or "")
        if is_bold or not is_italic or fallback is None or "italic" in fallback.files:
            return is_bold
        return fallback.instead_of_italic == "bold"


def script_runs(runs: str | Sequence[Run]) -> list[Run]:
    """Return `runs` (or a plain text) cut where the script changes, each run marked
    `japanese` or not, for per-run language and face; the authors' emphasis is kept.

    Spaces join the run before them, so a sentence is not split at every space.
    """
    if isinstance(runs, str):
        runs = (Run(runs),) if runs else ()
    result: list[Run] = []
    for run in runs:
        if run.text.isascii():
            result.append(run)
            continue
        if not has_east_asian(run.text):  # one run, not Japanese (as the walk below finds)
            result.append(replace(run, japanese=False) if run.japanese else run)
            continue
        pieces: list[tuple[str, bool]] = []
        for char in run.text:
            japanese = is_east_asian(char)
            if pieces and (pieces[-1][1] == japanese or char.isspace()):
                pieces[-1] = (pieces[-1][0] + char, pieces[-1][1])
            else:
                pieces.append((char, japanese))
        result.extend(replace(run, text=text, japanese=japanese) for text, japanese in pieces)
    return result


def japanese_language(language: str) -> str:
    """Return the language tag of a Japanese run in a document written in `language`."""
    return language if language.lower().startswith("ja") else "ja-JP"


#: Registered reportlab font name -> the file it was read from, in this process.
_READ_FROM: dict[str, Path] = {}


def preload_default_fonts() -> None:
    """Read the font files of the families the default layout's text styles use, ahead of need.

    A renderer forked before the content is read calls this while it waits: most briefs use
    the default layout, whose fonts are then ready (and shared with the processes it forks).
    It reads the layout file plainly, without checking it (it is ours, and the checking
    library is what the renderer avoids loading); a brief whose layout names other files
    reads those when it first uses them.
    """
    from reportlab.pdfbase import pdfmetrics

    from alliancedeck.paths import read_our_yaml

    layout = read_our_yaml(PACKAGE_LAYOUTS / "default.yaml")
    used = {style["font"] for group in ("brief", "deck") for style in layout[group].values()}
    for family_key in sorted(used):
        family = layout["fonts"][family_key]
        for style, file_name in family["files"].items():
            name = registered_name(family["pdf"], style)
            path = find_font_file(file_name, family=family["pdf"])
            if _READ_FROM.get(name) != path:
                pdfmetrics.registerFont(_load_ttf(name, path))
                _READ_FROM[name] = path


def registered_name(pdf_family: str, style: str) -> str:
    """Return the name a font file is registered under in reportlab (and the PDFs)."""
    return f"{pdf_family.replace(' ', '')}-{style}"


_IGNORABLE = {0x20, 0x0A, 0x09, 0xA0, 0x200B}


def _all_covered(face: object, text: str) -> bool:
    """Return whether `face` has a glyph for every character of `text` (spaces need none).

    Printable ASCII text in a face that has all of printable ASCII (most text, in most faces)
    is answered at once, without walking the text or remembering it.
    """
    if text.isascii() and text.isprintable() and _has_printable_ascii(face):
        return True
    return _all_covered_walked(face, text)


@lru_cache(maxsize=65536)
def _all_covered_walked(face: object, text: str) -> bool:
    glyphs = face.face.charToGlyph  # type: ignore[attr-defined]
    return all(ord(c) in glyphs or ord(c) in _IGNORABLE for c in text)


@lru_cache(maxsize=64)
def _has_printable_ascii(face: object) -> bool:
    glyphs = face.face.charToGlyph  # type: ignore[attr-defined]
    return all(code in glyphs for code in range(0x20, 0x7F))


def _segments(book: FontBook, text: str, font_name: str) -> list[tuple[str, str]]:
    fallback = book.fallback_for(font_name)
    result: list[tuple[str, str]] = []
    for char in text:
        if book.covers(font_name, char) or ord(char) in _IGNORABLE:
            name = font_name
        elif fallback and book.covers(fallback, char):
            name = fallback
        else:
            book.missing.setdefault(char, text)
            name = font_name
        if result and result[-1][1] == name:
            result[-1] = (result[-1][0] + char, name)
        else:
            result.append((char, name))
    return result


def _load_ttf(name: str, path: Path):
    """Return the reportlab font `name` read from `path` (a `Face`: see draw/ttf_face.py); a
    bad file is a located error.

    The message is chosen here, never reportlab's: those can quote bytes of the file.
    """
    from alliancedeck.draw.ttf_face import Face  # with reportlab: only where fonts are read

    data = read_font_file(path)
    try:
        stream = io.BytesIO(data)
        stream.name = str(path)
        return Face(name, stream)
    except Exception as exc:  # reportlab raises TTFError and plain errors for bad files
        text = str(exc)
        if "postscript outlines" in text:
            reason = (
                "it has PostScript (CFF) outlines; the PDFs embed TrueType (glyf) outlines "
                "only: use the .ttf version of the font"
            )
        elif "not allow subsetting/embedding" in text:
            reason = "its licence flags (fsType) do not allow embedding it in a PDF"
        elif "TTC" in text or data[:4] == b"ttcf":
            reason = "it is a font collection (.ttc); name a single .ttf font"
        else:
            reason = "it is not a TrueType font (.ttf) that can be read; it may be damaged"
        raise ContentError.at(
            Location(str(path)), f'font file "{path.name}" ({path}) cannot be used: {reason}'
        ) from None


@lru_cache(maxsize=65536)
def _unit_width(face: object, text: str) -> float:
    return face.stringWidth(text, 1.0)  # type: ignore[attr-defined]


def forget_widths() -> None:
    """Forget the widths and the coverage measured so far (what `FontBook.width` remembers).

    A long document fills these caches with every line it sets (about 8 MB per process at 200
    copies of the sample brief), and a line is seldom measured again once its page is drawn:
    a one-shot build forgets them before it saves a PDF, so that saving reuses that memory.
    """
    _unit_width.cache_clear()
    _all_covered_walked.cache_clear()


def font_book(theme: Design, content_dir: Path | None = None) -> FontBook:
    """Return a new `FontBook` of `theme`: what it records (missing glyphs) is one build's own."""
    return FontBook(theme, content_dir)


def forget_found_files() -> None:
    """Forget where font files were found (and not found), so a font added since is found."""
    _find_in.cache_clear()


def missing_glyph_problems(book: FontBook, source_file: str) -> list[Problem]:
    """Return a warning for each character that no layout font could draw, where it first is.

    A character with a plain form (a vertical or compatibility form: ︑ for 、) is told to
    be typed in that form.
    """
    try:
        source = Path(source_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        source = ""
    problems = []
    for char in sorted(book.missing):
        plain = unicodedata.normalize("NFKC", char)
        if "\ufe10" <= char <= "\ufe4f" and len(plain) == 1 and "!" <= plain <= "~":
            plain = chr(ord(plain) + 0xFEE0)  # a vertical form is Japanese: （ rather than (
        typed = plain != char and plain.strip()
        instead = f'type "{plain}" instead' if typed else "remove the character"
        problems.append(
            Problem(
                _first_place(source_file, source, char),
                f'no layout font has the character "{char}" (U+{ord(char):04X}); it will show '
                f"as an empty box. Add a fallback font that has it, or {instead}",
                "warning",
            )
        )
    return problems


def _first_place(source_file: str, source: str, char: str) -> Location:
    """Return where `char` first occurs in `source` (the text of `source_file`), else 1:1."""
    index = source.find(char)
    if index < 0:
        return Location(source_file, 1, 1)
    line_start = source.rfind("\n", 0, index) + 1
    return Location(source_file, source.count("\n", 0, index) + 1, index - line_start + 1)
