"""What a screen-reader user meets in the tagged PDFs beyond the tree's shape: voices, links."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from tagged import open_pdf, structure

from conftest import write_brief
from external import require


def spoken(path: Path) -> str:
    """Return the structure tree as `pdfinfo -struct-text` reads it (what a reader hears)."""
    return subprocess.run(
        [require("pdfinfo"), "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout


def spans(path: Path) -> list[tuple[str, str]]:
    """Return each Span of `path`'s tree as (its /Lang, the text `pdfinfo` reads in it)."""
    with open_pdf(path) as pdf:
        langs = [str(n.obj.get("/Lang", "")) for n in structure(pdf).walk() if n.kind == "Span"]
    heard = re.findall(r"^( *)Span[^\n]*\n\1  \"([^\"]*)\"", spoken(path), flags=re.M)
    pairs = zip(langs, [text.strip() for _, text in heard], strict=True)
    return [(lang, text) for lang, text in pairs if lang]


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_a_run_in_another_language_inside_a_paragraph_is_a_span_with_its_own_lang(
    tmp_path, backend
):
    # A Japanese name in an English point is read with a Japanese voice, English words in a
    # Japanese point with an English one: the run is a Span with /Lang, the rest inherits.
    from alliancedeck.api import build

    english = write_brief(
        tmp_path,
        """
        meta: {title: Notional mixed terms, language: en-US}
        sections:
          - title: Terms
            points:
              - The notional talks were held in 東京 and Washington this year.
              - The **notional** plan names 安倍晋三 once.
        """,
        name="english.yaml",
    )
    japanese = write_brief(
        tmp_path,
        """
        meta: {title: 架空の用語集, language: ja-JP}
        sections:
          - title: 用語
            points:
              - 日米韓の三か国協力（trilateral coordination）は架空の例である。地域の平和と安定。
              - 架空の**即応態勢**は[架空の報告書](https://example.org/r)を参照。
        """,
        name="japanese.yaml",
    )
    expected = {
        english: [("ja", "東京"), ("ja", "安倍晋三")],
        japanese: [("en", "trilateral coordination")],
    }
    for content, heard in expected.items():
        out = tmp_path / content.stem
        result = build(content, out_dir=out, products=[backend], checksums=False)
        assert spans(Path(result.products[0].path)) == heard, content.stem


def test_the_deck_pdf_reads_cards_as_a_list_and_block_captions_as_captions(tmp_path):
    # As in the brief: each figure card is a list item, its value the label (Lbl) and what
    # it counts the body (LBody); a chart's or picture's caption on a slide is a Caption.
    from alliancedeck.api import build

    content = write_brief(
        tmp_path,
        """
        meta: {title: Notional cards}
        figures:
          units: {value: 42, label: notional units reviewed}
          spend: {value: 1200000000, display: $1.2 billion, label: notional yearly spending}
        sections:
          - title: Notional findings
            points: [Readiness rose in every notional unit.]
            chart:
              type: column
              title: Notional readiness by year
              categories: ["2022", "2023"]
              series: [{name: Readiness, values: [70, 83]}]
              source: Notional data
            table:
              caption: Notional units by region
              columns: [Region, Units]
              rows: [[North, 12], [South, 18]]
              source: Notional survey
        """,
    )
    result = build(content, out_dir=tmp_path / "out", products=["deck-pdf", "pdf"])
    paths = {p.backend: Path(p.path) for p in result.products}
    heard = " ".join(spoken(paths["deck-pdf"]).split())
    for value, label in (("42", "notional units reviewed"), ("$1.2 billion", "notional yearly")):
        assert f'LI (block) Lbl (block) "{value}" LBody (block) "{label}' in heard
    assert 'Caption "Notional readiness by year" Figure' in heard
    # A source line is a paragraph in both PDFs, never a caption.
    for path in paths.values():
        heard = " ".join(spoken(path).split())
        assert 'P (block) "Source: Notional data"' in heard, path.name
        assert 'P (block) "Source: Notional survey"' in heard, path.name


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_a_right_aligned_or_centred_line_break_keeps_a_space_between_words(tmp_path, backend):
    # A numeric column's header is right-aligned; set over two lines it must still be heard
    # as "Support (USD millions)", and its last word must still end at the column's edge.
    from alliancedeck.api import build

    content = write_brief(
        tmp_path,
        """
        meta: {title: Notional support}
        sections:
          - title: Notional sites
            table:
              caption: Notional support by region
              columns: [Region, Sites, Personnel, Notional support in USD millions a year]
              rows: [[North, 12, 8400, 12.5], [South, 18, 9100, 7.25]]
        """,
    )
    result = build(content, out_dir=tmp_path / "out", products=[backend], checksums=False)
    path = Path(result.products[0].path)
    header = re.search(r'TH:\n *[^\n]*\n *"(Notional support[^"]*)"', spoken(path))
    assert header, spoken(path)
    assert header.group(1).strip() == "Notional support in USD millions a year"
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        pages = [page.extract_words() for page in pdf.pages]
    words = next(words for words in pages if any(w["text"] == "year" for w in words))
    year = next(w for w in words if w["text"] == "year")
    values = [w for w in words if w["text"] in {"12.50", "12.5", "7.25"}]
    assert values and all(abs(w["x1"] - year["x1"]) < 0.5 for w in values)
    personnel = next(w for w in words if w["text"] == "Personnel")
    ends: dict[int, float] = {}  # each header line's right end
    for word in words:
        if word["x0"] > personnel["x1"] and personnel["top"] - 1 <= word["top"] <= year["top"]:
            ends[round(word["top"])] = max(ends.get(round(word["top"]), 0), word["x1"])
    assert all(abs(end - year["x1"]) < 0.5 for end in ends.values()), ends
    assert len(ends) > 1 or backend == "deck-pdf"  # the slide is wide enough for one line
