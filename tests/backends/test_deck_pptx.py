"""The deck read back through python-pptx: titles, order, banners, notes, geometry."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

from conftest import assert_in_order, content_texts, every_shape, write_brief


def _product(result, backend: str) -> Path:
    return next(p.path for p in result.products if p.backend == backend)


@pytest.fixture(scope="module")
def deck(default_build):
    return Presentation(str(_product(default_build, "slides")))


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in every_shape(slide) if s.has_text_frame)


def test_every_section_title_is_a_slide_title_in_order(deck, default_doc):
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert titles[:3] == [default_doc.meta.title, "Agenda", "Key figures"]
    section_titles = [s.title for s in default_doc.sections]
    assert titles[3 : 3 + len(section_titles)] == section_titles
    # The one short source goes on the closing slide (no Sources slide of one line).
    assert titles[-1] == "Questions" and "Sources" not in titles
    listing = [s for s in deck.slides[-1].shapes if s.name == "Sources"]
    assert default_doc.sections[0].sources[0].text in listing[0].text_frame.text


def test_agenda_lists_the_sections_numbered(deck, default_doc):
    agenda = next(s for s in deck.slides if s.shapes.title.text_frame.text == "Agenda")
    paragraphs = [
        p for shape in agenda.shapes if shape.name == "Agenda" for p in shape.text_frame.paragraphs
    ]
    # The number is the paragraph's own (auto-numbered, hanging in the indent), not typed text.
    numbers = [p._p.xpath("./a:pPr/a:buAutoNum") for p in paragraphs]
    assert [(n[0].get("type"), n[0].get("startAt")) for n in numbers] == [
        ("arabicPeriod", str(n)) for n in range(1, len(paragraphs) + 1)
    ]
    assert all(p._p.pPr.get("indent").startswith("-") for p in paragraphs)
    assert [p.text for p in paragraphs] == [s.title for s in default_doc.sections]


def test_slide_titles_are_unique_and_in_the_title_placeholder(deck):
    titles = []
    for slide in deck.slides:
        title = slide.shapes.title
        assert title is not None and title.is_placeholder
        assert slide.shapes[0].shape_id == title.shape_id, "title must be first in reading order"
        titles.append(title.text_frame.text)
    assert len(titles) == len(set(titles))


def test_every_lead_point_and_figure_is_in_the_deck_in_order(deck, default_doc):
    everything = "\n".join(_texts(s) for s in deck.slides)
    for figure in default_doc.key_figures:
        assert figure.display in everything
        assert figure.label in everything
    needles = content_texts(default_doc)
    body = "\n".join(_texts(s) for s in list(deck.slides)[2:])
    assert_in_order(body, needles)
    assert "54,000" in body and "85 facilities" in body and "$2 billion" in body


def test_banner_top_and_bottom_of_every_slide(deck):
    height = deck.slide_height
    for slide in deck.slides:
        banners = [s for s in slide.shapes if s.name.startswith("Banner")]
        assert len(banners) == 2
        top, bottom = sorted(banners, key=lambda s: s.top)
        for banner in banners:
            assert banner.text_frame.text == "UNCLASSIFIED"
            assert str(banner.fill.fore_color.rgb) == "007A33"
            run = banner.text_frame.paragraphs[0].runs[0]
            assert run.font.bold and str(run.font.color.rgb) == "FFFFFF"
        assert top.top == 0 and top.height < height / 8
        assert bottom.top + bottom.height == height


def test_slide_numbers_read_n_of_m(deck):
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        labels = [s.text_frame.text for s in slide.shapes if s.name == "Slide number"]
        assert labels == [f"{number} of {total}"]


def test_notes_are_on_the_notes_pages(deck, default_doc):
    notes = {}
    for slide in deck.slides:
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame.text:
            notes[slide.shapes.title.text_frame.text] = slide.notes_slide.notes_text_frame.text
    for section in default_doc.sections:
        if section.notes:
            assert notes[section.title] == section.notes


def test_shapes_stay_on_the_slide_and_text_never_autofits(deck):
    width, height = deck.slide_width, deck.slide_height
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= width + Emu(2)
            assert shape.top + shape.height <= height + Emu(2)
            if shape.has_text_frame:
                body_pr = shape.text_frame._txBody.bodyPr
                assert (
                    body_pr.find(
                        "{http://schemas.openxmlformats.org/drawingml/2006/main}normAutofit"
                    )
                    is None
                )


def test_runs_name_the_layout_font_size_and_language(deck):
    sizes = set()
    for slide in list(deck.slides)[2:]:
        for shape in slide.shapes:
            if shape.name != "Points":
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    assert run.font.name == "Arial"
                    assert run.font._rPr.get("lang") == "en-US"
                    sizes.add(run.font.size.pt)
    assert sizes and min(sizes) >= 14


def test_long_section_continues_on_numbered_slides_with_every_word(tmp_path):
    from alliancedeck.api import build

    points = "".join(
        f"      - Point {i} (notional) says a good deal about the alliance, its bases, its costs "
        f"and its people, so that it takes two or three lines on a slide by itself. End {i}.\n"
        for i in range(1, 19)
    )
    content = write_brief(
        tmp_path,
        "meta:\n  title: Notional long brief\nsections:\n"
        "  - title: A section that cannot fit on one slide\n    points:\n" + points,
    )
    result = build(content, out_dir=tmp_path / "out", products=("slides",))
    deck = Presentation(str(_product(result, "slides")))
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert "A section that cannot fit on one slide (cont.)" in titles
    everything = "\n".join(_texts(s) for s in deck.slides)
    assert_in_order(everything, [f"End {i}." for i in range(1, 19)])
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.name == "Points":
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.size.pt >= 14
