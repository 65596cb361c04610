"""A pie chart as the deck PDF draws it: inside its own box, under its legend and above the
footer, however tall the slide leaves it; and its unit (with any "(notional)") printed."""

from __future__ import annotations

import pdfplumber
import pytest
from pptx import Presentation

from conftest import build_deck, write_brief

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

# No banner and no source: the pie gets the tallest box a slide gives a chart.
BRIEF = """
meta:
  title: Notional pie brief
sections:
  - title: Notional shares
    chart:
      type: pie
      title: Budget split
      categories: [Alpha, Bravo]
      series: [{name: Share, values: [60, 40]}]
      unit: percent of the notional budget
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the brief's deck and deck PDF; return the .pptx path and the deck PDF path."""
    return build_deck(tmp_path_factory.mktemp("pie"), BRIEF)


def _pie_page(pdf):
    return next(p for p in pdf.pages if "Budget split" in (p.extract_text() or ""))


def test_the_pie_stays_under_its_legend_and_above_the_footer(built):
    _, pdf_path = built
    with pdfplumber.open(pdf_path) as pdf:
        page = _pie_page(pdf)
        words = page.extract_words()
        legend = max(w["bottom"] for w in words if w["text"] == "Alpha" and w["top"] < 200)
        footer = min(w["top"] for w in words if w["text"] == "Notional" and w["top"] > 400)
        wedges = page.curves
        assert wedges, "the pie's slices are drawn as curves"
        assert min(c["top"] for c in wedges) >= legend, "a slice covers the legend"
        assert max(c["bottom"] for c in wedges) <= footer - 4, "a slice reaches the footer"


def test_a_pie_prints_its_unit_in_the_pptx_and_the_deck_pdf(built):
    pptx_path, pdf_path = built
    with pdfplumber.open(pdf_path) as pdf:
        text = " ".join(_pie_page(pdf).extract_text().split())
    assert "percent of the notional budget" in text
    deck = Presentation(str(pptx_path))
    shown = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    shown += [
        shape.chart.chart_title.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart and shape.chart.has_title
    ]
    assert any("percent of the notional budget" in text for text in shown)


def test_pie_slices_are_parted_by_the_same_white_line_as_in_the_deck_pdf(built):
    pptx_path, _ = built
    deck = Presentation(str(pptx_path))
    chart = next(s.chart for slide in deck.slides for s in slide.shapes if s.has_chart)
    points = chart._chartSpace.findall(".//" + C + "dPt")
    assert len(points) == 2
    for point in points:
        line = point.find(f"{C}spPr/{A}ln")
        assert line is not None and line.get("w") == str(12700)  # 1 pt, as charts.py strokes
        assert line.find(f"{A}solidFill/{A}srgbClr").get("val") == "FFFFFF"


def test_legend_entries_sit_one_gap_apart_however_long_their_names(tmp_path):
    """As PowerPoint and LibreOffice set a legend: each entry as wide as its own name."""
    from alliancedeck.api import build

    content = write_brief(
        tmp_path,
        """
        meta:
          title: Notional legend brief
        sections:
          - title: Notional split
            chart:
              type: pie
              title: Notional split
              categories: [Aa, Infrastructure, Bb, Personnel]
              series: [{name: Share, values: [40, 25, 20, 15]}]
        """,
    )
    result = build(content, out_dir=tmp_path / "out", products=("deck-pdf",), checksums=False)
    with pdfplumber.open(result.products[0].path) as pdf:
        page = next(p for p in pdf.pages if "Notional split" in p.extract_text())
        swatches = sorted(
            (r for r in page.rects if 4 < r["width"] < 20 and abs(r["width"] - r["height"]) < 1),
            key=lambda r: r["x0"],
        )
        words = page.extract_words()
    names = ["Aa", "Infrastructure", "Bb", "Personnel"]
    row = min(s["top"] for s in swatches)
    legend = [next(w for w in words if w["text"] == n and abs(w["top"] - row) < 8) for n in names]
    gaps = [swatches[i + 1]["x0"] - legend[i]["x1"] for i in range(len(names) - 1)]
    assert max(gaps) - min(gaps) < 2, gaps
