"""Charts read alike in the .pptx as LibreOffice draws it and in the deck PDF: a horizontal bar
chart top-down in the order written (categories, each group's bars, the legend entries), and a
line series keyed in the legend by a line and its marker in the series' colour."""

from __future__ import annotations

import pdfplumber
import pytest
from pptx import Presentation

from conftest import build_deck
from external import libreoffice_convert, require

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
SERIES = ["Alpha", "Bravo", "Charlie"]
CATEGORIES = ["North", "Central", "South"]
BRIEF = f"""
meta:
  title: Notional bar order brief
sections:
  - title: Notional readiness
    chart:
      type: bar
      title: Notional readiness by region
      categories: [{", ".join(CATEGORIES)}]
      series:
        - {{name: {SERIES[0]}, values: [72, 80, 65]}}
        - {{name: {SERIES[1]}, values: [78, 84, 70]}}
        - {{name: {SERIES[2]}, values: [60, 75, 55]}}
      unit: percent ready (notional)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the brief's deck and deck PDF; return the .pptx path and the deck PDF path."""
    return build_deck(tmp_path_factory.mktemp("bar-order"), BRIEF)


def _bar_chart(deck_path):
    deck = Presentation(str(deck_path))
    charts = [sh.chart for s in deck.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) == 1
    return charts[0]._chartSpace


def test_the_chart_xml_plots_bottom_up_from_the_axis_origin(built):
    space = _bar_chart(built[0])
    category = space.find(f".//{C}catAx")
    value = space.find(f".//{C}valAx")
    # No reversed axis: LibreOffice would then list the legend backwards.
    assert category.find(f"{C}scaling/{C}orientation").get("val") == "minMax"
    # The value axis crosses at the first category, which is at the bottom.
    assert value.find(f"{C}crosses").get("val") == "autoZero"
    assert value.find(f"{C}crossAx").get("val") == category.find(f"{C}axId").get("val")
    series = list(space.iter(f"{C}ser"))
    # Each series' plotting order is its place in the document (LibreOffice reads the place,
    # PowerPoint the order: they must agree) ...
    assert [int(s.find(f"{C}order").get("val")) for s in series] == list(range(len(series)))
    # ... and both run bottom-up: the last written series and category first.
    names = [s.find(f"{C}tx//{C}v").text for s in series]
    assert names == SERIES[::-1]
    categories = [v.text for v in series[0].find(f"{C}cat").iter(f"{C}v")]
    assert categories == CATEGORIES[::-1]


@pytest.fixture(scope="module")
def pdfs(built, tmp_path_factory):
    """Return LibreOffice's PDF of the .pptx and our deck PDF."""
    require("soffice")
    folder = tmp_path_factory.mktemp("bar-order-lo")
    return {"libreoffice": libreoffice_convert(built[0], folder), "deck-pdf": built[1]}


def _chart_page(pdf):
    for page in pdf.pages:
        words = page.extract_words()
        if any(w["text"] == SERIES[-1] for w in words):
            return page, words
    raise AssertionError("no page shows the chart's legend")


def _filled(page):
    """Return every filled shape of `page` narrower than the page, with its fill as RGB."""
    shapes = []
    for shape in page.rects + page.curves:
        fill = shape.get("non_stroking_color")
        if shape.get("fill") and fill and len(fill) == 3 and shape["width"] < page.width * 0.95:
            shapes.append((shape, tuple(round(c, 2) for c in fill)))
    return shapes


def _reading(page, words):
    """Return (legend names left to right, their swatch colours, categories top-down, bar
    colours top-down) as drawn on `page`."""
    legend = sorted((w for w in words if w["text"] in SERIES), key=lambda w: w["x0"])
    filled = _filled(page)
    swatches = {}
    for word in legend:
        middle = (word["top"] + word["bottom"]) / 2
        left = [
            (shape, fill)
            for shape, fill in filled
            if shape["x1"] <= word["x0"] + 1
            and shape["top"] <= middle <= shape["bottom"]
            and shape["width"] < 20
        ]
        assert left, f"no swatch left of {word['text']}"
        swatches[word["text"]] = max(left, key=lambda item: item[0]["x1"])[1]
    categories = sorted((w for w in words if w["text"] in CATEGORIES), key=lambda w: w["top"])
    legend_bottom = max(w["bottom"] for w in legend)
    bars = sorted(
        (
            item
            for item in filled
            if item[0]["top"] > legend_bottom
            and item[1] in swatches.values()
            and item[0]["height"] >= 5  # not a rule in a series colour
        ),
        key=lambda item: item[0]["top"],
    )
    return (
        [w["text"] for w in legend],
        [swatches[w["text"]] for w in legend],
        [w["text"] for w in categories],
        [fill for _, fill in bars],
    )


@pytest.mark.parametrize("product", ["libreoffice", "deck-pdf"])
def test_legend_bars_and_categories_read_in_the_written_order(pdfs, product):
    with pdfplumber.open(pdfs[product]) as pdf:
        page, words = _chart_page(pdf)
        names, swatches, categories, bars = _reading(page, words)
    assert names == SERIES  # the legend, left to right
    assert len(set(swatches)) == len(SERIES)
    assert categories == CATEGORIES  # top-down
    # Each category's bars, top-down, in the legend's order and colours.
    assert bars == swatches * len(CATEGORIES)


def test_libreoffice_and_the_deck_pdf_give_each_series_the_same_colour(pdfs):
    readings = {}
    for product, path in pdfs.items():
        with pdfplumber.open(path) as pdf:
            page, words = _chart_page(pdf)
            names, swatches, _, _ = _reading(page, words)
        readings[product] = dict(zip(names, swatches, strict=True))
    theirs, ours = readings["libreoffice"], readings["deck-pdf"]
    for name in SERIES:
        assert all(abs(a - b) <= 0.01 for a, b in zip(theirs[name], ours[name], strict=True))


LINE_BRIEF = """
meta:
  title: Notional line legend brief
sections:
  - title: Notional trend
    chart:
      type: line
      title: Notional exercises by year
      categories: ["2021", "2022", "2023"]
      series:
        - {name: Exercises, values: [9, 11, 12]}
        - {name: Deployments, values: [4, 3, 5]}
"""


@pytest.fixture(scope="module")
def line_pdfs(tmp_path_factory):
    """Return LibreOffice's PDF of a line chart's .pptx and our deck PDF of it."""
    require("soffice")
    folder = tmp_path_factory.mktemp("line-legend")
    deck, deck_pdf = build_deck(folder, LINE_BRIEF)
    return {"libreoffice": libreoffice_convert(deck, folder), "deck-pdf": deck_pdf}


@pytest.mark.parametrize("product", ["libreoffice", "deck-pdf"])
def test_a_line_series_is_keyed_by_a_line_and_its_marker_in_its_colour(line_pdfs, product):
    with pdfplumber.open(line_pdfs[product]) as pdf:
        page = next(p for p in pdf.pages if "Deployments" in (p.extract_text() or ""))
        words = page.extract_words()
        keys = []
        for name in ("Exercises", "Deployments"):
            word = next(w for w in words if w["text"] == name)
            near = [
                o
                for o in page.lines + page.curves
                if o["x1"] <= word["x0"] + 1
                and word["x0"] - o["x0"] < 40
                and o["bottom"] >= word["top"] - 3
                and o["top"] <= word["bottom"] + 3
            ]
            line = [o for o in near if o["width"] > 3 * max(o["height"], 1)]
            marker = [o for o in near if o.get("fill") and abs(o["width"] - o["height"]) < 1]
            assert line and marker, name
            colour = tuple(round(c, 2) for c in line[0]["stroking_color"])
            assert tuple(round(c, 2) for c in marker[0]["non_stroking_color"]) == colour
            strokes = [o for o in marker if o.get("stroke")]
            # The marker's outline is the series colour, not black.
            assert all(tuple(round(c, 2) for c in o["stroking_color"]) == colour for o in strokes)
            keys.append(colour)
    assert len(set(keys)) == 2
