"""The brief's finish, read back with pdfplumber: splits, footers, spans, the masthead."""

from __future__ import annotations

import itertools
from pathlib import Path

import pdfplumber
import pytest

from conftest import REPO, write_brief

LONG = REPO / "tests" / "compose" / "briefs" / "long.yaml"


def _build(content: Path, out: Path, **options) -> Path:
    from alliancedeck.api import build

    return build(content, out_dir=out, products=("pdf",), **options).products[0].path


def _halves(pdf) -> list:
    """Return each page's left and right halves, in reading order."""
    return [
        page.crop((x0, 0, x1, page.height))
        for page in pdf.pages
        for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width))
    ]


def _table_brief(folder: Path, rows: int, points: int = 0) -> Path:
    folder.mkdir(exist_ok=True)
    body = "".join(
        f"      - Notional point {n} of the section, set as a bullet.\n" for n in range(points)
    )
    table = "".join(f"          - [Region {n}, {n * 7}, notional]\n" for n in range(1, rows + 1))
    return write_brief(
        folder,
        "meta:\n  title: A notional table brief\n"
        "sections:\n  - title: Sites\n"
        + (f"    points:\n{body}" if points else "")
        + "    table:\n      columns: [Region, Sites, Notes]\n      rows:\n"
        + table,
    )


@pytest.mark.parametrize("rows", [2, 4, 6])
def test_a_short_table_is_never_split_to_balance_the_columns(tmp_path, rows):
    path = _build(_table_brief(tmp_path, rows), tmp_path / "out")
    with pdfplumber.open(path) as pdf:
        headers = [
            h
            for h in _halves(pdf)
            for line in h.extract_text_lines()
            if line["text"].startswith("Region Sites Notes")
        ]
    assert len(headers) == 1


def test_a_split_table_keeps_three_rows_on_each_side(tmp_path):
    splits = []
    for points in range(0, 40, 4):  # the table starts lower and lower in its column
        path = _build(_table_brief(tmp_path / str(points), 12, points), tmp_path / f"o{points}")
        with pdfplumber.open(path) as pdf:
            counts = []
            for half in _halves(pdf):
                lines = [line["text"] for line in half.extract_text_lines()]
                if any(t.startswith("Region Sites Notes") for t in lines):
                    counts.append(
                        sum(1 for t in lines if t.startswith("Region ") and t[7].isdigit())
                    )
        assert sum(counts) == 12
        if len(counts) > 1:
            splits.append(counts)
    assert splits  # some of these tables split
    assert all(min(counts) >= 3 for counts in splits), splits


def _lines_near(page, top: float, bottom: float) -> list[dict]:
    return [line for line in page.extract_text_lines() if top <= line["top"] < bottom]


@pytest.mark.parametrize(
    "language, short_title, label",
    [
        ("ja-JP", "日米同盟の概要", "1 / 1 ページ"),
        ("en-US", "A notional short title " * 8, "Page 1 of 1"),
        ("ja-JP", "架空の長い短縮題名" * 12, "1 / 1 ページ"),
    ],
)
def test_the_footer_and_masthead_stay_on_one_line(tmp_path, language, short_title, label):
    content = write_brief(
        tmp_path,
        f"meta:\n  title: A notional brief\n  short_title: {short_title.strip()}\n"
        f"  language: {language}\n  date: 2024-05-31\n  product_id: IF-99999\n"
        "sections:\n  - title: Notional\n    points: [One notional point.]\n",
    )
    path = _build(content, tmp_path / "out")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        rule = max(r["top"] for r in page.rects if r["height"] < 1 and r["width"] > 300)
        footer = _lines_near(page, rule, page.height)
        # One line: every word of the footer on the same baseline, the page label whole.
        assert len({round(line["top"]) for line in footer}) == 1, footer
        text = " ".join(line["text"] for line in footer)
        assert text.endswith(label), text
        assert "IF-99999" in text
        words = page.crop((0, rule, page.width, page.height)).extract_words()
        assert max(w["x1"] for w in words) <= page.width - 54 + 1
        masthead = next(r for r in page.rects if r["width"] > 400 and r["height"] > 15)
        inside = _lines_near(page, masthead["top"], masthead["bottom"])
        assert len({round(line["top"]) for line in inside}) == 1, inside


@pytest.mark.parametrize("language, word", [("en-US", "BRIEF"), ("ja-JP", "概要資料")])
def test_the_masthead_product_label_is_in_the_briefs_language(tmp_path, language, word):
    from alliancedeck.labels import labels_for

    assert labels_for(language).product_label.upper() == word  # one source: labels.yaml
    content = write_brief(
        tmp_path,
        f"meta:\n  title: A notional brief\n  language: {language}\n"
        "sections:\n  - title: Notional\n    points: [One notional point.]\n",
    )
    with pdfplumber.open(_build(content, tmp_path / "out")) as pdf:
        page = pdf.pages[0]
        masthead = next(r for r in page.rects if r["width"] > 400 and r["height"] > 15)
        inside = _lines_near(page, masthead["top"], masthead["bottom"])
        assert [line["text"] for line in inside] == [word]


@pytest.mark.parametrize(
    "content",
    [REPO / "content.yaml", REPO / "examples" / "blocks" / "content.yaml", LONG],
    ids=["default", "blocks", "long"],
)
def test_captions_and_sources_stay_with_their_tables_and_headings_with_their_text(
    tmp_path, content
):
    from alliancedeck.api import prepare

    theme = prepare(content).theme
    body = theme.brief["body"]
    path = _build(content, tmp_path / "out")
    with pdfplumber.open(path) as pdf:
        for half in _halves(pdf):
            lines = half.extract_text_lines()
            fills = sorted(
                (r for r in half.rects if r["width"] > 100 and r["height"] > 10),
                key=lambda r: r["top"],
            )
            for number, line in enumerate(lines):
                below = [r["top"] for r in fills if r["top"] >= line["bottom"] - 1]
                if line["text"].startswith("Table ") and below:
                    # The caption sits on its table: a caption space, never stretched.
                    assert below[0] - line["bottom"] < 6, line["text"]
                table_size = theme.brief["table"].size
                previous = lines[number - 1]["chars"][0] if number else None
                after_table = (  # a table's last row: regular type at the table's size
                    previous is not None
                    and abs(previous["size"] - table_size) < 0.1
                    and "Bold" not in previous["fontname"]
                )
                if line["text"].startswith("Source:") and after_table:
                    # A source line hangs under its table.
                    assert line["top"] - lines[number - 1]["bottom"] < body.size, line["text"]
                first = line["chars"][0]
                size = theme.brief["heading"].size
                heading = abs(first["size"] - size) < 0.1 and "Bold" in first["fontname"]
                if heading and number + 1 < len(lines):
                    gap = lines[number + 1]["top"] - line["bottom"]
                    # Under a heading: its after-heading space, never opened to fill a column.
                    assert gap < body.size * body.leading * 0.75, line["text"]


CROWDED = REPO / "tests" / "compose" / "briefs" / "crowded-brief.yaml"


def _band(page, label: str) -> tuple[float, float, list[dict]] | None:
    """Return the top and bottom of the block captioned `label` and its words, or None."""
    words = page.extract_words(extra_attrs=["size"])
    lines = page.extract_text_lines()
    start = next((line for line in lines if line["text"].startswith(label)), None)
    if start is None:
        return None
    source = next(
        line for line in lines if line["text"].startswith("Source:") and line["top"] > start["top"]
    )
    inside = [
        w for w in words if start["top"] - 1 <= w["top"] and w["bottom"] <= source["bottom"] + 1
    ]
    return start["top"], source["bottom"], inside


@pytest.mark.parametrize("label", ["Figure 1.", "Table 1."])
def test_a_crowded_chart_and_a_wide_table_span_both_columns_at_a_page_edge(tmp_path, label):
    from alliancedeck.api import prepare

    theme = prepare(CROWDED).theme
    margins = theme.page.margins
    body = theme.brief["body"].size
    path = _build(CROWDED, tmp_path / "out")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) <= theme.page.max_pages
        found = [(page, _band(page, label)) for page in pdf.pages]
        page, (top, bottom, inside) = next((p, b) for p, b in found if b is not None)
        middle = page.width / 2
        # Across the columns: it reaches well into both halves of the page.
        assert min(w["x0"] for w in inside) < middle - 100
        assert max(w["x1"] for w in inside) > middle + 150
        text = [w for w in page.extract_words(extra_attrs=["size"]) if abs(w["size"] - body) < 0.1]
        # The columns flow around it: no column text beside it ...
        assert not [w for w in text if w["bottom"] > top and w["top"] < bottom]
        # ... and it sits at the top or the foot of the page's columns.
        above = [w for w in text if w["bottom"] <= top and w["top"] > margins.top + 100]
        below = [w for w in text if w["top"] >= bottom]
        assert not above or not below, (len(above), len(below))


def test_a_narrow_table_and_charts_stay_in_their_column(tmp_path):
    path = _build(REPO / "examples" / "blocks" / "content.yaml", tmp_path / "out")
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            middle = page.width / 2
            heading = next(line for line in page.extract_text_lines() if "Notional" in line["text"])
            for rect in [*page.rects, *page.images]:  # table rows, chart plots, pictures
                in_columns = heading["top"] < rect["top"] < page.height - 60  # below the header
                if in_columns and rect["height"] > 10 and rect["width"] > 100:
                    assert rect["x1"] < middle or rect["x0"] > middle, rect["width"]


def test_a_column_with_a_small_figure_grows_it_before_loosening_its_spacing(tmp_path):
    path = _build(LONG, tmp_path / "out")
    with pdfplumber.open(path) as pdf:
        gaps = []
        for half in _halves(pdf)[:2]:  # page 1: its right column ends with a chart
            lines = [line for line in half.extract_text_lines() if line["top"] > 200]
            for before, after in itertools.pairwise(lines):
                if after["text"].startswith("\u2022"):  # the space above a point
                    gaps.append(after["top"] - before["bottom"])
        words = pdf.pages[0].extract_words()
        years = [w for w in words if w["text"] in {"2019", "2023"} and w["x0"] > 306]
    assert max(gaps) - min(gaps) < 1.5, gaps  # one space between points in both columns
    # The chart was set at its smallest width (2.2 in) to fit; its column's room widened it.
    assert max(w["x1"] for w in years) - min(w["x0"] for w in years) > 2.2 * 72 * 0.9


def test_a_figure_is_set_smaller_to_fill_a_columns_foot_rather_than_leave_it_empty(tmp_path):
    from alliancedeck.api import prepare

    blocks = REPO / "examples" / "blocks" / "content.yaml"
    theme = prepare(blocks).theme
    body = theme.brief["body"]
    path = _build(blocks, tmp_path / "out")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        foot = min(
            r["top"]
            for r in page.rects
            if r["height"] < 1 and r["width"] > page.width * 0.6 and r["top"] > page.height / 2
        )
        for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width)):
            half = page.crop((x0, 200, x1, foot))
            bottom = max(w["bottom"] for w in half.extract_words())
            # Filled to the foot: less than a line (and the gap above the rule) left.
            assert foot - bottom <= theme.page.gap + body.size * body.leading + 2, (x0, bottom)
