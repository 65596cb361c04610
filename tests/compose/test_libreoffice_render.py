"""The deck as LibreOffice renders it: every glyph inside its frame, and the same text and
positions as our own deck-pdf, for a brief that holds far more than a slide can carry."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation

from conftest import assert_in_order, every_shape
from external import libreoffice_convert, require

BRIEF = Path(__file__).parent / "briefs" / "overflow.yaml"
EMU_PER_POINT = 12700
TOLERANCE = 1.5  # points: anti-aliasing and glyph side bearings


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Build the overflow brief; return the deck, LibreOffice's PDF of it, and our deck-pdf."""
    require("soffice")
    from alliancedeck.api import build

    out = tmp_path_factory.mktemp("overflow")
    result = build(BRIEF, out_dir=out, products=("slides", "deck-pdf"))
    paths = {p.backend: p.path for p in result.products}
    converted = out / "libreoffice"
    converted.mkdir()
    libreoffice_convert(paths["slides"], converted, "pdf")
    return paths["slides"], converted / "deck.pdf", paths["deck-pdf"], result.warnings


def _frames(slide) -> list[tuple[float, float, float, float]]:
    frames = []
    for shape in every_shape(slide):
        if shape.has_text_frame and shape.text_frame.text.strip():
            x, y = shape.left / EMU_PER_POINT, shape.top / EMU_PER_POINT
            frames.append((x, y, x + shape.width / EMU_PER_POINT, y + shape.height / EMU_PER_POINT))
    return frames


def _inside(char, frame) -> bool:
    x0, y0, x1, y1 = frame
    return (
        char["x0"] >= x0 - TOLERANCE
        and char["x1"] <= x1 + TOLERANCE
        and char["top"] >= y0 - TOLERANCE
        and char["bottom"] <= y1 + TOLERANCE
    )


def test_every_glyph_libreoffice_draws_is_inside_a_frame(rendered):
    deck_path, lo_pdf, _, _ = rendered
    deck = Presentation(str(deck_path))
    with pdfplumber.open(lo_pdf) as pdf:
        assert len(pdf.pages) == len(deck.slides)
        for number, (page, slide) in enumerate(zip(pdf.pages, deck.slides, strict=True), 1):
            frames = _frames(slide)
            outside = [
                c["text"]
                for c in page.chars
                if c["text"].strip() and not any(_inside(c, f) for f in frames)
            ]
            assert not outside, f"slide {number}: glyphs outside every frame: {''.join(outside)}"


def test_bullets_and_leads_are_18_pt_or_more_and_long_sections_continue(rendered):
    deck_path, lo_pdf, _, _ = rendered
    deck = Presentation(str(deck_path))
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    long_title = next(t for t in titles if t.startswith("A notional section whose title"))
    assert f"{long_title} (cont.)" in titles and f"{long_title} (cont. 2)" in titles
    with pdfplumber.open(lo_pdf) as pdf:
        for page, slide in zip(pdf.pages, deck.slides, strict=True):
            body = [s for s in slide.shapes if s.name == "Points"]
            for shape in body:
                frame = _frames_of(shape)
                sizes = {round(c["size"], 1) for c in page.chars if _inside(c, frame)}
                assert sizes and min(sizes) >= 18 - 0.1  # briefing size


def _frames_of(shape):
    x, y = shape.left / EMU_PER_POINT, shape.top / EMU_PER_POINT
    return (x, y, x + shape.width / EMU_PER_POINT, y + shape.height / EMU_PER_POINT)


def test_every_word_of_the_content_is_in_the_rendered_deck(rendered):
    _, lo_pdf, _, _ = rendered
    source = BRIEF.read_text(encoding="utf-8")
    with pdfplumber.open(lo_pdf) as pdf:
        text = "".join(c["text"] for page in pdf.pages for c in page.chars)
    compact = "".join(text.split())
    for number in range(1, 13):
        assert f"(item{number})." in compact
    assert "X" * 60 + "Y" * 60 in compact
    assert "https://www.example.org/notional/path/that/keeps/going" in compact
    assert "Athird-levelnotionalpoint." in compact
    assert "notional_a" not in compact and "12,345" in compact
    assert "Notional overflow brief" in source  # the brief under test is the one in tests/


def test_libreoffice_and_deck_pdf_show_the_same_text_at_the_same_place(rendered):
    deck_path, lo_pdf, our_pdf, _ = rendered
    deck = Presentation(str(deck_path))
    with pdfplumber.open(lo_pdf) as theirs, pdfplumber.open(our_pdf) as ours:
        assert len(theirs.pages) == len(ours.pages)
        for number, (a, b, slide) in enumerate(
            zip(theirs.pages, ours.pages, deck.slides, strict=True), 1
        ):
            for shape in every_shape(slide):
                if not (shape.has_text_frame and shape.text_frame.text.strip()):
                    continue
                frame = _frames_of(shape)
                mine = [c for c in b.chars if _inside(c, frame) and c["text"].strip()]
                theirs_chars = [c for c in a.chars if _inside(c, frame) and c["text"].strip()]
                # The same characters in the frame (line breaks may differ, text may not).
                assert sorted(c["text"] for c in mine) == sorted(c["text"] for c in theirs_chars), (
                    f"slide {number}, {shape.name}"
                )
                # The block starts at the same place: the first baseline and the left edge of
                # the first line within 2 points (baselines, since each PDF's font has its own
                # idea of a glyph box's top).
                first_mine = min(mine, key=lambda c: (round(_baseline(b, c)), c["x0"]))
                first_theirs = min(theirs_chars, key=lambda c: (round(_baseline(a, c)), c["x0"]))
                assert abs(_baseline(b, first_mine) - _baseline(a, first_theirs)) <= 2, (
                    number,
                    shape.name,
                )
                assert abs(first_mine["x0"] - first_theirs["x0"]) <= 2, (number, shape.name)


def _baseline(page, char) -> float:
    """Return the distance of `char`'s baseline from the top of `page`."""
    return page.height - char["matrix"][5]


def test_the_overflow_is_reported_as_warnings(rendered):
    deck_path, *_, warnings = rendered
    titles = [s.shapes.title.text_frame.text for s in Presentation(str(deck_path)).slides]
    count = sum(t.startswith("A notional section whose title") for t in titles)
    messages = [w.message for w in warnings]
    assert count > 1 and any(f"continues over {count} slides" in m for m in messages)
    assert any("title shrunk" in m for m in messages)
    assert_in_order("\n".join(messages), ["title shrunk", "continues over"])
