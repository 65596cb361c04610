"""The deck PDF sets each paragraph as one text object, whatever its lines and font runs."""

from __future__ import annotations

import re

from pypdf import PdfReader

from alliancedeck.compose.boxes import TableBox, TextBox


def _texts_drawn(slide) -> int:
    """Return the paragraphs of `slide` (table cells too), plus one per bullet label."""
    count = 0
    for box in slide.boxes:
        if isinstance(box, TextBox):
            count += len(box.paragraphs) + sum(bool(p.bullet) for p in box.paragraphs)
        elif isinstance(box, TableBox):
            count += sum(len(row) for row in box.cells)
    return count


def test_each_paragraph_of_the_deck_pdf_is_one_text_object(default_build):
    from alliancedeck.api import prepare
    from alliancedeck.compose.deck import compose_deck
    from alliancedeck.fonts import font_book
    from conftest import REPO

    prepared = prepare(REPO / "content.yaml")
    deck = compose_deck(prepared.doc, prepared.theme, font_book(prepared.theme, REPO))
    path = next(p.path for p in default_build.products if p.path.name == "deck.pdf")
    pages = PdfReader(path).pages
    assert len(pages) == len(deck.slides)
    lines = objects = 0
    for page, slide in zip(pages, deck.slides, strict=True):
        stream = page.get_contents().get_data()
        drawn = len(re.findall(rb"(?<![A-Za-z])BT(?![A-Za-z])", stream))
        assert drawn <= _texts_drawn(slide), slide.title
        objects += drawn
        lines += sum(
            len(p.lines) for box in slide.boxes if isinstance(box, TextBox) for p in box.paragraphs
        )
    assert lines > objects  # wrapped paragraphs: a text object per line would be more
