"""Draw a laid-out deck as PDF pages with reportlab: the same boxes as the .pptx, one per slide."""

from __future__ import annotations

import contextlib
import io
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

from alliancedeck.compose.boxes import (
    ChartBox,
    ComposedDeck,
    Paragraph,
    TextBox,
)
from alliancedeck.draw.pdf_common import (
    color,
    document_info,
    draw_segments,
    stamped_canvas_class,
)

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from alliancedeck.document import Document
    from alliancedeck.fonts import FontBook
    from alliancedeck.markup import Run


def draw_deck_pdf(deck: ComposedDeck, doc: Document, book: FontBook, build_time: int) -> bytes:
    """Return the PDF bytes of `deck`: one page per slide, text where the layout put it."""
    buffer = io.BytesIO()
    info = document_info(doc, kind="Deck")

    canvas_class = stamped_canvas_class(build_time)
    first_font = deck.slides[0].title_box.paragraphs[0].font if deck.slides else None
    picture_font = book.pdf_name(book.theme.deck["chart"])  # for any text in an SVG
    canvas = canvas_class(
        buffer,
        pagesize=(deck.width, deck.height),
        invariant=1,
        lang=info["lang"],
        pageCompression=1,
        initialFontName=first_font.pdf_name if first_font else None,
    )
    canvas.setTitle(info["title"])
    canvas.setAuthor(info["author"])
    canvas.setSubject(info["subject"])
    canvas.setKeywords(info["keywords"])
    canvas.setCreator(info["creator"])
    canvas.setProducer(info["producer"])
    from alliancedeck.draw.pdf_tags import BoxTagger, Tagger

    tagger = Tagger(canvas, info["lang"], info["title"])  # tagged PDF: see draw/pdf_tags.py
    drawer = BoxTagger(tagger, book, deck.height, picture_font)
    for slide in deck.slides:
        key = f"slide{slide.number}"
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(f"{slide.number}. {slide.title}", key, level=0)
        for box in slide.boxes:
            drawer.draw(box)
        canvas.showPage()
        tagger.end_page()
    canvas.showOutline()
    tagger.finish()
    canvas.save()
    return buffer.getvalue()


def _rect(
    canvas: Canvas, page_height: float, x: float, y: float, w: float, h: float, fill: str
) -> None:
    canvas.setFillColor(color(fill))
    canvas.rect(x, page_height - y - h, w, h, stroke=0, fill=1)


def _text_box(canvas: Canvas, page_height: float, box: TextBox, book: FontBook) -> None:
    if box.fill:
        _rect(canvas, page_height, box.x, box.y, box.w, box.h, box.fill)
    content = box.content_height
    offset = {"top": 0.0, "middle": (box.h - content) / 2, "bottom": box.h - content}[box.anchor]
    y = box.y + offset
    for index, paragraph in enumerate(box.paragraphs):
        if index:
            y += paragraph.space_before
        _paragraph(canvas, page_height, box, paragraph, y, book)
        y += paragraph.height


def first_baseline(paragraph: Paragraph, book: FontBook) -> float:
    """Return the distance from a line's top to its baseline with exact line spacing.

    As LibreOffice and PowerPoint do, the line keeps the font's descent below the baseline
    and gives the rest of the exact line height to the ascent.
    """
    return paragraph.leading - book.descent(paragraph.font.pdf_name, paragraph.font.size)


def _paragraph(
    canvas: Canvas,
    page_height: float,
    box: TextBox,
    paragraph: Paragraph,
    top: float,
    book: FontBook,
    marker: RunMarker | None = None,
) -> None:
    font = paragraph.font
    canvas.setFillColor(color(font.color))
    canvas.setFont(font.pdf_name, font.size)
    drop = first_baseline(paragraph, book)
    for line_index, line in enumerate(paragraph.lines):
        baseline = page_height - (top + line_index * paragraph.leading + drop)
        left = box.x + paragraph.indent
        runs = paragraph.line_runs(line_index) if paragraph.runs else ()
        widths = [book.width(r.text, paragraph.font_of(r).pdf_name, font.size) for r in runs]
        if paragraph.align != "left":
            room = box.w - paragraph.indent
            width = sum(widths) if runs else book.width(line, font.pdf_name, font.size)
            left += room - width if paragraph.align == "right" else (room - width) / 2
        if runs:
            _runs(canvas, book, paragraph, runs, widths, left, baseline, marker)
        else:
            draw_segments(canvas, book, left, baseline, line, font.pdf_name, font.size)
        if line_index == 0 and paragraph.bullet:
            canvas.drawString(box.x + paragraph.bullet_indent, baseline, paragraph.bullet)
    if paragraph.link:
        height = paragraph.height
        y0 = page_height - top - height
        canvas.linkURL(paragraph.link, (box.x, y0, box.x + box.w, y0 + height), relative=0)


class RunMarker(Protocol):
    """What a tagged PDF does around each styled run: mark it, and tag its link."""

    def mark(self, run: Run) -> AbstractContextManager[object]: ...

    def linked(self, run: Run) -> None: ...


#: An underline's depth below the baseline and its thickness, in ems.
UNDERLINE_DEPTH, UNDERLINE_WIDTH = 0.12, 0.06


def _runs(
    canvas: Canvas,
    book: FontBook,
    paragraph: Paragraph,
    runs: tuple[Run, ...],
    widths: list[float],
    left: float,
    baseline: float,
    marker: RunMarker | None,
) -> None:
    """Draw one line's styled runs from `left`, each in its face and colour; links are
    underlined and live (a link annotation over the run)."""
    x = left
    for run, width in zip(runs, widths, strict=True):
        font = paragraph.font_of(run)
        with marker.mark(run) if marker else contextlib.nullcontext():
            canvas.setFillColor(color(font.color))
            draw_segments(canvas, book, x, baseline, run.text, font.pdf_name, font.size)
            if run.href and run.text.strip():
                canvas.setStrokeColor(color(font.color))
                canvas.setLineWidth(font.size * UNDERLINE_WIDTH)
                depth = baseline - font.size * UNDERLINE_DEPTH
                canvas.line(x, depth, x + width, depth)
        if run.href and run.text.strip():
            descent = book.descent(font.pdf_name, font.size)
            area = (x, baseline - descent, x + width, baseline + font.size - descent)
            canvas.linkURL(run.href, area, relative=0)
            if marker:
                marker.linked(run)
        x += width
    canvas.setFillColor(color(paragraph.font.color))
    canvas.setFont(paragraph.font.pdf_name, paragraph.font.size)


def _chart(canvas: Canvas, page_height: float, box: ChartBox, book: FontBook) -> None:
    from reportlab.graphics import renderPDF

    from alliancedeck.draw.charts import ChartStyle, chart_drawing

    font = box.font
    style = ChartStyle(font.pdf_name, font.size, font.color, box.palette, box.rule, book)
    drawing = chart_drawing(box.chart, box.w, box.h, style, show_title=box.show_title)
    renderPDF.draw(drawing, canvas, box.x, page_height - box.y - box.h)
