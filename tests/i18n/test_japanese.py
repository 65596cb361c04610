"""A brief in Japanese: embedded, extractable text in the PDFs; East Asian runs in the deck."""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from conftest import every_shape
from external import libreoffice_convert, require
from kinsoku import CLOSING_MARKS, OPENING_MARKS

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
    """Build the Japanese brief with the system font folders hidden: only shipped fonts."""
    from alliancedeck import fonts
    from alliancedeck.api import build

    empty = tmp_path_factory.mktemp("no-fonts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fonts, "SYSTEM_FONT_DIRS", (empty,))
        patch.setenv("ALLIANCEDECK_FONT_PATH", str(empty))
        for name in ("BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf"):
            assert fonts.find_font_file(name).parent == fonts.PACKAGE_FONTS
        out = tmp_path_factory.mktemp("japanese")
        result = build(BRIEF, out_dir=out)
    return {p.backend: p.path for p in result.products}


@pytest.fixture(scope="module")
def libreoffice_pdf(products, tmp_path_factory):
    """Return the deck as LibreOffice (a real PPTX client) renders it, in BIZ UDPGothic."""
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    listed = subprocess.run([fc_list], capture_output=True, text=True).stdout if fc_list else ""
    if "BIZ UDPGothic" not in listed:
        require("fonts-morisawa-bizud-gothic")  # LibreOffice would substitute another family
    return libreoffice_convert(products["slides"], tmp_path_factory.mktemp("lo"), "pdf")


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_pdfs_embed_every_font_and_their_japanese_is_extractable(products, backend):
    reader = PdfReader(products[backend])
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]).split("+")[-1])
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert {"BIZUDPGothic-Regular", "BIZUDPGothic-Bold"} <= names
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


def _paragraphs(deck_path: Path):
    """Yield every paragraph of every text shape of the deck at `deck_path`."""
    for slide in Presentation(str(deck_path)).slides:
        for shape in every_shape(slide):
            if shape.has_text_frame:
                yield from shape.text_frame.paragraphs


def test_deck_runs_carry_japanese_language_and_an_east_asian_typeface(products):
    japanese_runs = 0
    for paragraph in _paragraphs(products["slides"]):
        for run in paragraph.runs:
            properties = run.font._rPr
            assert properties.get("lang") == "ja-JP"
            latin = properties.find(qn("a:latin"))
            east_asian = properties.find(qn("a:ea"))
            assert east_asian.get("typeface") == "BIZ UDPGothic"
            # Schema order: a:ea must follow a:latin (PowerPoint repairs the file else).
            assert latin.getnext() is east_asian
            if any("\u3040" <= c <= "\u9fff" for c in run.text):
                japanese_runs += 1
    assert japanese_runs > 5


def test_libreoffice_shows_the_japanese_text(libreoffice_pdf):
    with pdfplumber.open(libreoffice_pdf) as pdf:
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
    deck = next(p.path for p in result.products if p.path.suffix == ".pptx")
    with zipfile.ZipFile(deck) as archive:
        charts = [archive.read(n) for n in archive.namelist() if n.startswith("ppt/charts/chart")]
    assert charts and all(b'<a:ea typeface="BIZ UDPGothic"/>' in chart for chart in charts)
    for product in result.products:
        if product.path.suffix == ".pdf":
            text = _compact("".join(p.extract_text() for p in PdfReader(product.path).pages))
            for label in ("東京", "大阪", "沖縄", "十億ドル（架空）", "参考"):
                assert label in text, (product.path.name, label)


# ----- issue 16: real bold, no slanted kana, kinsoku both ways, room for the clients -------

HEADINGS = ["同盟の役割", "地域の協力"]
FIGURE_VALUES = ["約5万4千人", "約2,110億円"]


def _is_japanese(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def _visual_lines(pdf_path: Path) -> list[list[dict]]:
    """Return each page's lines of characters as drawn: chars on one baseline, cut where a
    horizontal gap wider than 3 ems separates two columns or cards."""
    lines = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            rows: dict[float, list[dict]] = {}
            for char in page.chars:
                if char["text"].strip():
                    rows.setdefault(round(char["matrix"][5]), []).append(char)  # baseline
            for row in rows.values():
                row.sort(key=lambda c: c["x0"])
                line = [row[0]]
                for before, char in itertools.pairwise(row):
                    if char["x0"] - before["x1"] > 3 * char["size"]:
                        lines.append(line)
                        line = []
                    line.append(char)
                lines.append(line)
    return lines


def _pdf_for(products, libreoffice_pdf, product):
    return {"brief": products["pdf"], "deck-pdf": products["deck-pdf"]}.get(
        product, libreoffice_pdf
    )


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_japanese_headings_are_drawn_in_the_bold_face(products, backend):
    with pdfplumber.open(products[backend]) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    text = "".join(c["text"] for c in chars)
    for heading in HEADINGS:
        # The heading itself is its largest occurrence (the deck's agenda lists it too).
        starts = [i for i in range(len(text)) if text.startswith(heading, i)]
        start = max(starts, key=lambda i: chars[i]["size"])
        faces = {chars[start + i]["fontname"].split("+")[-1] for i in range(len(heading))}
        assert faces == {"BIZUDPGothic-Bold"}, (heading, faces)


def test_no_japanese_run_is_italic_and_leads_take_the_bold_alternative(products):
    japanese_in_leads = 0
    for paragraph in _paragraphs(products["slides"]):
        runs = paragraph.runs
        italic_role = any(r.font._rPr.get("i") == "1" for r in runs)
        for run in runs:
            if any(map(_is_japanese, run.text)):
                assert run.font._rPr.get("i") == "0", run.text
                if italic_role:
                    assert run.font._rPr.get("b") == "1", run.text
                    japanese_in_leads += 1
    assert japanese_in_leads >= 1  # the lead mixing Japanese with an italic English phrase


@pytest.mark.parametrize("product", ["brief", "deck-pdf", "libreoffice"])
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(
    products, libreoffice_pdf, product
):
    lines = _visual_lines(_pdf_for(products, libreoffice_pdf, product))
    assert len(lines) > 20
    for line in lines:
        text = "".join(c["text"] for c in line).lstrip("\u2022\u2013\u25e6")  # bullets
        if not text:
            continue
        assert text[0] not in CLOSING_MARKS, text
        assert text[-1] not in OPENING_MARKS, text


@pytest.mark.parametrize("product", ["brief", "deck-pdf", "libreoffice"])
def test_figure_values_stay_on_one_line(products, libreoffice_pdf, product):
    texts = [
        "".join(c["text"] for c in line)
        for line in _visual_lines(_pdf_for(products, libreoffice_pdf, product))
    ]
    for value in FIGURE_VALUES:
        assert any(value in text for text in texts), (value, texts)
        assert not any(value[:2] in t and value not in t for t in texts), value


def test_in_libreoffice_no_glyphs_collide_and_none_leaves_its_card(products, libreoffice_pdf):
    from pptx.util import Emu

    for line in _visual_lines(libreoffice_pdf):
        for before, char in itertools.pairwise(line):
            # Kerning ("11") may pull a glyph in a little; colliding words overlap more.
            assert char["x0"] >= before["x1"] - 0.1 * char["size"], (before["text"], char["text"])
    deck = Presentation(str(products["slides"]))
    with pdfplumber.open(libreoffice_pdf) as pdf:
        for slide, page in zip(deck.slides, pdf.pages, strict=True):
            footer = next(s for s in slide.shapes if s.name == "Footer")
            footer_top = Emu(footer.top).pt
            for card in (s for s in slide.shapes if s.name.startswith("Card ")):
                if card.name == "Card accent":
                    continue
                left, top = Emu(card.left).pt, Emu(card.top).pt
                right, bottom = left + Emu(card.width).pt, top + Emu(card.height).pt
                inside_x = [
                    c
                    for c in page.chars
                    if c["text"].strip()
                    and left <= (c["x0"] + c["x1"]) / 2 <= right
                    # down to the gap below the card (0.16 in), short of the next card
                    and top - 1 <= c["top"] < min(bottom + 8, footer_top - 1)
                ]
                assert inside_x, card.name
                for char in inside_x:
                    assert char["x1"] <= right + 0.5 and char["bottom"] <= bottom + 0.5, (
                        card.name,
                        char["text"],
                    )


def test_an_english_brief_sets_japanese_names_in_the_japanese_face_with_their_language(
    tmp_path,
):
    from alliancedeck.api import build

    path = tmp_path / "content.yaml"
    path.write_text(
        "meta:\n  title: Notional alliance note\n  language: en-US\n"
        "sections:\n  - title: Leaders\n"
        "    lead: The phrase 「自由で開かれたインド太平洋」 sums it up.\n"
        "    points:\n      - Prime Minister 安倍晋三 met the President in 東京.\n",
        encoding="utf-8",
    )
    result = build(path, out_dir=tmp_path / "out")
    products = {p.backend: p.path for p in result.products}
    deck = Presentation(str(products["slides"]))
    languages: dict[str, set[str]] = {"ja": set(), "other": set()}
    for slide in deck.slides:
        for shape in every_shape(slide):
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        kind = "ja" if any(map(_is_japanese, run.text)) else "other"
                        languages[kind].add(run.font._rPr.get("lang"))
                        if kind == "ja":
                            assert not any(c.isascii() and c.isalpha() for c in run.text)
                            assert run.font._rPr.get("i") == "0"
    assert languages == {"ja": {"ja-JP"}, "other": {"en-US"}}
    for backend in ("pdf", "deck-pdf"):
        with pdfplumber.open(products[backend]) as pdf:
            faces = {
                c["fontname"].split("+")[-1]
                for page in pdf.pages
                for c in page.chars
                if c["text"] in "安倍晋三東京"
            }
        assert faces <= {"BIZUDPGothic-Regular", "BIZUDPGothic-Bold"} and faces, faces


def test_libreoffice_breaks_japanese_lines_where_the_deck_pdf_does(products, libreoffice_pdf):
    def japanese_lines(path):
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        return sorted(
            # LibreOffice may set a bullet on its own baseline: compare the text only.
            "".join(c["text"] for c in line).lstrip("\u2022\u2013\u25e6")
            for line in _visual_lines(path)
            if any(_is_japanese(c["text"]) for c in line)
        ), pages

    ours, our_pages = japanese_lines(products["deck-pdf"])
    theirs, their_pages = japanese_lines(libreoffice_pdf)
    assert our_pages == their_pages
    assert ours == theirs


def test_in_libreoffice_every_glyph_stays_inside_its_frame(products, libreoffice_pdf):
    from pptx.util import Emu

    deck = Presentation(str(products["slides"]))
    with pdfplumber.open(libreoffice_pdf) as pdf:
        for number, (slide, page) in enumerate(zip(deck.slides, pdf.pages, strict=True), 1):
            frames = [
                (Emu(s.left).pt, Emu(s.top).pt, Emu(s.left + s.width).pt, Emu(s.top + s.height).pt)
                for s in every_shape(slide)
                if s.has_text_frame and s.text_frame.text.strip()
            ]
            for char in page.chars:
                if not char["text"].strip():
                    continue
                slack = 0.3 * char["size"]  # a glyph's ascent may rise above an exact line
                assert any(
                    left - 1 <= char["x0"]
                    and char["x1"] <= right + 1
                    and top - slack <= char["top"]
                    and char["bottom"] <= bottom + slack
                    for left, top, right, bottom in frames
                ), (number, char["text"], char["x0"], char["top"])
