"""Draw the PDF brief with reportlab: the pages of the brief's page plan, box by box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliancedeck.draw.pdf_common import (
    document_info,
    drawing_done,
    set_document_info,
    stamped_canvas_class,
)
from alliancedeck.draw.pdf_fast import pdf_data

# The deck PDF draws the same boxes, tagged the same way: draw/pdf_tags.py.
from alliancedeck.draw.pdf_tags import BoxTagger, Tagger

if TYPE_CHECKING:
    from alliancedeck.compose.brief import BriefPage, ComposedBrief
    from alliancedeck.document import Document
    from alliancedeck.fonts import FontBook


def draw_brief(layout: ComposedBrief, doc: Document, book: FontBook, build_time: int) -> bytes:
    """Return the PDF bytes of the brief planned in `layout` (whose pages it empties of their
    boxes as it draws them, outside a watch session).

    In a watch session, pages drawn as in the last rebuild are replayed (draw/pdf_replay.py).
    """
    from alliancedeck.draw.pdf_replay import drawn_with_replay

    return drawn_with_replay(
        "brief", lambda replay: _draw_brief(layout, doc, book, build_time, replay=replay)
    )


def _draw_brief(
    layout: ComposedBrief, doc: Document, book: FontBook, build_time: int, *, replay: bool
) -> bytes:
    """Return the PDF bytes of the brief (see `draw_brief`), replaying kept pages if `replay`.

    Outside a watch session, each page of `layout` is emptied of its boxes once drawn.
    """
    from alliancedeck import session
    from alliancedeck.draw.pdf_replay import PageReplay

    info = document_info(doc, kind="Brief")
    canvas = stamped_canvas_class(build_time)(
        None,  # no file: the bytes are returned (`pdf_data`)
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
    # Outside a watch session (which may draw the plan again), a page's boxes are let go
    # once it is drawn: about 4 MB less held while a long brief is saved.
    one_shot = not session.active()
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
        if one_shot:  # drawn for good: its boxes go now rather than with the plan
            page.boxes, page.order = [], {}
    pages.done()
    canvas.showOutline()
    drawing_done()
    tagger.finish()
    return pdf_data(canvas, "brief")


__all__ = ["draw_brief"]
