"""Charts, tables and timelines: native and editable in the deck, vector in the PDFs."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation

from conftest import assert_in_order, write_brief
from external import libreoffice_convert

HERE = Path(__file__).parent
ROWS = [
    ("North", "12", "8,400"),
    ("Central", "31", "21,500"),
    ("South", "18", "9,100"),
    ("Islands", "9", "5,200"),
    ("West", "7", "3,300"),
    ("East", "5", "2,900"),
    ("Training areas", "3", "600"),
]
EVENTS = [
    ("1951", "Notional event one"),
    ("1960", "Notional event two"),
    ("Early 2000s", "Notional event three"),
    ("2011", "Notional event four"),
    ("Late 2012", "Notional event five"),
    ("2015", "Notional event six"),
]


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    from alliancedeck.api import build

    out = tmp_path_factory.mktemp("blocks")
    result = build(HERE / "blocks.yaml", out_dir=out)
    return {p.backend: p.path for p in result.products}


@pytest.fixture(scope="module")
def deck(products):
    return Presentation(str(products["slides"]))


def _charts(deck):
    return [(slide, shape) for slide in deck.slides for shape in slide.shapes if shape.has_chart]


def test_deck_charts_hold_the_yaml_data_and_alt_text(deck):
    charts = _charts(deck)
    assert len(charts) == 2
    (_, bar), (_, line) = charts
    plot = bar.chart.plots[0]
    # A bar chart is written bottom-up (so the first category shows on top).
    assert list(plot.categories) == ["South", "Central", "North"]
    assert [(s.name, list(s.values)) for s in plot.series] == [("Units", [18.0, 31.0, 12.0])]
    assert bar.chart.chart_type.name == "BAR_CLUSTERED"
    plot = line.chart.plots[0]
    assert list(plot.categories) == ["2019", "2020", "2021", "2022", "2023"]
    assert [(s.name, list(s.values)) for s in plot.series] == [
        ("Exercises", [9.0, 11.0, 12.0, 13.0, 14.0]),
        ("Deployments", [4.0, 3.0, 5.0, 6.0, 6.0]),
    ]
    assert line.chart.has_legend
    for _, shape in charts:
        descr = shape._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0].get("descr")
        assert descr
    bar_alt = bar._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0].get("descr")
    assert bar_alt == (
        "Bar chart of Notional units by region, count (notional): highest Central at 31, "
        "lowest North at 12. Data: North 12, Central 31, South 18."
    )


def test_chart_data_lives_in_the_embedded_workbook(products):
    with zipfile.ZipFile(products["slides"]) as package:
        workbooks = [n for n in package.namelist() if n.startswith("ppt/embeddings/")]
        assert len(workbooks) == 2
        inner = zipfile.ZipFile(__import__("io").BytesIO(package.read(workbooks[0])))
        sheet = inner.read("xl/worksheets/sheet1.xml").decode()
        strings = inner.read("xl/sharedStrings.xml").decode()
    assert "<v>31</v>" in sheet and "Central" in strings


def test_table_rows_and_timeline_entries_are_in_the_deck(deck):
    tables = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    assert len(tables) == 1
    cells = [tuple(cell.text for cell in row.cells) for row in tables[0].rows]
    assert cells == [("Region", "Facilities", "Personnel"), *ROWS]
    numbers = tables[0].cell(1, 2).text_frame.paragraphs[0]
    assert numbers.alignment is not None and numbers.alignment.name == "RIGHT"
    text = "\n".join(
        s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame
    )
    assert_in_order(text, [part for event in EVENTS for part in event])


def _pages_with(pdf_path: Path, needle: str) -> list:
    with pdfplumber.open(pdf_path) as pdf:
        return [
            (i, page.images, page.rects, page.curves, page.lines)
            for i, page in enumerate(pdf.pages)
            if needle in page.extract_text()
        ]


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_pdf_charts_are_vectors_and_every_row_and_event_is_there(products, backend):
    path = products[backend]
    with pdfplumber.open(path) as pdf:
        assert all(not page.images for page in pdf.pages), "a raster image in a chart PDF"
        text = "\n".join(page.extract_text() for page in pdf.pages)
        marks = sum(len(page.rects) + len(page.curves) + len(page.lines) for page in pdf.pages)
    assert marks > 30
    flat = re.sub(r"\s+", " ", text)
    for row in ROWS:
        assert " ".join(row) in flat
    with pdfplumber.open(path) as pdf:  # a timeline's columns interleave when read as lines
        words = {w["text"] for page in pdf.pages for w in page.extract_words()}
    for date, event in EVENTS:
        assert set(date.split()) <= words and set(event.split()) <= words
    for label in ("North", "Central", "South", "2019", "2023", "Exercises", "Deployments"):
        assert label in flat


def test_chart_opens_for_editing_in_libreoffice_with_its_data_table(products, tmp_path):
    libreoffice_convert(products["slides"], tmp_path, "odp")
    with zipfile.ZipFile(tmp_path / "deck.odp") as package:
        charts = [n for n in package.namelist() if re.match(r"Object \d+/content.xml", n)]
        assert len(charts) == 2
        contents = [package.read(n).decode() for n in charts]
    # LibreOffice keeps each chart's own data table (the values one edits in the chart).
    assert any("<table:table " in c and ">31<" in c for c in contents)
    assert any(">Deployments<" in c for c in contents)


def test_block_validation_is_located(tmp_path):
    import subprocess as sp
    import sys

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
        sections:
          - title: Notional
            chart:
              type: pie
              categories: [a, b]
              series:
                - {name: one, values: [1, 2, 3]}
                - {name: two, values: [1, 2]}
            image:
              path: missing.png
              alt: A notional picture
        """,
    )
    result = sp.run(
        [sys.executable, "-m", "alliancedeck", "check", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert f"{path}:9:9: error: a pie chart takes one series, this one has 2" in result.stderr
    assert f'{path}:9:31: error: series "one" has 3 values for 2 categories' in result.stderr


def test_image_problems_are_located(tmp_path):
    import subprocess as sp
    import sys

    (tmp_path / "fake.png").write_text("not an image", encoding="utf-8")
    outside = tmp_path.parent / "outside.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    path = write_brief(
        tmp_path,
        f"""
        meta:
          title: Notional
        sections:
          - title: Notional
            image:
              - {{path: missing.png, alt: a}}
              - {{path: fake.png, alt: b}}
              - {{path: ../outside.png, alt: c}}
              - {{path: {outside}, alt: d}}
        """,
    )
    result = sp.run(
        [sys.executable, "-m", "alliancedeck", "check", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 2
    err = result.stderr
    assert f"{path}:6:16: error: image: file not found" in err
    assert f"{path}:7:16: error: image: not a PNG, JPEG or SVG image" in err
    assert f'{path}:8:16: error: image: "../outside.png" is a path outside' in err
    assert f'{path}:9:16: error: image: "{outside}" is an absolute path outside' in err
    allowed = sp.run(
        [
            sys.executable,
            "-m",
            "alliancedeck",
            "check",
            str(path),
            "--allow-outside",
            str(tmp_path.parent),
        ],
        capture_output=True,
        text=True,
    )
    assert "outside" not in allowed.stderr


def test_an_image_without_alt_text_is_an_error_at_its_line(tmp_path):
    import subprocess as sp
    import sys

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
        sections:
          - title: Notional
            image:
              path: picture.png
        """,
    )
    result = sp.run(
        [sys.executable, "-m", "alliancedeck", "check", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert f'{path}:5:5: error: sections[1].image: missing required key "alt"' in result.stderr


@pytest.mark.parametrize("svg_width", [60, 6000])
def test_an_svg_becomes_a_bitmap_as_wide_as_its_box_at_the_stated_resolution(tmp_path, svg_width):
    import io

    from PIL import Image

    from alliancedeck.draw.images import SVG_BITMAP_DPI, svg_bitmap
    from alliancedeck.errors import Location

    path = tmp_path / "notional.svg"
    path.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{svg_width}" height="{svg_width // 2}">'
        f'<rect width="{svg_width}" height="{svg_width // 2}" fill="#14325C"/></svg>',
        encoding="utf-8",
    )
    png = svg_bitmap(path, Location(str(path)), 600.0)
    width, height = Image.open(io.BytesIO(png)).size
    assert abs(width - 600 * SVG_BITMAP_DPI / 72) <= 2
    assert abs(width - 2 * height) <= 2


def test_both_decks_draw_the_same_value_axis_with_the_decimals_it_needs(tmp_path):
    from alliancedeck.api import build

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
        sections:
          - title: Small shares
            chart:
              type: column
              categories: [A, B, C]
              series: [{name: Notional, values: [0.1, 0.2, 0.3]}]
        """,
    )
    result = build(path, out_dir=tmp_path / "out")
    paths = {p.backend: p.path for p in result.products}
    chart = next(
        shape.chart
        for slide in Presentation(str(paths["slides"])).slides
        for shape in slide.shapes
        if shape.has_chart
    )
    axis = chart.value_axis
    assert (axis.minimum_scale, axis.maximum_scale, axis.major_unit) == (0.0, 0.4, 0.1)
    assert axis.tick_labels.number_format == "#,##0.0"
    with pdfplumber.open(paths["deck-pdf"]) as pdf:
        words = {w["text"] for page in pdf.pages for w in page.extract_words()}
    assert {"0.0", "0.1", "0.2", "0.3", "0.4"} <= words


def test_text_in_an_svg_is_drawn_in_an_embedded_layout_font(tmp_path):
    from pypdf import PdfReader

    from alliancedeck.api import build

    (tmp_path / "labelled.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">'
        '<text x="10" y="50" font-family="Helvetica" font-size="20">Notional label</text>'
        "</svg>",
        encoding="utf-8",
    )
    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
        sections:
          - title: A labelled picture
            image: {path: labelled.svg, alt: A notional label}
        """,
    )
    result = build(path, out_dir=tmp_path / "out")
    for product in result.products:
        if product.path.suffix != ".pdf":
            continue
        reader = PdfReader(product.path)
        assert "Notional label" in "".join(page.extract_text() for page in reader.pages)
        for page in reader.pages:
            resources = page["/Resources"]
            fonts = dict(resources.get("/Font", {}))
            for xobject in resources.get("/XObject", {}).values():
                fonts |= dict(xobject.get_object().get("/Resources", {}).get("/Font", {}))
            for font in fonts.values():
                descriptor = font.get_object().get("/FontDescriptor")
                assert descriptor and "/FontFile2" in descriptor.get_object(), (
                    product.path.name,
                    font.get_object()["/BaseFont"],
                )


def test_chart_data_keeps_the_decimals_its_values_have(tmp_path):
    from alliancedeck.api import build

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
        sections:
          - title: Whole and decimal
            chart:
              type: column
              categories: [A, B]
              series: [{name: Whole, values: [5, 12]}, {name: Decimal, values: [1.5, 2.25]}]
        """,
    )
    result = build(path, out_dir=tmp_path / "out")
    deck = next(p.path for p in result.products if p.backend == "slides")
    chart = next(
        shape.chart
        for slide in Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.has_chart
    )
    formats = {code.text for code in chart._chartSpace.xpath(".//c:val//c:formatCode")}
    assert formats == {"#,##0.00"}  # not "#,##0.##", which shows 5 as "5."
