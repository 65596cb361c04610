"""Draw the PDF brief with reportlab platypus: a two-page, two-column brief styled by the theme."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from alliancedeck.document import ChartInfo, ImageInfo, TableInfo, TimelineInfo
from alliancedeck.draw.pdf_common import (
    color,
    document_info,
    draw_picture,
    draw_segments,
    stamped_canvas_class,
)
from alliancedeck.layout.boxes import bullet_for
from alliancedeck.layout.text import column_widths

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from alliancedeck.design import Theme
    from alliancedeck.document import Block, Document, FigureInfo, PointInfo, SectionInfo
    from alliancedeck.fonts import FontBook

BIG = 10_000.0
#: Key figures shown as cards in the brief's header band (two rows of four); any more are
#: listed in the columns, so the header never outgrows the page.
BAND_FIGURES = 8


class BriefStyles:
    """Paragraph styles for each brief role of the theme."""

    def __init__(self, theme: Theme, book: FontBook):
        self.theme = theme
        self.book = book
        self._styles: dict[str, ParagraphStyle] = {}

    def __getitem__(self, role: str) -> ParagraphStyle:
        if role not in self._styles:
            token = self.theme.brief[role]
            self._styles[role] = ParagraphStyle(
                name=role,
                fontName=self.book.pdf_name(token),
                fontSize=token.size,
                leading=round(token.size * token.leading, 2),
                textColor=color(self.theme.colors.get(token.color, token.color)),
                alignment=TA_LEFT,
                bulletFontName=self.book.pdf_name(token, bold=False, italic=False),
                wordWrap="CJK" if self.theme.fonts[token.font].east_asian else None,
            )
        return self._styles[role]

    def derived(self, role: str, name: str, **changes: Any) -> ParagraphStyle:
        key = f"{role}/{name}"
        if key not in self._styles:
            self._styles[key] = ParagraphStyle(name=key, parent=self[role], **changes)
        return self._styles[key]


def escape_markup(value: str) -> str:
    """Return `value` escaped for reportlab's paragraph mini-markup."""
    return escape(value).replace("\n", "<br/>")


class SectionStart(Flowable):
    """An invisible mark where a section starts: becomes an outline entry and a bookmark."""

    def __init__(self, key: str, title: str):
        super().__init__()
        self.key = key
        self.title = title
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=0)


class BriefBuilder:
    """Build the flowables and page templates of one brief."""

    def __init__(self, doc: Document, theme: Theme, book: FontBook):
        self.doc = doc
        self.theme = theme
        self.book = book
        self.styles = BriefStyles(theme, book)
        self.labels = doc.labels
        page = theme.page
        self.page_width, self.page_height = page.width, page.height
        self.banner_height = 16.0 if doc.meta.classification else 0.0
        self.left = page.margins.left
        self.right = self.page_width - page.margins.right
        self.top = self.page_height - page.margins.top
        self.bottom = page.margins.bottom
        self.width = self.right - self.left

    def text(self, value: str) -> str:
        """Return `value` as paragraph markup: escaped, characters the layout's font lacks set
        in its fallback font (Japanese in the default layout)."""
        base = self.styles["body"].fontName
        parts = []
        for segment, font_name in self.book.segments(value, base):
            escaped = escape_markup(segment)
            parts.append(
                escaped if font_name == base else f'<font name="{font_name}">{escaped}</font>'
            )
        return "".join(parts)

    # ----- flowables ---------------------------------------------------------------------

    def header(self) -> list[Flowable]:
        meta = self.doc.meta
        s = self.styles
        flow: list[Flowable] = []
        kicker = " \u00b7 ".join(
            t for t in (meta.organization, self.labels.as_of(meta.date), meta.product_id) if t
        )
        if kicker:
            flow.append(Paragraph(self.text(kicker), s.derived("byline", "kicker", spaceAfter=4)))
        flow.append(Paragraph(self.text(meta.title), s.derived("title", "title", spaceAfter=3)))
        if meta.subtitle:
            flow.append(
                Paragraph(self.text(meta.subtitle), s.derived("subtitle", "s", spaceAfter=2))
            )
        byline = " \u00b7 ".join(
            t
            for t in (
                ", ".join(meta.authors) or None,
                meta.poc and self.labels.say("poc", poc=meta.poc),
            )
            if t
        )
        if byline:
            flow.append(Paragraph(self.text(byline), s["byline"]))
        flow.append(
            Rule(self.width, 1.5, self.theme.colors["primary"], space_before=6, space_after=8)
        )
        if self.doc.key_figures:
            flow.append(self.figure_band(self.doc.key_figures[:BAND_FIGURES]))
            flow.append(Spacer(1, 10))
        return flow

    def more_figures(self) -> list[Flowable]:
        """Return the key figures the header band has no room for, as a list in the columns."""
        rest = self.doc.key_figures[BAND_FIGURES:]
        if not rest:
            return []
        s = self.styles
        value_style = s.derived(
            "figure_value",
            "figure-list",
            fontSize=s["body"].fontSize + 2,
            leading=s["body"].leading + 2,
        )
        rows = [
            [
                Paragraph(self.text(f.display), value_style),
                Paragraph(self.text(f.label), s["figure_label"]),
            ]
            for f in rest
        ]
        width = self.column_width()
        table = Table(rows, colWidths=[width * 0.35, width * 0.65], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, color(self.theme.colors["rule"])),
                    ("FONTNAME", (0, 0), (-1, -1), s["body"].fontName),
                ]
            )
        )
        heading = Paragraph(
            self.text(self.labels.more_figures),
            s.derived("heading", "h-more", spaceBefore=4, spaceAfter=3),
        )
        return [heading, table]

    def figure_band(self, figures: tuple[FigureInfo, ...]) -> Table:
        per_row = min(4, len(figures))
        s = self.styles
        cells = []
        for figure in figures:
            cells.append(
                [
                    Paragraph(self.text(figure.display), s["figure_value"]),
                    Paragraph(
                        self.text(figure.label), s.derived("figure_label", "band", spaceBefore=3)
                    ),
                ]
            )
        rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
        for row in rows:
            row.extend([""] * (per_row - len(row)))
        gap = 8.0
        column = (self.width - gap * (per_row - 1)) / per_row
        widths: list[float] = []
        data = []
        for row in rows:
            spaced: list[Any] = []
            for index, cell in enumerate(row):
                if index:
                    spaced.append("")
                spaced.append(cell)
            data.append(spaced)
        for index in range(per_row):
            if index:
                widths.append(gap)
            widths.append(column)
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.styles["body"].fontName),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 9),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 7),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ]
        for row_index, row in enumerate(rows):
            for index, cell in enumerate(row):
                if cell == "":
                    continue
                col = index * 2
                commands.append(
                    (
                        "BACKGROUND",
                        (col, row_index),
                        (col, row_index),
                        color(self.theme.colors["card"]),
                    )
                )
                commands.append(
                    (
                        "LINEBEFORE",
                        (col, row_index),
                        (col, row_index),
                        3,
                        color(self.theme.colors["primary"]),
                    )
                )
        table = Table(data, colWidths=widths, hAlign="LEFT", spaceAfter=0)
        table.setStyle(TableStyle(commands))
        return table

    def section(self, index: int, section: SectionInfo, backup: int = 0) -> list[Flowable]:
        s = self.styles
        title = (
            self.labels.say("backup", n=backup, title=section.title) if backup else section.title
        )
        heading = Paragraph(
            self.text(section.portion(title)),
            s.derived("heading", "h", spaceBefore=10, spaceAfter=3),
        )
        head: list[Flowable] = [SectionStart(f"section{index}", title), heading]
        if section.lead:
            head.append(
                Paragraph(
                    self.text(section.portion(section.lead)),
                    s.derived("lead", "lead", spaceAfter=4),
                )
            )
        body: list[Flowable] = []
        for point in section.points:
            body.extend(self.point(point, 0, section))
        # Keep the heading with its lead and first point; never strand a heading at a column foot.
        for block in section.blocks:
            body.extend(self.block(block))
        first = body[:1]
        return [CondPageBreak(60), KeepTogether(head + first), *body[1:]]

    # ----- blocks ------------------------------------------------------------------------

    def block(self, block: Block) -> list[Flowable]:
        """Return the flowables of a chart, table, image or timeline."""
        if isinstance(block, ChartInfo):
            return self.chart(block)
        if isinstance(block, TableInfo):
            return self.table(block)
        if isinstance(block, ImageInfo):
            return self.image(block)
        return self.timeline(block)

    def column_width(self) -> float:
        page = self.theme.page
        return (self.width - page.gutter * (page.columns - 1)) / page.columns

    def caption(self, value: str | None) -> list[Flowable]:
        if not value:
            return []
        return [
            Paragraph(
                self.text(value),
                self.styles.derived(
                    "heading",
                    "block-caption",
                    fontSize=self.styles["body"].fontSize + 0.5,
                    leading=self.styles["body"].leading + 1,
                    spaceBefore=8,
                    spaceAfter=3,
                ),
            )
        ]

    def source_note(self, source: str | None, extra: str | None = None) -> list[Flowable]:
        notes = [t for t in (extra, source and self.labels.say("source", source=source)) if t]
        return [
            Paragraph(self.text(n), self.styles.derived("caption", "note", spaceBefore=2))
            for n in notes
        ]

    def chart(self, chart: ChartInfo) -> list[Flowable]:
        from alliancedeck.draw.charts import ChartStyle, chart_drawing

        width = self.column_width()
        token = self.theme.brief["chart"]
        style = ChartStyle(
            font=self.book.pdf_name(token),
            size=token.size,
            text_color=self.theme.colors.get(token.color, token.color),
            palette=tuple(self.theme.palette),
            rule=self.theme.colors["rule"],
            book=self.book,
        )
        drawing = chart_drawing(chart, width, width * 0.68, style)
        # The text equivalent: the author's alt text or one generated from the data.
        return [
            KeepTogether(
                [*self.caption(chart.title), drawing, *self.source_note(chart.source, chart.alt)]
            )
        ]

    def table(self, table: TableInfo) -> list[Flowable]:
        s = self.styles
        width = self.column_width()
        head_style = s.derived("table_header", "th")
        body_left = s["table"]
        body_right = s.derived("table", "td-right", alignment=TA_RIGHT)
        head_right = s.derived("table_header", "th-right", alignment=TA_RIGHT)
        rows = [
            [
                Paragraph(self.text(c), head_right if table.numeric[i] else head_style)
                for i, c in enumerate(table.columns)
            ]
        ]
        for row in table.rows:
            rows.append(
                [
                    Paragraph(self.text(cell), body_right if table.numeric[i] else body_left)
                    for i, cell in enumerate(row)
                ]
            )
        book, size = self.book, body_left.fontSize
        columns = [
            [table.columns[i], *(r[i] for r in table.rows)] for i in range(len(table.columns))
        ]
        widths = column_widths(
            columns,
            lambda t: book.width(t, head_style.fontName, size),
            lambda t: book.width(t, body_left.fontName, size),
            10,
            width,
        )
        flowable = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), color(self.theme.colors["primary"])),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, color(self.theme.colors["rule"])),
            ("FONTNAME", (0, 0), (-1, -1), body_left.fontName),
        ]
        for r in range(2, len(rows), 2):
            commands.append(("BACKGROUND", (0, r), (-1, r), color(self.theme.colors["card"])))
        flowable.setStyle(TableStyle(commands))
        return [*self.caption(table.caption), flowable, *self.source_note(table.source)]

    def image(self, image: ImageInfo) -> list[Flowable]:
        from alliancedeck.pictures import image_aspect

        width = self.column_width()
        aspect = image_aspect(image.path, image.format, image.location)
        height = min(width / aspect, self.page_height * 0.4)
        width = height * aspect
        picture = _Picture(image, width, height, self.book.pdf_name(self.theme.brief["chart"]))
        return [
            KeepTogether([*self.caption(image.caption), picture, *self.source_note(image.source)])
        ]

    def timeline(self, timeline: TimelineInfo) -> list[Flowable]:
        s = self.styles
        date_style, text_style = s["timeline_date"], s["timeline_text"]
        rows = [
            [Paragraph(self.text(date), date_style), Paragraph(self.text(text), text_style)]
            for date, text in timeline.entries
        ]
        width = self.column_width()
        date_width = min(
            width * 0.32,
            max(
                self.book.width(d, date_style.fontName, date_style.fontSize)
                for d, _ in timeline.entries
            )
            + 12,
        )
        flowable = Table(rows, colWidths=[date_width, width - date_width], hAlign="LEFT")
        flowable.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LINEBEFORE", (1, 0), (1, -1), 1.5, color(self.theme.colors["primary"])),
                    ("LEFTPADDING", (1, 0), (1, -1), 7),
                    ("FONTNAME", (0, 0), (-1, -1), text_style.fontName),
                ]
            )
        )
        return [Spacer(1, 6), flowable]

    def point(self, point: PointInfo, level: int, section: SectionInfo) -> list[Flowable]:
        body = self.styles["body"]
        indent = body.fontSize * 1.15
        style = self.styles.derived(
            "body",
            f"point{level}",
            leftIndent=indent * (level + 1),
            bulletIndent=indent * level,
            spaceBefore=2.5 if level == 0 else 1,
        )
        label = section.portion(point.text) if level == 0 else point.text
        flow: list[Flowable] = [Paragraph(self.text(label), style, bulletText=bullet_for(level))]
        for child in point.children:
            flow.extend(self.point(child, level + 1, section))
        return flow

    def sources(self) -> list[Flowable]:
        entries = self.doc.all_sources
        if not entries:
            return []
        s = self.styles
        flow: list[Flowable] = [
            CondPageBreak(40),
            SectionStart("sources", self.labels.sources),
            Paragraph(
                self.text(self.labels.sources),
                s.derived("heading", "h-sources", spaceBefore=12, spaceAfter=3),
            ),
        ]
        style = s.derived("source", "source-item", leftIndent=10, bulletIndent=0, spaceBefore=2)
        link_color = self.theme.colors["link"]
        for section, source in entries:
            body = f"{self.text(section.title)}: {self.text(source.text)}"
            if source.url:
                body += (
                    f' <a href="{escape(source.url, {chr(34): "&quot;"})}" '
                    f'color="{link_color}"><u>{self.text(source.url)}</u></a>'
                )
            flow.append(Paragraph(body, style, bulletText="\u2022"))
        return flow

    # ----- pages -------------------------------------------------------------------------

    def first_page_foot(self) -> list[tuple[Paragraph, float, float]]:
        """Return what stands above the footer of page 1: the distribution statement at the
        left and the CUI designation indicator at the lower right, as (paragraph, x, width)."""
        meta = self.doc.meta
        parts: list[tuple[Paragraph, float, float]] = []
        statement_width = self.width
        if meta.cui:
            block_width = min(230.0, self.width * 0.42)
            statement_width = self.width - block_width - 14
            lines = "<br/>".join(self.text(line) for line in meta.cui)
            parts.append(
                (Paragraph(lines, self.styles["statement"]), self.right - block_width, block_width)
            )
        if meta.distribution:
            parts.append(
                (
                    Paragraph(self.text(meta.distribution), self.styles["statement"]),
                    self.left,
                    statement_width,
                )
            )
        return parts

    def statement_height(self) -> float:
        """Return the height kept free at the foot of page 1 for `first_page_foot`."""
        heights = [p.wrap(w, BIG)[1] for p, _, w in self.first_page_foot()]
        return max(heights) + 10 if heights else 0.0

    def frames(self, header_height: float) -> tuple[list[Frame], list[Frame]]:
        page = self.theme.page
        top = self.top - self.banner_height
        bottom = self.bottom + self.banner_height + 18  # the footer line
        columns = page.columns
        gutter = page.gutter
        column_width = (self.width - gutter * (columns - 1)) / columns

        def column_frames(prefix: str, frame_top: float, frame_bottom: float) -> list[Frame]:
            return [
                Frame(
                    self.left + i * (column_width + gutter),
                    frame_bottom,
                    column_width,
                    frame_top - frame_bottom,
                    id=f"{prefix}{i}",
                    leftPadding=0,
                    rightPadding=0,
                    topPadding=0,
                    bottomPadding=0,
                )
                for i in range(columns)
            ]

        header = Frame(
            self.left,
            top - header_height,
            self.width,
            header_height,
            id="header",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        first = [
            header,
            *column_frames("first", top - header_height, bottom + self.statement_height()),
        ]
        later = column_frames("later", top, bottom)
        return first, later


class _Picture(Flowable):
    """An image at a fixed size: bitmaps as images, SVG as vector drawings."""

    def __init__(self, image: ImageInfo, width: float, height: float, font: str):
        super().__init__()
        self.image = image
        self.font = font  # for any text in an SVG
        self.width = width
        self.height = height
        self.spaceBefore = 4
        self.spaceAfter = 2

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_picture(self.canv, self.image, 0, 0, self.width, self.height, self.font)


class Rule(Flowable):
    """A horizontal rule of the theme's colour."""

    def __init__(
        self,
        width: float,
        thickness: float,
        fill: str,
        *,
        space_before: float = 0,
        space_after: float = 0,
    ):
        super().__init__()
        self.width = width
        self.thickness = thickness
        self.fill = fill
        self.spaceBefore = space_before
        self.spaceAfter = space_after

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.thickness

    def draw(self) -> None:
        self.canv.setFillColor(color(self.fill))
        self.canv.rect(0, 0, self.width, self.thickness, stroke=0, fill=1)


def _page_decorator(builder: BriefBuilder) -> Any:
    theme = builder.theme
    meta = builder.doc.meta

    def decorate(canvas: Canvas, template: BaseDocTemplate) -> None:
        canvas.saveState()
        page_number = canvas.getPageNumber()
        if meta.classification:
            banner = theme.banner_colors(meta.banner_level or "")
            style = theme.brief["banner"]
            font = builder.book.pdf_name(style)
            label = meta.classification
            for y in (builder.page_height - builder.banner_height, 0.0):
                canvas.setFillColor(color(banner.fill))
                canvas.rect(0, y, builder.page_width, builder.banner_height, stroke=0, fill=1)
                canvas.setFillColor(color(banner.text))
                canvas.setFont(font, style.size)
                canvas.drawCentredString(
                    builder.page_width / 2,
                    y + (builder.banner_height - style.size * 0.72) / 2,
                    label,
                )
        footer = theme.brief["footer"]
        footer_y = builder.bottom + builder.banner_height
        canvas.setFillColor(color(theme.colors["rule"]))
        canvas.rect(builder.left, footer_y + footer.size + 4, builder.width, 0.6, stroke=0, fill=1)
        canvas.setFillColor(color(theme.colors.get(footer.color, footer.color)))
        canvas.setFont(builder.book.pdf_name(footer), footer.size)
        left = " \u00b7 ".join(t for t in (meta.short_title, builder.labels.as_of(meta.date)) if t)
        draw_segments(
            canvas,
            builder.book,
            builder.left,
            footer_y,
            left,
            builder.book.pdf_name(footer),
            footer.size,
        )
        # "Page N of M": a form each page ends with, filled in when M is known (see below).
        canvas.page_label = _PageLabel(
            builder.right,
            footer_y,
            builder.book.pdf_name(footer),
            footer.size,
            color(theme.colors.get(footer.color, footer.color)),
            builder.labels.page_number,
            builder.book,
        )
        if page_number == 1:
            parts = builder.first_page_foot()
            if parts:
                y = footer_y + footer.size + 12
                tallest = max(p.wrap(w, BIG)[1] for p, _, w in parts)
                canvas.setFillColor(color(theme.colors["rule"]))
                canvas.rect(builder.left, y + tallest + 4, builder.width, 0.6, stroke=0, fill=1)
                for paragraph, x, width in parts:
                    _, height = paragraph.wrap(width, BIG)
                    paragraph.drawOn(canvas, x, y + tallest - height)
        canvas.restoreState()

    return decorate


@dataclass(frozen=True)
class _PageLabel:
    """Where and how the page label goes: right-aligned at (right, y)."""

    right: float
    y: float
    font: str
    size: float
    color: Any
    text: str  # with {n} and {total}
    book: FontBook


def _page_label_form(page: int) -> str:
    return f"pagelabel{page}"


def numbered_canvas_class(build_time: int) -> type:
    """Return a canvas class that writes "Page N of M" once it knows M.

    Each page ends by showing a form by name (so the label is read last, as it is drawn); the
    forms are written at the end, when the number of pages is known. Pages are not held back,
    so the outline's bookmarks point at the right pages.
    """
    base = stamped_canvas_class(build_time)

    class NumberedCanvas(base):  # type: ignore[misc, valid-type]
        page_label: _PageLabel | None = None

        def showPage(self) -> None:
            self.doForm(_page_label_form(self.getPageNumber()))
            base.showPage(self)

        def save(self) -> None:
            label = self.page_label
            total = self.getPageNumber() - 1
            for page in range(1, total + 1):
                self.beginForm(_page_label_form(page))
                if label is not None:
                    text = label.text.format(n=page, total=total)
                    x = label.right - label.book.width(text, label.font, label.size)
                    self.setFont(label.font, label.size)
                    self.setFillColor(label.color)
                    draw_segments(self, label.book, x, label.y, text, label.font, label.size)
                self.endForm()
            base.save(self)

    return NumberedCanvas


def draw_brief(doc: Document, theme: Theme, book: FontBook, build_time: int) -> tuple[bytes, int]:
    """Return the PDF bytes of the brief of `doc`, and its number of pages."""
    builder = BriefBuilder(doc, theme, book)
    header = builder.header()
    header_height = (
        sum(f.wrap(builder.width, BIG)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in header)
        + 2
    )
    first, later = builder.frames(header_height)
    decorate = _page_decorator(builder)
    buffer = io.BytesIO()
    info = document_info(doc, kind="Brief")
    template = BaseDocTemplate(
        buffer,
        pagesize=(builder.page_width, builder.page_height),
        leftMargin=builder.left,
        rightMargin=theme.page.margins.right,
        topMargin=theme.page.margins.top,
        bottomMargin=builder.bottom,
        title=info["title"],
        author=info["author"],
        subject=info["subject"],
        keywords=info["keywords"],
        creator=info["creator"],
        producer=info["producer"],
        lang=info["lang"],
        invariant=1,
        pageCompression=1,
        initialFontName=book.pdf_name(theme.brief["body"]),
    )
    template.addPageTemplates(
        [
            PageTemplate(id="first", frames=first, onPage=decorate),
            PageTemplate(id="later", frames=later, onPage=decorate),
        ]
    )
    story: list[Flowable] = [
        NextPageTemplate("later"),
        *header,
        FrameBreak(),
        *builder.more_figures(),
    ]
    for index, section in enumerate(doc.main_sections):
        story.extend(builder.section(index, section))
    for number, section in enumerate(doc.backup_sections, start=1):
        story.extend(builder.section(len(doc.main_sections) + number - 1, section, backup=number))
    story.extend(builder.sources())
    template.build(story, canvasmaker=numbered_canvas_class(build_time))
    return buffer.getvalue(), template.page


__all__ = ["draw_brief"]
