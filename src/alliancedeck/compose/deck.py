"""Slide geometry: measure every text and place every box of the deck, continuing what overflows."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from alliancedeck.compose import rules
from alliancedeck.compose.blocks import BlockSlides, block_caption
from alliancedeck.compose.boxes import (
    Align,
    Box,
    ComposedDeck,
    Font,
    Group,
    Paragraph,
    Rect,
    Region,
    RunFonts,
    Slide,
    TextBox,
    bullet_for,
    stack_height,
)
from alliancedeck.compose.text import (
    Measure,
    break_lines,
    cut_after,
    remembering,
    sizes_between,
    split_sentences,
)
from alliancedeck.design import Design, TextStyle
from alliancedeck.document import (
    Block,
    ChartInfo,
    Document,
    FigureInfo,
    ImageInfo,
    PointInfo,
    SectionInfo,
    TableInfo,
)
from alliancedeck.errors import Location, Problem
from alliancedeck.fonts import FontBook, font_book, missing_glyph_problems
from alliancedeck.markup import Run, cut, is_plain, lines_of, styles_of

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.template.frame import TemplateFrame

#: Part of a frame's width kept free when breaking lines, so that a client whose widths
#: differ by rounding or kerning still breaks the same way.
WIDTH_SAFETY = 0.02
MAX_CARD_WIDTH = 320.0
#: Most of a closing slide's room a Sources list may take there (else it has its own slides).
SOURCES_ON_SLIDE = 0.35
#: Most lines of a Sources list set in one column there (more go in two).
SOURCES_ONE_COLUMN = 4
CARD_PAD_X, CARD_PAD_Y = 14.0, 12.0
#: The most slides a section's cards can fill, leaving its text no room: one per figure a brief
#: may have (`model.MAX_FIGURES`, not imported here: the renderer does not load pydantic).
MOST_FILLED_SLIDES = 200


#: Colour tokens of text that takes a template's light text colour on its dark pages (its
#: accents and the markings keep theirs).
LIGHTENED = frozenset({"text", "muted", "primary"})
#: The roles set straight on a content slide's background, which take the light colour on a
#: dark page; cards, tables, charts and timelines have light fills of their own and keep
#: their dark text (a cover or closing page has none of those: all its text is lightened).
ON_BACKGROUND = frozenset(
    {"lead", "body", "source", "caption", "statement", "footer", "block_title", "chart"}
    | {"timeline_text", "timeline_date"}
)


class TextSetter:
    """Set paragraphs of the theme's deck roles at chosen sizes, measured with the real fonts."""

    def __init__(
        self,
        theme: Design,
        book: FontBook,
        lines: Callable[[str, str, float, float], tuple[str, ...]] | None = None,
    ):
        self.theme = theme
        self.book = book
        self._breaker = _LineBreaker(book)
        # Layout tries each text at several sizes and widths, often the same ones again; the
        # cache lives as long as this setter (one per deck), or as the `lines` it is given
        # (`line_cache`: setters of one brief's compositions share theirs).
        self._lines = lines if lines is not None else self.line_cache(16384)
        self._styled_lines = lru_cache(maxsize=4096)(self._breaker.styled)
        self._fonts: dict[tuple, Font] = {}  # `font`'s answers (a Font is frozen)
        self.light_text = ""  # a template's light text colour on its dark pages
        self.light_everywhere = False  # every role lightened (a cover or closing page)

    def line_cache(
        self, maxsize: int | None = None
    ) -> Callable[[str, str, float, float], tuple[str, ...]]:
        """Return a cache of this setter's line breaking (unbounded by default), to share
        with other setters of the same book: lines depend only on the text, font, size and
        width. Inside a watch session, it is the session's, kept between rebuilds."""
        from alliancedeck import session

        if not session.active():
            return lru_cache(maxsize=maxsize)(self._breaker.plain)
        return partial(self._breaker.kept, session.shared_lines(self.book.files_key(), dict))

    def style(self, role: str) -> TextStyle:
        return self.theme.deck[role]

    def font(
        self,
        role: str,
        size: float,
        *,
        color: str | None = None,
        bold: bool | None = None,
        italic: bool | None = None,
    ) -> Font:
        key = (role, size, color, bold, italic, self.light_text, self.light_everywhere)
        found = self._fonts.get(key)
        if found is None:
            found = self._fonts[key] = self._font(role, size, color, bold, italic)
        return found

    def _font(
        self, role: str, size: float, color: str | None, bold: bool | None, italic: bool | None
    ) -> Font:
        style = self.style(role)
        family = self.book.family(style)
        is_bold = style.bold if bold is None else bold
        is_italic = style.italic if italic is None else italic
        return Font(
            pdf_name=self.book.pdf_name(style, bold=is_bold, italic=is_italic),
            deck_name=family.deck,
            east_asian=family.east_asian,
            size=size,
            bold=is_bold,
            italic=is_italic,
            color=color
            or (self.light_text if self._lightened(role, style.color) else "")
            or self.theme.colors.get(style.color, style.color),
            east_asian_bold=self.book.east_asian_bold(style, bold=is_bold, italic=is_italic),
        )

    def _lightened(self, role: str, color: str) -> bool:
        """Return whether text of `role` in the colour token `color` takes the light text
        colour of a dark template page."""
        if not self.light_text or color not in LIGHTENED:
            return False
        return self.light_everywhere or role in ON_BACKGROUND

    def run_fonts(self, runs: Sequence[Run], font: Font, role: str) -> RunFonts:
        """Return the font of each style in `runs` that differs from the paragraph's `font`:
        bold and italic runs in the family's faces, links in the link colour."""
        fonts = {}
        for run in runs:
            if run.style == (False, False, None) or run.style in fonts:
                continue
            fonts[run.style] = self.font(
                role,
                font.size,
                color=self.theme.colors["link"] if run.href else font.color,
                bold=font.bold or run.bold,
                italic=font.italic or run.italic,
            )
        return tuple(sorted(fonts.items(), key=lambda item: repr(item[0])))

    def paragraph(
        self,
        text: str,
        role: str,
        size: float,
        width: float,
        *,
        align: Align = "left",
        indent: float = 0.0,
        bullet: str | None = None,
        bullet_indent: float = 0.0,
        space_before: float = 0.0,
        link: str | None = None,
        level: int = 0,
        color: str | None = None,
        bold: bool | None = None,
        runs: Sequence[Run] = (),
    ) -> Paragraph:
        """Return `text` set in `role` at `size`, broken into lines `width` wide.

        With `runs` (the styled runs of `text`) that carry emphasis or links, each run is
        measured in the face it is drawn in, and the paragraph keeps each line's runs.
        """
        font = self.font(role, size, color=color, bold=bold)
        fonts: RunFonts = ()
        line_runs: tuple[tuple[Run, ...], ...] = ()
        if runs and not is_plain(runs):
            fonts = self.run_fonts(runs, font, role)
            lines = self._styled_lines(tuple(runs), font.pdf_name, fonts, size, width - indent)
            line_runs = lines_of(runs, text, lines)
        else:
            lines = self._lines(text, font.pdf_name, size, width - indent)
        return Paragraph(
            text=text,
            lines=lines,
            runs=line_runs,
            run_fonts=fonts,
            font=font,
            leading=round(size * self.style(role).leading, 2),
            align=align,
            indent=indent,
            bullet=bullet,
            bullet_indent=bullet_indent,
            space_before=space_before,
            link=link,
            level=level,
        )

    @staticmethod
    def frame_width(text_width: float) -> float:
        """Return the width a frame needs so that a line `text_width` wide fits on one line."""
        return max(text_width + 1.0, text_width / (1 - WIDTH_SAFETY)) + 0.01


class _LineBreaker:
    """A setter's line breaking: its font book, and the widths it has measured in each font.

    Apart from the setter, so that the setter's line caches (`lru_cache` around these methods)
    refer to nothing that refers back to them: a setter and all its caches are freed as soon
    as the layout lets go of them, without waiting for the cycle collector.
    """

    __slots__ = ("_measures", "book")

    def __init__(self, book: FontBook):
        self.book = book
        self._measures: dict[str, Measure] = {}  # by font: widths remembered (see `plain`)

    def plain(
        self, text: str, font_name: str, size: float, width: float, remember: bool = True
    ) -> tuple[str, ...]:
        """Return `text` broken into lines `width` wide (less the safety margin).

        Widths come from the font book, remembered per font and size unless `remember` is
        off (then every width is asked of the book, which notes the characters no font has).
        """
        usable = width - max(1.0, width * WIDTH_SAFETY)  # as frame_width undoes
        measure = self._measures.get(font_name) if remember else None
        if measure is None:
            book = self.book

            def measure(piece: str, piece_size: float) -> float:
                return book.width(piece, font_name, piece_size)

            if remember:
                measure = self._measures[font_name] = remembering(measure)
        return tuple(break_lines(text, usable, measure, size))

    def styled(
        self, runs: tuple[Run, ...], font_name: str, fonts: RunFonts, size: float, width: float
    ) -> tuple[str, ...]:
        """Return the lines of `runs` (as `plain` does), each piece measured in its face."""
        usable = width - max(1.0, width * WIDTH_SAFETY)
        book = self.book
        names = dict(fonts)
        styles = styles_of(runs)
        text = "".join(run.text for run in runs)

        def measure(piece: str, piece_size: float) -> float:
            return book.width(piece, font_name, piece_size)

        def measure_at(piece: str, start: int, piece_size: float) -> float:
            total, index, end = 0.0, 0, len(piece)
            while index < end:
                style = styles[min(start + index, len(styles) - 1)]
                stop = index + 1
                while stop < end and styles[min(start + stop, len(styles) - 1)] == style:
                    stop += 1
                face = names[style].pdf_name if style in names else font_name
                total += book.width(piece[index:stop], face, piece_size)
                index = stop
            return total

        return tuple(break_lines(text, usable, measure, size, measure_at=measure_at))

    def kept(
        self, kept: dict, text: str, font_name: str, size: float, width: float
    ) -> tuple[str, ...]:
        """Return the lines of `text` from `kept` (breaking it on a miss); note the characters
        no font has in this book, as breaking it here would have."""
        key = (text, font_name, size, width)
        found = kept.get(key)
        if found is None:
            with noting_missing(self.book) as recorder:
                lines = self.plain(text, font_name, size, width, remember=False)
            found = kept[key] = (lines, recorder.noted)
        else:
            for char, where in found[1]:
                self.book.missing.setdefault(char, where)
        return found[0]


class _MissingRecorder(dict):
    """A font book's record of characters no font has, that also lists every note made."""

    def __init__(self, record: dict[str, str]):
        super().__init__(record)
        self.record = record
        self.noted: tuple[tuple[str, str], ...] = ()

    def setdefault(self, char: str, text: str) -> str:  # type: ignore[override]
        self.noted += ((char, text),)
        return self.record.setdefault(char, text)


@dataclass(frozen=True)
class _KeptSlides:
    """A section's slides as a watch session keeps them (see `DeckBuilder.section_slides`),
    with the titles taken and warnings made in making them (in order), the characters no
    font has that were noted, and the places of the section and its blocks then."""

    slides: tuple[Slide, ...]
    log: tuple[tuple, ...]
    missing: tuple[tuple[str, str], ...]
    places: tuple[Location, ...]


def _copied_slide(slide: Slide) -> Slide:
    """Return a copy of `slide` whose boxes can be added to (`finish` adds the footers)."""
    return replace(slide, boxes=list(slide.boxes))


@contextmanager
def noting_missing(book: FontBook) -> Iterator[_MissingRecorder]:
    """Note, while inside, each character no font has that `book` records (see the
    recorder's `noted`): what is kept between rebuilds notes them again when reused."""
    missing = book.missing
    recorder = book.missing = _MissingRecorder(missing)
    try:
        yield recorder
    finally:
        book.missing = missing


@dataclass(frozen=True)
class _Item:
    """A paragraph still to be placed: its text and how to set it."""

    text: str
    role: str
    level: int
    bullet: bool
    link: str | None = None
    keep_space: bool = True
    number: int | None = None  # a numbered item (agenda): "1." hangs in the indent
    bold: bool | None = None
    runs: tuple[Run, ...] = ()  # the styled runs of `text`, when it has emphasis or links

    def part(self, text: str, *, head: bool) -> _Item:
        """Return this item with `text`, its start (`head`) or its end, and that part's runs."""
        if not self.runs:
            return replace(self, text=text)
        start = 0 if head else len(self.text) - len(text)
        return replace(self, text=text, runs=cut(self.runs, start, start + len(text)))


@dataclass(frozen=True)
class _TextRegions:
    """Where a section's text goes on each of its slides, around its cards or its block."""

    full: Region
    beside: float  # width of the card column beside the text on the first slide (0: none)
    shared: tuple[Block, Region, Region] | None  # the first slide's block and regions
    card_pages: Sequence[tuple[list[FigureInfo], float]]  # cards above the text, by slide

    def __call__(self, index: int) -> Region:
        full = self.full
        if index == 0 and self.beside:
            return Region(full.x, full.y, full.w - self.beside, full.h)
        if index == 0 and self.shared is not None:
            return self.shared[1]
        if index < len(self.card_pages):
            used = self.card_pages[index][1]
            return Region(full.x, full.y + used, full.w, full.h - used)
        return full


class DeckBuilder(BlockSlides):
    """Build the slides of one document with one theme."""

    def __init__(self, doc: Document, theme: Design, book: FontBook):
        self.doc = doc
        self.theme = theme
        self.setter = TextSetter(theme, book)
        self.tokens = theme.slide
        self.width = self.tokens.width
        self.height = self.tokens.height
        self.slides: list[Slide] = []
        self.warnings: list[Problem] = []
        self._title_counts: dict[str, int] = {}
        self._log: list[tuple] | None = None  # titles taken and warnings (`section_slides`)
        self._setting_key: bytes | None = None  # see `setting_key`
        self.labels = doc.labels
        self.meta_location = doc.meta.location or Location(doc.source_file)
        banner = rules.banner_height(theme) if doc.meta.classification else 0.0
        self.banner_height = banner
        margins = self.tokens.margins
        self.left = margins.left
        self.right = self.width - margins.right
        self.top = banner + margins.top
        self.footer_y = self.height - banner - margins.bottom - self.tokens.footer_height
        self.content_bottom = self.footer_y - self.tokens.gap
        self.frame: TemplateFrame | None = None
        self.body_start = 0.0  # with a template: where its layout's body area starts
        self.title_region: Region | None = None  # with a template: its title placeholder
        self.title_color: str | None = None  # with a template: its title colour, if it sets one
        self.stack_align: Align = "left"  # the title slide's block: centred on a template's cover
        if theme.template is not None:
            from alliancedeck.template.frame import template_frame

            self.frame = template_frame(theme.template, banner, self.tokens.footer_height)
            self.width, self.height = self.frame.width, self.frame.height
            self.use_role("content")

    def use_role(self, kind: str) -> None:
        """Lay out the next slides in the areas the template's layout for `kind` leaves free.

        Without a template, nothing changes: the layout's margins hold for every slide.
        """
        if self.frame is None:
            return
        role = self.frame.role(kind)
        title, body = role.title, role.body
        if kind in ("title", "closing"):  # one stack over the title and body areas
            self.left = min(title.x, body.x)
            self.right = max(title.x + title.w, body.x + body.w)
            self.top = min(title.y, body.y)
            self.content_bottom = max(title.bottom, body.bottom)
        else:
            self.left, self.right = body.x, body.x + body.w
            self.top = title.y
            self.content_bottom = body.bottom
        self.title_region = title
        self.title_color = role.title_color or None
        # A dark page: its text in the light colour the template sets there (on a content
        # page, the text set on the background; cards and tables keep their dark text).
        self.setter.light_text = role.light_text
        self.setter.light_everywhere = kind in ("title", "closing")
        centred = kind == "title" and role.title_type == "ctrTitle"
        self.stack_align: Align = "center" if centred else "left"
        self.body_start = body.y
        self.footer_y = self.frame.footer.y

    # ----- shared pieces -------------------------------------------------------------------

    def warn(self, location: Location, message: str) -> None:
        """Record a layout warning; one per place (continuation slides repeat their title)."""
        if self._log is not None:  # a section's slides being kept (see `section_slides`)
            self._log.append(("warn", location, message))
        if all(
            w.location != location or w.message.split(" ")[:2] != message.split(" ")[:2]
            for w in self.warnings
        ):
            self.warnings.append(Problem(location, message, "warning"))

    def title_box(
        self,
        text: str,
        location: Location,
        *,
        role: str = "title",
        region: Region | None = None,
        max_lines: int = 2,
        warn: bool = True,
    ) -> TextBox:
        """Return the title frame: wrapped to `max_lines`, then shrunk, never clipped.

        On a template, a slide's title takes its title placeholder's place, centred in it
        vertically (and taller only when its lines need it).
        """
        placeholder = self.title_region if region is None else None
        if placeholder is not None:
            region = Region(placeholder.x, placeholder.y, placeholder.w, 0)
        area = region or Region(self.left, self.top, self.right - self.left, 0)
        box = self.fitted_box(
            text,
            role,
            area,
            name="Title",
            max_lines=max_lines,
            max_height=placeholder.h if placeholder is not None else None,
            color=self.title_color,
        )
        if placeholder is not None and box.h < placeholder.h:
            box = replace(box, h=placeholder.h, anchor="middle")
        paragraph = box.paragraphs[0]
        style = self.setter.style(role)
        if warn and len(paragraph.lines) > max_lines:
            self.warn(
                location,
                f"title needs {len(paragraph.lines)} lines even at "
                f"{style.min_size:g} pt; shorten it",
            )
        elif warn and paragraph.font.size < style.size:
            self.warn(location, f"title shrunk to {paragraph.font.size:g} pt to fit")
        return replace(box, role="title")  # every slide's title frame, whatever its type role

    def rule_under(self, box: TextBox) -> Rect:
        """Return the short rule under a slide title (none on a template: 0 wide, not drawn)."""
        width = 0.0 if self.frame is not None else 56.0
        return Rect(box.x, box.y + box.h + 6, width, 3, self.theme.colors["primary"], name="Rule")

    def after_title(self, title: TextBox, rule: Rect) -> float:
        """Return the body top under `title` (and its `rule`): on a template, never above its
        layout's body area."""
        if self.frame is not None:
            return max(self.body_start, title.y + title.h + self.tokens.gap)
        return rule.y + rule.h + self.tokens.gap

    def unique_title(self, title: str) -> str:
        """Return `title`, numbered " (2)", " (3)"... if an earlier section or a slide the deck
        makes itself (see `reserve_titles`) has the same title, whatever its case: every slide
        has a title of its own, which a screen reader announces to tell slides apart."""
        if self._log is not None:  # a section's slides being kept (see `section_slides`)
            self._log.append(("title", title))
        key = title.casefold()
        count = self._title_counts.get(key, 0) + 1
        self._title_counts[key] = count
        return title if count == 1 else f"{title} ({count})"

    def reserve_titles(self, closing: SectionInfo | None) -> None:
        """Claim the titles of the slides the deck makes itself (the title slide's, Agenda, Key
        figures, Sources, the `closing` section's or Questions) before any section's, which is
        numbered if it repeats one."""
        labels = self.labels
        words = (labels.agenda, labels.key_figures, labels.more_figures, labels.sources)
        ending = closing.portion(closing.title) if closing else labels.questions
        for title in (self.doc.meta.title, *words, labels.questions, ending):
            self._title_counts.setdefault(title.casefold(), 1)

    def backup_tag(self) -> TextBox:
        """Return the BACKUP label of backup slides (top right, in the accent colour)."""
        width = 110.0
        return self.fitted_box(
            self.labels.backup_tag,
            "footer",
            Region(self.right - width, self.top - 18, width, 0),
            name="Backup tag",
            align="right",
            max_lines=1,
            bold=True,
            color=self.theme.colors["accent"],
        )

    def new_slide(
        self,
        kind: str,
        title: str,
        location: Location,
        *,
        notes: str | None = None,
        backup: bool = False,
        kicker: str | None = None,
    ) -> tuple[Slide, float]:
        """Start a slide with its title and rule (and BACKUP tag, and the `kicker` above an
        action title); return it and its body top."""
        kicker_box = self.kicker_box(kicker)
        region = None
        if kicker_box is not None:
            y = kicker_box.y + kicker_box.h + 2
            region = Region(self.left, y, self.right - self.left, 0)
        title_box = self.title_box(title, location, region=region)
        rule = self.rule_under(title_box)
        boxes: list[Box] = [title_box] if self.frame is not None else [title_box, rule]
        slide = Slide(kind=kind, title=title, boxes=boxes, notes=notes)
        if kicker_box is not None:
            slide.boxes.append(kicker_box)
        if backup and self.frame is None:  # on a template the title says it: no room above
            slide.boxes.append(self.backup_tag())
        self.slides.append(slide)
        return slide, self.after_title(title_box, rule)

    def kicker_box(self, kicker: str | None) -> TextBox | None:
        """Return the small section title above an action title, or None without one."""
        if not kicker:
            return None
        width = self.right - self.left - 130  # clear of the BACKUP tag
        return self.fitted_box(
            kicker,
            "caption",
            Region(self.left, self.top, width, 0),
            name="Kicker",
            max_lines=1,
            bold=True,
            color=self.theme.colors["accent"],
        )

    def body_top(self, titles: Sequence[str], kicker: str | None = None) -> float:
        """Return the lowest body top of slides titled by any of `titles` (all share it)."""
        where = Location(self.doc.source_file)
        kicker_box = self.kicker_box(kicker)
        top = self.top if kicker_box is None else kicker_box.y + kicker_box.h + 2
        region = Region(self.left, top, self.right - self.left, 0)
        if self.frame is not None and kicker_box is None:
            boxes = [self.title_box(t, where, warn=False) for t in titles]
            return max(self.after_title(box, self.rule_under(box)) for box in boxes)
        heights = [self.title_box(t, where, region=region, warn=False).h for t in titles]
        return top + max(heights) + 9 + self.tokens.gap

    # ----- flowing paragraphs over slides --------------------------------------------------

    def _set(
        self, item: _Item, size: float, width: float, first: bool, primary: str = "body"
    ) -> Paragraph:
        role_size = self._companion_size(item.role, primary, size)
        indent_unit = rules.bullet_indent(role_size)
        if item.bullet:
            indent = indent_unit * (item.level + 1)
            bullet = bullet_for(item.level)
            bullet_indent = indent - indent_unit
        else:
            indent = indent_unit * item.level if item.level else 0.0
            bullet, bullet_indent = None, 0.0
        if first or not item.keep_space:
            space = 0.0
        elif item.level == 0:
            space = round(role_size * 0.45, 2)
        else:
            space = round(role_size * 0.2, 2)
        if item.number is not None:  # the number hangs left of the text, as a bullet would
            indent = role_size * 1.9
            bullet, bullet_indent = f"{item.number}.", 0.0
        color = self.theme.colors["link"] if item.link else None
        return self.setter.paragraph(
            item.text,
            item.role,
            role_size,
            width,
            indent=indent,
            bullet=bullet,
            bullet_indent=bullet_indent,
            space_before=space,
            link=item.link,
            level=item.level,
            color=color,
            bold=item.bold,
            runs=item.runs,
        )

    def _companion_size(self, role: str, primary: str, primary_size: float) -> float:
        """Return the size of `role` when `primary` is set at `primary_size` (both shrink)."""
        if role == primary:
            return primary_size
        shrink = self.setter.style(primary).size - primary_size
        style = self.setter.style(role)
        return max(style.min_size, style.size - shrink)

    def flow(
        self,
        items: Sequence[_Item],
        regions: Callable[[int], Region],
        size: float,
        primary: str = "body",
    ) -> list[list[Paragraph]]:
        """Return `items` set at `size` and spread over as many regions (slides) as they need.

        A paragraph that does not fit in what is left of a slide moves to the next one; one
        taller than a whole slide is split at sentence ends, and a sentence taller than a
        slide is split between lines. Nothing is dropped.
        """
        pages: list[list[Paragraph]] = [[]]
        used = 0.0
        queue = deque(items)  # taken from the front, carried-over rests put back there
        while queue:
            item = queue.popleft()
            region = regions(len(pages) - 1)
            page = pages[-1]
            paragraph = self._set(item, size, region.w, not page, primary)
            needed = paragraph.height + (paragraph.space_before if page else 0.0)
            if used + needed <= region.h + 0.01:
                if page and self._orphans_its_first_point(
                    item, queue, size, region, used + needed, primary
                ):
                    # A point whose first sub-point would go on the next slide goes with it.
                    pages.append([])
                    used = 0.0
                    queue.insert(0, item)
                    continue
                page.append(paragraph)
                used += needed
                continue
            following = regions(len(pages))
            fresh = self._set(item, size, following.w, True, primary)
            # A slide with room left for less than this paragraph (its cards above took the
            # rest) stays as it is and the paragraph goes whole to the next, when it fits there.
            if (page or region.h < following.h) and fresh.height <= following.h + 0.01:
                pages.append([])
                used = 0.0
                queue.appendleft(item)
                continue
            if not page and region.h + 0.01 < fresh.leading and len(pages) <= MOST_FILLED_SLIDES:
                # Cards fill this slide and leave its text not one line: the text starts on a
                # later slide (a section's cards fill one slide each at most: the loop ends).
                pages.append([])
                queue.appendleft(item)
                continue
            # Too tall even for a slide of its own: place what fits here, carry the rest over.
            head, tail = self._split(item, size, region.w, region.h - used, not page, primary)
            if head is None:
                pages.append([])
                used = 0.0
                queue.appendleft(item)
                continue
            page.append(head)
            used += head.height + (head.space_before if len(page) > 1 else 0.0)
            if tail.text:
                queue.appendleft(tail)
            pages.append([])
            used = 0.0
        while len(pages) > 1 and not pages[-1]:  # a slide left empty only at the end goes;
            pages.pop()  # an empty one before it keeps its place (its cards fill it)
        return pages

    def _orphans_its_first_point(
        self,
        item: _Item,
        queue: Sequence[_Item],
        size: float,
        region: Region,
        used: float,
        primary: str,
    ) -> bool:
        """Return whether `item`, placed with `used` points of `region` taken, would end the
        slide apart from its first sub-point (the next of `queue`), when a fresh slide holds
        both."""
        if not queue or queue[0].level <= item.level or not queue[0].bullet:
            return False
        child = self._set(queue[0], size, region.w, False, primary)
        if used + child.space_before + child.height <= region.h + 0.01:
            return False
        alone = self._set(item, size, region.w, True, primary)
        return alone.height + child.space_before + child.height <= region.h + 0.01

    def _split(
        self, item: _Item, size: float, width: float, room: float, first: bool, primary: str
    ) -> tuple[Paragraph | None, _Item]:
        """Return the largest head of `item` that fits in `room`, and the rest as a new item."""
        sentences = split_sentences(item.text)
        best: Paragraph | None = None
        best_count = 0
        for count in range(1, len(sentences)):
            trial = item.part(cut_after(item.text, sentences[:count])[0], head=True)
            paragraph = self._set(trial, size, width, first, primary)
            if paragraph.height + (0 if first else paragraph.space_before) <= room + 0.01:
                best, best_count = paragraph, count
            else:
                break
        if best is not None:
            rest = cut_after(item.text, sentences[:best_count])[1]
            return best, replace(
                item.part(rest, head=False),
                bullet=False,
                keep_space=False,
                level=item.level + (1 if item.bullet else 0),
            )
        # Not even one sentence fits: cut between lines.
        whole = self._set(item, size, width, first, primary)
        space = 0 if first else whole.space_before
        fitting = int((room - space + 0.01) // whole.leading)
        if fitting < 1:
            if not first:
                return None, item  # try again on the next slide
            fitting = 1  # a slide with less room than one line (a strange layout): never loop

        head_text, rest_text = cut_after(item.text, whole.lines[:fitting])
        head = whole.sliced(0, fitting, text=head_text)
        return head, replace(
            item.part(rest_text, head=False),
            bullet=False,
            keep_space=False,
            level=item.level + (1 if item.bullet else 0),
        )

    def paginate(
        self, items: Sequence[_Item], regions: Callable[[int], Region], role: str = "body"
    ) -> list[list[Paragraph]]:
        """Return `items` set at the largest size that needs the fewest slides.

        The size is found by bisection (a smaller size never needs more slides): a long list
        (an agenda or the sources of hundreds of sections) is set at a few sizes, not at all;
        items that fit one slide at the largest size (most sections) are set at that size alone.
        """
        sizes = sizes_between(self.setter.style(role))
        largest = self.flow(items, regions, sizes[0], role)
        if len(sizes) == 1 or len(largest) == 1:
            return largest  # one slide: no size needs fewer (most sections end here)
        fewest = self.flow(items, regions, sizes[-1], role)
        if len(largest) <= len(fewest):
            return largest  # a short list: done at once
        found = {len(sizes) - 1: fewest}  # by index in `sizes`: pages as few as `fewest`
        low, high = 1, len(sizes) - 1  # the answer is in sizes[low..high]; sizes[high] fits
        while low < high:
            middle = (low + high) // 2
            pages = self.flow(items, regions, sizes[middle], role)
            if len(pages) <= len(fewest):
                high, found[middle] = middle, pages
            else:
                low = middle + 1
        return found[high]

    # ----- the slides ----------------------------------------------------------------------

    def title_slide(self) -> None:
        """Add the title slide: markings at the foot, the title block stacked above them.

        The statement and the CUI block sit on the footer; the title, its rule, the subtitle and
        the byline lines are one block above them. When the block does not fit, its parts
        shrink together to their smallest sizes, then optional lines go, in this order: the POC
        (it is on the closing slide), the organization (when there are authors), the product
        id, the subtitle. Each dropped line, and a block that still does not fit, is a warning.
        """
        meta = self.doc.meta
        where = self.meta_location
        self.use_role("title")
        content_w = self.right - self.left
        boxes: list[TextBox | Rect] = []
        if self.frame is None:  # a template has its own title slide artwork
            band = Rect(
                0,
                self.banner_height,
                self.left * 0.45,
                self.height - 2 * self.banner_height,
                self.theme.colors["primary"],
                name="Title band",
            )
            boxes.append(band)
        markings: list[TextBox | Rect] = []
        floor = self.markings_block(markings) - self.tokens.gap
        poc = rules.poc_lines(meta, self.labels, one_line=True)
        parts = [
            ("subtitle", meta.subtitle, "subtitle"),
            ("authors", ", ".join(meta.authors) or None, "byline"),
            ("organization", meta.organization, "byline"),
            ("date", self.labels.as_of(meta.date), "byline"),
            ("poc", poc[0] if poc else None, "byline"),
            ("product_id", meta.product_id, "byline"),
        ]
        drops = ["poc", "organization" if meta.authors else "", "product_id", "subtitle"]
        drops += ["organization", "authors", "date"]  # last resorts, each a warning
        dropped: list[str] = []
        room = floor - self.top
        title_style = self.setter.style("title_slide")
        title_sizes = sizes_between(title_style)
        # The title's largest size on at most three lines; the others start at their own size.
        first = next(
            (
                i
                for i, size in enumerate(title_sizes)
                if len(self.setter.paragraph(meta.title, "title_slide", size, content_w).lines) <= 3
            ),
            len(title_sizes) - 1,
        )

        def fitting(sizes: Sequence[float], max_lines: int) -> list[TextBox | Rect] | None:
            for shrink, size in enumerate(sizes):
                stack = self._title_stack(meta.title, parts, size, shrink, content_w)
                lines = len(stack[0].paragraphs[0].lines)
                if stack[-1].y + stack[-1].h <= room and lines <= max_lines:
                    return stack
            return None

        smallest = self.setter.paragraph(meta.title, "title_slide", title_sizes[-1], content_w)
        max_lines = 3
        if len(smallest.lines) > 3:  # more lines, never clipped
            max_lines = 99
            self.warn(
                where,
                f"title needs {len(smallest.lines)} lines even at {title_sizes[-1]:g} pt; "
                "shorten it",
            )
        stack = fitting(title_sizes[first:], max_lines)
        while stack is None and drops:
            name = drops.pop(0)
            if any(key == name and text for key, text, _ in parts):
                dropped.append(name)
                parts = [part for part in parts if part[0] != name]
                stack = fitting(title_sizes[first:], max_lines)
        for name in dropped:
            self.warn(where, f"the title slide has no room for its {name.replace('_', ' ')} line")
        if stack is None:
            # Smaller than the layout allows rather than over the markings (never clipped).
            smaller = [title_style.min_size - step for step in range(int(title_style.min_size))]
            stack = fitting([s for s in smaller if s >= 6], 99)
            self.warn(
                where,
                "the title slide's title does not fit above its markings at "
                f"{title_style.min_size:g} pt; shorten the title",
            )
        if stack is None:
            stack = self._title_stack(meta.title, parts, 6.0, 99, content_w)
        height = stack[-1].y + stack[-1].h
        title = stack[0].paragraphs[0]
        if title.font.size < title_sizes[0] and not dropped:
            self.warn(where, f"title shrunk to {title.font.size:g} pt to fit")
        # The block starts a little above the middle when there is room, as on a cover.
        top = self.top + max(0.0, (room - height) * 0.45)
        boxes.extend(replace(box, y=box.y + top) for box in stack)
        boxes.extend(markings)  # read after the title block
        self.slides.append(Slide(kind="title", title=meta.title, boxes=boxes))
        self.use_role("content")

    def _title_stack(
        self,
        title: str,
        parts: Sequence[tuple[str, str | None, str]],
        size: float,
        shrink: float,
        width: float,
    ) -> list[TextBox | Rect]:
        """Return the title block from y = 0: the title at `size`, the other parts `shrink`
        points below their own sizes (never below their smallest)."""
        align = self.stack_align
        color = self.title_color
        paragraph = self.setter.paragraph(
            title, "title_slide", size, width, align=align, color=color
        )
        stack: list[TextBox | Rect] = [
            TextBox(self.left, 0, width, paragraph.height, (paragraph,), "title", "Title")
        ]
        y = paragraph.height + 10
        if self.frame is None:
            stack.append(Rect(self.left, y, 80, 4, self.theme.colors["accent"], name="Rule"))
        y += 4 + self.tokens.gap
        for _key, text, role in parts:
            if not text:
                continue
            style = self.setter.style(role)
            part_size = max(style.min_size, style.size - shrink)
            line = self.setter.paragraph(text, role, part_size, width, align=align)
            name = "Subtitle" if role == "subtitle" else "Byline"
            stack.append(TextBox(self.left, y, width, line.height, (line,), role, name))
            y += line.height + 6
        return stack

    def fitted_box(
        self,
        text: str,
        role: str,
        region: Region,
        *,
        name: str,
        align: Align = "left",
        max_lines: int = 3,
        bold: bool | None = None,
        color: str | None = None,
        max_height: float | None = None,
    ) -> TextBox:
        """Return a frame of `text` in `role` as tall as its lines, shrunk to `max_lines` lines
        (and, where it can be, to `max_height`).

        `bold` and `color` override the role's, and the text is measured as it is drawn.
        """
        style = self.setter.style(role)
        paragraph = None
        fallback = None
        for size in sizes_between(style):
            paragraph = self.setter.paragraph(
                text, role, size, region.w, align=align, bold=bold, color=color
            )
            if len(paragraph.lines) <= max_lines:
                fallback = fallback or paragraph
                if max_height is None or paragraph.height <= max_height + 0.01:
                    break
        else:
            paragraph = fallback or paragraph
        assert paragraph is not None
        return TextBox(
            region.x, region.y, region.w, paragraph.height, (paragraph,), role=role, name=name
        )

    def agenda_slide(self, sections: Sequence[SectionInfo]) -> None:
        """Add the agenda: the titles of `sections`, numbered, in content order."""
        if len(sections) < 2:
            return
        items = [
            _Item(s.title, "body", 0, bullet=False, number=n)
            for n, s in enumerate(sections, start=1)
        ]
        self.list_slides(items, self.labels.agenda, "agenda")

    def markings_block(self, boxes: list[TextBox | Rect]) -> float:
        """Add the distribution statement (left) and the CUI block (right) on the footer of a
        title or closing slide; return the top of the highest (the foot of the content)."""
        meta = self.doc.meta
        content_w = self.right - self.left
        floor = self.content_bottom
        statement_w = content_w
        if meta.cui:
            block_w = rules.cui_block_width(content_w)
            statement_w = content_w - block_w - self.tokens.gap
            block = self.fitted_box(
                "\n".join(meta.cui),
                "statement",
                Region(self.right - block_w, 0, block_w, 0),
                name="CUI designation",
                max_lines=len(meta.cui) + 2,
            )
            block = replace(block, y=self.content_bottom - block.h)
            boxes.append(block)
            floor = min(floor, block.y)
        if meta.distribution:
            box = self.fitted_box(
                meta.distribution,
                "statement",
                Region(self.left, 0, statement_w, 0),
                name="Distribution",
                max_lines=6,
            )
            box = replace(box, y=self.content_bottom - box.h)
            boxes.append(box)
            floor = min(floor, box.y)
        return floor

    def closing_slide(
        self, section: SectionInfo | None, sources: Sequence[_Item] = ()
    ) -> Slide | None:
        """Return the closing slide: its word (the closing section's title, else "Questions"),
        the section's own lead and points, the point of contact line by line, the markings,
        and `sources` (the Sources list) above the markings; None when they do not fit it.

        The Sources list goes on the closing slide only when it is short: at the source size,
        in at most SOURCES_ON_SLIDE of the slide's room and clear of everything else on it.
        Points or contact lines the slide has no room for (a template's small closing area)
        go on slides of their own just before it, under the same word: no line is lost.
        """
        self.use_role("closing")
        try:
            return self._closing_slide(section, sources)
        finally:
            self.use_role("content")  # backup sections follow on content slides

    def _closing_slide(self, section: SectionInfo | None, sources: Sequence[_Item]) -> Slide | None:
        meta = self.doc.meta
        word = section.portion(section.title) if section else self.labels.questions
        where = section.location if section else self.meta_location
        boxes: list[TextBox | Rect] = []
        floor = self.markings_block(boxes) - self.tokens.gap
        width = self.right - self.left
        sources_boxes: list[TextBox | Rect] = []
        sources_room = 0.0
        if sources:
            sources_boxes = self.sources_block(sources, Region(self.left, 0, width, 0))
            height = max(b.y + b.h for b in sources_boxes)
            if height > (floor - self.top) * SOURCES_ON_SLIDE:
                return None
            # Clear of the markings under it (they are read apart), and of the text above.
            bottom = floor - self.tokens.gap
            sources_boxes = [replace(b, y=b.y + bottom - height) for b in sources_boxes]
            sources_room = floor - (bottom - height - self.tokens.gap * 2)
            floor -= sources_room
        title = self.title_box(
            word, where, role="title_slide", region=Region(self.left, 0, width, 0)
        )
        rule = Rect(self.left, title.h + 10, 80, 4, self.theme.colors["accent"], "Rule")
        stack: list[TextBox | Rect] = [title] if self.frame is not None else [title, rule]
        y = rule.y + rule.h + self.tokens.gap
        items: list[_Item] = []
        if section and section.lead:
            items.append(_lead_item(section, section.lead))
        if section:
            items.extend(_point_items(section))
        contact = meta.poc_lines
        lines = [(self.labels.poc_heading, True)] if contact else []
        lines += [(line, False) for line in contact]
        if meta.organization and meta.organization not in contact:
            lines.append((meta.organization, False))
        if not lines:  # no one named: the brief itself, so the slide is not bare
            lines = [(text, False) for text in (meta.title, self.labels.as_of(meta.date)) if text]
        contact_box = None
        if lines:
            size = self.setter.style("byline").size
            paragraphs = tuple(
                self.setter.paragraph(text, "byline", size, width, bold=bold)
                for text, bold in lines
            )
            contact_box = TextBox(
                self.left, 0, width, stack_height(paragraphs), paragraphs, "byline", "Contact"
            )
        spilled: list[_Item] = []  # what goes on slides of its own before the closing slide
        if contact_box is not None and y + contact_box.h > floor - self.top:
            # A small closing area (a template's blank layout): the contact lines would run
            # into the markings below. Without the sources they may fit; else they go before.
            if sources:
                return None
            self.warn(
                where,
                "the closing slide has no room for its contact lines: they are on a slide "
                "before it",
            )
            spilled_contact = [
                _Item(text, "body", 0, bullet=False, bold=bold) for text, bold in lines
            ]
            contact_box = None
        else:
            spilled_contact = []
        if items:
            room = floor - self.top - y
            if contact_box is not None:
                room -= contact_box.h + self.tokens.gap
            if room < self.setter.style("body").min_size * 1.5:
                if sources:
                    return None
                self.warn(
                    where,
                    "the closing slide has no room for its points: they are on a slide before it",
                )
                spilled, items = items, []
        if items:
            region = Region(self.left, y, width, room)
            pages = self.paginate(items, lambda _index: region)
            if sources:
                # The sources take no room the points need: not a line more, not a point
                # smaller than without them (else they go elsewhere).
                alone = replace(region, h=room + sources_room)
                sizes = [
                    p.font.size for page in self.paginate(items, lambda _i: alone) for p in page
                ]
                if len(pages) > 1 or [p.font.size for p in pages[0]] != sizes:
                    return None
            if len(pages) > 1:
                self.warn(
                    where, "the closing slide's points do not fit it: they are on a slide before it"
                )
                spilled, pages = items, []
        if items and pages:
            points = pages[0]
            stack.append(
                TextBox(self.left, y, width, stack_height(points), tuple(points), "body", "Points")
            )
            y += stack_height(points) + self.tokens.gap
        if spilled or spilled_contact:
            # On content slides of their own, before the closing slide (which keeps its word).
            self.use_role("content")
            self.list_slides([*spilled, *spilled_contact], word, "section")
            self.use_role("closing")
        if contact_box is not None:
            stack.append(replace(contact_box, y=y))
            y += contact_box.h
        if sources and y > floor - self.top:
            return None
        room = floor - self.top
        top = self.top + max(0.0, (room - y) * 0.4)
        # Read in this order: the closing word and its text, the sources, the markings.
        boxes[:0] = [replace(box, y=box.y + top) for box in stack] + sources_boxes
        return Slide(
            kind="closing", title=word, boxes=boxes, notes=section.notes if section else None
        )
        self.use_role("content")

    def sources_block(self, items: Sequence[_Item], region: Region) -> list[TextBox | Rect]:
        """Return the Sources list as a block from the top of `region` (its height unbounded):
        a small "Sources" heading, then the list at the source size, in two balanced columns
        when it has more than a few lines (a section's title never ends a column)."""
        heading = self.fitted_box(
            self.labels.sources,
            "caption",
            Region(region.x, region.y, region.w, 0),
            name="Sources heading",
            max_lines=1,
            bold=True,
            color=self.theme.colors["accent"],
        )
        heading = replace(heading, role="heading")  # read as a heading, set as a kicker
        top = heading.y + heading.h + 4
        size = self.setter.style("source").size
        gap = self.tokens.gap * 2

        def column(part: Sequence[_Item], width: float) -> tuple[Paragraph, ...]:
            unbounded = Region(region.x, top, width, 1e9)
            return tuple(self.flow(part, lambda _index: unbounded, size, "source")[0])

        columns = [column(items, region.w)]
        if len(items) > SOURCES_ONE_COLUMN:
            pair = self.balanced_columns(items, size, (region.w - gap) / 2)
            if pair is not None:
                columns = list(pair)
        width = region.w if len(columns) == 1 else (region.w - gap) / 2
        boxes: list[TextBox | Rect] = [heading]
        for index, paragraphs in enumerate(columns):
            x = region.x + index * (width + gap)
            boxes.append(
                TextBox(x, top, width, stack_height(paragraphs), paragraphs, "source", "Sources")
            )
        return boxes

    def balanced_columns(
        self, items: Sequence[_Item], size: float, width: float
    ) -> tuple[tuple[Paragraph, ...], tuple[Paragraph, ...]] | None:
        """Return `items` (set at `size` in `width`) in two columns ending closest together,
        cut before an item that starts a section's list (a bullet before it), or None.

        Each item is set twice, as a column's first paragraph and as a later one: every cut's
        columns are made of these (as a flow down an unbounded column sets them), so a long
        list is not set again for each cut.
        """
        splits = [k for k in range(1, len(items)) if items[k - 1].bullet]
        if not splits:
            return None
        first = [self._set(item, size, width, True, "source") for item in items]
        later = [self._set(item, size, width, False, "source") for item in items]
        # Each paragraph's share of a column's height, as `stack_height` adds them up.
        after = [p.height + p.space_before for p in later]
        best: tuple[float, int] | None = None
        for k in splits:
            head = sum(after[1:k], first[0].height + 0.0)
            tail = sum(after[k + 1 :], first[k].height + 0.0)
            if best is None or max(head, tail) < best[0]:
                best = (max(head, tail), k)
        assert best is not None
        k = best[1]
        return (first[0], *later[1:k]), (first[k], *later[k + 1 :])

    def sources_at_foot(self, items: Sequence[_Item]) -> bool:
        """Put the Sources list at the foot of the last slide when it is a section's slide with
        room for it under its content at the source size, and the list is short (at most
        SOURCES_ON_SLIDE of a slide's room); return whether it went there."""
        if not self.slides or self.slides[-1].kind not in ("section", "block"):
            return False
        slide = self.slides[-1]
        width = self.right - self.left
        block = self.sources_block(items, Region(self.left, 0, width, 0))
        height = max(b.y + b.h for b in block)
        lowest = max(b.y + b.h for b in slide.boxes)
        if height > (self.content_bottom - self.top) * SOURCES_ON_SLIDE:
            return False  # a long list: on slides of its own
        if lowest + self.tokens.gap * 2 + height > self.content_bottom + 0.01:
            return False
        shift = self.content_bottom - height
        slide.boxes.extend(replace(b, y=b.y + shift) for b in block)
        return True

    def list_slides(
        self,
        items: Sequence[_Item],
        title: str,
        kind: str,
        role: str = "body",
        columns: int = 1,
    ) -> None:
        """Add slides holding `items` as one list (in `columns` when it needs more than a
        slide), continued as needed (kept between rebuilds: see `kept_slides`)."""
        self.kept_slides(
            "deck-list",
            lambda: (tuple(items), title, kind, role, columns),
            lambda: self._list_slides(items, title, kind, role, columns),
        )

    def _list_slides(
        self, items: Sequence[_Item], title: str, kind: str, role: str, columns: int
    ) -> None:
        where = Location(self.doc.source_file)
        body_top = self.body_top([title, self.labels.continued(title, 99)])
        full = Region(self.left, body_top, self.right - self.left, self.content_bottom - body_top)
        pages = self.paginate(items, lambda _index: full, role=role)
        per_slide = 1
        if columns > 1 and len(pages) > 1:
            per_slide = columns
            gap = self.tokens.gap * 2
            column_w = (full.w - gap * (columns - 1)) / columns

            def column(index: int) -> Region:
                x = full.x + (index % columns) * (column_w + gap)
                return Region(x, full.y, column_w, full.h)

            pages = self.paginate(items, column, role=role)
        for index in range(0, len(pages), per_slide):
            slide, _ = self.new_slide(kind, self.labels.continued(title, index // per_slide), where)
            for offset, paragraphs in enumerate(pages[index : index + per_slide]):
                region = full if per_slide == 1 else column(offset)
                slide.boxes.append(
                    TextBox(
                        region.x,
                        full.y,
                        region.w,
                        max(stack_height(paragraphs), 0.0),
                        tuple(paragraphs),
                        role=role,
                        name=title,
                    )
                )

    def figure_slides(self, shown: set[str]) -> None:
        """Add the key figures, but those `shown` already (on the BLUF): "More key figures"."""
        figures = [f for f in self.doc.key_figures if f.id not in shown]
        if not figures:
            return
        title = self.labels.more_figures if shown else self.labels.key_figures
        self.card_slides(figures, title, "figures", self.meta_location)

    def card_slides(
        self, figures: Sequence[FigureInfo], title: str, kind: str, location: Location
    ) -> None:
        """Lay `figures` out as a grid of big-number cards, top-aligned, over as many slides
        as they need (kept between rebuilds: see `kept_slides`)."""
        self.kept_slides(
            "deck-cards",
            lambda: (tuple(figures), title, kind, location),
            lambda: self._card_slides(figures, title, kind, location),
        )

    def _card_slides(
        self, figures: Sequence[FigureInfo], title: str, kind: str, location: Location
    ) -> None:
        most = 2 if len(figures) == 4 else min(3 if len(figures) in (5, 6) else 4, len(figures))
        plan = self.card_plan(figures, title, location, most)
        if len(plan) > 1:
            # As many slides, holding as many cards each as can be (thirteen as 7 + 6, not
            # 12 + 1), in the most columns that leave no card alone in a row: twenty-five as
            # 9 + 8 + 8 in rows of three, not 4 + 4 + 1 on the first slide.
            slides = len(plan)
            fewer, more = divmod(len(figures), slides)
            caps = [fewer + 1] * more + [fewer] * (slides - more)
            tried = []
            for columns in range(min(most, caps[0]), 1, -1):
                even = self.card_plan(figures, title, location, columns, caps)
                if len(even) == slides:  # every slide holds its share
                    tried.append(even)
                    if _uneven(even)[0] == 0:
                        break
            best = min(tried, key=_uneven, default=plan)
            if _uneven(best) < _uneven(plan):
                plan = best
        remaining = list(figures)
        for page, (count, columns, width) in enumerate(plan):
            slide, body_top = self.new_slide(kind, self.labels.continued(title, page), location)
            region = Region(
                self.left, body_top, self.right - self.left, self.content_bottom - body_top
            )
            self.card_grid(remaining[:count], region, columns, width, slide)
            remaining = remaining[count:]

    def card_plan(
        self,
        figures: Sequence[FigureInfo],
        title: str,
        location: Location,
        most: int,
        caps: Sequence[int] = (),
    ) -> list[tuple[int, int, float]]:
        """Return how `figures` stand on slides titled `title` (continued): for each slide, how
        many cards, in how many columns, how wide. A slide holds the rows that fit, and no
        more cards than its cap in `caps` (slide by slide) where it has one. Nothing is added
        to the deck."""
        plan: list[tuple[int, int, float]] = []
        remaining = list(figures)
        grid: tuple[int, float] | None = None  # the columns and card width of the slide before
        while remaining:
            heading = self.title_box(self.labels.continued(title, len(plan)), location, warn=False)
            top = self.after_title(heading, self.rule_under(heading))
            region = Region(self.left, top, self.right - self.left, self.content_bottom - top)
            pool = remaining[: caps[len(plan)]] if len(plan) < len(caps) else remaining
            # The rows this slide can hold decide (four at most at the layout's sizes): the
            # grid of the slide before while its rows fit here, so that cards keep their width.
            shown = pool[: most * 4]
            if grid is None or not self.cards_fit(shown, region, *grid):
                grid = self.card_columns(shown, region, most)
            count = sum(len(row) for row, _, _ in self.grid_rows(pool, region, *grid))
            plan.append((count, *grid))
            remaining = remaining[count:]
        return plan

    def card_rows(
        self, figures: Sequence[FigureInfo], columns: int, width: float, *, placed: bool = False
    ) -> list[tuple[list[FigureInfo], list[list[Paragraph]], float]]:
        """Return `figures` in rows of `columns` cards `width` wide: each row's cards set with one
        value size (the largest at which every value of the row stays on one line) and the
        row's height. Only cards `placed` at that width warn of a value too long for it (a
        width tried and left warns of nothing)."""
        rows = []
        inner = width - 2 * CARD_PAD_X
        for start in range(0, len(figures), columns):
            row = list(figures[start : start + columns])
            value_size = self.row_value_size(row, inner, warn=placed)
            sets = [self.card_paragraphs(f, inner, value_size) for f in row]
            height = max(stack_height(p) for p in sets) + 2 * CARD_PAD_Y
            rows.append((row, sets, height))
        return rows

    def card_columns(
        self, figures: Sequence[FigureInfo], region: Region, most: int
    ) -> tuple[int, float]:
        """Return how many cards a row of `figures` holds in `region`, and their width.

        The grid asked for (`most` columns, at most `MAX_CARD_WIDTH` wide) when every row of
        it stands within the region's height, in fewer columns if as many rows hold the cards
        more evenly (nine in three rows of three, not four, four and one). Otherwise the cards
        hold long texts: they share the region's whole width, in the most columns at which
        every row fits (one at least), with rows as even as those columns allow (four cards in
        two rows of two, not three and one): wider cards are shorter, so more of them stand on
        a slide.
        """
        gap = self.tokens.gap

        def shared(columns: int) -> float:
            return (region.w - gap * (columns - 1)) / columns

        width = min(MAX_CARD_WIDTH, shared(most))
        if self.cards_fit(figures, region, most, width):
            even = -(-len(figures) // -(-len(figures) // most))  # as many rows, fewer columns
            if even < most:
                narrow = min(MAX_CARD_WIDTH, shared(even))
                if self.cards_fit(figures, region, even, narrow):
                    return even, narrow
            return most, width
        for columns in range(most - 1, 1, -1):
            if self.cards_fit(figures, region, columns, shared(columns)):
                rows = -(-len(figures) // columns)
                even = -(-len(figures) // rows)  # as many rows, in fewer columns
                if even < columns and self.cards_fit(figures, region, even, shared(even)):
                    return even, shared(even)
                return columns, shared(columns)
        return 1, region.w

    def cards_fit(
        self, figures: Sequence[FigureInfo], region: Region, columns: int, width: float
    ) -> bool:
        """Return whether every row of `figures` in `columns` cards `width` wide stands within
        the height of `region`."""
        rows = self.card_rows(figures, columns, width)
        return all(height <= region.h + 0.01 for _, _, height in rows)

    def row_value_size(
        self, figures: Sequence[FigureInfo], width: float, *, warn: bool = False
    ) -> float:
        """Return the largest value size at which every value of `figures` fits one line (with
        `warn`, warn of each that fits at none)."""
        sizes = sizes_between(self.setter.style("figure_value"))
        for size in sizes:
            if all(
                len(self.setter.paragraph(f.display, "figure_value", size, width).lines) == 1
                for f in figures
            ):
                return size
        for figure in figures if warn else ():
            if (
                len(self.setter.paragraph(figure.display, "figure_value", sizes[-1], width).lines)
                > 1
            ):
                self.warn(
                    figure.location,
                    f'figure "{figure.id}" does not fit its card on one line; shorten its display',
                )
        return sizes[-1]

    def card_grid(
        self,
        figures: Sequence[FigureInfo],
        region: Region,
        columns: int,
        card_w: float,
        slide: Slide,
    ) -> tuple[int, float]:
        """Place as many rows of `columns` cards `card_w` wide as fit in `region`, from its
        top; return how many figures were placed and the bottom of the grid."""
        gap = self.tokens.gap
        y = region.y
        placed = 0
        for row, sets, height in self.grid_rows(figures, region, columns, card_w, placed=True):
            for column, (figure, paragraphs) in enumerate(zip(row, sets, strict=True)):
                x = region.x + column * (card_w + gap)
                slide.boxes.extend(self.card(figure, Region(x, y, card_w, height), paragraphs))
                placed += 1
            y += height + gap
        return placed, y - gap

    def grid_rows(
        self,
        figures: Sequence[FigureInfo],
        region: Region,
        columns: int,
        card_w: float,
        *,
        placed: bool = False,
    ) -> list[tuple[list[FigureInfo], list[list[Paragraph]], float]]:
        """Return the rows of `columns` cards `card_w` wide that fit in `region` from its top
        (the first row always), each as `card_rows` sets it."""
        rows = []
        y = region.y
        for start in range(0, len(figures), columns):  # row by row: only those that fit are set
            chunk = figures[start : start + columns]
            ((row, sets, height),) = self.card_rows(chunk, columns, card_w, placed=placed)
            if rows and y + height > region.bottom + 0.01:
                break
            rows.append((row, sets, height))
            y += height + self.tokens.gap
        return rows

    def card_paragraphs(
        self, figure: FigureInfo, width: float, value_size: float
    ) -> list[Paragraph]:
        """Return the value (at `value_size`) and the label of a card `width` wide inside."""
        label_size = self.setter.style("figure_label").size
        value = self.setter.paragraph(figure.display, "figure_value", value_size, width)
        label = self.setter.paragraph(
            figure.label,
            "figure_label",
            label_size,
            width,
            space_before=round(label_size * 0.4, 2),
        )
        return [value, label]

    def card(
        self, figure: FigureInfo, area: Region, paragraphs: Sequence[Paragraph]
    ) -> list[TextBox | Rect]:
        inner = Region(
            area.x + CARD_PAD_X,
            area.y + CARD_PAD_Y,
            area.w - 2 * CARD_PAD_X,
            area.h - 2 * CARD_PAD_Y,
        )
        # Read as one object: the value and its label, as the card shows them.
        group = Group(f"Card {figure.id}", f"{figure.display}: {figure.label}")
        return [
            Rect(
                area.x,
                area.y,
                area.w,
                area.h,
                self.theme.colors["card"],
                name=f"Card {figure.id}",
                group=group,
            ),
            Rect(
                area.x,
                area.y,
                4,
                area.h,
                self.theme.colors["primary"],
                name="Card accent",
                group=group,
            ),
            TextBox(
                inner.x,
                inner.y,
                inner.w,
                stack_height(paragraphs),
                tuple(paragraphs),
                role="figure",
                name=f"Figure {figure.id}",
                group=group,
            ),
        ]

    def section_slides(self, section: SectionInfo, backup: int = 0) -> None:
        """Add the slides of `section` (see `_section_slides`): inside a watch session, those
        made for an equal section in an equal setting in this rebuild or the last.

        The key holds all they are made from: the section (see `session.section_key`), its
        backup number, the cards the slide before shows, and how many times each title the
        section may take was taken before it (see `kept_slides` for the rest).
        """
        from alliancedeck import session

        if not session.active():
            self._section_slides(section, backup)
            return
        shown = self.card_ids(self.slides[-1]) if self.slides else set()
        titles = [  # every title `_section_slides` may take (see `unique_title`)
            section.portion(
                rules.backup_title(self.labels, backup, section.title) if backup else section.title
            ),
            section.portion(section.lead or ""),
            *(block_caption(block) or "" for block in section.blocks),
        ]
        self.kept_slides(
            "deck-section",
            lambda: (
                session.section_key(section),
                backup,
                tuple(figure.id in shown for figure in section.figures),
                tuple(self._title_counts.get(title.casefold(), 0) for title in titles),
            ),
            lambda: self._section_slides(section, backup),
            session.section_places(section),
        )

    def kept_slides(
        self,
        kind: str,
        key: Callable[[], tuple[object, ...]],
        make: Callable[[], None],
        places: tuple[Location, ...] = (),
    ) -> None:
        """Add the slides `make` adds: inside a watch session, those it added last time for
        an equal `key()` in an equal setting (the layout, fonts, labels and slide area now in
        use), in this rebuild or the last.

        `key()` holds the rest of what they are made from, but the `places` (in the content
        file) that its warnings may be at. What `make` did besides adding slides is done
        again: the titles it took, the warnings it made (at the current `places`), the
        characters no font has that it noted.
        """
        from alliancedeck import session

        if not session.active():
            make()
            return
        made = []

        def making() -> _KeptSlides:
            made.append(True)
            before = len(self.slides)
            self._log = []
            try:
                with noting_missing(self.setter.book) as noted:
                    make()
            finally:
                log, self._log = tuple(self._log), None
            slides = tuple(map(_copied_slide, self.slides[before:]))
            return _KeptSlides(slides, log, noted.noted, places)

        kept = session.kept(kind, lambda: (self.setting_key(), self.area(), *key()), making)
        if made:
            return
        self.slides.extend(map(_copied_slide, kept.slides))
        moved = dict(zip(kept.places, places, strict=True))
        for entry in kept.log:
            if entry[0] == "title":
                self.unique_title(entry[1])
            else:
                _, location, message = entry
                self.warn(moved.get(location, location), message)
        for char, text in kept.missing:
            self.setter.book.missing.setdefault(char, text)

    def setting_key(self) -> bytes:
        """Return a digest of what every section's slides are made with besides the section
        and the slide area: the layout (and template), the font files, the labels."""
        if self._setting_key is None:
            from alliancedeck import session

            key = (self.theme, self.setter.book.files_key(), self.labels, self.doc.source_file)
            self._setting_key = session.digest(key)
        return self._setting_key

    def area(self) -> tuple[object, ...]:
        """Return the slide area now in use (it changes with a template's layouts)."""
        return (
            self.width,
            self.height,
            self.left,
            self.right,
            self.top,
            self.content_bottom,
            self.footer_y,
            self.banner_height,
            self.title_region,
            self.title_color,
            self.stack_align,
            self.body_start,
            self.setter.light_text,
            self.setter.light_everywhere,
        )

    def _section_slides(self, section: SectionInfo, backup: int = 0) -> None:
        """Add the slides of `section` (numbered and marked BACKUP when `backup` > 0).

        The section's text (lead and points) comes first, with its figure cards in a column
        beside it (or in rows above it when a column cannot hold them), or with its first block
        beside it (a chart or picture) or under it (a short table or timeline) when both fit at
        the briefing sizes. The text continues over "(cont.)" slides; every other block follows
        on its own slides. Cards already on the slide before are not repeated.
        """
        topic = section.portion(
            rules.backup_title(self.labels, backup, section.title) if backup else section.title
        )
        kicker = None
        lead = section.lead
        if self.tokens.titles == "message" and section.lead:
            kicker, lead = topic, None
            title = self.unique_title(section.portion(section.lead))
        else:
            title = self.unique_title(topic)
        items: list[_Item] = []
        if lead:
            items.append(_lead_item(section, lead))
        items.extend(_point_items(section))
        shown = self.card_ids(self.slides[-1]) if self.slides else set()
        cards = [f for f in section.figures if f.id not in shown]
        blocks = [
            rules.uniform_decimals(b) if isinstance(b, TableInfo) else b for b in section.blocks
        ]
        if not section.points and not cards and blocks:
            # Only blocks (and perhaps a lead): the first block's slide carries the section's
            # title, lead and notes.
            self.block_slides(
                section,
                title,
                first_page=0,
                backup=backup,
                lead=items[0] if items else None,
                kicker=kicker,
                blocks=blocks,
            )
            return
        gap = self.tokens.gap
        column = self.tokens.card_column
        # First with the section's own title; once it continues, with the room the longest
        # continuation title leaves, so that all its slides share one geometry.
        for probes in ([title], [title, self.labels.continued(title, 99)]):
            body_top = self.body_top(probes, kicker)
            full = Region(
                self.left, body_top, self.right - self.left, self.content_bottom - body_top
            )
            card_pages: list[tuple[list[FigureInfo], float]] = []  # rows of cards above the text
            card_rows: list[tuple[list[FigureInfo], list[list[Paragraph]], float]] = []
            beside = False  # the cards in a column beside the text
            card_columns, card_w = 1, column  # the rows' columns and card width, above the text
            shared = None  # the block on the first slide, its text region and its own
            if cards:
                heights = [h for _, _, h in self.card_rows(cards, 1, column)]
                if items and sum(heights) + gap * (len(cards) - 1) <= full.h:
                    beside = True
                else:
                    card_columns, card_w = self.card_columns(cards, full, min(4, len(cards)))
                    card_rows = self.card_rows(cards, card_columns, card_w)
                    card_pages = _card_pages(card_rows, gap, full.h * 0.7, full.h * 0.7)
            elif blocks and items:
                shared = self.shared_block(items, blocks[0], full)

            text_region = _TextRegions(full, column + gap if beside else 0.0, shared, card_pages)
            pages = self.paginate(items, text_region) if items else [[]]
            if shared is not None and len(pages) > 1:
                shared = None
                text_region = replace(text_region, shared=None)
                pages = self.paginate(items, text_region)
            text_first = bool(card_pages and items and not pages[0])
            if text_first:
                # Cards so tall that the text has no room under them: the text comes first, on
                # a slide of its own, and the cards follow.
                card_pages.insert(0, ([], 0.0))
                text_region = replace(text_region, card_pages=card_pages)
                pages = self.paginate(items, text_region)
            if len(pages) == 1:
                break
        if len(pages) == 1 and len(card_pages) > 2:
            # The text stays on the first slide: the cards that follow it fill their slides.
            if text_first:
                card_pages = [([], 0.0), *_card_pages(card_rows, gap, full.h, full.h)]
            else:
                card_pages = _card_pages(card_rows, gap, full.h * 0.7, full.h)
        while len(pages) < len(card_pages):  # more cards than a slide holds: they continue
            pages.append([])
        for index, paragraphs in enumerate(pages):
            slide, _ = self.new_slide(
                "section",
                self.labels.continued(title, index),
                section.location,
                notes=section.notes if index == 0 else None,
                backup=bool(backup),
                kicker=kicker,
            )
            region = text_region(index)
            if paragraphs:  # read first: the section's text, then its figures, as in content
                slide.boxes.append(
                    TextBox(
                        region.x,
                        region.y,
                        region.w,
                        stack_height(paragraphs),
                        tuple(paragraphs),
                        role="body",
                        name="Points",
                    )
                )
            if index == 0 and beside:
                beside_region = Region(self.right - column, full.y, column, full.h)
                self.card_grid(cards, beside_region, 1, column, slide)
            elif index < len(card_pages):
                self.card_grid(card_pages[index][0], full, card_columns, card_w, slide)
            if index == 0 and shared is not None:
                block, _, block_region = shared
                if block_region.y > region.y:  # under the text: right under it
                    top = region.y + stack_height(paragraphs) + gap * 1.5
                    block_region = Region(
                        block_region.x, top, block_region.w, block_region.bottom - top
                    )
                self.place_block(block, slide.boxes, block_region, block_caption(block))
        rest = blocks[1:] if shared is not None else blocks
        if rest:
            self.block_slides(section, title, first_page=len(pages), backup=backup, blocks=rest)
        body = self.setter.style("body")
        sizes = {p.font.size for page in pages for p in page if p.font.size}
        if body.min_size < body.size and sizes and min(sizes) <= body.min_size and len(pages) > 1:
            self.warn(
                section.location,
                f'points of section "{section.title}" are set at the '
                f"smallest size the layout allows ({body.min_size:g} pt)",
            )
        if len(pages) > 1:
            self.warn(
                section.location, f'section "{section.title}" continues over {len(pages)} slides'
            )

    def shared_block(
        self, items: Sequence[_Item], block: Block, full: Region
    ) -> tuple[Block, Region, Region] | None:
        """Return `block`, the text's region and the block's when the section's text and the
        block fit one slide: a chart or picture beside the text, a table or timeline under it.
        """
        gap = self.tokens.gap
        if isinstance(block, ChartInfo | ImageInfo):
            text_w = (full.w - 2 * gap) * 0.42
            text = Region(full.x, full.y, text_w, full.h)
            beside = Region(full.x + text_w + 2 * gap, full.y, full.w - text_w - 2 * gap, full.h)
            if len(self.paginate(items, lambda _index: text)) == 1 and self.fits_with_text(
                block, beside
            ):
                return block, text, beside
            return None
        if not self.fits_with_text(block, full):  # not even alone: no need to measure it
            return None
        needed = self.block_height(block, full.w, full.h)
        text = Region(full.x, full.y, full.w, full.h - needed - gap * 1.5)
        if text.h < 60:
            return None
        pages = self.paginate(items, lambda _index: text)
        if len(pages) > 1:
            return None
        used = stack_height(pages[0]) + gap * 1.5
        under = Region(full.x, full.y + used, full.w, full.h - used)
        if not self.fits_with_text(block, under):
            return None
        return block, text, under

    @staticmethod
    def card_ids(slide: Slide) -> set[str]:
        """Return the ids of the figures `slide` shows as cards."""
        return {b.name[len("Figure ") :] for b in slide.text_boxes if b.role == "figure"}

    def source_items(self) -> list[_Item]:
        """Return the Sources list, grouped by section (a block's source listed with its
        section's): each group's section title in bold, then its sources as bullets."""
        items: list[_Item] = []
        for section in self.doc.sections:
            entries = rules.section_sources(section)
            if not entries:
                continue
            items.append(_Item(section.title, "source", 0, bullet=False, bold=True))
            for text, url in entries:
                label = rules.source_entry(text, url)
                items.append(_Item(label, "source", 0, bullet=True, link=url, keep_space=False))
        return items

    def sources_slides(self, items: Sequence[_Item]) -> None:
        """Add the Sources slides holding `items` (in two columns when they need more than a
        slide)."""
        if items:
            self.list_slides(items, self.labels.sources, "sources", role="source", columns=2)

    def finish(self) -> ComposedDeck:
        """Number the slides and add footers and banners; return the deck's geometry."""
        total = len(self.slides)
        meta = self.doc.meta
        left_text = rules.footer_left(meta, self.labels)
        width = self.right - self.left
        if self.frame is not None:  # above the bottom band, clear of the template's logos
            self.left, width = self.frame.footer.x, self.frame.footer.w
            self.right = self.left + width
        # The footer's text and the banners are alike on every slide: set once.
        footer = self.fitted_box(
            left_text,
            "footer",
            Region(self.left, self.footer_y, width * 0.75, 0),
            name="Footer",
            max_lines=1,
        )
        banners = self.banners(meta.classification) if meta.classification else []
        for number, slide in enumerate(self.slides, start=1):
            slide.number = number
            footer_left = footer
            if number == 1 and len(footer_left.paragraphs[0].lines) > 1:
                self.warn(
                    self.meta_location,
                    f"the footer needs {len(footer_left.paragraphs[0].lines)} lines on every "
                    "slide; set meta.short_title to a title of a few words for the footers",
                )
            page_text = rules.footer_right(meta, self.labels, number, total)
            footer_right = self.fitted_box(
                page_text,
                "footer",
                Region(self.right - width * 0.2, self.footer_y, width * 0.2, 0),
                name="Slide number",
                align="right",
                max_lines=1,
            )
            if self.frame is not None:
                footer_left, footer_right = self.in_slots(slide, footer_left, footer_right)
            if self.frame is None:  # a template draws its own furniture
                slide.boxes.append(
                    Rect(
                        self.left,
                        self.footer_y - 5,
                        width,
                        0.75,
                        self.theme.colors["rule"],
                        name="Footer rule",
                    )
                )
            slide.boxes.extend([footer_left, footer_right])
            slide.boxes.extend(banners)
        return ComposedDeck(
            width=self.width,
            height=self.height,
            slides=self.slides,
            language=meta.language,
            title=meta.title,
            warnings=list(self.warnings),
            body_top=self.banner_height,
            body_bottom=self.footer_y - 5,
        )

    def in_slots(self, slide: Slide, footer: TextBox, number: TextBox) -> tuple[TextBox, TextBox]:
        """Return the footer and slide number moved into the template's footer and slide-number
        placeholders for `slide`'s layout: both, where the layout has both and each text fits
        its slot on one line; else both stay on our own footer line."""
        assert self.frame is not None
        slots = self.frame.role(slide.kind).slots
        placed = []
        for box, slot_type, name, align in (
            (footer, "ftr", "Footer Placeholder", "center"),
            (number, "sldNum", "Slide Number Placeholder", "right"),
        ):
            slot = slots.get(slot_type)
            if slot is None:
                return footer, number
            moved = self.fitted_box(box.text, "footer", slot, name=name, align=align, max_lines=1)
            if len(moved.paragraphs[0].lines) > 1 or moved.h > slot.h:
                return footer, number
            placed.append(replace(moved, h=slot.h, anchor="middle"))
        return placed[0], placed[1]

    def banners(self, classification: str) -> list[TextBox]:
        colors = self.theme.banner_colors(self.doc.meta.banner_level or "")
        text = classification.upper()
        boxes = []
        for name, y in (("Banner top", 0.0), ("Banner bottom", self.height - self.banner_height)):
            box = self.fitted_box(
                text,
                "banner",
                Region(0, y, self.width, 0),
                name=name,
                align="center",
                max_lines=1,
                color=colors.text,
            )
            paragraph = box.paragraphs[0]
            boxes.append(
                rules.banner_band(
                    paragraph, 0, y, self.width, self.banner_height, colors.fill, name
                )
            )
        return boxes


def _uneven(plan: Sequence[tuple[int, int, float]]) -> tuple[int, int, int, int]:
    """Return how unevenly a plan of card slides (`card_plan`) spreads its cards, worst first:
    how many slides end with a card alone in its row; whether a slide holds less than half as
    many cards as another (eight and two); how many slides end with a row not full; and the
    most and fewest cards a slide holds apart."""
    counts = [count for count, _, _ in plan]
    alone = sum(1 for count, columns, _ in plan if columns > 1 and count % columns == 1)
    thin = int(2 * min(counts) < max(counts))
    short = sum(1 for count, columns, _ in plan if count % columns)
    return alone, thin, short, max(counts) - min(counts)


def _card_pages(
    rows: Sequence[tuple[list[FigureInfo], list[list[Paragraph]], float]],
    gap: float,
    first: float,
    later: float,
) -> list[tuple[list[FigureInfo], float]]:
    """Return the cards of `rows`, in whole rows, by slide, with the height each slide's rows
    take: up to `first` on the first slide (the text goes under them), up to `later` on the
    others; a row taller than that still gets a slide."""
    pages: list[tuple[list[FigureInfo], float]] = []
    for row, _, height in rows:
        limit = first if len(pages) == 1 else later
        if pages and pages[-1][1] + height + gap <= limit:
            pages[-1] = (pages[-1][0] + list(row), pages[-1][1] + height + gap)
        else:
            pages.append((list(row), height + gap))
    return pages


def _lead_item(section: SectionInfo, lead: str) -> _Item:
    """Return the item of the section's lead (`lead`), with its emphasis."""
    runs = section.portion_runs(section.lead_runs) if lead == section.lead else ()
    return _Item(section.portion(lead), "lead", 0, bullet=False, runs=runs)


def _point_items(section: SectionInfo) -> list[_Item]:
    """Return the items of `section`'s points, each followed by those of its sub-points."""
    items: list[_Item] = []
    for point in section.points:
        text, runs = section.portion(point.text), section.portion_runs(point.runs)
        items.append(_Item(text, "body", 0, bullet=True, runs=runs))
        _add_sub_points(items, point.children, 1)
    return items


def _add_sub_points(items: list[_Item], points: Sequence[PointInfo], level: int) -> None:
    """Append the items of `points` (sub-points at `level`) and of theirs to `items`.

    A function of its own rather than a closure calling itself: such a closure and its cell
    refer to each other, and would keep `items` alive until the cycle collector ran.
    """
    for point in points:
        items.append(_Item(point.text, "body", level, bullet=True, runs=point.runs))
        _add_sub_points(items, point.children, level + 1)


def compose_deck(doc: Document, theme: Design, book: FontBook) -> ComposedDeck:
    """Return the positioned boxes of every slide of `doc` in `theme`.

    Title slide; the bottom line up front (`bluf`) with its cards; agenda; key figures (unless
    the BLUF shows them all); the sections; sources; the closing slide (a `closing` section, or
    one titled with the language's word for Questions); backup sections.
    """
    builder = DeckBuilder(doc, theme, book)
    main = doc.main_sections
    bluf = next((s for s in main if s.bluf), None)
    closing = next((s for s in main if s.closing), None) or next(
        (s for s in main if s.title.strip().casefold() == doc.labels.questions.casefold()), None
    )
    body = [s for s in main if s is not bluf and s is not closing]
    builder.reserve_titles(closing)
    builder.title_slide()
    if bluf is not None:
        builder.section_slides(bluf)
    builder.agenda_slide(body)
    shown = {f.id for f in bluf.figures} if bluf else set()
    builder.figure_slides(shown)
    for section in body:
        builder.section_slides(section)
    # A short Sources list goes on the closing slide, else at the foot of the last section's
    # slide, else on slides of its own (never one lost line on a whole slide).
    sources = builder.source_items()
    last = builder.closing_slide(closing, sources) if sources else None
    if last is None:
        if sources and not builder.sources_at_foot(sources):
            builder.sources_slides(sources)
        last = builder.closing_slide(closing)
    assert last is not None
    builder.slides.append(last)
    for number, section in enumerate(doc.backup_sections, start=1):
        builder.section_slides(section, backup=number)
    return builder.finish()


def deck_geometry(doc: Document, theme: Design, context: RenderContext) -> ComposedDeck:
    """Return the deck layout of `doc`, laid out once per run and shared by the deck backends."""
    cached = context.cache.get("deck")
    if cached is None:
        book = font_book(theme, context.content_dir)
        cached = compose_deck(doc, theme, book)
        context.cache["deck"] = cached
        context.warnings.extend(cached.warnings)
        context.warnings.extend(missing_glyph_problems(book, doc.source_file))
    return cached
