"""The HTML handout: the whole brief, marked, self-contained, and readable by a screen reader."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import REPO, assert_in_order, content_texts


@pytest.fixture(scope="module")
def blocks(tmp_path_factory):
    """Return (document, parsed page) of the blocks example's handout."""
    from alliancedeck.api import build, prepare

    example = REPO / "examples" / "blocks" / "content.yaml"
    out = tmp_path_factory.mktemp("html-blocks")
    result = build(example, out_dir=out, products=["html"])
    assert [p.path.name for p in result.products] == ["brief.html"]
    return prepare(example).doc, lxml_html.fromstring(result.products[0].path.read_bytes())


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    """Return (document, parsed page, raw text) of the marked brief's handout."""
    from alliancedeck.api import build, prepare

    brief = REPO / "tests" / "briefing" / "marked.yaml"
    out = tmp_path_factory.mktemp("html-marked")
    path = build(brief, out_dir=out, products=["html"]).products[0].path
    raw = path.read_text(encoding="utf-8")
    return prepare(brief).doc, lxml_html.fromstring(raw.encode()), raw


def visible_text(page) -> str:
    return " ".join(page.xpath("//body")[0].itertext())


def test_every_text_of_the_brief_is_there_in_order(marked):
    doc, page, _ = marked
    assert_in_order(visible_text(page), [t for t in content_texts(doc)])
    for figure in doc.key_figures:
        assert figure.display in visible_text(page) and figure.label in visible_text(page)


def test_the_page_has_a_language_a_title_landmarks_and_a_heading_outline(marked):
    doc, page, _ = marked
    assert page.get("lang") == "en-US"
    assert page.findtext(".//title") == doc.meta.title
    assert len(page.xpath("//header")) == len(page.xpath("//main")) == 1
    assert len(page.xpath("//footer")) == 1
    assert page.xpath("//h1")[0].text_content() == doc.meta.title
    headings = [h.text_content() for h in page.xpath("//h2")]
    assert headings[0] == doc.labels.key_figures
    # Every section, main then backup, with its portion mark; sources last.
    assert headings[1:] == [
        "(U) Notional situation",
        "(U) Notional options",
        "(U) Backup 1: Notional detail for questions",
        doc.labels.sources,
    ]
    for section in page.xpath("//section[@aria-labelledby]"):
        assert page.xpath(f"//*[@id='{section.get('aria-labelledby')}']")


def test_banners_portion_marks_and_the_distribution_statement_are_printed(marked):
    doc, page, _ = marked
    banners = page.xpath("//p[contains(@class, 'banner')]")
    assert [b.text_content().replace("Classification: ", "") for b in banners] == [
        "UNCLASSIFIED",
        "UNCLASSIFIED",
    ]
    assert banners[1].get("aria-hidden") == "true"  # read once
    points = [li.text_content() for li in page.xpath("//section[@id='section-1']/ul/li")]
    assert points[0] == "(U) A first notional point."
    assert points[1].startswith("(U) A second notional point")
    nested = page.xpath("//section[@id='section-1']/ul/li/ul/li")[0].text_content()
    assert nested == "A nested notional point."  # portion marks on top-level points only
    assert page.xpath("//footer/p[@class='statement']")[0].text_content() == doc.meta.distribution
    link = page.xpath("//a")[0]
    assert link.get("href") == "https://example.org/notional"


def test_tables_have_headers_with_scope_and_numbers_right_aligned(blocks):
    doc, page = blocks
    table = next(b for s in doc.sections for b in s.blocks if hasattr(b, "rows"))
    shown = page.xpath(f"//table[caption='{table.caption}']")[0]
    header = shown.xpath("./thead/tr/th")
    assert [th.text_content() for th in header] == list(table.columns)
    assert {th.get("scope") for th in header} == {"col"}
    rows = shown.xpath("./tbody/tr")
    assert [[c.text_content() for c in row] for row in rows] == [list(r) for r in table.rows]
    assert {row[0].get("scope") for row in rows} == {"row"}
    numeric = [i for i, flag in enumerate(table.numeric) if flag]
    assert numeric and all("num" in (rows[0][i].get("class") or "") for i in numeric)


def test_charts_are_inline_svg_images_with_their_text_and_data(blocks):
    doc, page = blocks
    charts = [b for s in doc.sections for b in s.blocks if hasattr(b, "series")]
    figures = page.xpath("//figure[@class='chart']")
    assert len(figures) == len(charts)
    for chart, figure in zip(charts, figures, strict=True):
        svg = figure.xpath(".//*[local-name()='svg']")[0]
        assert svg.get("role") == "img"
        named = svg.get("aria-labelledby").split()
        texts = [page.xpath(f"//*[@id='{key}']")[0].text_content() for key in named]
        assert texts == [chart.title, chart.alt]
        data = figure.xpath(".//table[@class='chart-data']")[0]
        rows = data.xpath("./tbody/tr")
        assert [r[0].text_content() for r in rows] == list(chart.categories)
        first_series = [float(r[1].text_content().replace(",", "")) for r in rows]
        assert first_series == list(chart.series[0][1])
        marks = svg.xpath(
            ".//*[local-name()='rect' or local-name()='path' or local-name()='circle']"
        )
        assert len(marks) >= len(chart.categories)


def test_the_file_is_self_contained_and_pictures_have_their_alt_text(blocks):
    doc, page = blocks
    images = [b for s in doc.sections for b in s.blocks if hasattr(b, "format")]
    shown = page.xpath("//img")
    assert [img.get("alt") for img in shown] == [image.alt for image in images]
    assert all(img.get("src").startswith("data:image/") for img in shown)
    raw = etree.tostring(page, encoding="unicode")
    assert not page.xpath("//script | //link | //iframe")
    assert not re.search(r"""(src|href)=["'](?!data:|https://example|#)""", raw)


def test_text_that_looks_like_markup_is_printed_as_typed(tmp_path):
    from alliancedeck.api import build

    content = tmp_path / "content.yaml"
    content.write_text(
        'meta: {title: "Notional <b>bold</b> & co"}\n'
        'sections: [{title: A, points: ["<script>alert(1)</script> stays text"]}]\n',
        encoding="utf-8",
    )
    path = build(content, products=["html"]).products[0].path
    page = lxml_html.fromstring(path.read_bytes())
    assert page.xpath("//h1")[0].text_content() == "Notional <b>bold</b> & co"
    assert not page.xpath("//script | //h1/b")
    assert "<script>alert(1)</script> stays text" in visible_text(page)
