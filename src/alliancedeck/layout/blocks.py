"""Slide geometry of section blocks: charts, tables, images and timelines, continued as needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from alliancedeck.document import ChartInfo, ImageInfo, SectionInfo, TableInfo, TimelineInfo
from alliancedeck.layout import rules
from alliancedeck.layout.boxes import (
    ChartBox,
    Paragraph,
    PictureBox,
    Rect,
    Region,
    TableBox,
    TextBox,
)
from alliancedeck.layout.text import autospace, column_widths, sizes_between

if TYPE_CHECKING:
    from alliancedeck.layout.deck import DeckBuilder

TIMELINE_PER_SLIDE = 6


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
    ) -> None:
        """Add the slides of every block of `section`, in content order.

        A block with its own title (chart title, table or image caption) titles its slide;
        the others continue the section's title: "(cont.)", "(cont. 2)"... When the section
        has nothing but blocks (`first_page` 0), the first slide carries the section's title.
        """
        self._block_context = {
            "section": section,
            "title": title,
            "page": first_page,
            "backup": backup,
            "notes_pending": first_page == 0,
            "lead": lead,
        }
        for block in section.blocks:
            if isinstance(block, ChartInfo):
                self.chart_slide(block, self._block_title(block.title))
            elif isinstance(block, TableInfo):
                self.table_slides(block, self._block_title(block.caption))
            elif isinstance(block, ImageInfo):
                self.image_slide(block, self._block_title(block.caption))
            elif isinstance(block, TimelineInfo):
                self.timeline_slides(block, self._block_title(None))

    def _block_title(self: DeckBuilder, own: str | None) -> str:
        """Return the title for the next block's first slide."""
        context = self._block_context
        if context["page"] > 0 and own:
            return self.unique_title(own)
        title = self.labels.continued(context["title"], context["page"])
        context["page"] += 1
        return title

    # ----- shared ----------------------------------------------------------------------------

    def block_slide(self: DeckBuilder, title: str, page: int = 0) -> tuple[list, Region]:
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
            "caption",
            Region(region.x, 0, region.w, 0),
            name="Source",
            max_lines=2,
        )
        box = replace(box, y=region.bottom - box.h)
        return box, Region(region.x, region.y, region.w, region.h - box.h - self.tokens.gap)

    # ----- charts ----------------------------------------------------------------------------

    def chart_slide(self: DeckBuilder, chart: ChartInfo, title: str) -> None:
        boxes, region = self.block_slide(title)
        source, region = self.source_line(chart.source, region)
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
                show_title=chart.title != title,
            )
        )
        if source:
            boxes.append(source)

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

    def table_slides(self: DeckBuilder, table: TableInfo, title: str) -> None:
        """Add the table, continued on "(cont.)" slides that repeat its header."""
        boxes, region = self.block_slide(title)
        source_box, region = self.source_line(table.source, region)
        best = None
        for size in sizes_between(self.setter.style("table")):
            widths = self.table_widths(table, size, region.w)
            rows = self.table_rows(table, size, widths)
            pages = _paginate_rows(rows, region.h)
            if best is None or len(pages) < len(best[2]) or len(pages) == 1:
                best = (widths, rows, pages, size)
            if len(pages) == 1:
                break
        assert best is not None
        widths, rows, pages, size = best
        for page, row_indexes in enumerate(pages):
            if page:
                boxes, region = self.block_slide(title, page)
                source_box, region = self.source_line(table.source, region)
            chosen = [rows[0], *(rows[i] for i in row_indexes)]
            heights = tuple(h for _, h in chosen)
            boxes.append(
                TableBox(
                    region.x,
                    region.y,
                    sum(widths),
                    sum(heights),
                    tuple(widths),
                    heights,
                    tuple(cells for cells, _ in chosen),
                    rules.cell_padding(size),
                    header_fill=self.theme.colors["primary"],
                    stripe_fill=self.theme.colors["card"],
                    rule=self.theme.colors["rule"],
                    name="Table",
                    alt=f"Table: {table.caption or title}, {len(table.rows)} rows",
                )
            )
            if source_box:
                boxes.append(source_box)

    # ----- images ----------------------------------------------------------------------------

    def image_slide(self: DeckBuilder, image: ImageInfo, title: str) -> None:
        from alliancedeck.pictures import image_aspect

        boxes, region = self.block_slide(title)
        source, region = self.source_line(image.source, region)
        aspect = image_aspect(image.path, image.format, image.location)
        width = min(region.w, region.h * aspect)
        height = width / aspect
        x = region.x + (region.w - width) / 2
        font = self.setter.book.pdf_name(self.theme.deck["chart"])  # for any text in an SVG
        boxes.append(
            PictureBox(x, region.y, width, height, image, name="Picture", alt=image.alt, font=font)
        )
        if source:
            boxes.append(source)

    # ----- timelines -------------------------------------------------------------------------

    def timeline_slides(self: DeckBuilder, timeline: TimelineInfo, title: str) -> None:
        """Add a horizontal timeline, at most TIMELINE_PER_SLIDE events a slide."""
        entries = list(timeline.entries)
        chunks = [
            entries[i : i + TIMELINE_PER_SLIDE] for i in range(0, len(entries), TIMELINE_PER_SLIDE)
        ]
        date_sizes = sizes_between(self.setter.style("timeline_date"))
        text_sizes = sizes_between(self.setter.style("timeline_text"))
        for page, chunk in enumerate(chunks):
            boxes, region = self.block_slide(title, page)
            slot = region.w / len(chunk)
            line_y = region.y + region.h * 0.4
            boxes.append(
                Rect(
                    region.x,
                    line_y - 1.5,
                    region.w,
                    3,
                    self.theme.colors["rule"],
                    name="Timeline axis",
                )
            )
            room_below = region.bottom - (line_y + 14)
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
                if (
                    max(p.height for p in texts) <= room_below
                    and max(p.height for p in dates) <= line_y - region.y - 12
                ):
                    break
            else:
                self.warn(
                    timeline.location,
                    "timeline events do not fit their slide even at the smallest type; "
                    "shorten their dates or texts",
                )
            for index in range(len(chunk)):
                x = region.x + index * slot
                boxes.append(
                    Rect(
                        x + 2,
                        line_y - 6,
                        12,
                        12,
                        self.theme.colors["primary"],
                        name="Timeline marker",
                    )
                )
                date = dates[index]
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
                text = texts[index]
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
