"""Briefing-grade markings and structure, read back from the products (notional briefs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pypdf import PdfReader

from conftest import write_brief
from external import libreoffice_convert

HERE = Path(__file__).parent
STATEMENT_C = (
    "DISTRIBUTION STATEMENT C. Distribution authorized to U.S. Government agencies and their "
    "contractors (Administrative or Operational Use) (1 May 2024). Other requests for this "
    "document shall be referred to the Notional Staff Section."
)


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    from alliancedeck.api import build

    out = tmp_path_factory.mktemp("marked")
    result = build(HERE / "marked.yaml", out_dir=out)
    return {p.backend: p.path for p in result.products}


def _lines(page) -> list[tuple[float, str]]:
    rows: dict[int, list] = {}
    for char in page.chars:
        rows.setdefault(round(char["top"]), []).append(char)
    return [
        (top, "".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])))
        for top, row in sorted(rows.items())
    ]


def _assert_banners(pdf_path: Path, banner: str) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            tops = [top for top, line in _lines(page) if line.strip() == banner]
            assert any(t < page.height / 8 for t in tops), f"page {number}: no top banner"
            assert any(t > page.height * 7 / 8 for t in tops), f"page {number}: no bottom banner"


def test_brief_pages_carry_banners_and_page_one_the_statement(marked):
    _assert_banners(marked["pdf"], "UNCLASSIFIED")
    with pdfplumber.open(marked["pdf"]) as pdf:
        first = " ".join(pdf.pages[0].extract_text().split())
    assert STATEMENT_C in first
    assert "(U) Notional situation" in first and "(U) A first notional point." in first
    assert "As of 31 May 2024" in first and "POC: A. Analyst, 555-0100" in first


def test_libreoffice_rendering_of_the_deck_carries_banners_and_slide_one_the_statement(
    marked, tmp_path
):
    libreoffice_convert(marked["slides"], tmp_path, "pdf")
    rendered = tmp_path / "deck.pdf"
    _assert_banners(rendered, "UNCLASSIFIED")
    with pdfplumber.open(rendered) as pdf:
        first = " ".join(pdf.pages[0].extract_text().split())
    assert STATEMENT_C in first


def test_pdf_metadata_matches_the_content(marked):
    reader = PdfReader(marked["pdf"])
    info = reader.metadata
    assert info.title == "Notional Marked Brief"
    assert info.author == "A. Analyst, B. Briefer"
    assert STATEMENT_C in info.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    assert [o.title for o in reader.outline] == [
        "Notional situation",
        "Notional options",
        "Backup 1: Notional detail for questions",
        "Sources",
    ]
    links = [
        a.get_object()["/A"]["/URI"]
        for page in reader.pages
        for a in page.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert "https://example.org/notional" in links


def test_deck_structure_titles_and_properties(marked):
    deck = Presentation(str(marked["slides"]))
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert titles == [
        "Notional Marked Brief",
        "Agenda",
        "Key figures",
        "(U) Notional situation",
        "(U) Notional options",
        "Questions",
        "(U) Backup 1: Notional detail for questions",
    ]
    assert len(set(titles)) == len(titles)
    # The one source is listed on the closing slide, its link kept.
    listing = next(s for s in deck.slides[-2].shapes if s.name == "Sources")
    assert "Notional source with a link" in listing.text_frame.text
    links = [r.hyperlink.address for p in listing.text_frame.paragraphs for r in p.runs]
    assert "https://example.org/notional" in links
    backup = deck.slides[-1]
    assert [s.text_frame.text for s in backup.shapes if s.name == "Backup tag"] == ["BACKUP"]
    first = "\n".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    for expected in (
        "Notional Staff Section",
        "As of 31 May 2024",
        "POC: A. Analyst, 555-0100",
        STATEMENT_C,
    ):
        assert expected in first
    properties = deck.core_properties
    assert properties.title == "Notional Marked Brief"
    assert properties.author == "A. Analyst, B. Briefer"
    assert properties.comments == STATEMENT_C
    assert properties.language == "en-US"
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font._rPr.get("lang") == "en-US"
    cards = [s for s in deck.slides[2].shapes if s.name == "Card ships" or s.name == "Figure ships"]
    assert cards and all(s._element.xpath("./*[1]/p:cNvPr")[0].get("descr") for s in cards)


def test_cui_brief_has_its_designation_block_on_page_and_slide_one(tmp_path):
    from alliancedeck.api import build

    result = build(HERE / "cui.yaml", out_dir=tmp_path)
    paths = {p.backend: p.path for p in result.products}
    block = [
        "Controlled by: Notional Office",
        "CUI Category: OPSEC",
        "Limited Dissemination Control: FEDCON",
        "POC: C. Controller, 555-0101",
    ]
    deck = Presentation(str(paths["slides"]))
    shape = next(s for s in deck.slides[0].shapes if s.name == "CUI designation")
    assert shape.text_frame.text.splitlines() == block
    assert shape.left > deck.slide_width / 2 and shape.top > deck.slide_height / 2
    banner = next(s for s in deck.slides[0].shapes if s.name == "Banner top")
    assert banner.text_frame.text == "CUI" and str(banner.fill.fore_color.rgb) == "502B85"
    with pdfplumber.open(paths["pdf"]) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        controlled = next(w for w in words if w["text"] == "Controlled")
        assert controlled["x0"] > page.width / 2 and controlled["top"] > page.height / 2
        text = " ".join(page.extract_text().split())
    for line in block:
        assert line in text
    assert "(CUI) Notional controlled section" in text


def _check(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck", "check", str(path), *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_cui_portion_under_an_unclassified_banner_is_refused_at_its_line(tmp_path):
    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
          classification: UNCLASSIFIED
        sections:
          - title: Open
            marking: U
          - title: Controlled
            marking: CUI
        """,
    )
    result = _check(path)
    assert result.returncode == 2
    assert f"{path}:8:14: error: portion marked (CUI) is above the banner UNCLASSIFIED" in (
        result.stderr
    )


def test_secret_is_refused_without_training_markings_and_marked_with_it(tmp_path):
    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional exercise
          classification: SECRET
        sections:
          - title: Notional
            marking: S
        """,
    )
    refused = _check(path)
    assert refused.returncode == 2
    assert f"{path}:3:19: error: SECRET is above CUI" in refused.stderr
    assert "--training-markings" in refused.stderr
    from alliancedeck.api import build

    result = build(path, out_dir=tmp_path / "out", training_markings=True)
    deck = Presentation(str(next(p.path for p in result.products if p.backend == "slides")))
    expected = "SECRET \u2013 CLASSIFICATION MARKINGS FOR TRAINING PURPOSES ONLY"
    for slide in deck.slides:
        banners = [s for s in slide.shapes if s.name.startswith("Banner")]
        assert [b.text_frame.text for b in banners] == [expected, expected]
        assert str(banners[0].fill.fore_color.rgb) == "C8102E"


def test_unmarked_section_beside_a_marked_one_is_an_error(tmp_path):
    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
          classification: UNCLASSIFIED
        sections:
          - title: Marked
            marking: U
          - title: Unmarked
        """,
    )
    result = _check(path)
    assert result.returncode == 2
    assert f'{path}:7:5: error: section "Unmarked" has no portion marking' in result.stderr


def test_fouo_is_accepted_with_a_warning(tmp_path):
    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
          classification: UNCLASSIFIED//FOR OFFICIAL USE ONLY
        sections:
          - title: Notional
        """,
    )
    result = _check(path)
    assert result.returncode == 0
    assert f"{path}:3:19: warning: UNCLASSIFIED//FOR OFFICIAL USE ONLY was replaced by CUI" in (
        result.stderr
    )


def test_a_lettered_statement_needs_its_fields_and_a_standard_reason(tmp_path):
    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
          distribution:
            statement: D
            reason: Because
        sections:
          - title: Notional
        """,
    )
    result = _check(path)
    assert result.returncode == 2
    assert f'{path}:3:3: error: distribution statement D needs "date"' in result.stderr
    assert f'{path}:3:3: error: distribution statement D needs "controlling_office"' in (
        result.stderr
    )
    assert f'{path}:5:13: error: "Because" is not a standard reason' in result.stderr


def test_statement_a_needs_nothing_and_prints_in_full(tmp_path):
    from alliancedeck.api import prepare

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
          distribution: A
        sections:
          - title: Notional
        """,
    )
    assert prepare(path).doc.meta.distribution == (
        "DISTRIBUTION STATEMENT A. Approved for public release: distribution is unlimited."
    )
