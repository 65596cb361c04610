"""The brief's paragraphs break Japanese by the layout's rules, not reportlab's."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from alliancedeck.fonts import font_book
from alliancedeck.theme import PACKAGE_LAYOUTS, load_theme
from kinsoku import CLOSING_MARKS, OPENING_MARKS


@pytest.fixture(scope="module")
def japanese_font():
    theme = load_theme((PACKAGE_LAYOUTS / "default.yaml").resolve())
    book = font_book(theme, Path.cwd())
    return book.fallback_for(book.pdf_name(theme.brief["body"]))


def _lines(text: str, width: float, font: str) -> list[str]:
    from alliancedeck.draw.pdf_paragraph import Paragraph

    style = ParagraphStyle("t", fontName=font, fontSize=10, leading=12, wordWrap="CJK")
    paragraph = Paragraph(text, style)
    paragraph.wrap(width, 1000)
    return ["".join(str(w.text) for w in line.words) for line in paragraph.blPara.lines]


@pytest.mark.parametrize("width", [x / 2 for x in range(60, 200, 3)])
def test_brief_lines_keep_kinsoku_both_ways_and_latin_words_whole(japanese_font, width):
    text = "あいうえおかきくけ（注）は、「自由で開かれた」相互運用性（interoperability）の向上。"
    lines = _lines(text, width, japanese_font)
    assert "".join(lines) == text
    for line in lines:
        assert line[0] not in CLOSING_MARKS and line[-1] not in OPENING_MARKS, lines
    if stringWidth("（interoperability）", japanese_font, 10) <= width:  # fits: never cut
        assert any("interoperability" in line for line in lines), lines
