"""The deck as LibreOffice draws it: no two words on a slide overlap (a real PPTX client)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from conftest import REPO
from external import libreoffice_convert, require

BRIEFS = [
    REPO / "content.yaml",
    REPO / "examples" / "blocks" / "content.yaml",
    Path(__file__).parent / "briefs" / "crowded.yaml",
]
SLACK = 1.0  # points: glyph boxes of neighbouring lines may touch


def overlapping_words(page) -> list[tuple[str, str]]:
    """Return the pairs of words on `page` whose boxes intersect by more than SLACK."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
    found = []
    for index, a in enumerate(words):
        for b in words[index + 1 :]:
            if (
                a["x0"] + SLACK < b["x1"]
                and b["x0"] + SLACK < a["x1"]
                and a["top"] + SLACK < b["bottom"]
                and b["top"] + SLACK < a["bottom"]
            ):
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.parametrize("brief", BRIEFS, ids=lambda p: p.parent.name + "/" + p.name)
def test_no_two_words_libreoffice_draws_overlap(brief, tmp_path):
    require("soffice")
    from alliancedeck.api import build

    result = build(brief, out_dir=tmp_path, products=("slides",), checksums=False)
    deck = next(p.path for p in result.products if p.backend == "slides")
    converted = tmp_path / "libreoffice"
    converted.mkdir()
    pdf = libreoffice_convert(deck, converted, "pdf")
    with pdfplumber.open(pdf) as document:
        clashes = {
            number: overlapping_words(page)
            for number, page in enumerate(document.pages, start=1)
            if overlapping_words(page)
        }
    assert clashes == {}
