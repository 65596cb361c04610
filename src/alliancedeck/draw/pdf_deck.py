"""Draw a laid-out deck as PDF pages with reportlab: the same boxes as the .pptx, one per slide."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

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
    from alliancedeck.template import OrgTemplate


def draw_deck_pdf(
    deck: ComposedDeck,
    doc: Document,
    book: FontBook,
    build_time: int,
    template: OrgTemplate | None = None,
) -> bytes:
    """Return the PDF bytes of `deck`: one page per slide, text where the layout put it.

    With `template`, each page first shows the template's own artwork (an artifact).
    """
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
        if template is not None:  # organisation template: see alliancedeck.template.pdf
            from alliancedeck.template.pdf import draw_artwork

            with tagger.artifact():
                draw_artwork(canvas, template, slide.kind, deck.height)
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
) -> None:
    font = paragraph.font
    canvas.setFillColor(color(font.color))
    canvas.setFont(font.pdf_name, font.size)
    drop = first_baseline(paragraph, book)
    for line_index, line in enumerate(paragraph.lines):
        baseline = page_height - (top + line_index * paragraph.leading + drop)
        left = box.x + paragraph.indent
        if paragraph.align != "left":
            room = box.w - paragraph.indent
            width = book.width(line, font.pdf_name, font.size)
            left += room - width if paragraph.align == "right" else (room - width) / 2
        draw_segments(canvas, book, left, baseline, line, font.pdf_name, font.size)
        if line_index == 0 and paragraph.bullet:
            canvas.drawString(box.x + paragraph.bullet_indent, baseline, paragraph.bullet)
    if paragraph.link:
        height = paragraph.height
        y0 = page_height - top - height
        canvas.linkURL(paragraph.link, (box.x, y0, box.x + box.w, y0 + height), relative=0)


def _chart(canvas: Canvas, page_height: float, box: ChartBox, book: FontBook) -> None:
    from reportlab.graphics import renderPDF

    from alliancedeck.draw.charts import ChartStyle, chart_drawing

    font = box.font
    style = ChartStyle(font.pdf_name, font.size, font.color, box.palette, box.rule, book)
    drawing = chart_drawing(box.chart, box.w, box.h, style, show_title=box.show_title)
    renderPDF.draw(drawing, canvas, box.x, page_height - box.y - box.h)
