"""The brief read back with pdfplumber and pypdf: texts, order, banners, footers, fonts."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import assert_in_order, content_texts


def _product(result, backend: str) -> Path:
    return next(p.path for p in result.products if p.backend == backend)


@pytest.fixture(scope="module")
def brief_path(default_build) -> Path:
    return _product(default_build, "pdf")


@pytest.fixture(scope="module")
def pages(brief_path):
    with pdfplumber.open(brief_path) as pdf:
        result = []
        for page in pdf.pages:
            middle = page.width / 2
            # Body text only (headings, leads, points): not banners, footers or statements,
            # which would otherwise interleave where a point runs on into the next column.
            body = page.filter(lambda obj: obj.get("object_type") != "char" or obj["size"] >= 9.4)
            halves = (
                body.crop((0, 0, middle, page.height)).extract_text(),
                body.crop((middle, 0, page.width, page.height)).extract_text(),
            )
            result.append((page.extract_text(), page.chars, page.height, halves))
        yield result


def test_every_section_lead_point_and_figure_in_order(pages, default_doc):
    text = "\n".join(t for t, *_ in pages)
    for figure in default_doc.key_figures:
        assert figure.display in text
    needles = content_texts(default_doc)
    # Two columns: read each column top to bottom, as a reader does.
    assert_in_order(columns_text(pages), needles)


def columns_text(pages) -> str:
    """Return the text of every page, left column then right column."""
    return "\n".join(left + "\n" + right for _, _, _, (left, right) in pages)


def test_banner_in_top_and_bottom_eighth_of_every_page(pages):
    for _, chars, height, _ in pages:
        lines = {}
        for c in chars:
            lines.setdefault(round(c["top"]), []).append(c)
        banner_rows = [
            top
            for top, row in lines.items()
            if "".join(ch["text"] for ch in sorted(row, key=lambda ch: ch["x0"])).strip()
            == "UNCLASSIFIED"
        ]
        assert any(top < height / 8 for top in banner_rows)
        assert any(top > height * 7 / 8 for top in banner_rows)


def test_page_n_of_m_and_distribution_on_page_one(pages, default_doc):
    total = len(pages)
    for number, (text, *_) in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
    first = " ".join(pages[0][0].split())
    assert " ".join(default_doc.meta.distribution.split()) in first
    assert total == 2, "the default brief is a two-page brief"


def test_metadata_language_and_outline(brief_path, default_doc):
    reader = PdfReader(brief_path)
    assert reader.metadata.title == default_doc.meta.title
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    outline = [item.title for item in reader.outline]
    assert outline[: len(default_doc.sections)] == [s.title for s in default_doc.sections]


def test_every_font_is_embedded(brief_path):
    reader = PdfReader(brief_path)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]


def test_many_key_figures_all_appear_and_the_header_never_outgrows_the_page(tmp_path):
    import yaml

    from alliancedeck.api import build

    content = {
        "meta": {"title": "Notional brief with many figures"},
        "figures": {
            f"f{i}": {"value": 1000 + i, "label": f"notional figure {i}"} for i in range(40)
        },
        "sections": [{"title": "Notional", "points": ["A notional point."]}],
    }
    path = tmp_path / "content.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    result = build(path, out_dir=tmp_path / "out", products=("pdf",))
    with pdfplumber.open(result.products[0].path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    for i in range(40):
        assert f"{1000 + i:,}" in text
    assert "More key figures" in text


def test_each_bookmark_opens_the_page_its_heading_is_on(brief_path, default_doc):
    reader = PdfReader(brief_path)
    page_texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    targets = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert len(targets) >= len(default_doc.sections)
    for title, page in targets:
        assert " ".join(title.split()) in page_texts[page], (title, page)
    assert {page for _, page in targets} == set(range(len(reader.pages)))  # not all on page 1
