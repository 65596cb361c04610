"""The brief composed as an In Focus, read back with pdfplumber: pages, columns, furniture."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pdfplumber
import pytest
import yaml

from conftest import REPO, moved_band_brief, tall_header_content, write_brief

LONG = REPO / "tests" / "compose" / "briefs" / "long.yaml"
BLOCKS = REPO / "examples" / "blocks" / "content.yaml"
EDGE = 18.0  # 0.25 in: printers clip what is nearer the paper edge


def _build(content: Path, out: Path, products=("pdf",), **options):
    from alliancedeck.api import build

    return build(content, out_dir=out, products=products, **options)


def _theme(content: Path, layout: str | None = None):
    from alliancedeck.api import prepare

    return prepare(content, layout=layout).theme


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """Build the default content, the blocks example and the long brief once."""
    out = tmp_path_factory.mktemp("briefs")
    result = {}
    for name, content in (("default", REPO / "content.yaml"), ("blocks", BLOCKS), ("long", LONG)):
        built = _build(content, out / name)
        result[name] = (built.products[0].path, built)
    return result


def _rules(page) -> list[float]:
    """Return the tops of the thin full-width rules in the lower half (statement, footer)."""
    return sorted(
        r["top"]
        for r in page.rects
        if r["height"] < 1 and r["width"] > page.width * 0.6 and r["top"] > page.height / 2
    )


def _column_bottoms(page, theme) -> list[float]:
    """Return how far down each column's text reaches, above the first rule of the foot."""
    foot = _rules(page)[0]
    margins = theme.page.margins
    middle = page.width / 2
    bottoms = [0.0, 0.0]
    for word in page.extract_words():
        if word["bottom"] >= foot or word["top"] < margins.top:
            continue
        column = 0 if word["x1"] <= middle else 1
        bottoms[column] = max(bottoms[column], word["bottom"])
    return bottoms


def _body_line(theme) -> float:
    body = theme.brief["body"]
    return body.size * body.leading


def test_the_default_brief_fills_page_one_and_balances_the_last(briefs):
    theme = _theme(REPO / "content.yaml")
    path, built = briefs["default"]
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) <= theme.page.max_pages
        pages = pdf.pages
        foot = _rules(pages[0])[0]
        for bottom in _column_bottoms(pages[0], theme):
            # Filled to the foot: less than a line (and the gap above the rule) left.
            assert foot - bottom <= theme.page.gap + _body_line(theme) + 2, (foot, bottom)
        left, right = _column_bottoms(pages[-1], theme)
        assert abs(left - right) <= _body_line(theme) + 1
    assert not [w for w in built.warnings if "pages" in w.message]


def test_the_blocks_example_fits_two_pages(briefs):
    path, built = briefs["blocks"]
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) <= _theme(BLOCKS).page.max_pages
    assert not [w for w in built.warnings if "pages" in w.message]


def test_a_long_brief_fills_every_page_but_the_last_and_names_its_longest_sections(briefs):
    theme = _theme(LONG)
    path, built = briefs["long"]
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) > theme.page.max_pages
        for page in pdf.pages[:-1]:
            foot = _rules(page)[0]
            for bottom in _column_bottoms(page, theme):
                assert foot - bottom <= theme.page.gap + _body_line(theme) + 2, (
                    page.page_number,
                    foot,
                    bottom,
                )
        left, right = _column_bottoms(pdf.pages[-1], theme)
        assert abs(left - right) <= _body_line(theme) + 1
    (warning,) = [w for w in built.warnings if "pages" in w.message]
    assert f"runs to {len(pdf.pages)} pages" in warning.message
    assert '"Notional topic 5' in warning.message  # the long table's section


def test_banner_text_keeps_a_quarter_inch_from_every_paper_edge(briefs):
    for path, _ in briefs.values():
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                banner = [c for c in page.chars if c["top"] < 60 or c["bottom"] > page.height - 60]
                banner = [c for c in banner if c["text"].strip() and c["size"] >= 8.9]
                assert banner, "no banner text found"
                for char in banner:
                    assert char["top"] >= EDGE and char["bottom"] <= page.height - EDGE
                    assert char["x0"] >= EDGE and char["x1"] <= page.width - EDGE


def test_product_id_in_the_masthead_and_every_footer_with_the_url(briefs):
    path, _ = briefs["long"]
    with pdfplumber.open(path) as pdf:
        total = len(pdf.pages)
        masthead = pdf.pages[0].crop((0, 0, pdf.pages[0].width, 90)).extract_text()
        assert "IF-90210" in masthead and "As of 31 May 2024" in masthead
        assert "NOTIONAL STAFF SECTION" in masthead
        for number, page in enumerate(pdf.pages, start=1):
            foot = page.crop((0, _rules(page)[-1], page.width, page.height)).extract_text()
            footer = " ".join(foot.split())
            assert f"IF-90210 · https://example.org/if90210 · Page {number} of {total}" in footer


def test_figures_and_tables_are_numbered_with_their_sources_and_no_description(briefs):
    path, _ = briefs["blocks"]
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert [text.count(f"Figure {n}.") for n in range(1, 9)] == [1] * 7 + [0]
    assert "Table 1. Notional facilities by region" in text
    assert "Source: Notional data for the example" in text
    # The generated text equivalent is alt text, not a printed caption.
    assert "Column chart:" not in text and "Notional spending: 2019 1.6" not in text


def test_key_figure_values_stay_on_one_line_in_even_rows(briefs):
    path, _ = briefs["long"]
    from alliancedeck.api import prepare

    doc = prepare(LONG).doc
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        lines = page.extract_text().splitlines()
        values = {}
        for figure in doc.key_figures:
            assert any(figure.display in line for line in lines), figure.display
            words = page.search(figure.display, regex=False)
            values[figure.display] = max(words, key=lambda w: w["bottom"] - w["top"])
    rows: dict[float, list] = {}
    for found in values.values():
        rows.setdefault(round(found["top"]), []).append(found)
    counts = [len(row) for _, row in sorted(rows.items())]
    assert min(counts) >= 2 and max(counts) - min(counts) <= 1  # no lone card on a row
    for row in rows.values():
        heights = {round(found["bottom"] - found["top"], 1) for found in row}
        assert len(heights) == 1  # one value size per row


def test_no_two_words_overlap(briefs):
    for name, (path, _) in briefs.items():
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                words = page.extract_words()
                for a, b in itertools.combinations(words, 2):
                    overlap_x = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                    assert overlap_x <= 0.5 or overlap_y <= 0.5, (name, a["text"], b["text"])


def test_a_table_split_over_pages_repeats_its_header(briefs):
    path, _ = briefs["long"]
    headers = 0
    rows = set()
    with pdfplumber.open(path) as pdf:
        halves = [
            page.crop((x0, 0, x1, page.height))
            for page in pdf.pages
            for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width))
        ]
        for half in halves:
            for line in half.extract_text_lines():
                text = line["text"]
                if text.startswith("Region Sites Staff Notes"):
                    headers += 1
                if text.startswith("Region ") and text.split()[1].isdigit():
                    rows.add(int(text.split()[1]))
    assert headers >= 2
    assert rows == set(range(1, 41))


@pytest.mark.parametrize(
    "classification, level",
    [
        ("UNCLASSIFIED", "UNCLASSIFIED"),
        ("CUI", "CUI"),
        ("CONFIDENTIAL", "CONFIDENTIAL"),
        ("SECRET", "SECRET"),
        ("TOP SECRET", "TOP SECRET"),
    ],
)
def test_banner_fill_and_text_colours_by_level(tmp_path, classification, level):
    from alliancedeck.design import hex_to_rgb

    cui = (
        "  cui: {controlled_by: Notional Office, category: PRVCY, dissemination: NOFORN,"
        " poc: Notional POC}\n"
        if classification == "CUI"
        else ""
    )
    path = write_brief(
        tmp_path,
        f"meta:\n  title: Notional\n  classification: {classification}\n{cui}"
        "sections:\n  - title: Notional\n    points: [A notional point.]\n",
    )
    built = _build(path, tmp_path / "out", training_markings=level not in ("UNCLASSIFIED", "CUI"))
    colors = _theme(REPO / "content.yaml").banner_colors(level)
    fill = _rgb([v / 255 for v in hex_to_rgb(colors.fill)])
    text = _rgb([v / 255 for v in hex_to_rgb(colors.text)])
    with pdfplumber.open(built.products[0].path) as pdf:
        page = pdf.pages[0]
        bands = [r for r in page.rects if r["top"] < 60 or r["bottom"] > page.height - 60]
        assert len([r for r in bands if _rgb(r["non_stroking_color"]) == fill]) == 2
        banner_chars = [c for c in page.chars if c["top"] < 40 and c["text"].strip()]
        assert banner_chars
        assert {_rgb(c["non_stroking_color"]) for c in banner_chars} == {text}


def _rgb(value) -> tuple[float, ...]:
    return tuple(round(float(v), 2) for v in value) if value else ()


def test_report_layout_has_no_page_target_and_a_cover(tmp_path):
    built = _build(LONG, tmp_path / "out", layout="report")
    assert not [w for w in built.warnings if "pages" in w.message]
    with pdfplumber.open(built.products[0].path) as pdf:
        cover = pdf.pages[0].extract_text()
        assert "A long notional brief" in cover
        assert "Notional topic 1" not in cover  # the sections start after the cover
        assert "Notional topic 1" in pdf.pages[1].extract_text()


def test_a_header_that_runs_past_page_ones_foot_is_warned_at_the_title(tmp_path):
    # Found in review: a title and subtitle at their 400-character limit (wide Japanese
    # characters) with eight key figures fill page 1 past its foot.
    content = tall_header_content(
        {"title": "Notional points", "points": ["A notional point.", "Another notional point."]}
    )
    path = tmp_path / "content.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), "utf-8")
    built = _build(path, tmp_path / "out")
    (warning,) = [w for w in built.warnings if "page 1's title" in w.message]
    assert (warning.location.line, warning.location.column) == (2, 10)  # meta.title
    assert "run into the footer and the banner" in warning.message
    with pdfplumber.open(built.products[0].path) as pdf:
        page = pdf.pages[0]
        foot = _rules(page)[0]  # the first rule of the foot
        # What the warning says: the key figures' cards reach below the foot's rule.
        card_values = [w for w in page.extract_words() if w["text"] in ("1,006", "1,007")]
        assert card_values and max(w["bottom"] for w in card_values) > foot
    # A title of ordinary length, the same figures: no warning.
    title = content["meta"]["title"]
    short = path.read_text(encoding="utf-8").replace(title, "Notional alliance brief")
    path.write_text(short, encoding="utf-8")
    built = _build(path, tmp_path / "out")
    assert not [w for w in built.warnings if "page 1's title" in w.message]


def test_a_charts_text_equivalent_is_kept_as_its_alt_text():
    from alliancedeck.api import prepare
    from alliancedeck.compose.boxes import ChartBox, TextBox
    from alliancedeck.compose.brief import compose_brief
    from alliancedeck.fonts import font_book

    prepared = prepare(BLOCKS)
    plan = compose_brief(prepared.doc, prepared.theme, font_book(prepared.theme, BLOCKS.parent))
    boxes = [box for page in plan.pages for box in page.boxes]
    charts = [box for box in boxes if isinstance(box, ChartBox)]
    printed = "\n".join(box.text for box in boxes if isinstance(box, TextBox))
    assert charts and all(box.alt == box.chart.alt and box.alt for box in charts)
    assert not any(box.alt in printed for box in charts)


@pytest.mark.parametrize("layout", ["default", "report"])
@pytest.mark.parametrize("content", [REPO / "content.yaml", BLOCKS, LONG])
def test_a_heading_never_ends_a_column(content, layout):
    from alliancedeck.api import prepare
    from alliancedeck.compose.boxes import TextBox
    from alliancedeck.compose.brief import compose_brief
    from alliancedeck.fonts import font_book

    prepared = prepare(content, layout=layout)
    theme = prepared.theme
    plan = compose_brief(prepared.doc, theme, font_book(theme, content.parent))
    for page in plan.pages:
        for heading in (b for b in page.boxes if isinstance(b, TextBox) and b.role == "heading"):
            below = [
                b
                for b in page.boxes
                if b.x >= heading.x - 1
                and b.x < heading.x + heading.w
                and b.y > heading.y + heading.h - 1
                and b.y < theme.page.height - theme.page.margins.bottom - 40
                and getattr(b, "role", "") not in ("footer", "statement", "banner")
            ]
            assert below, (page.number, heading.text)


def test_long_figure_values_take_fewer_cards_a_row_and_are_never_broken(tmp_path):
    displays = ["$48.5 million a year (notional)", "$1.25 billion over five years"]
    path = write_brief(
        tmp_path,
        f"""
        meta:
          title: Notional wide values
        figures:
          a: {{value: 1, display: "{displays[0]}", label: notional one}}
          b: {{value: 2, display: "{displays[1]}", label: notional two}}
          c: {{value: 3, label: notional three}}
          d: {{value: 4, label: notional four}}
        sections:
          - title: Notional
            points: [A notional point.]
        """,
    )
    built = _build(path, tmp_path / "out")
    with pdfplumber.open(built.products[0].path) as pdf:
        lines = pdf.pages[0].extract_text().splitlines()
    for display in displays:
        assert any(display in line for line in lines), display


def _wide_table_brief(rows: int) -> str:
    """Return a notional brief whose one table is too wide for a column and `rows` rows long."""
    body = "\n".join(
        f"          - [District {n}, {n % 7 + 10}, {1000 + 37 * n}, {100 + n}, {n % 30}%,"
        f" Notional network reviews {n}]"
        for n in range(1, rows + 1)
    )
    point = "A notional point that fills a line or two of a column with words of text."
    return f"""
    meta:
      title: Notional long wide table
      classification: UNCLASSIFIED
    sections:
      - title: Notional before
        points: [{", ".join([point] * 6)}]
      - title: Notional districts
        points: [{point}]
        table:
          caption: Notional district summary
          columns: [District, Sites, Staff, Budget (USD m), Share of exercises, Main activity]
          rows:
{body}
          source: Notional data
      - title: Notional after
        points: [{", ".join([point] * 6)}]
    """


@pytest.mark.parametrize("layout", ["default", "report"])
def test_a_table_across_the_columns_splits_over_pages_with_its_header_repeated(tmp_path, layout):
    count = 90
    path = write_brief(tmp_path, _wide_table_brief(count))
    built = _build(path, tmp_path / "out", layout=layout)
    rows: list[int] = []
    pages_with_rows = []
    with pdfplumber.open(built.products[0].path) as pdf:
        for page in pdf.pages:
            lines = page.extract_text_lines()
            found = [
                int(t.split()[1])
                for t in (line["text"] for line in lines)
                if t.startswith("District ") and t.split()[1].isdigit()
            ]
            if not found:
                continue
            pages_with_rows.append(page.page_number)
            rows += found
            headers = [line for line in lines if line["text"].startswith("District Sites Staff")]
            # Every page of the table opens with its header row, across both columns.
            assert len(headers) == 1, page.page_number
            (header,) = headers
            assert header["x0"] < page.width / 2 - 100 and header["x1"] > page.width / 2 + 150
            first_row = min(line["top"] for line in lines if line["text"].startswith("District "))
            assert header["top"] <= first_row
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pages_with_rows) >= 2  # long enough to split
    assert rows == list(range(1, count + 1))  # every row once, in order
    assert text.count("Table 1. Notional district summary") == 1
    assert text.count("Source: Notional data") == 1
    assert text.index("Source: Notional data") > text.index(f"District {count} ")


def _sections_brief(count: int) -> str:
    """Return a notional brief of `count` sections of four points, each with a source."""
    point = "A notional point that takes a line and a little more of a column of the brief."
    sections = "\n".join(
        f"""
      - title: Notional topic {n}
        points: [{", ".join([point] * 4)}]
        sources: ["Notional report {n}"]"""
        for n in range(1, count + 1)
    )
    return f"""
    meta:
      title: Notional sections
      classification: UNCLASSIFIED
    sections:{sections}
    """


def _lines_of_the_last_page(page, theme) -> tuple[int, int, bool]:
    """Return the lines of text in the columns of `page`: all, and all but the Sources list;
    and whether the Sources list starts on it."""
    foot = _rules(page)[0]
    words = [
        w
        for w in page.extract_words(extra_attrs=["size"])
        if theme.page.margins.top < w["top"] and w["bottom"] < foot
    ]
    source = theme.brief["source"].size
    heading = any(w["text"] == "Sources" for w in words)
    words = [w for w in words if w["text"] != "Sources"]
    text = {round(w["top"]) for w in words if abs(w["size"] - source) > 0.1}
    return len({round(w["top"]) for w in words}), len(text), heading


@pytest.mark.parametrize("layout", ["default", "report"])
@pytest.mark.parametrize("count", range(6, 31, 2))
def test_the_last_page_holds_more_than_the_sources(tmp_path, layout, count):
    path = write_brief(tmp_path, _sections_brief(count))
    built = _build(path, tmp_path / "out", layout=layout)
    theme = _theme(path, layout)
    with pdfplumber.open(built.products[0].path) as pdf:
        if len(pdf.pages) > 1:
            lines, text, heading = _lines_of_the_last_page(pdf.pages[-1], theme)
            if heading:  # two lines of text at least beside the Sources list
                assert text >= 2, (lines, text)
            else:  # a Sources list longer than the room left: two of its lines at least
                assert lines >= 2, lines


@pytest.mark.parametrize("layout", ["default", "report"])
def test_figures_are_numbered_in_the_order_a_reader_meets_them(tmp_path, layout):
    path = write_brief(tmp_path, moved_band_brief())
    built = _build(path, tmp_path / "out", layout=layout)
    found = {}
    with pdfplumber.open(built.products[0].path) as pdf:
        for page in pdf.pages:
            for line in page.extract_text_lines():
                for title in ("Notional crowded months", "Notional small chart"):
                    if title in line["text"]:
                        found[title] = (page.page_number, line)
    band_page, band = found["Notional crowded months"]
    column_page, column = found["Notional small chart"]
    middle = pdf.pages[0].width / 2
    # A reader meets a page's top band first, then its columns left to right, then its foot band.
    band_place = (band_page, 0 if band["top"] < pdf.pages[0].height / 3 else 2, 0, 0)
    column_place = (column_page, 1, column["x0"] > middle, column["top"])
    first, second = sorted([(band_place, band), (column_place, column)], key=lambda p: p[0])
    assert first[1]["text"].startswith("Figure 1."), (first[1]["text"], second[1]["text"])
    assert second[1]["text"].startswith("Figure 2.")


def _heard(pdf) -> str:
    """Return the text of `pdf` in the order its structure tree reads it (what a screen
    reader speaks): each element's marked content, depth first."""
    chars: dict[tuple[int, int], list[str]] = {}
    for page in pdf.pages:
        for char in page.chars:
            if char.get("mcid") is not None:
                chars.setdefault((page.page_number, char["mcid"]), []).append(char["text"])
    spoken: list[str] = []

    def walk(elements) -> None:
        for element in elements:
            for mcid in element.get("mcids") or ():
                spoken.append("".join(chars.get((element["page_number"], mcid), [])))
            walk(element.get("children", []))

    walk(pdf.structure_tree)
    return " ".join(spoken)


@pytest.mark.parametrize("layout", ["default", "report"])
def test_a_screen_reader_meets_figures_in_the_order_they_are_numbered(tmp_path, layout):
    # A block set across the columns at a page's foot is numbered after the page's columns;
    # the tagged PDF reads it there too, never "Figure 2" before "Figure 1".
    path = write_brief(tmp_path, moved_band_brief())
    built = _build(path, tmp_path / "out", layout=layout)
    with pdfplumber.open(built.products[0].path) as pdf:
        heard = _heard(pdf)
    numbers = [int(n) for n in re.findall(r"Figure (\d+)\.", heard)]
    assert numbers == [1, 2], heard


def _heading_and_chart_brief(points: int) -> str:
    """Return a notional brief: `points` points, then a section of only a heading and a chart,
    then more text to fill the page after."""
    point = "A notional point that takes a line and a little more of a column of the brief."
    return f"""
    meta:
      title: Notional heading and chart
      classification: UNCLASSIFIED
    sections:
      - title: Notional text
        points: [{", ".join([point] * points)}]
      - title: Notional chart
        chart:
          type: column
          title: Notional spending
          categories: ["2021", "2022", "2023"]
          series: [{{name: Spending, values: [1.2, 1.5, 1.9]}}]
          source: Notional data
      - title: Notional more text
        points: [{", ".join([point] * 40)}]
    """


# After 43 or 67 points a column has room at its foot for the chart's heading and the chart at a
# legible width, not at its full width (after 19 it has room for neither: that column's spaces
# open instead, as far as they may).
@pytest.mark.parametrize("points", [43, 67])
def test_a_chart_under_its_heading_is_set_smaller_to_fill_a_column(tmp_path, points):
    path = write_brief(tmp_path, _heading_and_chart_brief(points))
    built = _build(path, tmp_path / "out", layout="report")
    theme = _theme(path, "report")
    with pdfplumber.open(built.products[0].path) as pdf:
        for page in pdf.pages[1:-1]:  # after the cover, before the last page
            foot = _rules(page)[0]
            bottoms = _column_bottoms(page, theme)
            for rect in page.rects:  # a chart's plot ends a column too
                if rect["bottom"] < foot and rect["top"] > theme.page.margins.top:
                    column = 0 if rect["x1"] <= page.width / 2 else 1
                    bottoms[column] = max(bottoms[column], rect["bottom"])
            for bottom in bottoms:
                assert foot - bottom <= theme.page.gap + _body_line(theme) + 2, (foot, bottom)


CROWDED = REPO / "tests" / "compose" / "briefs" / "crowded-brief.yaml"
CHARTS = REPO / "tests" / "compose" / "briefs" / "charts.yaml"


def _band_top(page, label: str) -> float | None:
    """Return the top of the caption starting `label` ("Table 1."), or None."""
    found = page.search(label, regex=False)
    return found[0]["top"] if found else None


def _column_text_bottoms(page, theme, above: float) -> list[float]:
    """Return how far down each column's text reaches above `above` (a band or the foot)."""
    bottoms = [0.0, 0.0]
    for word in page.extract_words():
        if word["bottom"] > above or word["top"] < theme.page.margins.top:
            continue
        bottoms[0 if word["x1"] <= page.width / 2 else 1] = max(
            bottoms[0 if word["x1"] <= page.width / 2 else 1], word["bottom"]
        )
    return bottoms


def test_a_wide_block_met_in_a_pages_second_column_goes_to_that_pages_foot(tmp_path):
    # The crowded brief's chart and table are met once the first column of their page is
    # full: set at the top of the next page, they ran the brief to three pages, and body type
    # was shrunk to bring it back to two. At the foot of the page their sections start on,
    # the brief fits two pages at full size.
    theme = _theme(CROWDED)
    built = _build(CROWDED, tmp_path / "out")
    with pdfplumber.open(built.products[0].path) as pdf:
        assert len(pdf.pages) == theme.page.max_pages
        for label, section in (("Figure 1.", "Notional topic 2"), ("Table 1.", "Notional topic 4")):
            pages = [p.page_number for p in pdf.pages if _band_top(p, label) is not None]
            starts = [p.page_number for p in pdf.pages if p.search(section, regex=False)]
            assert pages == starts, (label, pages, starts)
        body = theme.brief["body"].size
        sizes = {round(c["size"], 2) for p in pdf.pages for c in p.chars if c["text"] == "•"}
        assert sizes == {body}, sizes  # bullets are set at the body's size
    assert not [w for w in built.warnings if "pages" in w.message]


def test_a_foot_band_on_the_last_page_closes_up_under_balanced_columns(tmp_path):
    theme = _theme(CROWDED)
    built = _build(CROWDED, tmp_path / "out")
    with pdfplumber.open(built.products[0].path) as pdf:
        page = pdf.pages[-1]
        top = _band_top(page, "Table 1.")
        assert top is not None and top > page.height / 2  # the table is at the page's foot
        left, right = _column_text_bottoms(page, theme, top)
        assert abs(left - right) <= _body_line(theme) + 1, (left, right)
        # No white gap between the columns' end and the table: the space between blocks.
        assert top - max(left, right) <= 2 * theme.page.gap + _body_line(theme), (top, left)


def test_two_charts_of_a_section_share_a_column_rather_than_leave_its_foot_empty(tmp_path):
    # The second chart of the overview does not fit under the first even at its legible
    # width; both set a little smaller, alike, they fill the column instead of leaving it
    # short by more than a chart's caption and source.
    theme = _theme(CHARTS)
    built = _build(CHARTS, tmp_path / "out")
    with pdfplumber.open(built.products[0].path) as pdf:
        page = pdf.pages[0]
        foot = _rules(page)[0]
        first, second = (page.search(f"Figure {n}.", regex=False)[0] for n in (1, 2))
        column = 0 if first["x0"] < page.width / 2 else 1
        assert column == (0 if second["x0"] < page.width / 2 else 1)
        bottom = _column_bottoms(page, theme)[column]
        assert foot - bottom <= theme.page.gap + _body_line(theme) + 2, (foot, bottom)

        def right_edge(top: float, bottom: float) -> float:
            # A chart is centred in its column: its gridlines' right end gives its width.
            lines = [
                line
                for line in page.lines + page.rects
                if top < line["top"] < bottom and (line["x1"] > page.width / 2) == column
            ]
            return max(line["x1"] for line in lines)

        edges = right_edge(first["top"], second["top"]), right_edge(second["top"], foot)
        assert abs(edges[0] - edges[1]) < 1.0, edges


def _figure_boxes(pdf) -> list[tuple[int, list[float]]]:
    """Return the page and box (x0, y0, x1, y1) of every Figure of the tagged PDF."""
    found = []

    def walk(elements) -> None:
        for element in elements:
            if element["type"] == "Figure":
                found.append((element["page_number"], element["attributes"]["BBox"]))
            walk(element.get("children", []))

    walk(pdf.structure_tree)
    return found


def test_charts_of_one_section_set_smaller_to_share_a_column_are_set_alike(briefs):
    # Page 1 of the blocks example: the first section's two charts in the left column, the
    # second section's three in the right; the last of each fits only smaller, and the
    # charts above it are set smaller with it, to one width, not one small chart under
    # large ones.
    path, _ = briefs["blocks"]
    with pdfplumber.open(path) as pdf:
        middle = pdf.pages[0].width / 2
        boxes = [box for page, box in _figure_boxes(pdf) if page == 1]
    for column in (0, 1):
        widths = [x1 - x0 for x0, _, x1, _ in boxes if (x0 > middle) == column]
        assert len(widths) >= 2 and max(widths) - min(widths) < 0.5, (column, widths)


def test_a_short_column_opens_its_spaces_up_to_their_limits_before_leaving_room():
    # Spare room is shared in proportion to the set spaces; a space at its limit (a body line,
    # or MOST_OPENING times itself) passes what it cannot take to the others, so a column is
    # left short only by what every space at its limit cannot fill.
    from alliancedeck.compose.brief import MOST_OPENING, BriefPlanner, _Placed, _Unit

    def unit(space: float) -> _Placed:
        return _Placed(_Unit(height=20.0, space=space, make=lambda x, y, w: []), space)

    column = [unit(0.0), unit(10.0), unit(2.0), unit(2.0)]
    most = 6.0  # the heading's space reaches its limit first
    limits = [min(most, s * MOST_OPENING) for s in (10.0, 2.0, 2.0)]  # 6, 4, 4
    for spare in (6.0, 12.0, 30.0):
        above, _ = BriefPlanner.stretches(column, spare, most)
        assert sum(above) == pytest.approx(min(spare, sum(limits))), (spare, above)
        assert all(a <= limit + 1e-6 for a, limit in zip(above[1:], limits, strict=True))
