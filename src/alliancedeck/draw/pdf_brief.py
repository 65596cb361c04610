"""Draw the PDF brief with reportlab: the pages of the brief's page plan, box by box."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from alliancedeck.draw.pdf_common import (
    document_info,
    draw_picture,
    set_document_info,
    stamped_canvas_class,
)

# The deck PDF draws the same boxes; one drawing of each kind serves both PDFs.
from alliancedeck.draw.pdf_deck import _chart, _rect, _table, _text_box
from alliancedeck.draw.pdf_tags import BoxTagger, Tagger
from alliancedeck.layout.boxes import Box, ChartBox, PictureBox, Rect, TableBox, TextBox

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from alliancedeck.document import Document
    from alliancedeck.fonts import FontBook
    from alliancedeck.layout.brief import BriefLayout


def draw_box(
    canvas: Canvas, page_height: float, box: Box, book: FontBook, picture_font: str
) -> None:
    """Draw one positioned `box` on a page `page_height` tall (boxes measure from the top)."""
    if isinstance(box, Rect):
        _rect(canvas, page_height, box.x, box.y, box.w, box.h, box.fill)
    elif isinstance(box, TextBox):
        _text_box(canvas, page_height, box, book)
    elif isinstance(box, ChartBox):
        _chart(canvas, page_height, box, book)
    elif isinstance(box, TableBox):
        _table(canvas, page_height, box, book)
    elif isinstance(box, PictureBox):
        y = page_height - box.y - box.h
        draw_picture(canvas, box.image, box.x, y, box.w, box.h, picture_font)


def draw_brief(layout: BriefLayout, doc: Document, book: FontBook, build_time: int) -> bytes:
    """Return the PDF bytes of the brief planned in `layout`."""
    buffer = io.BytesIO()
    info = document_info(doc, kind="Brief")
    canvas = stamped_canvas_class(build_time)(
        buffer,
        pagesize=(layout.width, layout.height),
        invariant=1,
        lang=info["lang"],
        pageCompression=1,
        initialFontName=book.pdf_name(book.theme.brief["body"]),
    )
    set_document_info(canvas, info)
    picture_font = book.pdf_name(book.theme.brief["chart"])  # for any text in an SVG
    tagger = Tagger(canvas, info["lang"], info["title"])
    drawer = BoxTagger(tagger, book, layout.height, picture_font)
    for page in layout.pages:
        for key, title, y in page.bookmarks:
            canvas.bookmarkHorizontal(key, 0, layout.height - y)
            canvas.addOutlineEntry(title, key, level=0)
        for box in page.boxes:
            drawer.draw(box, page.order.get(id(box), -1))
        canvas.showPage()
        tagger.end_page()
    canvas.showOutline()
    tagger.finish()
    canvas.save()
    return buffer.getvalue()


__all__ = ["draw_box", "draw_brief"]
