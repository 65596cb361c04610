"""A fresh look at decks on templates the other template tests do not use (LibreOffice's Candy
Grey_Elegant and Lights): what a briefing officer would see go wrong on them."""

from __future__ import annotations

import pytest
from template_files import LIBREOFFICE_TEMPLATES

from conftest import REPO
from external import libreoffice_convert_all
from external import missing as missing_tool

EMU = 12700  # per point
#: What the master or layout draws that a reader must still see beside the text: drawings
#: and clusters of shapes neither logo-sized nor a background (LibreOffice's Candy: a fan of
#: coloured bars down the left of every content slide, diamonds beside the closing one;
#: Grey_Elegant: an illustration of a woman at a board, with its credit line).
SMALLEST, LARGEST = 0.15, 0.5


@pytest.fixture(scope="module")
def review_decks(tmp_path_factory) -> dict[str, object]:
    """Build the default brief on Candy, Grey_Elegant, Lights and Metropolis, converted by
    LibreOffice."""
    from pptx import Presentation

    from alliancedeck.api import prepare, render

    names = ("Candy", "Grey_Elegant", "Lights", "Metropolis")
    sources = [LIBREOFFICE_TEMPLATES / f"{name}.otp" for name in names]
    missing = [str(s) for s in sources if not s.is_file()]
    if missing:
        missing_tool(f"LibreOffice's templates are not installed ({missing[0]})")
    folder = tmp_path_factory.mktemp("review-templates")
    libreoffice_convert_all(sources, folder, "pptx")
    decks = {}
    for source in sources:
        prepared = prepare(REPO / "content.yaml", template=folder / f"{source.stem}.pptx")
        path = folder / f"{source.stem}-deck.pptx"
        path.write_bytes(render(prepared, "slides"))
        decks[source.stem] = Presentation(path)
    return decks


def _box(shape) -> tuple[float, float, float, float]:
    return (
        shape.left / EMU,
        shape.top / EMU,
        (shape.left + shape.width) / EMU,
        (shape.top + shape.height) / EMU,
    )


def _meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _drawings(slide, width: float, height: float) -> list[tuple]:
    """Return the boxes of the pictures and groups the slide's layout and master draw under it
    that are neither logo-sized nor backgrounds nor bands across the top or foot."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    layout = slide.slide_layout
    shapes = list(layout.shapes) + list(layout.slide_master.shapes)
    found = []
    for shape in shapes:
        if shape.shape_type not in (MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.GROUP):
            continue
        box = _box(shape)
        share = (box[2] - box[0]) * (box[3] - box[1]) / (width * height)
        band = box[2] - box[0] >= 0.6 * width and (box[1] <= 2 or box[3] >= height - 2)
        if SMALLEST <= share < LARGEST and not band:
            found.append(box)
    return found


@pytest.mark.parametrize("name", ["Candy", "Grey_Elegant"])
def test_no_text_is_set_over_the_templates_drawings(review_decks, name):
    """Titles, points, sources and the distribution statement keep clear of the drawings the
    template puts beside its text, in LibreOffice and PowerPoint alike (the box is what both
    draw the text in)."""
    prs = review_decks[name]
    width, height = prs.slide_width / EMU, prs.slide_height / EMU
    clashes, checked = [], 0
    for number, slide in enumerate(prs.slides, 1):
        drawings = _drawings(slide, width, height)
        checked += len(drawings)
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            if shape.name.startswith("Banner"):  # the markings are drawn over everything
                continue
            for drawing in drawings:
                if _meet(_box(shape), drawing):
                    clashes.append((number, shape.name, shape.text_frame.text[:40]))
    assert checked, f"{name}: no drawing beside the text to keep clear of"
    assert clashes == []


def _luminance(rgb) -> float:
    red, green, blue = (int(str(rgb)[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("name", ["Lights", "Metropolis"])
def test_text_on_a_dark_cover_and_closing_page_is_light(review_decks, name):
    """Lights' cover and closing pages are dark (deep blue to magenta, drawn shapes) and so is
    every page of Metropolis (a dark blue picture), and the templates set their text in white:
    the subtitle, sources, distribution statement (and on Metropolis the points and footer)
    are light there too, not the theme's black and grey (illegible), while Lights' light
    content pages keep dark text."""
    prs = review_decks[name]
    slides = list(prs.slides)
    # Every Metropolis page is dark: the agenda, points, sources and footer are light on its
    # content pages too (cards and tables keep their own light fills and dark text).
    checked = slides if name == "Metropolis" else (slides[0], slides[-1])
    for slide in checked:
        runs = [
            (shape.name, run.text, run.font.color.rgb)
            for shape in slide.shapes
            if shape.has_text_frame
            and (
                not shape.name.startswith(("Banner", "Footer", "Slide"))
                or (name == "Metropolis" and shape.name.startswith(("Footer", "Slide Number")))
            )
            for paragraph in shape.text_frame.paragraphs
            for run in paragraph.runs
            if run.text.strip()
        ]
        assert any("Distribution" in text for _, text, _ in runs) or slide is not slides[-1]
        dark = [(name, text[:30], str(rgb)) for name, text, rgb in runs if _luminance(rgb) < 0.5]
        dark = [d for d in dark if d[0] != "Sources heading"]  # an accent colour, kept
        assert dark == []
    if name != "Lights":
        return
    points = [
        run.font.color.rgb
        for slide in slides[1:-1]
        for shape in slide.shapes
        if shape.name == "Points"
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.text.strip()
    ]
    assert points and all(_luminance(rgb) < 0.5 for rgb in points)
