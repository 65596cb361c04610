"""Positioned boxes: the geometry of fixed pages that drawing backends only read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from alliancedeck.markup import Run

if TYPE_CHECKING:
    from alliancedeck.document import ChartInfo, ImageInfo

Align = Literal["left", "center", "right"]
Anchor = Literal["top", "middle", "bottom"]


#: Bullet characters by nesting level (the deepest repeats).
BULLETS = ("\u2022", "\u2013", "\u25e6")


def bullet_for(level: int) -> str:
    """Return the bullet of a point at nesting `level` (0 for top-level points)."""
    return BULLETS[min(level, len(BULLETS) - 1)]


@dataclass(frozen=True)
class Region:
    """A rectangle of a page or slide: (x, y) from its top-left corner, in points."""

    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Font:
    """One font at one size, as each product names it."""

    pdf_name: str  # registered reportlab name of the embedded TrueType font
    deck_name: str  # typeface the deck asks for (metric-compatible with `pdf_name`)
    east_asian: str | None
    size: float
    bold: bool
    italic: bool
    color: str  # #RRGGBB
    east_asian_bold: bool | None = None  # Japanese runs' weight (never italic); None: `bold`


#: The fonts of a paragraph's emphasised runs: (bold, italic, link) -> font.
RunFonts = tuple[tuple[tuple[bool, bool, str | None], Font], ...]


@dataclass(frozen=True)
class Paragraph:
    """A laid-out paragraph: its lines are final; `leading` is the exact line height.

    A paragraph with emphasis or links keeps each line's styled `runs` (beside `lines`, one
    tuple per line) and the font of each style in `run_fonts`; a plain one has neither.
    """

    text: str
    lines: tuple[str, ...]
    font: Font
    leading: float
    align: Align = "left"
    indent: float = 0.0  # left edge of the text, from the box's left
    bullet: str | None = None
    bullet_indent: float = 0.0  # left edge of the bullet, from the box's left
    space_before: float = 0.0
    link: str | None = None
    level: int = 0
    runs: tuple[tuple[Run, ...], ...] = ()
    run_fonts: RunFonts = ()

    def __post_init__(self) -> None:
        if self.runs and len(self.runs) != len(self.lines):
            raise ValueError("a paragraph's runs must be given line by line, as its lines")

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading

    def line_runs(self, index: int) -> tuple[Run, ...]:
        """Return the styled runs of line `index` (one plain run for a plain paragraph)."""
        if self.runs:
            return self.runs[index]
        return (Run(self.lines[index]),)

    def font_of(self, run: Run) -> Font:
        """Return the font `run` is drawn in: its style's, else the paragraph's."""
        for style, font in self.run_fonts:
            if style == run.style:
                return font
        return self.font

    def sliced(self, start: int, stop: int | None = None, **changes: object) -> Paragraph:
        """Return this paragraph with lines `start` to `stop` only (and their runs)."""
        lines = self.lines[start:stop]
        runs = self.runs[start:stop] if self.runs else ()
        return replace(self, lines=lines, runs=runs, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Group:
    """Boxes read as one object (a figure card: its fill, accent and text), with the text a
    screen reader gives for the whole. Consecutive boxes of a slide with an equal `group` are
    one group."""

    name: str
    alt: str


@dataclass(frozen=True)
class TextBox:
    """A frame of text at (x, y) from the slide's top-left corner, in points."""

    x: float
    y: float
    w: float
    h: float
    paragraphs: tuple[Paragraph, ...]
    role: str
    name: str
    anchor: Anchor = "top"
    fill: str | None = None
    alt: str | None = None
    group: Group | None = None

    @property
    def content_height(self) -> float:
        return stack_height(self.paragraphs)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Rect:
    """A filled rectangle (rules, bands, card backgrounds): decoration, never read aloud."""

    x: float
    y: float
    w: float
    h: float
    fill: str
    name: str
    alt: str | None = None
    group: Group | None = None


@dataclass(frozen=True)
class ChartBox:
    """A chart frame: the deck draws a native chart, the deck PDF a vector drawing."""

    x: float
    y: float
    w: float
    h: float
    chart: ChartInfo
    font: Font  # axis labels, legend and data labels
    palette: tuple[str, ...]
    rule: str  # axis and grid lines
    name: str
    alt: str
    show_title: bool = False  # the chart's own title, when the slide's title is not it


@dataclass(frozen=True)
class TableBox:
    """A table frame: measured column widths and row heights; the first row is the header."""

    x: float
    y: float
    w: float
    h: float
    widths: tuple[float, ...]
    heights: tuple[float, ...]
    cells: tuple[tuple[Paragraph, ...], ...]  # rows of cells, header first
    padding: float
    header_fill: str
    stripe_fill: str
    rule: str
    name: str
    alt: str
    rule_width: float = 0.75  # the rule under every row and at the table's top

    def row_fill(self, row: int) -> str:
        """Return the fill of row `row`: the header's, then white and stripe in turn."""
        if row == 0:
            return self.header_fill
        return self.stripe_fill if row % 2 == 0 else "#FFFFFF"


@dataclass(frozen=True)
class PictureBox:
    """A picture scaled into its frame (aspect kept)."""

    x: float
    y: float
    w: float
    h: float
    image: ImageInfo
    name: str
    alt: str
    font: str = "Helvetica"  # the registered font any text in an SVG is set in


Box = TextBox | Rect | ChartBox | TableBox | PictureBox


@dataclass
class Slide:
    """One slide: its kind, its title (also a box with role 'title') and its boxes in reading
    order (title, body in content order, then footers and banners)."""

    kind: str
    title: str
    boxes: list[Box] = field(default_factory=list)
    notes: str | None = None
    number: int = 0

    @property
    def title_box(self) -> TextBox:
        return next(b for b in self.boxes if isinstance(b, TextBox) and b.role == "title")

    @property
    def text_boxes(self) -> list[TextBox]:
        return [b for b in self.boxes if isinstance(b, TextBox)]


@dataclass
class ComposedDeck:
    """Every slide of a deck, with the slide size and the warnings the layout raised."""

    width: float
    height: float
    slides: list[Slide]
    language: str
    title: str
    warnings: list[object] = field(default_factory=list)
    body_top: float = 0.0  # below the top banner: nothing but the banner above this
    body_bottom: float = 0.0  # above the footer rule: nothing but footers and banner below


#: Roles of the boxes that live in the banner and footer bands.
BAND_ROLES = frozenset({"banner", "footer"})


def _bounds(box: Box) -> tuple[float, float, float, float]:
    return box.x, box.y, box.x + box.w, box.y + box.h


def carries_text(box: Box) -> bool:
    """Return whether `box` puts text or a block on the slide (a rectangle is only a fill)."""
    return not isinstance(box, Rect)


def collisions(deck: ComposedDeck) -> list[str]:
    """Return a description of every clash in `deck`: two text-bearing boxes that overlap, a
    box outside the slide, a body box in the banner or footer band, text taller than its box.
    """
    found = []
    eps = 0.01
    for slide in deck.slides:
        where = f"slide {slide.number or deck.slides.index(slide) + 1} ({slide.title!r})"
        boxes = [b for b in slide.boxes if carries_text(b)]
        for index, box in enumerate(boxes):
            x0, y0, x1, y1 = _bounds(box)
            name = getattr(box, "name", type(box).__name__)
            if x0 < -eps or y0 < -eps or x1 > deck.width + eps or y1 > deck.height + eps:
                found.append(f"{where}: {name} is off the slide")
            if isinstance(box, TextBox) and box.content_height > box.h + eps:
                found.append(f"{where}: {name} holds more text than its frame")
            in_band = isinstance(box, TextBox) and box.role in BAND_ROLES
            if not in_band and (y0 < deck.body_top - eps or y1 > deck.body_bottom + eps):
                found.append(f"{where}: {name} enters the banner or footer band")
            for other in boxes[index + 1 :]:
                u0, v0, u1, v1 = _bounds(other)
                if x0 < u1 - eps and u0 < x1 - eps and y0 < v1 - eps and v0 < y1 - eps:
                    found.append(f"{where}: {name} overlaps {getattr(other, 'name', '?')}")
    return found


def stack_height(paragraphs: Sequence[Paragraph]) -> float:
    """Return the height of `paragraphs` set one under another (first space-before dropped)."""
    return sum(p.height + (p.space_before if i else 0.0) for i, p in enumerate(paragraphs))
