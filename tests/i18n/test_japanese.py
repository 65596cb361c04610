"""A brief in Japanese: embedded, extractable text in the PDFs; East Asian runs in the deck."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from external import libreoffice_convert, require

BRIEF = Path(__file__).parent / "japanese.yaml"
TEXTS = [
    "日米同盟の概要（試験用）",
    "同盟の役割",
    "同盟は第二次世界大戦後の米国による日本占領期に形成された。",
    "弾道ミサイル防衛",
    "サイバー・宇宙領域",
    "安倍晋三",
    "1,234",
]


def _compact(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    from alliancedeck.fonts import find_font_file

    try:
        find_font_file("ipaexg.ttf")
    except Exception:
        require("fonts-ipaexfont")  # skips (or fails in CI) with the install hint
    from alliancedeck.api import build

    out = tmp_path_factory.mktemp("japanese")
    result = build(BRIEF, out_dir=out)
    return {p.backend: p.path for p in result.products}


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_pdfs_embed_every_font_and_their_japanese_is_extractable(products, backend):
    reader = PdfReader(products[backend])
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]).split("+")[-1])
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert "IPAexGothic" in names
    with pdfplumber.open(products[backend]) as pdf:
        # The brief is set in two columns: read each column as a reader does.
        parts = [
            page.crop((x0, 0, x1, page.height)) if backend == "pdf" else page
            for page in pdf.pages
            for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width))[
                : 2 if backend == "pdf" else 1
            ]
        ]
        text = _compact("".join(part.extract_text() for part in parts))
    for expected in TEXTS:
        assert _compact(expected) in text
    assert reader.trailer["/Root"]["/Lang"] == "ja-JP"


def test_deck_runs_carry_japanese_language_and_an_east_asian_typeface(products):
    deck = Presentation(str(products["slides"]))
    japanese_runs = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    properties = run.font._rPr
                    assert properties.get("lang") == "ja-JP"
                    latin = properties.find(qn("a:latin"))
                    east_asian = properties.find(qn("a:ea"))
                    assert east_asian is not None and east_asian.get("typeface") == "Yu Gothic"
                    # Schema order: a:ea must follow a:latin (PowerPoint repairs the file else).
                    assert latin.getnext() is east_asian
                    if any("\u3040" <= c <= "\u9fff" for c in run.text):
                        japanese_runs += 1
    assert japanese_runs > 5


def test_libreoffice_shows_the_japanese_text(products, tmp_path):
    libreoffice_convert(products["slides"], tmp_path, "pdf")
    with pdfplumber.open(tmp_path / "deck.pdf") as pdf:
        text = _compact("".join(page.extract_text() for page in pdf.pages))
    for expected in TEXTS:
        assert _compact(expected) in text


def test_the_deck_and_brief_print_their_own_words_in_japanese(products):
    deck = Presentation(str(products["slides"]))
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert titles[1:3] == ["議題", "主要な数字"]
    assert titles[-1] == "質疑応答"
    footer = next(s.text_frame.text for s in deck.slides[0].shapes if s.name == "Footer")
    assert footer.endswith("2024年5月31日現在")
    number = next(s.text_frame.text for s in deck.slides[0].shapes if s.name == "Slide number")
    assert number == f"1 / {len(deck.slides)}"
    with pdfplumber.open(products["pdf"]) as pdf:
        text = _compact("".join(page.extract_text() for page in pdf.pages))
    assert "2024年5月31日現在" in text and "1/1ページ" in text


def test_japanese_chart_labels_are_drawn_in_the_fallback_font(tmp_path, products):
    from alliancedeck.api import build

    path = tmp_path / "content.yaml"
    path.write_text(
        "meta:\n  title: 架空の図表\n  language: ja\n"
        "sections:\n  - title: 架空の支出\n    chart:\n      type: column\n"
        "      title: 年ごとの架空の支出\n      unit: 十億ドル（架空）\n"
        "      categories: [東京, 大阪, 沖縄]\n"
        "      series: [{name: 架空, values: [1, 2, 3]}, {name: 参考, values: [2, 1, 3]}]\n",
        encoding="utf-8",
    )
    result = build(path, out_dir=tmp_path / "out")
    assert not [w for w in result.warnings if "no layout font" in w.message]
    for product in result.products:
        if product.path.suffix == ".pdf":
            text = _compact("".join(p.extract_text() for p in PdfReader(product.path).pages))
            for label in ("東京", "大阪", "沖縄", "十億ドル（架空）", "参考"):
                assert label in text, (product.path.name, label)
