"""Draw the PDF brief with reportlab: the pages of the brief's page plan, box by box."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from alliancedeck.draw.pdf_common import (
    document_info,
    drawing_done,
    set_document_info,
    stamped_canvas_class,
)

# The deck PDF draws the same boxes, tagged the same way: draw/pdf_tags.py.
from alliancedeck.draw.pdf_tags import BoxTagger, Tagger

if TYPE_CHECKING:
    from alliancedeck.compose.brief import BriefPage, ComposedBrief
    from alliancedeck.document import Document
    from alliancedeck.fonts import FontBook


def draw_brief(layout: ComposedBrief, doc: Document, book: FontBook, build_time: int) -> bytes:
    """Return the PDF bytes of the brief planned in `layout`.

    In a watch session, pages drawn as in the last rebuild are replayed (draw/pdf_replay.py).
    """
    from alliancedeck.draw.pdf_replay import drawn_with_replay

    return drawn_with_replay(
        "brief", lambda replay: _draw_brief(layout, doc, book, build_time, replay=replay)
    )


def _draw_brief(
    layout: ComposedBrief, doc: Document, book: FontBook, build_time: int, *, replay: bool
) -> bytes:
    """Return the PDF bytes of the brief (see `draw_brief`), replaying kept pages if `replay`."""
    from alliancedeck.draw.pdf_replay import PageReplay

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
    pages = PageReplay(
        canvas,
        drawer,
        book,
        "brief",
        (layout.width, layout.height, picture_font, info["lang"]),
        enabled=replay,
    )
    for page in layout.pages:
        for key, title, y in page.bookmarks:
            canvas.bookmarkHorizontal(key, 0, layout.height - y)
            canvas.addOutlineEntry(title, key, level=0)

        def draw(page: BriefPage = page) -> None:
            for box in page.boxes:
                drawer.draw(box, page.order.get(id(box), -1))

        pages.page(lambda page=page: page.boxes, draw)
        canvas.showPage()
        tagger.end_page()
    canvas.showOutline()
    drawing_done()
    tagger.finish()
    canvas.save()
    return buffer.getvalue()


__all__ = ["draw_brief"]
