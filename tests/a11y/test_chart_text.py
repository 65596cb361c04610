"""A chart's text equivalent reads well aloud, and every product gives the same one."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from tagged import open_pdf, outloud, structure

from conftest import write_brief

YEARS = ("2019", "2020", "2021", "2022", "2023")


def describe(chart_type: str, categories, series, title="Notional spending", unit=None) -> str:
    from alliancedeck.document import chart_description

    return chart_description(chart_type, title, tuple(categories), tuple(series), unit)


def test_a_chart_over_years_says_its_span_and_where_it_starts_and_ends():
    text = describe("column", YEARS, [("Spending", (1.6, 1.8, 1.7, 2.1, 2.5))], unit="USD billions")
    assert text.startswith("Column chart of Notional spending, USD billions, 2019 to 2023: ")
    assert "rises from 1.6 in 2019 to a high of 2.5 in 2023" in text


def test_a_turning_point_between_the_ends_is_named():
    text = describe("line", YEARS, [("Deployments", (4, 3, 5, 6, 5))])
    assert "rises from 4 in 2019 to 5 in 2023" in text
    assert "highest 6 in 2022" in text and "lowest 3 in 2020" in text
    falling = describe("line", YEARS, [("Backlog", (9, 7, 8, 4, 2))])
    assert "falls from 9 in 2019 to a low of 2 in 2023, highest" not in falling
    assert "falls from 9 in 2019 to a low of 2 in 2023" in falling


def test_only_a_series_that_moves_one_way_every_step_rises_steadily():
    assert "rises steadily from 1 in 2019 to 5 in 2023" in describe(
        "line", YEARS, [("x", (1, 2, 3, 4, 5))]
    )
    assert "steadily" not in describe("line", YEARS, [("x", (1, 3, 2, 4, 5))])
    assert "falls steadily" in describe("line", YEARS, [("x", (5, 4, 3, 2, 1))])


def test_each_series_of_a_chart_is_named_with_what_it_does():
    text = describe(
        "line", YEARS, [("Exercises", (9, 11, 12, 13, 14)), ("Deployments", (4, 4, 4, 4, 4))]
    )
    assert "Exercises rises steadily from 9 in 2019 to 14 in 2023" in text
    assert "Deployments stays at 4 from 2019 to 2023" in text


def test_a_chart_over_named_categories_gives_its_highest_lowest_and_every_value():
    text = describe("bar", ["North", "Central", "South"], [("Units", (12, 31, 18))])
    assert "highest Central at 31, lowest North at 12" in text
    assert text.endswith("Data: North 12, Central 31, South 18.")


def test_the_data_of_a_short_chart_is_read_category_by_category():
    text = describe("bar", ["Unit A", "Unit B"], [("2022", (72, 80)), ("2023", (78, 84))])
    # A year beside a value would run together when heard: "72 in 2022", not "2022 72".
    assert text.endswith("Data: Unit A: 72 in 2022, 78 in 2023; Unit B: 80 in 2022, 84 in 2023.")


def test_a_pie_gives_each_slice_its_share():
    slices = ["Personnel", "Operations", "Other"]
    assert describe("pie", slices, [("Share", (50, 30, 20))]).endswith(
        ": Personnel 50%, Operations 30%, Other 20%."
    )
    assert describe("pie", slices, [("USD", (5, 3, 2))]).endswith(
        ": Personnel 5, or 50%; Operations 3, or 30%; Other 2, or 20%."
    )


def test_a_long_run_of_figures_is_left_to_the_summary():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    values = (27, 10, 20, 20, 27, 19, 13, 23, 10, 22, 28, 28)
    text = describe("column", months, [("2023", values), ("2024", values[::-1])])
    assert "Data:" not in text and "highest Nov and Dec at 28" in text


def test_generated_text_equivalents_read_as_words():
    from alliancedeck.document import reads_as_words

    cases = [
        ("column", YEARS, [("Spending", (1.6, 1.8, 1.9, 2.1, 2.5))]),
        ("line", YEARS, [("a", (9, 11, 12, 13, 14)), ("b", (4, 3, 5, 6, 6))]),
        ("stacked", YEARS, [("a", (1.2, 1.3, 1.4, 1.5, 1.6)), ("b", (0.7, 0.8, 1.1, 1, 1))]),
        ("bar", ["A", "B", "C", "D"], [("x", (1, 2, 3, 4)), ("y", (4, 3, 2, 1))]),
    ]
    for chart_type, categories, series in cases:
        text = describe(chart_type, categories, series, unit="USD billions")
        assert reads_as_words(text), text
        assert not re.search(r"\d \d", text), text  # no two numbers said one after another


# ----- the same text in every product ---------------------------------------------------------

BRIEF = """
    meta:
      title: Notional charts
      date: 2024-05-31
    figures: {}
    sections:
      - title: Notional spending
        chart:
          - type: column
            title: Notional spending by year
            categories: [2019, 2020, 2021]
            series:
              - {name: Spending, values: [1.6, 1.8, 2.5]}
            unit: USD billions
      - title: Notional shares
        chart:
          - type: pie
            title: Notional shares
            categories: [Personnel, Other]
            series:
              - {name: Share, values: [60, 40]}
            alt: Notional shares, as the author describes them.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from alliancedeck.api import build

    folder = tmp_path_factory.mktemp("charts")
    content = write_brief(folder, BRIEF)
    result = build(content, out_dir=folder / "out", products=["pdf", "slides", "deck-pdf", "html"])
    return {p.backend: Path(p.path) for p in result.products}


def deck_descriptions(path: Path) -> list[str]:
    """Return the `descr` of every chart frame of the deck, in slide order."""
    found = []
    with zipfile.ZipFile(path) as package:
        slides = sorted(
            (n for n in package.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
            key=lambda n: int(re.sub(r"\D", "", n)),
        )
        for name in slides:
            tree = etree.fromstring(package.read(name))
            found += tree.xpath(
                "//p:graphicFrame[.//c:chart]/p:nvGraphicFramePr/p:cNvPr/@descr",
                namespaces={
                    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
                    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
                },
            )
    return found


def figure_alts(path: Path) -> list[str]:
    """Return the `/Alt` of every Figure of the PDF's structure tree, in reading order."""
    with open_pdf(path) as pdf:
        return [str(n.obj.Alt) for n in structure(pdf).walk() if n.kind == "Figure"]


def test_every_product_gives_a_chart_the_same_text_and_an_author_alt_as_written(built):
    expected = [
        "Column chart of Notional spending by year, USD billions, 2019 to 2021: "
        "rises steadily from 1.6 in 2019 to 2.5 in 2021.",
        "Notional shares, as the author describes them.",
    ]
    assert deck_descriptions(built["slides"]) == expected
    assert figure_alts(built["deck-pdf"]) == expected
    assert figure_alts(built["pdf"]) == expected
    html = built["html"].read_text(encoding="utf-8")
    assert re.findall(r'<desc id="[^"]+">([^<]*)</desc>', html) == expected


def test_outloud_hears_every_chart_of_the_examples_as_language(tmp_path):
    from alliancedeck.api import build

    repo = Path(__file__).resolve().parents[2]
    paths = []
    for name, content in (
        ("blocks", repo / "examples" / "blocks" / "content.yaml"),
        ("crowded", repo / "tests" / "compose" / "briefs" / "crowded-brief.yaml"),
    ):
        result = build(content, out_dir=tmp_path / name, products=["pdf", "deck-pdf"])
        paths += [str(p.path) for p in result.products]
    run = outloud("--only", "FIG-012", "--fail-on", "warning", "-q", *paths)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
