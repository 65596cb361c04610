"""Draw a laid-out deck as PDF pages with reportlab: the same boxes as the .pptx, one per slide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliancedeck.compose.boxes import ComposedDeck, Slide
from alliancedeck.draw.pdf_common import (
    document_info,
    drawing_done,
    set_document_info,
    stamped_canvas_class,
)
from alliancedeck.draw.pdf_fast import pdf_data

if TYPE_CHECKING:
    from alliancedeck.document import Document
    from alliancedeck.fonts import FontBook
    from alliancedeck.template import OrgTemplate


def draw_deck_pdf(
    deck: ComposedDeck,
    doc: Document,
    book: FontBook,
    build_time: int,
    template: OrgTemplate | None = None,
    *,
    consume: bool = False,
) -> bytes:
    """Return the PDF bytes of `deck`: one page per slide, text where the layout put it.

    With `template`, each page first shows the template's own artwork (an artifact). In a
    watch session, slides drawn as in the last rebuild are replayed (draw/pdf_replay.py).
    With `consume` (nothing uses `deck` afterwards), each slide is emptied of its boxes once
    drawn, so that the PDF's objects take the memory the layout held: at 1,358 slides, about
    9 MB less at the save.
    """
    from alliancedeck.draw.pdf_replay import drawn_with_replay

    return drawn_with_replay(
        "deck",
        lambda replay: _draw_deck_pdf(
            deck, doc, book, build_time, template, replay=replay, consume=consume
        ),
    )


def _draw_deck_pdf(
    deck: ComposedDeck,
    doc: Document,
    book: FontBook,
    build_time: int,
    template: OrgTemplate | None,
    *,
    replay: bool,
    consume: bool = False,
) -> bytes:
    """Return the PDF bytes of `deck` (see `draw_deck_pdf`), replaying kept slides if `replay`
    and emptying each slide once drawn if `consume`."""
    info = document_info(doc, kind="Deck")

    canvas_class = stamped_canvas_class(build_time)
    first_font = deck.slides[0].title_box.paragraphs[0].font if deck.slides else None
    picture_font = book.pdf_name(book.theme.deck["chart"])  # for any text in an SVG
    canvas = canvas_class(
        None,  # no file: the bytes are returned (`pdf_data`)
        pagesize=(deck.width, deck.height),
        invariant=1,
        lang=info["lang"],
        pageCompression=1,
        initialFontName=first_font.pdf_name if first_font else None,
    )
    set_document_info(canvas, info)
    from alliancedeck.draw.pdf_replay import PageReplay
    from alliancedeck.draw.pdf_tags import BoxTagger, Tagger

    tagger = Tagger(canvas, info["lang"], info["title"])  # tagged PDF: see draw/pdf_tags.py
    drawer = BoxTagger(tagger, book, deck.height, picture_font)
    # A template's artwork is drawn from its files: its slides are never replayed.
    pages = PageReplay(
        canvas,
        drawer,
        book,
        "deck",
        (deck.width, deck.height, picture_font, info["lang"]),
        enabled=replay and template is None,
    )
    consume = consume and not pages.enabled  # a replayed slide may be drawn again
    for slide in deck.slides:
        key = f"slide{slide.number}"
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(f"{slide.number}. {slide.title}", key, level=0)

        def draw(slide: Slide = slide) -> None:
            if template is not None:  # organisation template: see alliancedeck.template.pdf
                from alliancedeck.template.pdf import draw_artwork

                with tagger.artifact():
                    draw_artwork(canvas, template, slide.kind, deck.height)
            for box in slide.boxes:
                drawer.draw(box)

        # A slide that opens with its title closes what the slides before left open.
        fresh = drawer.has_title and _opens_with_title(slide)
        pages.page(lambda slide=slide: slide.boxes, draw, fresh)
        canvas.showPage()
        tagger.end_page()
        if consume:
            slide.boxes = []
    pages.done()
    canvas.showOutline()
    drawing_done()
    tagger.finish()
    return pdf_data(canvas, "deck")


def _opens_with_title(slide: Slide) -> bool:
    """Return whether `slide`'s first box that is not a plain rectangle is its title, with
    text: tagging it starts afresh (see `BoxTagger.element_for`)."""
    from alliancedeck.compose.boxes import Rect, TextBox

    for box in slide.boxes:
        if not isinstance(box, Rect):
            return (
                isinstance(box, TextBox)
                and box.role == "title"
                and bool(box.paragraphs)
                and bool(box.paragraphs[0].text)
            )
    return False
