"""Slide geometry: measure every text and place every box of the deck, continuing what overflows."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from alliancedeck.design import TextStyle, Theme
from alliancedeck.document import Document, FigureInfo, PointInfo, SectionInfo
from alliancedeck.errors import Location, Problem
from alliancedeck.fonts import FontBook, font_book, missing_glyph_problems
from alliancedeck.layout import rules
from alliancedeck.layout.blocks import BlockSlides
from alliancedeck.layout.boxes import (
    Align,
    DeckLayout,
    Font,
    Paragraph,
    Rect,
    Region,
    Slide,
    TextBox,
    bullet_for,
    stack_height,
)
from alliancedeck.layout.text import break_lines, cut_after, sizes_between, split_sentences

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext

#: Part of a frame's width kept free when breaking lines, so that a client whose widths
#: differ by rounding or kerning still breaks the same way.
WIDTH_SAFETY = 0.02
MAX_CARD_WIDTH = 320.0


class TextSetter:
    """Set paragraphs of the theme's deck roles at chosen sizes, measured with the real fonts."""

    def __init__(self, theme: Theme, book: FontBook):
        self.theme = theme
        self.book = book
        # Layout tries each text at several sizes and widths, often the same ones again; the
        # cache lives as long as this setter (one per deck).
        self._lines = lru_cache(maxsize=16384)(self._break)

    def style(self, role: str) -> TextStyle:
        return self.theme.deck[role]

    def font(
        self, role: str, size: float, *, color: str | None = None, bold: bool | None = None
    ) -> Font:
        style = self.style(role)
        family = self.book.family(style)
        is_bold = style.bold if bold is None else bold
        return Font(
            pdf_name=self.book.pdf_name(style, bold=is_bold),
            deck_name=family.deck,
            east_asian=family.east_asian,
            size=size,
            bold=is_bold,
            italic=style.italic,
            color=color or self.theme.colors.get(style.color, style.color),
            east_asian_bold=self.book.east_asian_bold(style, bold=is_bold),
        )

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
    ) -> Paragraph:
        font = self.font(role, size, color=color, bold=bold)
        lines = self._lines(text, font.pdf_name, size, width - indent)
        return Paragraph(
            text=text,
            lines=lines,
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

    def _break(self, text: str, font_name: str, size: float, width: float) -> tuple[str, ...]:
        usable = width - max(1.0, width * WIDTH_SAFETY)  # as frame_width undoes
        book = self.book

        def measure(piece: str, piece_size: float) -> float:
            return book.width(piece, font_name, piece_size)

        return tuple(break_lines(text, usable, measure, size))


@dataclass(frozen=True)
class _Item:
    """A paragraph still to be placed: its text and how to set it."""

    text: str
    role: str
    level: int
    bullet: bool
    link: str | None = None
    keep_space: bool = True


class DeckBuilder(BlockSlides):
    """Build the slides of one document with one theme."""

    def __init__(self, doc: Document, theme: Theme, book: FontBook):
        self.doc = doc
        self.theme = theme
        self.setter = TextSetter(theme, book)
        self.tokens = theme.slide
        self.width = self.tokens.width
        self.height = self.tokens.height
        self.slides: list[Slide] = []
        self.warnings: list[Problem] = []
        self._title_counts: dict[str, int] = {}
        self.labels = doc.labels
        banner = rules.banner_height(theme) if doc.meta.classification else 0.0
        self.banner_height = banner
        margins = self.tokens.margins
        self.left = margins.left
        self.right = self.width - margins.right
        self.top = banner + margins.top
        self.footer_y = self.height - banner - margins.bottom - self.tokens.footer_height
        self.content_bottom = self.footer_y - self.tokens.gap

    # ----- shared pieces -------------------------------------------------------------------

    def warn(self, location: Location, message: str) -> None:
        """Record a layout warning; one per place (continuation slides repeat their title)."""
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
        """Return the title frame: wrapped to `max_lines`, then shrunk, never clipped."""
        area = region or Region(self.left, self.top, self.right - self.left, 0)
        box = self.fitted_box(text, role, area, name="Title", max_lines=max_lines)
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
        """Return the short rule under a slide title."""
        return Rect(box.x, box.y + box.h + 6, 56.0, 3, self.theme.colors["primary"], name="Rule")

    def unique_title(self, title: str) -> str:
        """Return `title`, numbered " (2)", " (3)"... if an earlier section has the same title."""
        count = self._title_counts.get(title, 0) + 1
        self._title_counts[title] = count
        return title if count == 1 else f"{title} ({count})"

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
    ) -> tuple[Slide, float]:
        """Start a slide with its title and rule (and BACKUP tag); return it and its body top."""
        title_box = self.title_box(title, location)
        rule = self.rule_under(title_box)
        slide = Slide(kind=kind, title=title, boxes=[title_box, rule], notes=notes)
        if backup:
            slide.boxes.append(self.backup_tag())
        self.slides.append(slide)
        return slide, rule.y + rule.h + self.tokens.gap

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
        queue = list(items)
        while queue:
            item = queue.pop(0)
            region = regions(len(pages) - 1)
            page = pages[-1]
            paragraph = self._set(item, size, region.w, not page, primary)
            needed = paragraph.height + (paragraph.space_before if page else 0.0)
            if used + needed <= region.h + 0.01:
                page.append(paragraph)
                used += needed
                continue
            empty_height = region.h
            fresh = self._set(item, size, regions(len(pages)).w, True, primary)
            if page and fresh.height <= empty_height + 0.01:
                pages.append([])
                used = 0.0
                queue.insert(0, item)
                continue
            # Too tall even for a slide of its own: place what fits here, carry the rest over.
            head, tail = self._split(item, size, region.w, region.h - used, not page, primary)
            if head is None:
                pages.append([])
                used = 0.0
                queue.insert(0, item)
                continue
            page.append(head)
            used += head.height + (head.space_before if len(page) > 1 else 0.0)
            if tail.text:
                queue.insert(0, tail)
            pages.append([])
            used = 0.0
        return [p for p in pages if p] or [[]]

    def _split(
        self, item: _Item, size: float, width: float, room: float, first: bool, primary: str
    ) -> tuple[Paragraph | None, _Item]:
        """Return the largest head of `item` that fits in `room`, and the rest as a new item."""
        sentences = split_sentences(item.text)
        best: Paragraph | None = None
        best_count = 0
        for count in range(1, len(sentences)):
            trial = replace(item, text=cut_after(item.text, sentences[:count])[0])
            paragraph = self._set(trial, size, width, first, primary)
            if paragraph.height + (0 if first else paragraph.space_before) <= room + 0.01:
                best, best_count = paragraph, count
            else:
                break
        if best is not None:
            rest = cut_after(item.text, sentences[:best_count])[1]
            return best, replace(
                item,
                text=rest,
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
        head = replace(whole, text=head_text, lines=whole.lines[:fitting])
        return head, replace(
            item,
            text=rest_text,
            bullet=False,
            keep_space=False,
            level=item.level + (1 if item.bullet else 0),
        )

    def paginate(
        self, items: Sequence[_Item], regions: Callable[[int], Region], role: str = "body"
    ) -> list[list[Paragraph]]:
        """Return `items` set at the largest size that needs the fewest slides."""
        sizes = sizes_between(self.setter.style(role))
        smallest = self.flow(items, regions, sizes[-1], role)
        for size in sizes:
            pages = smallest if size == sizes[-1] else self.flow(items, regions, size, role)
            if len(pages) <= len(smallest):
                return pages
        return smallest

    # ----- the slides ----------------------------------------------------------------------

    def title_slide(self) -> None:
        meta = self.doc.meta
        where = Location(self.doc.source_file)
        content_w = self.right - self.left
        y = self.top + (self.content_bottom - self.top) * 0.28
        title = self.title_box(
            meta.title,
            where,
            role="title_slide",
            region=Region(self.left, y, content_w, 0),
            max_lines=3,
        )
        band = Rect(
            0,
            self.banner_height,
            self.left * 0.45,
            self.height - 2 * self.banner_height,
            self.theme.colors["primary"],
            name="Title band",
        )
        boxes: list[TextBox | Rect] = [title, band]
        y = title.y + title.h + 10
        boxes.append(Rect(self.left, y, 80, 4, self.theme.colors["accent"], name="Rule"))
        y += 4 + self.tokens.gap
        for text, role in (
            (meta.subtitle, "subtitle"),
            (", ".join(meta.authors) or None, "byline"),
            (meta.organization, "byline"),
            (self.labels.as_of(meta.date), "byline"),
            (meta.poc and self.labels.say("poc", poc=meta.poc), "byline"),
            (meta.product_id, "byline"),
        ):
            if not text:
                continue
            box = self.fitted_box(text, role, Region(self.left, y, content_w, 0), name=role.title())
            boxes.append(box)
            y += box.h + 6
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
        self.slides.append(Slide(kind="title", title=meta.title, boxes=boxes))

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
    ) -> TextBox:
        """Return a frame of `text` in `role` as tall as its lines, shrunk to `max_lines` lines.

        `bold` and `color` override the role's, and the text is measured as it is drawn.
        """
        style = self.setter.style(role)
        paragraph = None
        for size in sizes_between(style):
            paragraph = self.setter.paragraph(
                text, role, size, region.w, align=align, bold=bold, color=color
            )
            if len(paragraph.lines) <= max_lines:
                break
        assert paragraph is not None
        return TextBox(
            region.x, region.y, region.w, paragraph.height, (paragraph,), role=role, name=name
        )

    def agenda_slide(self) -> None:
        """Add the agenda: the main sections' titles, numbered, in content order."""
        sections = self.doc.main_sections
        if len(sections) < 2:
            return
        items = [
            _Item(f"{n}. {s.title}", "body", 0, bullet=False)
            for n, s in enumerate(sections, start=1)
        ]
        self.list_slides(items, self.labels.agenda, "agenda")

    def questions_slide(self) -> None:
        """Add the closing slide, which the backup sections follow."""
        slide, top = self.new_slide(
            "questions", self.labels.questions, Location(self.doc.source_file)
        )
        meta = self.doc.meta
        contact = meta.poc and self.labels.say("contact", poc=meta.poc)
        lines = [t for t in (contact, meta.organization) if t]
        if lines:
            box = self.fitted_box(
                "\n".join(lines),
                "byline",
                Region(self.left, top, self.right - self.left, 0),
                name="Contact",
                max_lines=4,
            )
            slide.boxes.append(box)

    def list_slides(
        self, items: Sequence[_Item], title: str, kind: str, role: str = "body"
    ) -> None:
        """Add slides holding `items` as one list, continued as needed."""
        where = Location(self.doc.source_file)
        probe = self.title_box(self.labels.continued(title, 99), where, warn=False)
        body_top = probe.y + probe.h + 9 + self.tokens.gap
        full = Region(self.left, body_top, self.right - self.left, self.content_bottom - body_top)
        pages = self.paginate(items, lambda _index: full, role=role)
        for index, paragraphs in enumerate(pages):
            slide, top = self.new_slide(kind, self.labels.continued(title, index), where)
            slide.boxes.append(
                TextBox(
                    full.x,
                    top,
                    full.w,
                    self.content_bottom - top,
                    tuple(paragraphs),
                    role=role,
                    name=title,
                )
            )

    def figure_slides(self) -> None:
        figures = self.doc.key_figures
        if not figures:
            return
        self.card_slides(
            figures, self.labels.key_figures, "figures", Location(self.doc.source_file)
        )

    def card_slides(
        self,
        figures: Sequence[FigureInfo],
        title: str,
        kind: str,
        location: Location,
        first_page: int = 0,
        backup: bool = False,
    ) -> int:
        """Lay `figures` out as a grid of big-number cards over as many slides as needed.

        Return the page number the section's next slide continues with.
        """
        columns = min(4, max(1, len(figures))) if len(figures) != 4 else 2
        if len(figures) in (5, 6):
            columns = 3
        remaining = list(figures)
        page = first_page
        while remaining:
            slide, body_top = self.new_slide(
                kind, self.labels.continued(title, page), location, backup=backup
            )
            region = Region(
                self.left, body_top, self.right - self.left, self.content_bottom - body_top
            )
            placed = self.card_grid(remaining, region, columns, slide, centre=True)
            remaining = remaining[placed:]
            page += 1
        return page

    def card_grid(
        self,
        figures: Sequence[FigureInfo],
        region: Region,
        columns: int,
        slide: Slide,
        *,
        centre: bool = False,
    ) -> int:
        """Place as many rows of cards as fit in `region`; return how many figures were placed."""
        gap = self.tokens.gap
        card_w = (region.w - gap * (columns - 1)) / columns
        if centre:  # a grid of few cards keeps cards of a readable width, centred
            card_w = min(card_w, MAX_CARD_WIDTH)
        left = region.x + (region.w - columns * card_w - gap * (columns - 1)) / 2
        rows_wanted = math.ceil(len(figures) / columns)
        min_h = max(self.card_height(f, card_w) for f in figures)
        rows = max(1, min(rows_wanted, int((region.h + gap) // (min_h + gap))))
        fill = (region.h - gap * (rows - 1)) / rows
        card_h = min(fill, max(min_h * 1.3, fill * 0.55 if centre else min_h * 1.3))
        top = region.y + ((region.h - rows * card_h - gap * (rows - 1)) / 2 if centre else 0.0)
        placed = 0
        for row in range(rows):
            for column in range(columns):
                if placed >= len(figures):
                    break
                x = left + column * (card_w + gap)
                y = top + row * (card_h + gap)
                slide.boxes.extend(self.card(figures[placed], Region(x, y, card_w, card_h)))
                placed += 1
        return placed

    def card_height(self, figure: FigureInfo, width: float) -> float:
        """Return the height a card needs for `figure` at `width` (at the roles' full sizes)."""
        paragraphs = self.card_paragraphs(figure, width - 2 * 14, None)
        return stack_height(paragraphs) + 2 * 12

    def card_paragraphs(
        self, figure: FigureInfo, width: float, room: float | None
    ) -> list[Paragraph]:
        """Return the value and label of a card, shrunk together until they fit `room`."""
        value_style = self.setter.style("figure_value")
        label_style = self.setter.style("figure_label")
        value_sizes = sizes_between(value_style)
        label_sizes = sizes_between(label_style)
        steps = max(len(value_sizes), len(label_sizes))
        paragraphs: list[Paragraph] = []
        for step in range(steps):
            value_size = value_sizes[min(step, len(value_sizes) - 1)]
            label_size = label_sizes[min(step, len(label_sizes) - 1)]
            value = self.setter.paragraph(figure.display, "figure_value", value_size, width)
            if len(value.lines) > 1 and step < steps - 1:
                continue
            label = self.setter.paragraph(
                figure.label,
                "figure_label",
                label_size,
                width,
                space_before=round(label_size * 0.4, 2),
            )
            paragraphs = [value, label]
            if room is None or stack_height(paragraphs) <= room:
                return paragraphs
        self.warn(
            figure.location,
            f'figure card "{figure.id}" is crowded even at its smallest '
            "type; shorten its label or display",
        )
        return paragraphs

    def card(self, figure: FigureInfo, area: Region) -> list[TextBox | Rect]:
        pad_x, pad_y = 14.0, 12.0
        inner = Region(area.x + pad_x, area.y + pad_y, area.w - 2 * pad_x, area.h - 2 * pad_y)
        paragraphs = self.card_paragraphs(figure, inner.w, inner.h)
        alt = f"{figure.display}: {figure.label}"
        return [
            Rect(
                area.x,
                area.y,
                area.w,
                area.h,
                self.theme.colors["card"],
                name=f"Card {figure.id}",
                alt=alt,
            ),
            Rect(area.x, area.y, 4, area.h, self.theme.colors["primary"], name="Card accent"),
            TextBox(
                inner.x,
                inner.y,
                inner.w,
                max(inner.h, stack_height(paragraphs)),
                tuple(paragraphs),
                role="figure",
                name=f"Figure {figure.id}",
                anchor="middle",
                alt=alt,
            ),
        ]

    def section_slides(self, section: SectionInfo, backup: int = 0) -> None:
        """Add the slides of `section` (numbered and marked BACKUP when `backup` > 0)."""
        items: list[_Item] = []
        if section.lead:
            items.append(_Item(section.portion(section.lead), "lead", 0, bullet=False))
        items.extend(_point_items(section))
        title = section.portion(
            rules.backup_title(self.labels, backup, section.title) if backup else section.title
        )
        title = self.unique_title(title)
        cards = list(section.figures)
        if not section.points and not cards and section.blocks:
            # Only blocks (and perhaps a lead): the first block's slide carries the section's
            # title, lead and notes.
            lead = items[0] if items else None
            self.block_slides(section, title, first_page=0, backup=backup, lead=lead)
            return
        column = self.tokens.card_column
        pages: list[list[Paragraph]] = [[]]
        # First try with the section's own title; once it continues, reserve the height of
        # the longest continuation title on every slide so all of them share one geometry.
        for probe_title in (title, self.labels.continued(title, 99)):
            probe = self.title_box(probe_title, section.location, warn=False)
            body_top = probe.y + probe.h + 9 + self.tokens.gap
            full = Region(
                self.left, body_top, self.right - self.left, self.content_bottom - body_top
            )
            narrow = Region(full.x, full.y, full.w - column - self.tokens.gap, full.h)

            def regions(index: int, full: Region = full, narrow: Region = narrow) -> Region:
                return narrow if cards and index == 0 else full

            pages = self.paginate(items, regions) if items else [[]]
            if len(pages) == 1:
                break
        for index, paragraphs in enumerate(pages):
            slide, top = self.new_slide(
                "section",
                self.labels.continued(title, index),
                section.location,
                notes=section.notes if index == 0 else None,
                backup=bool(backup),
            )
            region = narrow if cards and index == 0 else full
            if paragraphs:
                slide.boxes.append(
                    TextBox(
                        region.x,
                        top,
                        region.w,
                        self.content_bottom - top,
                        tuple(paragraphs),
                        role="body",
                        name="Points",
                    )
                )
            if cards and index == 0:
                card_region = Region(self.right - column, top, column, self.content_bottom - top)
                placed = self.card_grid(cards, card_region, 1, slide)
                cards = cards[placed:]
        next_page = len(pages)
        if cards:
            next_page = self.card_slides(
                cards, title, "section", section.location, next_page, backup=bool(backup)
            )
        self.block_slides(section, title, first_page=next_page, backup=backup)
        body = self.setter.style("body")
        sizes = {p.font.size for page in pages for p in page if p.font.size}
        if body.min_size < body.size and sizes and min(sizes) <= body.min_size:
            self.warn(
                section.location,
                f'points of section "{section.title}" are set at the '
                f"smallest size the layout allows ({body.min_size:g} pt)",
            )
        if len(pages) > 1:
            self.warn(
                section.location, f'section "{section.title}" continues over {len(pages)} slides'
            )

    def sources_slides(self) -> None:
        entries = self.doc.all_sources
        if not entries:
            return
        items = [
            _Item(
                rules.source_line(section, source),
                "source",
                0,
                bullet=True,
                link=source.url,
            )
            for section, source in entries
        ]
        self.list_slides(items, self.labels.sources, "sources", role="source")

    def finish(self) -> DeckLayout:
        """Number the slides and add footers and banners; return the deck's geometry."""
        total = len(self.slides)
        meta = self.doc.meta
        left_text = rules.footer_left(meta, self.labels)
        width = self.right - self.left
        for number, slide in enumerate(self.slides, start=1):
            slide.number = number
            footer_left = self.fitted_box(
                left_text,
                "footer",
                Region(self.left, self.footer_y, width * 0.75, 0),
                name="Footer",
                max_lines=1,
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
            if meta.classification:
                slide.boxes.extend(self.banners(meta.classification))
        return DeckLayout(
            width=self.width,
            height=self.height,
            slides=self.slides,
            language=meta.language,
            title=meta.title,
            warnings=list(self.warnings),
        )

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


def _point_items(section: SectionInfo) -> list[_Item]:
    items: list[_Item] = []

    def walk(points: Sequence[PointInfo], level: int) -> None:
        for point in points:
            text = section.portion(point.text) if level == 0 else point.text
            items.append(_Item(text, "body", level, bullet=True))
            walk(point.children, level + 1)

    walk(section.points, 0)
    return items


def layout_deck(doc: Document, theme: Theme, book: FontBook) -> DeckLayout:
    """Return the positioned boxes of every slide of `doc` in `theme`."""
    builder = DeckBuilder(doc, theme, book)
    builder.title_slide()
    builder.agenda_slide()
    builder.figure_slides()
    for section in doc.main_sections:
        builder.section_slides(section)
    builder.sources_slides()
    builder.questions_slide()
    for number, section in enumerate(doc.backup_sections, start=1):
        builder.section_slides(section, backup=number)
    return builder.finish()


def deck_geometry(doc: Document, theme: Theme, context: RenderContext) -> DeckLayout:
    """Return the deck layout of `doc`, laid out once per run and shared by the deck backends."""
    cached = context.cache.get("deck")
    if cached is None:
        book = font_book(theme, context.content_dir)
        cached = layout_deck(doc, theme, book)
        context.cache["deck"] = cached
        context.warnings.extend(cached.warnings)
        context.warnings.extend(missing_glyph_problems(book, doc.source_file))
    return cached
