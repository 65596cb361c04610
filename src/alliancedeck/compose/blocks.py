"""Slide geometry of section blocks: charts, tables, images and timelines, continued as needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

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
)
from alliancedeck.compose.text import (
    autospace,
    column_widths,
    cut_after,
    sizes_between,
    split_sentences,
)
from alliancedeck.document import (
    Block,
    ChartInfo,
    ImageInfo,
    SectionInfo,
    TableInfo,
    TimelineInfo,
)

if TYPE_CHECKING:
    from alliancedeck.compose.deck import DeckBuilder

TIMELINE_PER_SLIDE = 6
SOURCE_GAP = 4.0  # between a block and its source line


def block_caption(block: Block) -> str | None:
    """Return the block's own title or caption, if it has one."""
    if isinstance(block, ChartInfo):
        return block.title
    if isinstance(block, TableInfo | ImageInfo):
        return block.caption
    return None


@dataclass(frozen=True)
class TableLayout:
    """A table measured for one width: column widths, every row, and its slides' rows."""

    widths: tuple[float, ...]
    rows: tuple[tuple[tuple[Paragraph, ...], float], ...]  # header first
    pages: tuple[tuple[int, ...], ...]  # body row indexes on each slide
    size: float  # of the table's text (its cell padding follows it)


class BlockSlides:
    """The part of `DeckBuilder` that lays out a section's blocks, one or more slides each."""

    def block_slides(
        self: DeckBuilder,
        section: SectionInfo,
        title: str,
        *,
        first_page: int,
        backup: int = 0,
        lead: object = None,
        blocks: Sequence[Block] | None = None,
        kicker: str | None = None,
    ) -> None:
        """Add the slides of the blocks of `section` (or of `blocks`), in content order.

        A block with its own title (chart title, table or image caption) titles its slide,
        unless it opens the section (`first_page` 0): then the section's title is the slide's
        and the block's own title is its caption, above it. Blocks without one continue the
        section's title: "(cont.)", "(cont. 2)"...
        """
        title_of_section = title
        self._block_context = {
            "section": section,
            "page": first_page,
            "backup": backup,
            "notes_pending": first_page == 0,
            "lead": lead,
            "kicker": kicker,
        }
        context = self._block_context
        for block in section.blocks if blocks is None else blocks:
            own = block_caption(block)
            owned = context["page"] > 0 and bool(own)
            # A block titles its slides with its own title, numbered from its first slide, or
            # continues the section's numbering.
            title, first = (
                (self.unique_title(own), 0) if owned else (title_of_section, context["page"])
            )
            caption = None if owned else own
            before = len(self.slides)
            if isinstance(block, TableInfo):
                self.table_slides(block, title, caption, first)
            elif isinstance(block, TimelineInfo):
                self.timeline_slides(block, title, first)
            else:
                boxes, region = self.block_slide(title, first)
                self.place_block(block, boxes, region, caption)
            if not owned:
                context["page"] += len(self.slides) - before

    # ----- shared ----------------------------------------------------------------------------

    def block_slide(self: DeckBuilder, title: str, page: int = 0) -> tuple[list[Box], Region]:
        """Start a slide for a block; return its box list and the region below the title."""
        context = self._block_context
        section = context["section"]
        notes = section.notes if context["notes_pending"] else None
        context["notes_pending"] = False
        slide, top = self.new_slide(
            "block",
            self.labels.continued(title, page),
            section.location,
            notes=notes,
            backup=bool(context["backup"]),
            kicker=context.pop("kicker", None),
        )
        region = Region(self.left, top, self.right - self.left, self.content_bottom - top)
        lead = context.pop("lead", None)
        if lead is not None:  # the section's lead, above its first block
            paragraph = self._set(lead, self.setter.style("lead").size, region.w, True, "lead")
            slide.boxes.append(
                TextBox(
                    region.x,
                    region.y,
                    region.w,
                    paragraph.height,
                    (paragraph,),
                    role="lead",
                    name="Lead",
                )
            )
            used = paragraph.height + self.tokens.gap
            region = Region(region.x, region.y + used, region.w, region.h - used)
        return slide.boxes, region

    def caption_box(
        self: DeckBuilder, caption: str | None, region: Region
    ) -> tuple[TextBox | None, Region]:
        """Return the caption at the top of `region`, and the region left below it."""
        if not caption:
            return None, region
        box = self.fitted_box(
            caption,
            "caption",
            Region(region.x, region.y, region.w, 0),
            name="Caption",
            max_lines=2,
            # A dark template page's light text colour, as for the other text on its background.
            color=self.setter.light_text or self.theme.colors["text"],
        )
        used = box.h + SOURCE_GAP * 2
        # Set in the caption style, read as the block's caption (as the brief's block title).
        box = replace(box, role="block_title")
        return box, Region(region.x, region.y + used, region.w, region.h - used)

    def source_line(
        self: DeckBuilder,
        source: str | None,
        region: Region,
    ) -> tuple[TextBox | None, Region]:
        """Return the source line at the foot of `region`, and the region left above it."""
        if not source:
            return None, region
        box = self.fitted_box(
            self.labels.say("source", source=source),
            "source",
            Region(region.x, 0, region.w, 0),
            name="Source",
            max_lines=2,
        )
        box = replace(box, y=region.bottom - box.h)
        return box, Region(region.x, region.y, region.w, region.h - box.h - SOURCE_GAP)

    def place_block(
        self: DeckBuilder,
        block: Block,
        boxes: list[Box],
        region: Region,
        caption: str | None,
    ) -> float:
        """Place `block` (one slide's worth of it) in `region` with its caption above and its
        source line directly under it; return the height used from the region's top."""
        caption_box, inner = self.caption_box(caption, region)
        if caption_box:
            boxes.append(caption_box)
        source, inner = self.source_line(rules.block_source(block), inner)
        if isinstance(block, ChartInfo):
            bottom = self.place_chart(block, boxes, inner)
        elif isinstance(block, ImageInfo):
            bottom = self.place_picture(block, boxes, inner)
        elif isinstance(block, TableInfo):
            layout = self.table_layout(block, inner)
            bottom = self.place_table(block, layout, layout.pages[0], boxes, inner, caption)
        else:
            bottom = self.place_timeline(block, list(block.entries), boxes, inner)
        if source:
            source = replace(source, y=bottom + SOURCE_GAP)
            boxes.append(source)
            bottom = source.y + source.h
        return bottom - region.y

    # ----- charts ----------------------------------------------------------------------------

    def place_chart(self: DeckBuilder, chart: ChartInfo, boxes: list[Box], region: Region) -> float:
        """Place the chart filling `region`; return its bottom."""
        style = self.setter.style("chart")
        font = self.setter.font("chart", style.size)
        boxes.append(
            ChartBox(
                region.x,
                region.y,
                region.w,
                region.h,
                chart,
                font,
                tuple(self.theme.palette),
                self.theme.colors["rule"],
                name="Chart",
                alt=chart.alt,
                show_title=False,  # the slide's title or the caption above it is the chart's
            )
        )
        return region.bottom

    # ----- tables ----------------------------------------------------------------------------

    def table_widths(
        self: DeckBuilder,
        table: TableInfo,
        size: float,
        width: float,
    ) -> list[float]:
        """Return column widths from the table's content, fitted into `width`."""
        book = self.setter.book
        body = self.setter.font("table", size).pdf_name
        head = self.setter.font("table_header", size).pdf_name
        columns = [
            [table.columns[c], *(row[c] for row in table.rows)] for c in range(len(table.columns))
        ]
        frame = self.setter.frame_width  # room for the margin line breaking keeps free
        return column_widths(
            columns,
            lambda t: frame(book.width(t, head, size) + autospace(t) * size),
            lambda t: frame(book.width(t, body, size) + autospace(t) * size),
            2 * rules.cell_padding(size),
            width,
        )

    def table_rows(
        self: DeckBuilder,
        table: TableInfo,
        size: float,
        widths: Sequence[float],
    ) -> list[tuple[tuple[Paragraph, ...], float]]:
        """Return each row (header first) as its cell paragraphs and its height."""
        result = []
        for r, row in enumerate([table.columns, *table.rows]):
            role = "table_header" if r == 0 else "table"
            cells = []
            for c, text in enumerate(row):
                align = "right" if table.numeric[c] else "left"
                cells.append(
                    self.setter.paragraph(
                        text, role, size, widths[c] - 2 * rules.cell_padding(size), align=align
                    )
                )
            height = max(p.height for p in cells) + 2 * rules.cell_padding(size)
            result.append((tuple(cells), height))
        return result

    def table_layout(self: DeckBuilder, table: TableInfo, region: Region) -> TableLayout:
        """Return the table set at the largest size that needs the fewest slides of `region`."""
        best = None
        for size in sizes_between(self.setter.style("table")):
            widths = self.table_widths(table, size, region.w)
            rows = self.table_rows(table, size, widths)
            pages = _paginate_rows(rows, region.h)
            if best is None or len(pages) < len(best.pages):
                best = TableLayout(tuple(widths), tuple(rows), tuple(map(tuple, pages)), size)
            if len(pages) == 1:
                break
        assert best is not None
        return best

    def place_table(
        self: DeckBuilder,
        table: TableInfo,
        layout: TableLayout,
        row_indexes: Sequence[int],
        boxes: list[Box],
        region: Region,
        caption: str | None,
    ) -> float:
        """Place the header and the rows `row_indexes` at the top of `region`; return its bottom."""
        rows = layout.rows
        chosen = [rows[0], *(rows[i] for i in row_indexes)]
        heights = tuple(h for _, h in chosen)
        boxes.append(
            TableBox(
                region.x,
                region.y,
                sum(layout.widths),
                sum(heights),
                layout.widths,
                heights,
                tuple(cells for cells, _ in chosen),
                rules.cell_padding(layout.size),
                header_fill=self.theme.colors["primary"],
                stripe_fill=self.theme.colors["card"],
                rule=self.theme.colors["rule"],
                name="Table",
                alt=f"Table: {table.caption or caption or 'data'}, {len(table.rows)} rows",
            )
        )
        return region.y + sum(heights)

    def table_slides(
        self: DeckBuilder, table: TableInfo, title: str, caption: str | None = None, first: int = 0
    ) -> None:
        """Add the table, continued on "(cont.)" slides that repeat its header and caption
        (its slides titled `title`, numbered from `first`)."""
        boxes, region = self.block_slide(title, first)
        caption_box, inner = self.caption_box(caption, region)
        source, inner = self.source_line(table.source, inner)
        # Rows are shared out for the lowest slide of the table: a continuation title may
        # take more lines than the first slide's.
        lowest = self.body_top([self.labels.continued(title, 99)])
        later = Region(region.x, lowest, region.w, self.content_bottom - lowest)
        _, later = self.caption_box(caption, later)
        _, later = self.source_line(table.source, later)
        layout = self.table_layout(table, replace(inner, h=min(inner.h, later.h)))
        for page, row_indexes in enumerate(layout.pages):
            if page:
                boxes, region = self.block_slide(title, first + page)
                caption_box, inner = self.caption_box(caption, region)
                source, inner = self.source_line(table.source, inner)
            if caption_box:
                boxes.append(caption_box)
            bottom = self.place_table(table, layout, row_indexes, boxes, inner, caption)
            if source:
                boxes.append(replace(source, y=bottom + SOURCE_GAP))

    # ----- images ----------------------------------------------------------------------------

    def place_picture(
        self: DeckBuilder, image: ImageInfo, boxes: list[Box], region: Region
    ) -> float:
        """Place the picture as large as `region` allows, centred; return its bottom."""
        from alliancedeck.pictures import image_aspect

        aspect = image_aspect(image.path, image.format, image.location)
        width = min(region.w, region.h * aspect)
        height = width / aspect
        x = region.x + (region.w - width) / 2
        font = self.setter.book.pdf_name(self.theme.deck["chart"])  # for any text in an SVG
        boxes.append(
            PictureBox(x, region.y, width, height, image, name="Picture", alt=image.alt, font=font)
        )
        return region.y + height

    # ----- timelines -------------------------------------------------------------------------

    def timeline_slides(
        self: DeckBuilder, timeline: TimelineInfo, title: str, first: int = 0
    ) -> None:
        """Add a horizontal timeline over as many slides as it needs, nothing cut (its slides
        titled `title`, numbered from `first`).

        Each slide takes as many of the next events (at most TIMELINE_PER_SLIDE) as fit it at
        the largest sizes that fit, down to the layout's smallest; the events are then shared
        out evenly over the slides they need. An event taller than a whole slide on its own is
        cut at a sentence end (else between lines) and continues on the next slide under its
        date marked "(cont.)".
        """
        # Each event with the number of its part: 0 whole or first, 1 "(cont.)", ...
        queue = [(date, text, 0) for date, text in timeline.entries]
        page = 0
        while queue:
            boxes, region = self.block_slide(title, first + page)
            chunk, queue = self.timeline_chunk(queue, region)
            self.place_timeline(timeline, chunk, boxes, region)
            page += 1

    def timeline_chunk(
        self: DeckBuilder, queue: Sequence[tuple[str, str, int]], region: Region
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str, int]]]:
        """Return the events of `queue` that go on the slide of `region` (their dates as
        shown), and the rest."""
        shown = [(self.labels.continued(date, part), text) for date, text, part in queue]
        most = min(TIMELINE_PER_SLIDE, len(queue))
        fitting = next(
            (n for n in range(most, 0, -1) if self.timeline_sizes(shown[:n], region)[2]), 0
        )
        if fitting:
            slides = -(-len(queue) // fitting)  # the fewest slides at this many a slide ...
            count = -(-len(queue) // slides)  # ... each holding about as many (no lone event)
            return shown[:count], list(queue[count:])
        date, text, part = queue[0]
        head, rest = self.cut_timeline_event(shown[0][0], text, region)
        return [(shown[0][0], head)], [(date, rest, part + 1), *queue[1:]]

    def cut_timeline_event(
        self: DeckBuilder, date: str, text: str, region: Region
    ) -> tuple[str, str]:
        """Return the head of an event's `text` that fits alone on the slide of `region` at
        the smallest sizes (cut after a sentence, else after a line), and the rest."""
        date_size = sizes_between(self.setter.style("timeline_date"))[-1]
        text_size = sizes_between(self.setter.style("timeline_text"))[-1]
        width = region.w - 12
        date_height = self.setter.paragraph(date, "timeline_date", date_size, width).height
        room = region.h - date_height - 12 - 14

        def height(piece: str) -> float:
            return self.setter.paragraph(piece, "timeline_text", text_size, width).height

        sentences = split_sentences(text)
        best = 0
        for count in range(1, len(sentences)):
            if height(cut_after(text, sentences[:count])[0]) > room + 0.01:
                break
            best = count
        if best:
            return cut_after(text, sentences[:best])
        whole = self.setter.paragraph(text, "timeline_text", text_size, width)
        lines = max(1, int((room + 0.01) // whole.leading))  # never loop on a tiny region
        return cut_after(text, whole.lines[:lines])

    def timeline_sizes(
        self: DeckBuilder, chunk: Sequence[tuple[str, str]], region: Region
    ) -> tuple[list[Paragraph], list[Paragraph], bool]:
        """Return the dates and texts of `chunk` at the largest sizes that fit `region`, and
        whether they fit."""
        date_sizes = sizes_between(self.setter.style("timeline_date"))
        text_sizes = sizes_between(self.setter.style("timeline_text"))
        slot = region.w / len(chunk)
        for step in range(max(len(date_sizes), len(text_sizes))):
            date_size = date_sizes[min(step, len(date_sizes) - 1)]
            text_size = text_sizes[min(step, len(text_sizes) - 1)]
            texts = [
                self.setter.paragraph(text, "timeline_text", text_size, slot - 12)
                for _, text in chunk
            ]
            dates = [
                self.setter.paragraph(date, "timeline_date", date_size, slot - 12)
                for date, _ in chunk
            ]
            height = max(p.height for p in dates) + 12 + 14 + max(p.height for p in texts)
            if height <= region.h:
                return dates, texts, True
        return dates, texts, False

    def place_timeline(
        self: DeckBuilder,
        timeline: TimelineInfo,
        chunk: Sequence[tuple[str, str]],
        boxes: list[Box],
        region: Region,
    ) -> float:
        """Place `chunk` as a timeline at the top of `region`; return its bottom."""
        dates, texts, fits = self.timeline_sizes(chunk, region)
        if not fits:
            self.warn(
                timeline.location,
                "timeline events do not fit their slide even at the smallest type; "
                "shorten their dates or texts",
            )
        slot = region.w / len(chunk)
        line_y = region.y + max(p.height for p in dates) + 12
        boxes.append(
            Rect(region.x, line_y - 1.5, region.w, 3, self.theme.colors["rule"], "Timeline axis")
        )
        bottom = line_y + 14
        for index, (date, text) in enumerate(zip(dates, texts, strict=True)):
            x = region.x + index * slot
            boxes.append(
                Rect(x + 2, line_y - 6, 12, 12, self.theme.colors["primary"], "Timeline marker")
            )
            boxes.append(
                TextBox(
                    x + 2,
                    line_y - 12 - date.height,
                    slot - 12,
                    date.height,
                    (date,),
                    role="timeline_date",
                    name="Timeline date",
                )
            )
            boxes.append(
                TextBox(
                    x + 2,
                    line_y + 14,
                    slot - 12,
                    text.height,
                    (text,),
                    role="timeline_text",
                    name="Timeline event",
                )
            )
            bottom = max(bottom, line_y + 14 + text.height)
        return bottom

    # ----- beside or under a section's text --------------------------------------------------

    def fits_with_text(self: DeckBuilder, block: Block, region: Region) -> bool:
        """Return whether `block` fits in one `region` (caption and source included)."""
        _, inner = self.caption_box(block_caption(block), region)
        _, inner = self.source_line(rules.block_source(block), inner)
        if inner.h < 120:
            return False
        if isinstance(block, TableInfo):
            return len(self.table_layout(block, inner).pages) == 1
        if isinstance(block, TimelineInfo):
            return (
                len(block.entries) <= TIMELINE_PER_SLIDE
                and (self.timeline_sizes(block.entries, inner)[2])
            )
        return True

    def block_height(self: DeckBuilder, block: Block, width: float, room: float) -> float:
        """Return the height a table or timeline needs at `width` (at most `room`)."""
        scratch: list[Box] = []
        return self.place_block(block, scratch, Region(0, 0, width, room), block_caption(block))


def _paginate_rows(rows: Sequence[tuple[object, float]], height: float) -> list[list[int]]:
    """Return the body rows (indexes into `rows`, 1-based past the header) of each slide."""
    header = rows[0][1]
    pages: list[list[int]] = [[]]
    used = header
    for index in range(1, len(rows)):
        row_height = rows[index][1]
        if pages[-1] and used + row_height > height + 0.01:
            pages.append([])
            used = header
        pages[-1].append(index)
        used += row_height
    return pages
