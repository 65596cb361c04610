"""Brief composition: the page plan of the PDF brief (what goes in which column, page, size).

The brief is set from the same measured paragraphs and boxes as the deck (`compose.boxes`) and
the same shared rules (`compose.rules`). Its sections flow through the columns of its pages; a
paragraph splits between lines, a table between rows (its header repeated), a chart or picture
that does not fit waits for the next column while the text flows on. When the layout names a
page target, the plan is composed to fit it: figures scaled to their smallest legible width,
spacing tightened, and only then body type shrunk to its minimum. Every column but the last
page's is filled to its foot; the last page's columns end together.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from alliancedeck import session
from alliancedeck.compose import rules
from alliancedeck.compose.boxes import (
    Box,
    ChartBox,
    Paragraph,
    PictureBox,
    Rect,
    Region,
    TableBox,
    TextBox,
    bullet_for,
    stack_height,
)
from alliancedeck.compose.deck import TextSetter, noting_missing
from alliancedeck.compose.text import autospace, column_widths, sizes_between
from alliancedeck.document import ChartInfo, ImageInfo, TableInfo, TimelineInfo
from alliancedeck.errors import Location, Problem

if TYPE_CHECKING:
    from alliancedeck.design import Design, TextStyle
    from alliancedeck.document import Block, Document, FigureInfo, PointInfo, SectionInfo
    from alliancedeck.fonts import FontBook

# Spacing of the column text, in ems of each role's size (scaled by the composition's spacing).
HEADING_SPACE_EM = 0.9  # above a section heading
AFTER_HEADING_EM = 0.25  # between a heading and what it heads
POINT_SPACE_EM = 0.3  # above a top-level point
SUB_POINT_SPACE_EM = 0.1  # above a nested point
LEAD_SPACE_EM = 0.4  # between a lead and the first point
CAPTION_SPACE_EM = 0.3  # between a caption and its figure, a figure and its source
# Rules and marks, in points.
HAIRLINE = 0.6
TITLE_RULE = 1.5
CARD_STRIPE = 3.0
TIMELINE_RULE = 1.5
#: Where a cover's title block starts, as a share of the page's text height.
COVER_TITLE_SHARE = 0.3
#: Rounding slack when comparing heights, in points.
TOLERANCE = 0.01
#: A timeline's dates take at most this share of the column.
TIMELINE_DATE_SHARE = 0.32
#: The longest sections a page-target warning names.
LONGEST_NAMED = 3
#: Columns a flow may open at most (a guard: a unit taller than any column is placed alone).
MAX_COLUMNS = 400
#: Widow and orphan control: a paragraph splits only with this many lines on each side.
KEEP_LINES = 2
#: A table splits only with this many body rows on each side (one of at most twice as many
#: rows is kept whole) unless it is taller than a whole column. A timeline's dated entries
#: part like the points of a list.
KEEP_ROWS = 3
#: Steps between the full and the smallest figure width, and between full and tight spacing.
FIGURE_STEPS = 3
SPACING_STEPS = 2
#: A picture at least this many times wider than tall is set across the columns.
PANORAMA_ASPECT = 2.4
#: A chart's category needs this many ems of its type beside its label (and each bar of a
#: grouped column chart this many) to be legible; a chart that a column cannot give that
#: room is set across the columns.
CATEGORY_PAD_EMS = 1.0
BAR_EMS = 1.2
#: Room a chart's value axis takes from its width, in ems of its type.
AXIS_EMS = 4.0
#: A space between blocks opens to fill a column by at most this many times its set size
#: (and at most a body line), so that the spacing of two columns still reads as one.
MOST_OPENING = 2.0
#: Lines of text the last column of the page before the last may give up to the last page, so
#: that the last page holds more than the Sources list.
MOST_CARRIED = 6
#: Blocks across the columns tried at most at the foot of the page they arrive on.
MOST_FEET = 4
#: Plans made at most to number figures and tables in reading order (a number one digit
#: longer may move a caption's line break, and so the blocks).
RENUMBERINGS = 3
#: Places in reading order between the units of the columns (in content order), so that a
#: band across the columns can be read between two of them.
READING_STEP = 4
#: What ends a footer or masthead text cut short to stay on one line.
ELLIPSIS = "\u2026"
#: Body type shrinks in steps of this many points.
SHRINK_STEP = 0.5
#: A brief whose content, set loosest, needs more than this many times the column height of
#: its page target is set at its tightest next (see `BriefPlanner.plan_flow`). The tightest
#: takes about a seventh off the loosest's height (14 % in the bench's briefs), so a brief this
#: far over fits at no step; one nearer its target steps towards it without the extra setting.
FAR_OVER = 1.25
#: Paragraphs (`Document.paragraph_count`) per page of the page target past which a brief is
#: set at its tightest first, without setting it loosest to learn that it is far over: no page
#: holds this many, even of one-line points in its smallest type.
SURELY_OVER_PER_PAGE = 150


@dataclass
class BriefPage:
    """One page: its boxes in reading order and the outline entries that open on it."""

    number: int
    boxes: list[Box] = field(default_factory=list)
    bookmarks: list[tuple[str, str, float]] = field(default_factory=list)  # key, title, y
    # Content order of each box (by identity): a figure that floats to a later column is
    # still read where the content puts it (tagged PDF reading order).
    order: dict[int, int] = field(default_factory=dict)


@dataclass
class ComposedBrief:
    """Every page of the brief, with the page size, the composition chosen and its warnings."""

    width: float
    height: float
    pages: list[BriefPage]
    language: str
    title: str
    body_size: float
    spacing: float
    figure_width: float
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Composition:
    """How tightly the brief is set: a figure width, a spacing share, a body shrink in points."""

    figure_width: float
    spacing: float = 1.0
    shrink: float = 0.0


# ----- flow units ---------------------------------------------------------------------------

MakeBoxes = Callable[[float, float, float], list[Box]]  # (x, y, column width) -> boxes


@dataclass(slots=True)  # many are kept in a watch session: no dict each
class _Unit:
    """Something that flows into a column: text (splits between lines), rows (split between
    rows, header repeated) or a block (never splits; may wait for the next column)."""

    height: float
    space: float  # above it, dropped at the top of a column
    make: MakeBoxes
    keep_with_next: bool = False
    floats: bool = False
    attached: bool = False  # belongs under the unit before it (a table's source line)
    bookmark: tuple[str, str] | None = None
    section: int = -1
    # A text unit's paragraph, or a rows unit's rows: what a split cuts.
    paragraph: Paragraph | None = None
    role: str = "body"
    order: int = -1  # place in content order (reading order), kept by its split parts
    rows: tuple[tuple[float, object], ...] = ()
    keep_rows: int = 1  # rows kept on each side of a split
    whole_rows: int = 0  # rows up to which it never splits
    row_space: float = 0.0  # space between its rows that may open (a timeline's entries)
    spans: bool = False  # set across all columns, in a band at the top or foot of a page
    closing: bool = False  # the Sources list or the author line, at the end of the brief
    numbered: tuple[str, int] | None = None  # a numbered caption's block: (kind, content place)
    #: A figure: the figure at most so many points tall, at a legible width (or None).
    resize: Callable[[float], _Unit | None] | None = None
    least: float = 0.0  # a figure's height at its smallest legible width
    header: tuple[float, object] | None = None
    #: A table across the columns: its caption (and the space under it) above the first
    #: part's rows, and its source line (with the space above it) under the last part's.
    lead: float = 0.0
    tail: float = 0.0
    make_rows: Callable[[Sequence[tuple[float, object]], float, float, float], list[Box]] | None = (
        None
    )

    def first_piece(self) -> float:
        """Return the least height that may start this unit at a column foot."""
        if self.paragraph is not None:
            lines = len(self.paragraph.lines)
            keep = lines if lines < 2 * KEEP_LINES else KEEP_LINES
            return keep * self.paragraph.leading
        if self.rows:
            if len(self.rows) <= self.whole_rows:
                return self.height
            header = self.header[0] if self.header else 0.0
            return self.lead + header + sum(h for h, _ in self.rows[: self.keep_rows])
        if self.resize is not None and self.least:
            return min(self.least, self.height)  # set smaller to fit where it starts
        return self.height

    def split(self, room: float, *, forced: bool = False) -> tuple[_Unit, _Unit] | None:
        """Return this unit cut to fit `room` and the rest, or None if it cannot be cut so.

        A paragraph keeps KEEP_LINES lines on each side, a table KEEP_ROWS rows; a `forced`
        cut (of a unit taller than a whole column) cuts wherever the column ends.
        """
        if self.paragraph is not None:
            lines = self.paragraph.lines
            fit = math.floor((room + TOLERANCE) / self.paragraph.leading)
            least = 1 if forced else KEEP_LINES
            fit = min(fit, len(lines) - least)
            if fit < least:
                return None
            head = self.paragraph.sliced(0, fit)
            tail = self.paragraph.sliced(fit, bullet=None, space_before=0.0, text="")
            rest = replace(self._text_part(tail, 0.0), attached=True)  # a continuation
            return self._text_part(head, self.space), rest
        if self.rows:
            header = self.header[0] if self.header else 0.0
            used, count = self.lead + header, 0
            for height, _ in self.rows:
                if used + height > room + TOLERANCE:
                    break
                used += height
                count += 1
            least = 1 if forced else self.keep_rows
            count = min(count, len(self.rows) - least)
            if count < least or (not forced and len(self.rows) <= self.whole_rows):
                return None
            rest = replace(self, lead=0.0)._rows_part(self.rows[count:], 0.0)
            head = replace(self, tail=0.0)._rows_part(self.rows[:count], self.space)
            return head, replace(rest, attached=True)
        return None

    def _text_part(self, paragraph: Paragraph, space: float) -> _Unit:
        return replace(
            self,
            height=paragraph.height,
            space=space,
            paragraph=paragraph,
            make=_text_maker(paragraph, self.role),
            bookmark=self.bookmark if space == self.space else None,
        )

    def _rows_part(self, rows: tuple[tuple[float, object], ...], space: float) -> _Unit:
        assert self.make_rows is not None
        make_rows = self.make_rows
        header = self.header
        height = self.lead + (header[0] if header else 0.0) + sum(h for h, _ in rows) + self.tail

        def make(x: float, y: float, w: float) -> list[Box]:
            return make_rows(rows, x, y, w)

        return replace(self, height=height, space=space, rows=rows, make=make)


def _text_maker(paragraph: Paragraph, role: str) -> MakeBoxes:
    def make(x: float, y: float, w: float) -> list[Box]:
        return [TextBox(x, y, w, paragraph.height, (paragraph,), role=role, name=role.title())]

    return make


@dataclass
class _Placed:
    unit: _Unit
    space: float  # the space above it in its column (0 at the top)


@dataclass
class _Snapshot:
    """A flow's state as it reaches a page: what `BriefPlanner._flow` goes on from."""

    columns: list[list[_Placed]]
    used: float
    queue: deque[_Unit]
    waiting: list[_Unit]
    forced: int
    bands: dict[int, dict[str, _Unit]]


@dataclass
class _Flow:
    """The columns a flow filled, in order, and how many units stood alone in a column they
    (with what they keep with) overfill: a heading parted from its text, a block cut short."""

    columns: list[list[_Placed]]
    forced: int = 0
    #: The blocks set across the columns: page (0-based) -> {"top" | "bottom": unit}.
    bands: dict[int, dict[str, _Unit]] = field(default_factory=dict)
    #: Flow columns (by index) ended short to carry text over to the last page.
    column_caps: dict[int, float] = field(default_factory=dict)
    #: Blocks across the columns set at the foot of a page: page -> content order.
    feet: dict[int, int] = field(default_factory=dict)


class BriefSetter(TextSetter):
    """Set paragraphs of the theme's brief roles, measured with the real fonts."""

    def __init__(
        self,
        theme: Design,
        book: FontBook,
        shrink: float = 0.0,
        lines: Callable[[str, str, float, float], tuple[str, ...]] | None = None,
    ):
        super().__init__(theme, book, lines)
        self.shrink = shrink

    def style(self, role: str) -> TextStyle:
        return self.theme.brief[role]

    def size(self, role: str) -> float:
        """Return the size of `role` in this composition: shrunk with the body, to its min."""
        style = self.style(role)
        return max(style.min_size, style.size - self.shrink)

    def set(self, text: str, role: str, width: float, **options: object) -> Paragraph:
        """Return `text` set in `role` at this composition's size, `width` wide."""
        return self.paragraph(text, role, self.size(role), width, **options)  # type: ignore[arg-type]

    def line_width(self, text: str, role: str, bold: bool = False) -> float:
        """Return the frame width that holds `text` in `role` on one line (autospace counted)."""
        size = self.size(role)
        font = self.font(role, size, bold=bold or None)
        advance = self.book.width(text, font.pdf_name, size) + autospace(text) * size
        return self.frame_width(advance)

    def one_line(self, text: str, role: str, width: float, bold: bool = False) -> str:
        """Return `text` cut short with an ellipsis so that it fits `width` on one line."""
        if self.line_width(text, role, bold) <= width:
            return text
        for end in range(len(text) - 1, 0, -1):
            cut = text[:end].rstrip(" \u00b7,;:-") + ELLIPSIS
            if self.line_width(cut, role, bold) <= width:
                return cut
        return ""


# ----- the builder --------------------------------------------------------------------------


class BriefPlanner:
    """Plan the pages of one brief in one theme: page geometry, furniture and the flow."""

    def __init__(self, doc: Document, theme: Design, book: FontBook):
        self.doc = doc
        self.theme = theme
        self.book = book
        self.tokens = theme.page
        self.labels = doc.labels
        page = self.tokens
        self.width, self.height = page.width, page.height
        self.left = page.margins.left
        self.right = self.width - page.margins.right
        self.content_width = self.right - self.left
        self.banner = rules.banner_height(theme) if doc.meta.classification else 0.0
        top, bottom = page.margins.top, self.height - page.margins.bottom
        if self.banner:
            clearance = page.banner_clearance
            top = max(top, clearance + self.banner + page.gap)
            bottom = min(bottom, self.height - clearance - self.banner - page.gap)
        self.top = top
        self.footer_y = bottom - page.footer_height
        self.column_bottom = self.footer_y - page.gap
        self.column_width = (self.content_width - page.gutter * (page.columns - 1)) / page.columns
        self.warnings: list[Problem] = []
        self._reading: dict[tuple[str, int], int] = {}  # numbers in reading order (`plan`)
        self._aspects: dict[object, float] = {}
        self._foot: list[Box] | None = None
        self._columns: dict[tuple[int, float], list[Region]] = {}
        self.snapshot: _Snapshot | None = None  # noted by a flow recording one (see `_flow`)
        # Every composition sets the same texts, many at the same sizes: one line cache serves
        # them all (lines depend only on the text, font, size and width).
        self._lines = BriefSetter(theme, book).line_cache()
        self._setting_key: bytes | None = None  # see `setting_key`
        self._section_keys: dict[int, bytes] = {}  # by section index (see `kept_section`)
        # Paragraphs shared by compositions, in a watch session (see `text_unit`).
        self._paragraphs: dict[tuple, tuple[Paragraph, MakeBoxes]] | None = (
            {} if session.active() else None
        )

    # ----- composing ------------------------------------------------------------------------

    def compositions(self) -> list[Composition]:
        """Return the compositions to try, loosest first, in the order the rules allow."""
        page = self.tokens
        full, smallest = self.column_width, min(page.min_figure_width, self.column_width)
        widths = [full - (full - smallest) * i / FIGURE_STEPS for i in range(FIGURE_STEPS + 1)]
        result = [Composition(w) for w in widths]
        spacings = [
            1 - (1 - page.min_spacing) * i / SPACING_STEPS for i in range(1, SPACING_STEPS + 1)
        ]
        result += [Composition(smallest, s) for s in spacings]
        body = self.theme.brief["body"]
        shrinks = math.floor((body.size - body.min_size) / SHRINK_STEP + 1e-9)
        result += [
            Composition(smallest, page.min_spacing, SHRINK_STEP * i) for i in range(1, shrinks + 1)
        ]
        return result

    def plan(self) -> ComposedBrief:
        """Return the page plan: composed to the page target, the last page balanced, and
        figures and tables numbered in the order a reader meets them.

        A block set across the columns may be read before or after blocks that come before
        or after it in the content (a band at a page's foot is read after its columns): the
        plan is made again with the numbers in reading order (the content names no number,
        so nothing else changes) until they stay in that order.
        """
        warnings = list(self.warnings)
        self._reading = {}
        for _ in range(RENUMBERINGS):
            self.warnings = list(warnings)
            composition, header, flow = self.plan_flow()
            reading = self.reading_numbers(header, flow)
            if all(reading[key] == self._reading.get(key, key[1]) for key in reading):
                break
            self._reading = reading
        overrun = self.header_overrun(header)
        if overrun is not None:
            self.warnings.append(overrun)
        return self.assemble(composition, header, flow)

    def header_overrun(self, header: float) -> Problem | None:
        """Return the warning of a page 1 header (title, subtitle, byline, key figures) that
        runs past the room above the page's foot into its statements, footer and banner."""
        if self.tokens.cover:
            return None
        room = self.column_bottom - self.foot_height() - self.top
        tall = header - self.tokens.gap  # the gap under the key figures is not drawn
        if tall <= room + TOLERANCE:
            return None
        meta = self.doc.meta
        return Problem(
            meta.location or Location(self.doc.source_file, 1, 1),
            f"page 1's title, subtitle and key figures take {tall:.0f} pt, more than the "
            f"{room:.0f} pt above its foot: they run into the footer and the banner; shorten "
            "meta.title or meta.subtitle, or show fewer key figures (page.band_figures in "
            "the layout)",
            "warning",
        )

    def reading_numbers(self, header: float, flow: _Flow) -> dict[tuple[str, int], int]:
        """Return the number each numbered block (by kind and place in content order) takes in
        reading order: page by page, a page's top band, its columns, then its foot band."""
        met: list[tuple[str, int]] = []
        first = 0
        for page in range(self.page_count(header, flow)):
            count = len(self.columns_of(page, header))
            bands = flow.bands.get(page, {})
            units = [bands["top"]] if "top" in bands else []
            units += [p.unit for column in flow.columns[first : first + count] for p in column]
            units += [bands["bottom"]] if "bottom" in bands else []
            met += [u.numbered for u in units if u.numbered and u.numbered not in met]
            first += count
        numbers: dict[tuple[str, int], int] = {}
        for key in met:
            numbers[key] = 1 + sum(1 for other in numbers if other[0] == key[0])
        return numbers

    def plan_flow(self) -> tuple[Composition, float, _Flow]:
        """Return the composition, header height and balanced flow of the page plan."""
        target = self.tokens.max_pages
        chosen = None
        candidates = self.compositions() if target else self.compositions()[:1]
        # Tried already: a brief surely over its target is set at its tightest first.
        tried = len(candidates) > 1 and self.doc.paragraph_count() > SURELY_OVER_PER_PAGE * target
        if tried:
            chosen = self.tightest_if_none_fits(candidates, target)  # set once, not twice
        for number, composition in enumerate(candidates if chosen is None else ()):
            header, units = self.content(composition)
            stepping = number == 0 and len(candidates) > 1  # a page target: steps to try
            if stepping and self.cannot_fit(header, units, target, FAR_OVER):
                # Far past its target, a brief is set at its tightest next (see
                # `tightest_if_none_fits`), and a long brief is set twice, not once per step.
                # The loosest units and lines go first: the two sets are never held at once.
                del units
                if tried:  # and some step could fit: the next step sets its own content
                    continue
                if hasattr(self._lines, "cache_clear"):  # outside a watch session
                    self._lines.cache_clear()
                chosen = self.tightest_if_none_fits(candidates, target)
                if chosen is not None:
                    break
                continue  # the loosest cannot fit either: the next step sets its own content
            if target and number < len(candidates) - 1:
                # Only whether it fits matters: the flow stops once it runs past the target.
                fitted = self.flow_within(header, units, target)
                if fitted is None:
                    continue
                flow = fitted
            else:
                flow = self.flow(header, units)
            chosen = (composition, header, units, flow)
            if target is None or self.page_count(header, flow) <= target:
                break
        assert chosen is not None
        composition, header, units, flow = chosen
        pages = self.page_count(header, flow)
        if target and pages > target:
            self.warnings.append(self.over_target(pages, target, units))
        if self.lonely_end(header, flow):
            composition, header, units, flow = self.end_with_content(composition, header, flow)
        return composition, header, self.balance(header, units, flow)

    def least_height(self, units: Sequence[_Unit], shortest: float) -> float:
        """Return the least column height `units` take where the shortest column is `shortest`
        tall: each without the space above it (a column's top drops it), each figure at its
        smallest legible size, and each at most `shortest` (a block taller than its column
        stands alone in it and takes that column, however short). A block across the columns
        counts once, though it takes its height from every column of its page."""
        return sum(
            min(
                min(unit.least, unit.height)
                if unit.resize is not None and unit.least
                else unit.height,
                shortest,
            )
            for unit in units
        )

    def column_height(self, header: float, pages: int) -> float:
        """Return the height of all the columns of the first `pages` pages together."""
        return sum(region.h for page in range(pages) for region in self.columns_of(page, header))

    def shortest_column(self, header: float, pages: int) -> float:
        """Return the height of the shortest column of the first `pages` pages (every page
        after the first is alike)."""
        heights = [
            region.h for page in range(min(pages, 2)) for region in self.columns_of(page, header)
        ]
        return min(heights, default=0.0)

    def tightest_if_none_fits(
        self, compositions: Sequence[Composition], pages: int
    ) -> tuple[Composition, float, list[_Unit], _Flow] | None:
        """Return the plan set in the tightest of `compositions` if no composition can fit
        `pages` pages, else None.

        Each step towards the tightest only makes units smaller (narrower figures, less space,
        smaller type), so the tightest units, under each step's own header, bound what every
        step needs (`none_fits`): if none can fit so, the tightest is the plan, as stepping
        through them all would find.
        """
        tightest = compositions[-1]
        header, units = self.content(tightest)
        if not self.none_fits(compositions, units, pages):
            return None
        return tightest, header, units, self.flow(header, units)

    def cannot_fit(
        self, header: float, units: Sequence[_Unit], pages: int, times: float = 1.0
    ) -> bool:
        """Return whether `units` are sure to need more than `pages` pages: their least height
        is more than every column of those pages holds (more than `times` over, with `times`)."""
        least = self.least_height(units, self.shortest_column(header, pages))
        return least > max(times, 1.0) * self.column_height(header, pages) + TOLERANCE

    def none_fits(
        self, compositions: Sequence[Composition], units: Sequence[_Unit], pages: int
    ) -> bool:
        """Return whether no composition of `compositions` can fit `pages` pages, judged by
        `units`, set for the tightest of them (each no taller than in any other), under each
        composition's own header."""
        return all(
            self.cannot_fit(self.header_height(composition), units, pages)
            for composition in compositions
        )

    def header_height(self, composition: Composition) -> float:
        """Return the height of page 1's header (0 on a cover) set for `composition`."""
        if self.tokens.cover:
            return 0.0
        return self.header(BriefSetter(self.theme, self.book, composition.shrink, self._lines))[0]

    def lonely_end(self, header: float, flow: _Flow) -> bool:
        """Return whether the last page (of several) is one a reader turns to for nothing: it
        holds a line of text at most besides the Sources list and author line that start on
        it, or a line at most of a Sources list continued from the page before.

        A Sources list longer than the room left on the page before may fill the last page
        alone: carrying text over with all of it would leave that page's columns short.
        """
        pages = self.page_count(header, flow)
        last = pages - 1
        if pages < 2 or flow.bands.get(last):
            return False
        first = self.first_column(last, header)
        placed = [p for column in flow.columns[first:] for p in column]
        continued = any(p.unit.closing for column in flow.columns[:first] for p in column)
        least = KEEP_LINES * self.body_line() - TOLERANCE
        if continued:
            return sum(p.space + p.unit.height for p in placed) < least
        return sum(p.space + p.unit.height for p in placed if not p.unit.closing) < least

    def body_line(self) -> float:
        """Return the height of a line of body text at its full size."""
        body = self.theme.brief["body"]
        return body.size * body.leading

    def end_with_content(
        self, composition: Composition, header: float, flow: _Flow
    ) -> tuple[Composition, float, list[_Unit], _Flow]:
        """Return a composition and flow whose last page holds more than the end matter: the
        last page pulled back with figures and spacing tightened (never type), else text
        carried over to it from the page before, line by line."""
        compositions = self.compositions()
        pages = self.page_count(header, flow)
        for tighter in compositions[compositions.index(composition) + 1 :]:
            if tighter.shrink:
                break
            header, units = self.content(tighter)
            trial = self.flow(header, units)
            if self.page_count(header, trial) < pages and not self.lonely_end(header, trial):
                return tighter, header, units, trial
        header, units = self.content(composition)
        flow = self.flow(header, units)
        before = [
            i
            for i, column in enumerate(flow.columns)
            if column and self.page_of_column(i, header) == pages - 2
        ]
        if not before:
            return composition, header, units, flow
        column = before[-1]
        filled = sum(p.space + p.unit.height for p in flow.columns[column])
        line = self.body_line()
        for lines in range(1, MOST_CARRIED + 1):
            trial = self.flow(header, units, column_caps={column: filled - lines * line})
            if self.page_count(header, trial) != pages:
                break
            if not self.lonely_end(header, trial):
                return composition, header, units, trial
        return composition, header, units, flow

    def over_target(self, pages: int, target: int, units: Sequence[_Unit]) -> Problem:
        """Return the warning of a brief past its page target, naming its longest sections."""
        lengths: dict[int, float] = {}
        for unit in units:
            if unit.section >= 0:
                lengths[unit.section] = lengths.get(unit.section, 0.0) + unit.height + unit.space
        column = self.column_bottom - self.top
        longest = sorted(lengths, key=lambda s: -lengths[s])[:LONGEST_NAMED]
        named = ", ".join(
            f'"{self.doc.sections[s].title}" ({lengths[s] / column:.1f} columns)' for s in longest
        )
        where = (  # at the section most worth cutting: the line to fix
            self.doc.sections[longest[0]].location
            if longest
            else Location(self.doc.source_file, 1, 1)
        )
        return Problem(
            where,
            f"the brief runs to {pages} pages; a brief is at most {target} in layout "
            f'"{self.theme.name}" even with figures, spacing and type at their smallest; '
            f"shorten the longest sections: {named}",
            "warning",
        )

    # ----- page geometry --------------------------------------------------------------------

    def columns_of(self, page: int, header: float) -> list[Region]:
        """Return the column regions of page `page` (0-based) under a header `header` tall."""
        key = (min(page, 1), header)  # every page after the first is alike
        if key not in self._columns:
            self._columns[key] = self._columns_of(page, header)
        return self._columns[key]

    def _columns_of(self, page: int, header: float) -> list[Region]:
        page_tokens = self.tokens
        if page == 0 and page_tokens.cover:
            return []
        top = self.top + (header if page == 0 else 0.0)
        bottom = self.column_bottom - (self.foot_height() if page == 0 else 0.0)
        return [
            Region(
                self.left + i * (self.column_width + page_tokens.gutter),
                top,
                self.column_width,
                max(0.0, bottom - top),
            )
            for i in range(page_tokens.columns)
        ]

    def column_region(
        self,
        index: int,
        header: float,
        caps: dict[int, float],
        bands: dict[int, dict[str, _Unit]] | None = None,
        column_caps: dict[int, float] | None = None,
    ) -> Region:
        """Return column `index` of the whole flow (page by page), capped as `caps` (by page)
        and `column_caps` (by column) say and short of the bands across the columns of its
        page."""
        if column_caps and index in column_caps:
            region = self.column_region(index, header, caps, bands)
            return replace(region, h=min(region.h, column_caps[index]))
        page, index = self.locate_column(index, header)
        region = self.columns_of(page, header)[index]
        for where, band in (bands or {}).get(page, {}).items():
            taken = band.height + self.band_gap()
            top = region.y + (taken if where == "top" else 0.0)
            region = replace(region, y=top, h=max(0.0, region.h - taken))
        if page in caps:
            region = replace(region, h=min(region.h, caps[page]))
        return region

    def locate_column(self, index: int, header: float) -> tuple[int, int]:
        """Return the page (0-based) of flow column `index` and its place on that page.

        Counted, not walked page by page: a long brief asks this for every unit it places.
        """
        first = len(self.columns_of(0, header))
        if index < first:
            return 0, index
        per_page = len(self.columns_of(1, header))  # every page after the first is alike
        return 1 + (index - first) // per_page, (index - first) % per_page

    def first_column(self, page: int, header: float) -> int:
        """Return the flow index of the first column of page `page` (0-based)."""
        if page == 0:
            return 0
        return len(self.columns_of(0, header)) + (page - 1) * len(self.columns_of(1, header))

    def page_of_column(self, index: int, header: float) -> int:
        """Return the page (0-based) of flow column `index`."""
        return self.locate_column(index, header)[0]

    def page_count(self, header: float, flow: _Flow) -> int:
        """Return the pages the flow fills (at least the first, which holds the header)."""
        used = [i for i, column in enumerate(flow.columns) if column]
        last = self.page_of_column(used[-1], header) if used else 0
        return 1 + max(last, *flow.bands) if flow.bands else 1 + last

    def band_gap(self) -> float:
        """Return the space between a band across the columns and the columns' text."""
        return 2 * self.tokens.gap

    def place_band(
        self, unit: _Unit, column: int, used: float, header: float, bands: dict
    ) -> tuple[int, str]:
        """Return where a block across the columns goes: the foot of this page when this is
        the page's first column and its text still fits above it (with a table's first rows),
        else the top of the first page after with a free top band."""
        page = self.page_of_column(column, header)
        first = self.first_column(page, header)
        region = self.column_region(column, header, {}, bands)
        taken = unit.first_piece() + self.band_gap()
        free = bands.get(page, {})
        if column == first and "bottom" not in free and used + taken <= region.h + TOLERANCE:
            return page, "bottom"
        if column == first and not used and "top" not in free:
            return page, "top"
        page += 1
        while "top" in bands.get(page, {}) or not self.columns_of(page, header):
            page += 1
        return page, "top"

    def band_room(
        self, page: int, where: str, header: float, bands: dict[int, dict[str, _Unit]], used: float
    ) -> float:
        """Return the height a band at the top or foot (under `used` points of text) of `page`
        may take: the page's column height left by its other band."""
        first = self.first_column(page, header)
        region = self.column_region(first, header, {}, bands)
        return region.h - (used if where == "bottom" else 0.0) - self.band_gap()

    def squeezed(self, column: int, header: float, bands: dict[int, dict[str, _Unit]]) -> bool:
        """Return whether the bands of its page took height from flow column `column`."""
        full = self.column_region(column, header, {})
        return self.column_region(column, header, {}, bands).h < full.h - TOLERANCE

    # ----- flowing --------------------------------------------------------------------------

    def flow(
        self,
        header: float,
        units: Sequence[_Unit],
        caps: dict[int, float] | None = None,
        column_caps: dict[int, float] | None = None,
        feet: dict[int, int] | None = None,
    ) -> _Flow:
        """Return `units` flowed through the columns of the pages, in order.

        A unit kept with the next moves on with it; text and rows split at the column foot;
        a block that does not fit waits for the next column while the text after it flows on.
        A block across the columns goes to the foot of `feet`'s pages (page -> its place in
        content order); without `feet`, to the foot of the page it arrives on wherever that
        adds no page (`settle`).
        """
        flow = self.settle(header, units, caps or {}, column_caps or {}, None, feet)
        assert flow is not None  # only a flow within a page count stops early
        return flow

    def flow_within(self, header: float, units: Sequence[_Unit], pages: int) -> _Flow | None:
        """Return the flow of `units` if it fills at most `pages` pages, else None.

        It stops as soon as something lands on a page past `pages`: the pages a flow fills
        only grow as it goes on.
        """
        return self.settle(header, units, {}, {}, pages, None)

    def settle(
        self,
        header: float,
        units: Sequence[_Unit],
        caps: dict[int, float],
        column_caps: dict[int, float],
        within: int | None,
        feet: dict[int, int] | None,
    ) -> _Flow | None:
        """Return the flow of `units` with its blocks across the columns at the foot of the
        page a reader meets them on, where that adds no page, rather than at the top of the
        next: a greedy flow meets such a block once the page's first column is full, too late
        to make room under it.

        Each block that went on to the next page is tried at the foot of the page it arrived
        on (its columns flowed again, shorter), and kept there if the brief takes no more
        pages and the block's section still starts on or before that page.
        """
        if feet is not None:
            return self._flow(header, units, caps, column_caps, within, feet)[0]
        feet = {}
        flow, moved = self._flow(header, units, caps, column_caps, within, feet)
        tried: set[tuple[int, int]] = set()
        while moved is not None and moved not in tried and len(tried) < MOST_FEET:
            tried.add(moved)
            page, order = moved
            trial, next_moved = self._flow(
                header, units, caps, column_caps, within, {**feet, page: order}
            )
            if trial is None or not self.anchored(header, trial, units, page, order):
                break
            if flow is not None and self.page_count(header, trial) > self.page_count(header, flow):
                break
            feet[page] = order
            flow, moved = trial, next_moved
        return flow

    def anchored(
        self, header: float, flow: _Flow, units: Sequence[_Unit], page: int, order: int
    ) -> bool:
        """Return whether the section of the block `order`th in content order starts on or
        before `page` in `flow` (a block at a page's foot is not met before its section)."""
        section = next(u.section for u in units if u.order == order)
        last = self.first_column(page + 1, header)
        return any(
            p.unit.section == section and p.unit.order < order
            for column in flow.columns[:last]
            for p in column
        )

    def _flow(
        self,
        header: float,
        units: Sequence[_Unit],
        caps: dict[int, float],
        column_caps: dict[int, float],
        within: int | None,
        feet: dict[int, int],
        record_from: int | None = None,
        resume: _Snapshot | None = None,
    ) -> tuple[_Flow | None, tuple[int, int] | None]:
        """Return the flow (None if it ran past `within` pages) and the first block across
        the columns that went on to the next page while the foot of the page it arrived on
        was free: (that page, its content order), or None.

        With `record_from` (a page), note in `self.snapshot` the flow's state as it reaches
        that page, if nothing there was measured yet; `resume` goes on from such a state (what
        comes before that page does not depend on caps of that page or later; the state was
        recorded with the same `feet`).
        """
        columns: list[list[_Placed]] = [[]]
        used = 0.0
        queue = deque(units)  # taken from the front, split rests put back there
        waiting: list[_Unit] = []
        forced = 0
        by_order = {u.order: u for u in units if u.spans}
        bands: dict[int, dict[str, _Unit]] = {
            page: {"bottom": by_order[order]} for page, order in feet.items()
        }
        footed = set(feet.values())
        moved: tuple[int, int] | None = None
        if resume is not None:
            columns = [*resume.columns[:-1], list(resume.columns[-1])]
            used, queue, waiting = resume.used, deque(resume.queue), list(resume.waiting)
            forced, bands = resume.forced, {p: dict(b) for p, b in resume.bands.items()}
        past = False  # something landed on a page past `within`
        recorded_from = None if record_from is None else self.first_column(record_from, header)
        measured = False  # the room of a column at or past `recorded_from` was asked

        def next_column() -> None:
            nonlocal used
            columns.append([])
            used = 0.0

        def room() -> float:
            nonlocal measured
            index = len(columns) - 1
            measured = measured or (recorded_from is not None and index >= recorded_from)
            return self.column_region(index, header, caps, bands, column_caps).h - used

        def place(unit: _Unit) -> None:
            nonlocal used, past
            if within is not None and self.page_of_column(len(columns) - 1, header) >= within:
                past = True
            space = unit.space if columns[-1] else 0.0
            columns[-1].append(_Placed(unit, space))
            used += space + unit.height

        def short() -> bool:  # an empty column a band cut short: what does not fit moves on
            return not columns[-1] and self.squeezed(len(columns) - 1, header, bands)

        def share_room(unit: _Unit, space: float) -> _Unit | None:
            """Return figure `unit` set to fit the current column with the figures of its
            section already in it, all set smaller alike (each the same share of the way
            from its full width to its legible one), or None if they cannot all fit.

            Only its own section's: figures that read together share a column's foot;
            another section's stay as they were set."""
            nonlocal used
            column = columns[-1]
            placed = [
                i
                for i, p in enumerate(column)
                if p.unit.resize is not None and p.unit.section == unit.section
            ]
            figures = [column[i].unit for i in placed] + [unit]
            full = [(f.resize(math.inf) or f).height for f in figures]  # type: ignore[misc]
            least = [f.least or f.height for f in figures]
            free = room() - space + sum(column[i].unit.height for i in placed)
            spare = free - sum(least)
            give = sum(full) - sum(least)
            if not placed or spare < -TOLERANCE or give <= TOLERANCE:
                return None
            share = min(1.0, max(0.0, spare / give))
            for i, most, low in zip(placed, full, least, strict=False):
                old = column[i].unit
                assert old.resize is not None
                new = old.resize(low + share * (most - low))
                if new is None:
                    return None
                new.order, new.space = old.order, old.space  # read, and spaced, as before
                column[i] = _Placed(new, column[i].space)
                used -= old.height - new.height
            assert unit.resize is not None
            return unit.resize(room() - space)

        def place_waiting(fitting_only: bool = False) -> None:
            while waiting:
                unit = waiting[0]
                space = unit.space if columns[-1] else 0.0
                if (columns[-1] or short()) and space + unit.height > room() + TOLERANCE:
                    if fitting_only:
                        return
                    next_column()
                    continue
                place(waiting.pop(0))

        while queue and not past:
            if recorded_from is not None and len(columns) - 1 >= recorded_from:
                if not measured:
                    self.snapshot = _Snapshot(
                        [*columns[:-1], list(columns[-1])],
                        used,
                        deque(queue),
                        list(waiting),
                        forced,
                        {p: dict(b) for p, b in bands.items()},
                    )
                recorded_from = None
            unit = queue.popleft()
            if unit.spans and unit.order in footed and not unit.attached:
                continue  # set at the foot of its page already
            if unit.spans:
                page, where = self.place_band(unit, len(columns) - 1, used, header, bands)
                most = self.band_room(page, where, header, bands, used)
                here = self.page_of_column(len(columns) - 1, header)
                if (
                    moved is None
                    and page > here
                    and "bottom" not in bands.get(here, {})
                    and not unit.attached
                    and unit.height
                    <= self.band_room(here, "bottom", header, bands, 0.0)
                    - KEEP_LINES * self.body_line()
                ):
                    moved = (here, unit.order)
                part = unit.split(most) if unit.height > most + TOLERANCE else None
                if part is not None:
                    # A table across the columns splits between rows, its header repeated:
                    # the rest opens the next page.
                    bands.setdefault(page, {})[where] = part[0]
                    past = within is not None and page >= within
                    queue.appendleft(part[1])
                    continue
                bands.setdefault(page, {})[where] = unit
                past = within is not None and page >= within
                continue
            if waiting and unit.section != waiting[0].section:
                place_waiting()  # a figure waits within its section, never past the next
            elif waiting and not unit.attached:
                place_waiting(fitting_only=True)
            if len(columns) > MAX_COLUMNS:  # a unit taller than any column would loop: place it
                place(unit)
                continue
            if unit.floats and waiting:
                waiting.append(unit)
                continue
            space = unit.space if columns[-1] else 0.0
            needed = space + self._kept_height(unit, queue)
            if needed <= room() + TOLERANCE:
                place(unit)
                continue
            if not unit.keep_with_next:
                part = unit.split(room() - space)
                if part is not None and space + part[0].height <= room() + TOLERANCE:
                    place(part[0])
                    # The rest opens the next column; what waits comes after it.
                    queue.appendleft(part[1])
                    next_column()
                    continue
            if unit.resize is not None and columns[-1]:
                # A figure set smaller (never below its legible width) fills the room left;
                # its section's figures above it in the column are set smaller alike.
                smaller = share_room(unit, space) or unit.resize(room() - space)
                if smaller is not None:
                    smaller.order = unit.order  # read where the content puts it
                    smaller.space = unit.space  # under a heading: its after-heading space
                    place(smaller)
                    continue
            if unit.floats and columns[-1] and any(not u.floats for u in queue):
                waiting.append(unit)
                continue
            if short():
                queue.appendleft(unit)
                next_column()
                continue
            if not columns[-1]:
                # Taller than a whole column: it stands alone (split where it can).
                forced += 1
                part = unit.split(room(), forced=True)
                if part is not None:
                    place(part[0])
                    queue.appendleft(part[1])
                else:
                    place(unit)
                next_column()
                continue
            queue.appendleft(unit)
            next_column()
        if waiting and not past:
            if columns[-1]:
                next_column()
            place_waiting()
        if past:
            return None, moved
        while columns and not columns[-1] and len(columns) > 1:
            columns.pop()
        return _Flow(columns, forced, bands, dict(column_caps), dict(feet)), moved

    def _kept_height(self, unit: _Unit, queue: Sequence[_Unit]) -> float:
        """Return the height `unit` needs with what it keeps with: the start of the next."""
        height = unit.height
        index = 0
        current = unit
        while current.keep_with_next and index < len(queue):
            following = queue[index]
            if following.keep_with_next:
                height += following.space + following.height
            else:
                height += following.space + following.first_piece()
            current = following
            index += 1
        return height

    def balance(self, header: float, units: Sequence[_Unit], flow: _Flow) -> _Flow:
        """Return `flow` with the last page's columns ending together (within a line)."""
        if self.tokens.columns < 2:
            return flow
        pages = self.page_count(header, flow)
        last = pages - 1
        regions = self.columns_of(last, header)
        if not regions:
            return flow
        # Try column heights a line apart; keep the one whose columns end closest together
        # (the lower at a tie), never one that adds a page. Every trial flows alike up to the
        # last page: each goes on from where the flow reaches it, when that state is known.
        line = self.theme.brief["body"].size * self.theme.brief["body"].leading / 2
        best, best_key = flow, (math.inf, math.inf)
        height = regions[0].h
        self.snapshot = None
        self._flow(header, units, {}, flow.column_caps, None, flow.feet, record_from=last)
        start, self.snapshot = self.snapshot, None
        while height > line:
            trial, _ = self._flow(
                header, units, {last: height}, flow.column_caps, None, flow.feet, resume=start
            )
            assert trial is not None  # only a flow within a page count stops early
            if self.page_count(header, trial) != pages or trial.forced > flow.forced:
                height -= line
                continue
            fills = self.fills(trial, header, last)
            key = (round(max(fills) - min(fills), 1), max(fills))
            if key < best_key:
                best, best_key = trial, key
            height = min(height, max(fills)) - line
        return best

    def fills(self, flow: _Flow, header: float, page: int) -> list[float]:
        """Return how far down each column of `page` the flow reaches."""
        result = []
        first = self.first_column(page, header)
        for index in range(first, first + len(self.columns_of(page, header))):
            column = flow.columns[index] if index < len(flow.columns) else []
            result.append(sum(p.space + p.unit.height for p in column))
        return result

    # ----- assembling -----------------------------------------------------------------------

    def assemble(self, composition: Composition, header: float, flow: _Flow) -> ComposedBrief:
        """Return the pages: furniture, header and every column's boxes at their places."""
        count = self.page_count(header, flow)
        pages = [BriefPage(number=n) for n in range(1, count + 1)]
        pages[0].boxes.extend(self._header_boxes)
        pages[0].boxes.extend(self.foot_boxes())
        body_line = self.theme.brief["body"].size * self.theme.brief["body"].leading
        reading = self.band_reading_order(header, flow)
        for page_index, boxes in self.band_boxes(header, flow, "top"):
            pages[page_index].boxes.extend(boxes)
            # Read where a reader meets it, as it is numbered: before the page's columns.
            pages[page_index].order.update((id(box), reading[page_index, "top"]) for box in boxes)
        last_used = max((i for i, column in enumerate(flow.columns) if column), default=-1)
        for index, column in enumerate(flow.columns):
            if not column:
                continue
            page_index = self.page_of_column(index, header)
            region = self.column_region(index, header, {}, flow.bands)
            used = sum(p.space + p.unit.height for p in column)
            flowed_on = index < last_used  # text goes on in a later column
            if page_index < count - 1 and flowed_on:
                target = region.h  # filled to the foot
            elif page_index == count - 1:
                target = max(self.fills(flow, header, page_index))  # ends with its neighbour
            else:
                target = used
            if page_index < count - 1 and target > used + TOLERANCE:
                column = self.grow_figures(column, target - used)
                used = sum(p.space + p.unit.height for p in column)
            stretch, column = self.stretches(column, target - used, body_line)
            y = region.y
            for placed, extra in zip(column, stretch, strict=True):
                if placed.space > 0 and placed is not column[0]:
                    y += placed.space + extra
                if placed.unit.bookmark:
                    key, title = placed.unit.bookmark
                    pages[page_index].bookmarks.append((key, title, y))
                made = placed.unit.make(region.x, y, region.w)
                pages[page_index].boxes.extend(made)
                pages[page_index].order.update(
                    (id(box), self.reading_place(placed.unit.order)) for box in made
                )
                y += placed.unit.height
        for page_index, boxes in self.band_boxes(header, flow, "bottom"):
            pages[page_index].boxes.extend(boxes)
            # Read where a reader meets it, as it is numbered: after the page's columns.
            pages[page_index].order.update(
                (id(box), reading[page_index, "bottom"]) for box in boxes
            )
        for page in pages:
            before, after = self.furniture(page.number, count)
            page.boxes[:0] = before
            page.boxes.extend(after)
        return ComposedBrief(
            width=self.width,
            height=self.height,
            pages=pages,
            language=self.doc.meta.language,
            title=self.doc.meta.title,
            body_size=max(
                self.theme.brief["body"].min_size,
                self.theme.brief["body"].size - composition.shrink,
            ),
            spacing=composition.spacing,
            figure_width=composition.figure_width,
            warnings=list(self.warnings),
        )

    @staticmethod
    def reading_place(order: int) -> int:
        """Return the place in the tagged PDF's reading order of the unit `order`th in content
        order: READING_STEP apart, after the header's (-1), room for a band on either side."""
        return READING_STEP * order + READING_STEP // 2

    def band_reading_order(self, header: float, flow: _Flow) -> dict[tuple[int, str], int]:
        """Return the place in reading order (of the tagged PDF) of each band across the
        columns, by page and "top" or "bottom": where `reading_numbers` numbers it.

        The columns' units are read in content order (a figure floated to a later column
        moves back); a page's top band just before the first unit read in its columns, its
        foot band just after the last. A band is not read where its content
        place would put it: a foot band numbered "Figure 2" after a "Figure 1" in the
        columns above it would be heard first.
        """
        result: dict[tuple[int, str], int] = {}
        last = -1  # the last unit read so far, on this page or before
        for page in range(self.page_count(header, flow)):
            bands = flow.bands.get(page, {})
            first = self.first_column(page, header)
            count = len(self.columns_of(page, header))
            orders = [
                p.unit.order for column in flow.columns[first : first + count] for p in column
            ]
            if "top" in bands:
                start = min(orders) if orders else last + 1
                result[page, "top"] = self.reading_place(max(start, last + 1)) - 1
            last = max([last, *orders])
            if "bottom" in bands:
                result[page, "bottom"] = self.reading_place(last) + 1
        return result

    def band_boxes(self, header: float, flow: _Flow, where: str) -> list[tuple[int, list[Box]]]:
        """Return the boxes of the bands across the columns at the top or foot of pages, each
        band with its page. On the last page a foot band closes up under the columns' text,
        which ends short there: no white gap between them."""
        result = []
        last = self.page_count(header, flow) - 1
        for page, bands in sorted(flow.bands.items()):
            unit = bands.get(where)
            if unit is None:
                continue
            region = self.columns_of(page, header)[0]
            y = region.y if where == "top" else region.y + region.h - unit.height
            if where == "bottom" and page == last:
                column = self.column_region(self.first_column(page, header), header, {}, bands)
                end = max(self.fills(flow, header, page), default=0.0)
                y = min(y, column.y + (end + self.band_gap() if end else 0.0))
            result.append((page, unit.make(self.left, y, self.content_width)))
        return result

    @staticmethod
    def grow_figures(column: Sequence[_Placed], spare: float) -> list[_Placed]:
        """Return the column with its figures set below full width grown into `spare` points
        of room left at its foot (a larger chart before looser spacing)."""
        placed = list(column)
        for i, p in enumerate(placed):
            if p.unit.resize is None or spare <= TOLERANCE:
                continue
            grown = p.unit.resize(p.unit.height + spare) or p.unit
            grown.order = p.unit.order  # read where the content puts it
            grown.space = p.unit.space
            spare -= grown.height - p.unit.height
            placed[i] = _Placed(grown, p.space)
        return placed

    @staticmethod
    def stretches(
        column: Sequence[_Placed], spare: float, most: float
    ) -> tuple[list[float], list[_Placed]]:
        """Return the space to add above each placed unit to use `spare` points of a column,
        and the column with the space opened between a timeline's entries.

        Only the spaces between blocks open (and between a timeline's entries), each in
        proportion to its set size, by at most `most` and MOST_OPENING times itself: never
        the space under a heading or caption (kept with what follows), nor above a source
        line or a continuation.
        """
        above = [0.0] * len(column)
        placed = list(column)
        if spare <= TOLERANCE:
            return above, placed
        slots: list[tuple[int, int | None, float]] = [
            (i, None, column[i].space)
            for i in range(1, len(column))
            if column[i].space > 0
            and not column[i].unit.attached
            and not column[i - 1].unit.keep_with_next
        ]
        for i, p in enumerate(column):
            if p.unit.row_space > 0:
                slots += [(i, r, p.unit.row_space) for r in range(len(p.unit.rows) - 1)]
        if not sum(base for _, _, base in slots):
            return above, placed
        # Shared in proportion to the set spaces; what a space at its limit cannot take goes
        # to the others, until all is used or every space is at its limit.
        caps = [min(most, base * MOST_OPENING) for _, _, base in slots]
        extras = [0.0] * len(slots)
        left = spare
        while left > TOLERANCE:
            open_ = [k for k in range(len(slots)) if extras[k] < caps[k] - TOLERANCE]
            total = sum(slots[k][2] for k in open_)
            if not total:
                break
            given = 0.0
            for k in open_:
                more = min(left * slots[k][2] / total, caps[k] - extras[k])
                extras[k] += more
                given += more
            left -= given
        rows: dict[int, list[float]] = {}
        for (i, row, _), extra in zip(slots, extras, strict=True):
            if row is None:
                above[i] = extra
            else:
                rows.setdefault(i, [0.0] * len(column[i].unit.rows))[row] = extra
        for i, extras in rows.items():
            unit = column[i].unit
            opened = tuple((h + e, cells) for (h, cells), e in zip(unit.rows, extras, strict=True))
            placed[i] = _Placed(unit._rows_part(opened, unit.space), column[i].space)
        return above, placed

    # ----- furniture ------------------------------------------------------------------------

    def furniture(self, number: int, total: int) -> tuple[list[Box], list[Box]]:
        """Return the banners and the footer of page `number` of `total`: what a reader meets
        before the page's content (banners, footer title) and after it (the page number)."""
        setter = BriefSetter(self.theme, self.book, lines=self._lines)
        meta = self.doc.meta
        boxes: list[Box] = []
        boxes.append(
            Rect(
                self.left,
                self.footer_y - self.tokens.gap / 2,
                self.content_width,
                HAIRLINE,
                self.theme.colors["rule"],
                name="Footer rule",
            )
        )
        # The footer is one line: the page label whole, the short title cut short if need be.
        right_text = rules.footer_right(meta, self.labels, number, total, printed=True)
        right_frame = setter.line_width(right_text, "footer")
        room = self.content_width - right_frame - self.tokens.gap
        left_text = rules.footer_left(meta, self.labels)
        if setter.line_width(left_text, "footer") > room:
            dated = rules.footer_left(replace(meta, short_title=""), self.labels)
            title_room = room - setter.line_width(rules.SEPARATOR + dated, "footer")
            title = setter.one_line(meta.short_title, "footer", title_room)
            left_text = rules.footer_left(replace(meta, short_title=title), self.labels)
            left_text = setter.one_line(left_text, "footer", room)
        left = setter.set(left_text, "footer", room)
        boxes.append(
            TextBox(
                self.left,
                self.footer_y,
                room,
                left.height,
                (left,),
                role="footer",
                name="Footer",
            )
        )
        right = setter.set(right_text, "footer", right_frame, align="right")
        page_number = TextBox(
            self.right - right_frame,
            self.footer_y,
            right_frame,
            right.height,
            (right,),
            role="footer",
            name="Page number",
        )
        banners = self.banners(meta.classification, setter) if meta.classification else []
        return [*banners, *boxes], [page_number]

    def banners(self, classification: str, setter: BriefSetter) -> list[Box]:
        """Return the top and bottom banners: bands whose text keeps clear of the paper edge."""
        colors = self.theme.banner_colors(self.doc.meta.banner_level or "")
        clearance = self.tokens.banner_clearance
        boxes: list[Box] = []
        width = self.width - 2 * clearance
        for name, y in (
            ("Banner top", clearance),
            ("Banner bottom", self.height - clearance - self.banner),
        ):
            paragraph = setter.set(
                classification.upper(), "banner", width, align="center", color=colors.text
            )
            boxes.append(
                rules.banner_band(paragraph, clearance, y, width, self.banner, colors.fill, name)
            )
        return boxes

    def foot_height(self) -> float:
        """Return the height kept at the foot of page 1 for the statements (0 without)."""
        boxes = self.foot_boxes()
        if not boxes:
            return 0.0
        return self.column_bottom - min(b.y for b in boxes) + self.tokens.gap

    def foot_boxes(self) -> list[Box]:
        """Return the distribution statement (left) and CUI block (right) over page 1's footer."""
        if self._foot is None:
            self._foot = self._statement_boxes()
        return self._foot

    def _statement_boxes(self) -> list[Box]:
        meta = self.doc.meta
        setter = BriefSetter(self.theme, self.book, lines=self._lines)
        texts: list[tuple[str, float, float, str]] = []
        statement_width = self.content_width
        if meta.cui:
            block = rules.cui_block_width(self.content_width)
            statement_width = self.content_width - block - self.tokens.gap * 2
            texts.append(("\n".join(meta.cui), self.right - block, block, "CUI designation"))
        if meta.distribution:
            texts.append((meta.distribution, self.left, statement_width, "Distribution"))
        if not texts:
            return []
        boxes: list[Box] = []
        tallest = 0.0
        set_texts = []
        for text, x, width, name in texts:
            paragraphs = tuple(setter.set(line, "statement", width) for line in text.split("\n"))
            height = sum(p.height for p in paragraphs)
            tallest = max(tallest, height)
            set_texts.append((paragraphs, x, width, name, height))
        top = self.column_bottom - tallest
        for paragraphs, x, width, name, height in set_texts:
            boxes.append(TextBox(x, top, width, height, paragraphs, role="statement", name=name))
        boxes.append(
            Rect(
                self.left,
                top - self.tokens.gap / 2,
                self.content_width,
                HAIRLINE,
                self.theme.colors["rule"],
                name="Statement rule",
            )
        )
        return boxes

    # ----- the header -----------------------------------------------------------------------

    def header(self, setter: BriefSetter) -> tuple[float, list[Box]]:
        """Return the height of page 1's header and its boxes: masthead, title, key figures."""
        meta = self.doc.meta
        page = self.tokens
        x, width = self.left, self.content_width
        y = self.top
        boxes: list[Box] = []
        product = self.labels.product_label if page.product_label is None else page.product_label
        label = meta.organization or product
        right_text = rules.SEPARATOR.join(
            t for t in (self.labels.as_of(meta.date), meta.product_id) if t
        )
        dateline: list[Box] = []
        if label or right_text:
            band = self.masthead(label or "", right_text, setter, y)
            # The date is the brief's own, read right after its title; the band and the label
            # are furniture. (Drawn later, the date stays on top of the band.)
            for box in band:
                is_date = isinstance(box, TextBox) and box.role == "dateline"
                (dateline if is_date else boxes).append(box)
            y += page.masthead_height + page.gap
        if page.cover:  # a cover sets its title block a third of the way down
            y = max(y, self.top + (self.column_bottom - self.top) * COVER_TITLE_SHARE)
        for text, role in ((meta.title, "title"), (meta.subtitle, "subtitle")):
            if text:
                paragraph = setter.set(text, role, width)
                boxes.append(
                    TextBox(x, y, width, paragraph.height, (paragraph,), role, role.title())
                )
                y += paragraph.height
            if role == "title":
                boxes.extend(dateline)
        poc = tuple(
            setter.set(line, "byline", width) for line in rules.poc_lines(meta, self.labels)
        )
        if poc:
            height = stack_height(poc)
            boxes.append(TextBox(x, y, width, height, poc, "byline", "Byline"))
            y += height
        y += page.gap / 2
        boxes.append(Rect(x, y, width, TITLE_RULE, self.theme.colors["primary"], name="Title rule"))
        y += TITLE_RULE + page.gap
        figures = self.doc.key_figures[: page.band_figures]
        if figures:
            card_boxes, height = self.cards(figures, setter, y)
            boxes.extend(card_boxes)
            y += height + page.gap
        return y - self.top + page.gap, boxes

    def masthead(self, label: str, right_text: str, setter: BriefSetter, y: float) -> list[Box]:
        """Return the masthead band: the organization (or product label), furniture, and the
        date and id (role "dateline"), content."""
        page = self.tokens
        fill = self.theme.colors["primary"]
        white = self.theme.colors["background"]
        inset = page.gap
        boxes: list[Box] = [
            Rect(self.left, y, self.content_width, page.masthead_height, fill, name="Masthead")
        ]
        room = self.content_width - 2 * inset
        right = (
            setter.set(right_text, "byline", room, align="right", color=white)
            if right_text
            else None
        )
        right_width = setter.line_width(right_text, "byline") if right else 0.0
        label = setter.one_line(label.upper(), "byline", room - right_width - inset, bold=True)
        left = setter.set(label, "byline", room - right_width - inset, color=white, bold=True)
        boxes.append(
            TextBox(
                self.left + inset,
                y,
                room - right_width - inset,
                page.masthead_height,
                (left,),
                role="masthead",
                name="Masthead label",
                anchor="middle",
            )
        )
        if right:
            right = setter.set(right_text, "byline", right_width, align="right", color=white)
            boxes.append(
                TextBox(
                    self.right - inset - right_width,
                    y,
                    right_width,
                    page.masthead_height,
                    (right,),
                    role="dateline",
                    name="Masthead date",
                    anchor="middle",
                )
            )
        return boxes

    def cards(
        self, figures: Sequence[FigureInfo], setter: BriefSetter, top: float
    ) -> tuple[list[Box], float]:
        """Return key-figure cards in even rows (no lone card on a later row), and their height.

        Each row sets its values at one size, the largest at which every value of the row
        stays on one line.
        """
        page = self.tokens
        gap = page.gap
        pad = gap
        # Fewer cards a row (in even rows) until every value fits on one line at some size.
        for most in range(page.cards_per_row, 0, -1):
            rows_needed = math.ceil(len(figures) / most)
            per_row = math.ceil(len(figures) / rows_needed)
            rows = [figures[i : i + per_row] for i in range(0, len(figures), per_row)]
            sizes = [self.value_size(row, setter, pad) for row in rows]
            if all(size is not None for size in sizes):
                break
        boxes: list[Box] = []
        y = top
        for row, fitted in zip(rows, sizes, strict=True):
            count = len(row)
            card_width = (self.content_width - gap * (count - 1)) / count
            inner = card_width - CARD_STRIPE - 2 * pad
            size = fitted or setter.style("figure_value").min_size
            values = [
                setter.paragraph(f.display, "figure_value", size, max(inner, 1.0)) for f in row
            ]
            labels = [setter.set(f.label, "figure_label", max(inner, 1.0)) for f in row]
            label_space = round(setter.size("figure_label") * LEAD_SPACE_EM, 2)
            height = (
                2 * pad
                + max(v.height for v in values)
                + label_space
                + max(lab.height for lab in labels)
            )
            for index, (value, label) in enumerate(zip(values, labels, strict=True)):
                x = self.left + index * (card_width + gap)
                boxes.append(Rect(x, y, card_width, height, self.theme.colors["card"], name="Card"))
                boxes.append(
                    Rect(x, y, CARD_STRIPE, height, self.theme.colors["primary"], name="Card rule")
                )
                text_x = x + CARD_STRIPE + pad
                boxes.append(
                    TextBox(text_x, y + pad, inner, value.height, (value,), "figure_value", "Value")
                )
                label_y = y + pad + max(v.height for v in values) + label_space
                boxes.append(
                    TextBox(text_x, label_y, inner, label.height, (label,), "figure_label", "Label")
                )
            y += height + gap
        return boxes, y - gap - top

    def value_size(
        self, row: Sequence[FigureInfo], setter: BriefSetter, pad: float
    ) -> float | None:
        """Return the largest size at which every value of `row` fits its card on one line."""
        gap = self.tokens.gap
        card_width = (self.content_width - gap * (len(row) - 1)) / len(row)
        inner = card_width - CARD_STRIPE - 2 * pad
        for size in sizes_between(setter.style("figure_value")):
            font = setter.font("figure_value", size).pdf_name
            widths = (self.book.width(f.display, font, size) for f in row)
            if all(setter.frame_width(width) <= inner for width in widths):
                return size
        return None

    # ----- the flow's content ---------------------------------------------------------------

    def content(self, composition: Composition) -> tuple[float, list[_Unit]]:
        """Return the header height and the units of the columns, set for `composition`."""
        setter = BriefSetter(self.theme, self.book, composition.shrink, self._lines)
        self._composition = composition
        self._setter = setter
        self._numbers = {"figure": 0, "table": 0}
        header, self._header_boxes = self.header(setter)
        if self.tokens.cover:
            header = 0.0
        units: list[_Unit] = []
        units.extend(self.more_figures())
        doc = self.doc
        for index, section in enumerate(doc.sections):
            backup = 0
            if section.backup:
                backup = doc.backup_sections.index(section) + 1
            units.extend(self.kept_section(index, section, backup))
        # Main sections first, then backup ones, as the deck orders them.
        order = {id(s): i for i, s in enumerate([*doc.main_sections, *doc.backup_sections])}
        units.sort(key=lambda u: order[id(doc.sections[u.section])] if u.section >= 0 else -1)
        for unit in [*self.sources(), *self.author_line()]:
            unit.closing = True
            units.append(unit)
        for number, unit in enumerate(units):
            unit.order = number
        return header, units

    def kept_section(self, index: int, section: SectionInfo, backup: int) -> list[_Unit]:
        """Return the units of `section` (see `section`): inside a watch session, those set
        for an equal section in an equal setting in this rebuild or the last.

        Not copies (a copy of each unit of a long brief, for each composition tried, costs
        more than setting most of them): `content` numbers them again in place, and the
        numbers are the same wherever a plan uses them together, since a composition's
        units come in the same order and the same count per section each time.

        The key holds all they are made from: the section (see `session.section_key`), its
        place and backup number, the layout, fonts and labels, the composition, and the
        numbers of its figures and tables (in content order, and as read); the characters no
        font has that setting it noted are noted again.
        """
        if not session.active():
            return self.section(index, section, backup)
        counts = {
            "figure": sum(isinstance(b, ChartInfo | ImageInfo) for b in section.blocks),
            "table": sum(isinstance(b, TableInfo) for b in section.blocks),
        }
        starts = dict(self._numbers)

        def key() -> tuple[object, ...]:
            numbers = tuple(
                self._reading.get((kind, starts[kind] + n), starts[kind] + n)
                for kind in ("figure", "table")
                for n in range(1, counts[kind] + 1)
            )
            if index not in self._section_keys:
                self._section_keys[index] = session.section_key(section)
            return (
                self.setting_key(),
                self._composition,
                self._section_keys[index],
                index,
                backup,
                tuple(starts.values()),
                numbers,
            )

        made = []

        def make() -> tuple[tuple[_Unit, ...], tuple[tuple[str, str], ...]]:
            made.append(True)
            with noting_missing(self.book) as noted:
                units = self.section(index, section, backup)
            return tuple(units), noted.noted

        units, missing = session.kept("brief-section", key, make)
        if not made:  # kept: what setting it did besides, done again
            for kind, count in counts.items():
                self._numbers[kind] += count
            for char, text in missing:
                self.book.missing.setdefault(char, text)
        return list(units)

    def setting_key(self) -> bytes:
        """Return a digest of what every section's units are set with besides the section
        and composition: the layout, the font files, the labels, the page and column."""
        if self._setting_key is None:
            self._setting_key = session.digest(
                (
                    self.theme,
                    self.book.files_key(),
                    self.labels,
                    self.column_width,
                    self.content_width,
                    self.height,
                )
            )
        return self._setting_key

    def spacing(self, role: str, em: float) -> float:
        """Return a space of `em` ems of `role`, tightened by the composition."""
        return round(self._setter.size(role) * em * self._composition.spacing, 2)

    def gap(self) -> float:
        return round(self.tokens.gap * self._composition.spacing, 2)

    def text_unit(
        self,
        text: str,
        role: str,
        space: float,
        *,
        section: int = -1,
        keep: bool = False,
        bookmark: tuple[str, str] | None = None,
        attached: bool = False,
        **options: object,
    ) -> _Unit:
        if self._paragraphs is None:
            paragraph = self._setter.set(text, role, self.column_width, **options)
            make = _text_maker(paragraph, role)
        else:
            # In a watch session, which keeps every composition's units: compositions that
            # set a role at one size (all but those that shrink the type) set each text
            # alike, so one paragraph (and maker) serves them all. Each option's type is in
            # the key too (an indent of 0 is not one of 0.0).
            size = self._setter.size(role)
            key = (text, role, size, *((k, type(v), v) for k, v in options.items()))
            found = self._paragraphs.get(key)
            if found is None:
                paragraph = self._setter.set(text, role, self.column_width, **options)
                found = self._paragraphs[key] = (paragraph, _text_maker(paragraph, role))
            paragraph, make = found
        return _Unit(
            height=paragraph.height,
            space=space,
            make=make,
            keep_with_next=keep,
            attached=attached,
            bookmark=bookmark,
            section=section,
            paragraph=paragraph,
            role=role,
        )

    def more_figures(self) -> list[_Unit]:
        """Return the key figures the cards have no room for, as a list in the columns."""
        rest = self.doc.key_figures[self.tokens.band_figures :]
        if not rest:
            return []
        units = [
            self.text_unit(self.labels.more_figures, "heading", 0.0, keep=True),
        ]
        for figure in rest:
            units.append(
                self.text_unit(
                    f"{figure.display} \u2014 {figure.label}",
                    "body",
                    self.spacing("body", POINT_SPACE_EM),
                    bullet=bullet_for(0),
                    indent=rules.bullet_indent(self._setter.size("body")),
                )
            )
        return units

    def section(self, index: int, section: SectionInfo, backup: int) -> list[_Unit]:
        """Return the units of `section`: heading, lead, points, then its blocks."""
        title = rules.backup_title(self.labels, backup, section.title) if backup else section.title
        units = [
            self.text_unit(
                section.portion(title),
                "heading",
                self.spacing("heading", HEADING_SPACE_EM),
                section=index,
                keep=True,
                bookmark=(f"section{index}", title),
            )
        ]
        after_heading = self.spacing("heading", AFTER_HEADING_EM)
        if section.lead:
            units.append(
                self.text_unit(
                    section.portion(section.lead),
                    "lead",
                    after_heading,
                    section=index,
                    keep=True,
                    runs=section.portion_runs(section.lead_runs),
                )
            )
        first = True
        for point in section.points:
            for unit in self.point(point, 0, section, index):
                if first:
                    unit.space = (
                        self.spacing("lead", LEAD_SPACE_EM) if section.lead else after_heading
                    )
                    first = False
                units.append(unit)
        for block in section.blocks:
            block_units = self.block(block, index)
            if first and block_units:
                block_units[0].space = after_heading
                first = False
            units.extend(block_units)
        if len(units) == 1:
            units[0].keep_with_next = False
        return units

    def point(self, point: PointInfo, level: int, section: SectionInfo, index: int) -> list[_Unit]:
        size = self._setter.size("body")
        indent = rules.bullet_indent(size)
        text = section.portion(point.text) if level == 0 else point.text
        units = [
            self.text_unit(
                text,
                "body",
                self.spacing("body", POINT_SPACE_EM if level == 0 else SUB_POINT_SPACE_EM),
                section=index,
                bullet=bullet_for(level),
                indent=indent * (level + 1),
                bullet_indent=indent * level,
                level=level,
                runs=section.portion_runs(point.runs) if level == 0 else point.runs,
            )
        ]
        for child in point.children:
            units.extend(self.point(child, level + 1, section, index))
        return units

    # ----- blocks ---------------------------------------------------------------------------

    def block(self, block: Block, index: int) -> list[_Unit]:
        """Return the units of a chart, picture, table or timeline."""
        if isinstance(block, ChartInfo):
            return [self.figure(block, block.title, block.source, index)]
        if isinstance(block, ImageInfo):
            return [self.figure(block, block.caption, block.source, index)]
        if isinstance(block, TableInfo):
            return self.table(block, index)
        assert isinstance(block, TimelineInfo)
        return self.timeline(block, index)

    def caption(self, kind: str, title: str | None) -> tuple[str, tuple[str, int]]:
        """Return the numbered caption of the next block of `kind` ("Figure 1. Title", "Table
        2. Title") and the block's key: its kind and place in content order. Its number is
        its place in reading order once the plan knows it (`plan`)."""
        self._numbers[kind] += 1
        key = (kind, self._numbers[kind])
        label = self.labels.say(kind, n=self._reading.get(key, key[1]))
        return (f"{label} {title}" if title else label), key

    def figure(
        self, block: ChartInfo | ImageInfo, title: str | None, source: str | None, index: int
    ) -> _Unit:
        """Return a chart or picture with its caption above and source under: one block."""
        setter = self._setter
        kind = "figure"
        span = self.spans_figure(block)
        frame = self.content_width if span else self.column_width
        caption_text, numbered = self.caption(kind, title)
        caption = setter.set(caption_text, "block_title", frame)
        source_paragraph = (
            setter.set(self.labels.say("source", source=source), "caption", frame)
            if source
            else None
        )
        space = self.spacing("caption", CAPTION_SPACE_EM)
        # What the block's units read, taken now: a watch session keeps a section's units
        # (see `section`), which must not hold this planner (nor its document) alive.
        palette, rule = tuple(self.theme.palette), self.theme.colors["rule"]
        tokens, column_width, page_height = self.tokens, self.column_width, self.height
        aspect = self.aspect(block) if isinstance(block, ImageInfo) else 1.0
        chart_font = (
            setter.font("chart", setter.style("chart").size)
            if isinstance(block, ChartInfo)
            else None
        )

        def build(width: float) -> _Unit:
            if isinstance(block, ChartInfo):
                height = width * tokens.chart_aspect
                if span:  # as tall as in a column, as wide as the page: room for its categories
                    width = frame
            else:
                if span:
                    width = frame
                height = min(width / aspect, page_height * tokens.max_picture_height)
                width = height * aspect
            total = caption.height + space + height
            if source_paragraph:
                total += space + source_paragraph.height

            def make(x: float, y: float, column: float) -> list[Box]:
                boxes: list[Box] = [
                    TextBox(x, y, column, caption.height, (caption,), "block_title", "Caption")
                ]
                top = y + caption.height + space
                left = x + (column - width) / 2
                if isinstance(block, ChartInfo):
                    assert chart_font is not None
                    boxes.append(
                        ChartBox(
                            left,
                            top,
                            width,
                            height,
                            block,
                            chart_font,
                            palette,
                            rule,
                            name="Chart",
                            alt=block.alt,
                        )
                    )
                else:
                    boxes.append(PictureBox(left, top, width, height, block, "Picture", block.alt))
                if source_paragraph:
                    boxes.append(
                        TextBox(
                            x,
                            top + height + space,
                            column,
                            source_paragraph.height,
                            (source_paragraph,),
                            "caption",
                            "Source",
                        )
                    )
                return boxes

            return _Unit(
                height=total,
                space=self.gap(),
                make=make,
                floats=True,
                section=index,
                role="figure",
                spans=span,
                numbered=numbered,
                resize=None if span else resize,
                least=least,
            )

        def resize(most: float) -> _Unit | None:
            """Return the block at the largest width (from the smallest legible one to the
            column's) at which it is at most `most` points tall, or None if none is."""
            smallest = min(tokens.min_figure_width, column_width)
            if build(smallest).height > most + TOLERANCE:
                return None
            low, high = smallest, column_width  # height grows with width: bisect
            if build(high).height <= most + TOLERANCE:
                return build(high)
            for _ in range(12):
                middle = (low + high) / 2
                if build(middle).height <= most + TOLERANCE:
                    low = middle
                else:
                    high = middle
            return build(low)

        least = 0.0
        least = build(min(self.tokens.min_figure_width, self.column_width)).height
        return build(min(self._composition.figure_width, self.column_width))

    def spans_figure(self, block: ChartInfo | ImageInfo) -> bool:
        """Return whether a chart or picture is set across the columns: a panorama, or a
        chart whose categories a column cannot hold legibly."""
        if self.tokens.columns < 2:
            return False
        if isinstance(block, ImageInfo):
            return self.aspect(block) >= PANORAMA_ASPECT
        if block.type == "pie" or not block.categories:
            return False
        setter = self._setter
        size = setter.style("chart").size
        font = setter.font("chart", size).pdf_name
        label = max(self.book.width(c, font, size) for c in block.categories)
        width = min(self._composition.figure_width, self.column_width)
        if block.type == "bar":  # labels beside the bars take from the plot's width
            return label > width * 0.4
        bars = len(block.series) if block.type == "column" else 1
        slot = (width - AXIS_EMS * size) / len(block.categories)
        return max(label + CATEGORY_PAD_EMS * size, bars * BAR_EMS * size) > slot

    def aspect(self, image: ImageInfo) -> float:
        """Return width / height of `image`, measured once per brief."""
        if image.path not in self._aspects:
            from alliancedeck.pictures import image_aspect

            self._aspects[image.path] = image_aspect(image.path, image.format, image.location)
        return self._aspects[image.path]

    @staticmethod
    def table_box(
        table: TableInfo,
        colors: dict[str, str],
        x: float,
        y: float,
        widths: Sequence[float],
        rows: Sequence[tuple[float, object]],
        padding: float,
    ) -> TableBox:
        """Return the box of `rows` (height, cells; header first) of `table` at (`x`, `y`), in
        the header fill, stripes and rule of the theme's `colors`."""
        heights = tuple(h for h, _ in rows)
        return TableBox(
            x,
            y,
            sum(widths),
            sum(heights),
            tuple(widths),
            heights,
            tuple(cells for _, cells in rows),  # type: ignore[misc]
            padding,
            header_fill=colors["primary"],
            stripe_fill=colors["card"],
            rule=colors["rule"],
            name="Table",
            alt=f"Table: {table.caption or ''}, {len(table.rows)} rows",
        )

    def table_rows(
        self, table: TableInfo, frame: float
    ) -> tuple[list[float], list[tuple[float, object]], float]:
        """Return a table's column widths within `frame`, its rows (header first) as
        (height, cells), and its cell padding."""
        setter = self._setter
        size = setter.size("table")
        padding = rules.cell_padding(size)
        book = self.book
        body_font = setter.font("table", size).pdf_name
        head_font = setter.font("table_header", size).pdf_name
        columns = [
            [table.columns[c], *(row[c] for row in table.rows)] for c in range(len(table.columns))
        ]
        widths = column_widths(
            columns,
            lambda t: setter.frame_width(book.width(t, head_font, size)),
            lambda t: setter.frame_width(book.width(t, body_font, size)),
            2 * padding,
            frame,
        )
        rows: list[tuple[float, object]] = []
        for r, row in enumerate([table.columns, *table.rows]):
            role = "table_header" if r == 0 else "table"
            cells = tuple(
                setter.paragraph(
                    text,
                    role,
                    size,
                    widths[c] - 2 * padding,
                    align="right" if table.numeric[c] else "left",
                )
                for c, text in enumerate(row)
            )
            rows.append((max(p.height for p in cells) + 2 * padding, cells))
        return widths, rows, padding

    def table(self, table: TableInfo, index: int) -> list[_Unit]:
        """Return a table: its caption kept with its first rows, rows that split with the
        header repeated, and its source line; or, when a column cannot hold it legibly or
        setting it across the columns saves room, one block across the columns."""
        table = rules.uniform_decimals(table)
        widths, rows, padding = self.table_rows(table, self.column_width)
        if self.tokens.columns > 1:
            wide, wide_rows, _ = self.table_rows(table, self.content_width)
            narrow_height = sum(h for h, _ in rows)
            wide_height = sum(h for h, _ in wide_rows)
            too_wide = sum(widths) > self.column_width + TOLERANCE
            # Across the columns it splits between pages as in a column, so it may be long.
            if too_wide or 2 * (wide_height + self.band_gap()) < narrow_height:
                return [self.wide_table(table, index, wide, wide_rows, padding)]
        header, body = rows[0], tuple(rows[1:])
        table_box, colors = self.table_box, self.theme.colors  # not this planner (see `figure`)

        def make_rows(
            chosen: Sequence[tuple[float, object]], x: float, y: float, w: float
        ) -> list[Box]:
            picked = [header, *chosen]
            return [table_box(table, colors, x, y, widths, picked, padding)]

        rows_unit = _Unit(
            height=header[0] + sum(h for h, _ in body),
            space=self.spacing("caption", CAPTION_SPACE_EM),
            make=lambda x, y, w: make_rows(body, x, y, w),
            section=index,
            role="table",
            rows=body,
            keep_rows=KEEP_ROWS,
            whole_rows=2 * KEEP_ROWS,
            header=header,
            make_rows=make_rows,
        )
        caption_text, numbered = self.caption("table", table.caption)
        caption = self.text_unit(caption_text, "block_title", self.gap(), section=index, keep=True)
        caption.numbered = numbered
        units = [caption, rows_unit]
        if table.source:
            units.append(
                self.text_unit(
                    self.labels.say("source", source=table.source),
                    "caption",
                    self.spacing("caption", CAPTION_SPACE_EM),
                    section=index,
                    attached=True,
                )
            )
        return units

    def wide_table(
        self,
        table: TableInfo,
        index: int,
        widths: list[float],
        rows: list[tuple[float, object]],
        padding: float,
    ) -> _Unit:
        """Return a table set across the columns: caption, table and source, split between
        rows (its header repeated) over the pages it needs."""
        setter = self._setter
        frame = self.content_width
        caption_text, numbered = self.caption("table", table.caption)
        caption = setter.set(caption_text, "block_title", frame)
        source = (
            setter.set(self.labels.say("source", source=table.source), "caption", frame)
            if table.source
            else None
        )
        space = self.spacing("caption", CAPTION_SPACE_EM)
        header, body = rows[0], tuple(rows[1:])
        table_box, colors = self.table_box, self.theme.colors  # not this planner (see `figure`)

        def make_rows(
            chosen: Sequence[tuple[float, object]], x: float, y: float, w: float
        ) -> list[Box]:
            boxes: list[Box] = []
            if not chosen or chosen[0] is body[0]:  # the first part: under its caption
                boxes.append(TextBox(x, y, w, caption.height, (caption,), "block_title", "Caption"))
                y += caption.height + space
            picked = [header, *chosen]
            boxes.append(table_box(table, colors, x, y, widths, picked, padding))
            if source and (not chosen or chosen[-1] is body[-1]):  # the last part: its source
                y += sum(h for h, _ in picked) + space
                boxes.append(TextBox(x, y, w, source.height, (source,), "caption", "Source"))
            return boxes

        lead = caption.height + space
        tail = space + source.height if source else 0.0
        return _Unit(
            height=lead + header[0] + sum(h for h, _ in body) + tail,
            space=self.gap(),
            make=lambda x, y, w: make_rows(body, x, y, w),
            section=index,
            role="table",
            spans=True,
            rows=body,
            keep_rows=KEEP_ROWS,
            whole_rows=2 * KEEP_ROWS,
            header=header,
            make_rows=make_rows,
            lead=lead,
            tail=tail,
            numbered=numbered,
        )

    def timeline(self, timeline: TimelineInfo, index: int) -> list[_Unit]:
        """Return a timeline: dated rows beside a rule, split between rows."""
        setter = self._setter
        date_size = setter.size("timeline_date")
        date_font = setter.font("timeline_date", date_size).pdf_name
        pad = self.spacing("timeline_text", CAPTION_SPACE_EM)
        date_width = min(
            self.column_width * TIMELINE_DATE_SHARE,
            max(
                setter.frame_width(self.book.width(d, date_font, date_size))
                for d, _ in timeline.entries
            ),
        )
        gap = self.tokens.gap  # not this planner, in the rows' maker (see `figure`)
        text_x = date_width + gap
        rows: list[tuple[float, object]] = []
        for date, text in timeline.entries:
            date_p = setter.set(date, "timeline_date", date_width)
            text_p = setter.set(text, "timeline_text", self.column_width - text_x)
            rows.append((max(date_p.height, text_p.height) + pad, (date_p, text_p)))
        rule = self.theme.colors["primary"]

        def make_rows(
            chosen: Sequence[tuple[float, object]], x: float, y: float, w: float
        ) -> list[Box]:
            boxes: list[Box] = []
            top = y
            for height, pair in chosen:
                date_p, text_p = pair  # type: ignore[misc]
                boxes.append(
                    TextBox(x, y, date_width, date_p.height, (date_p,), "timeline_date", "Date")
                )
                boxes.append(
                    TextBox(
                        x + text_x,
                        y,
                        w - text_x,
                        text_p.height,
                        (text_p,),
                        "timeline_text",
                        "Event",
                    )
                )
                y += height
            line_x = x + date_width + (gap - TIMELINE_RULE) / 2
            boxes.append(Rect(line_x, top, TIMELINE_RULE, y - top - pad, rule, "Timeline rule"))
            return boxes

        body = tuple(rows)
        return [
            _Unit(
                height=sum(h for h, _ in body),
                space=self.gap(),
                make=lambda x, y, w: make_rows(body, x, y, w),
                section=index,
                role="timeline",
                rows=body,
                row_space=pad,
                make_rows=make_rows,
            )
        ]

    # ----- the end --------------------------------------------------------------------------

    def sources(self) -> list[_Unit]:
        """Return the Sources list: each section's sources, with their links."""
        entries = self.doc.all_sources
        if not entries:
            return []
        units = [
            self.text_unit(
                self.labels.sources,
                "heading",
                self.spacing("heading", HEADING_SPACE_EM),
                keep=True,
                bookmark=("sources", self.labels.sources),
            )
        ]
        size = self._setter.size("source")
        for number, (section, source) in enumerate(entries):
            units.append(
                self.text_unit(
                    rules.source_line(section, source),
                    "source",
                    self.spacing("heading", AFTER_HEADING_EM)
                    if not number
                    else self.spacing("source", POINT_SPACE_EM),
                    bullet=bullet_for(0),
                    indent=rules.bullet_indent(size),
                    link=source.url,
                )
            )
        return units

    def author_line(self) -> list[_Unit]:
        """Return the author line at the end: each name, with its title when given."""
        meta = self.doc.meta
        if not meta.authors:
            return []
        titles = meta.author_titles or (None,) * len(meta.authors)
        units = []
        for number, (name, title) in enumerate(zip(meta.authors, titles, strict=False)):
            text = f"{name}, {title}" if title else name
            space = self.spacing("heading", HEADING_SPACE_EM) if not number else 0.0
            units.append(self.text_unit(text, "byline", space, keep=number < len(meta.authors) - 1))
        return units


def compose_brief(doc: Document, theme: Design, book: FontBook) -> ComposedBrief:
    """Return the page plan of the brief of `doc` in `theme`."""
    return BriefPlanner(doc, theme, book).plan()
