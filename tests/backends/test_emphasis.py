"""Inline emphasis and links, read back from every product: runs, faces, live links, tags."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from conftest import write_brief

EMPHASIS = Path(__file__).with_name("emphasis.yaml")
REPORT = "https://example.org/report"
ANNEX = "https://example.org/annex?x=1&y=2"
LINKS = [REPORT, ANNEX, "mailto:desk@example.org", "https://example.org/sub"]


@pytest.fixture(scope="module")
def products(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build every product of the emphasis brief once; return {backend: path}."""
    from alliancedeck.api import build

    out = tmp_path_factory.mktemp("emphasis")
    products = ["pdf", "slides", "deck-pdf", "html"]
    result = build(EMPHASIS, out_dir=out, products=products, checksums=False)
    return {p.backend: Path(p.path) for p in result.products}


def faces(path: Path) -> dict[str, str]:
    """Return each font's text in the PDF at `path`, subset prefixes dropped, in page order."""
    found: dict[str, str] = defaultdict(str)
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                found[char["fontname"].split("+")[-1]] += char["text"]
    return found


def link_targets(path: Path) -> list[str]:
    """Return the URI of every link annotation in the PDF at `path`, in page order."""
    targets = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_bold_and_italic_words_are_set_in_the_bold_and_italic_faces(products, backend):
    found = faces(products[backend])
    assert "Fuel" in found["LiberationSans-Bold"]
    assert "is the first cost line" in found["LiberationSans"]
    assert "maintenance" in found["LiberationSans-Italic"]
    assert "Fuel" not in found["LiberationSans"] and "maintenance" not in found["LiberationSans"]
    # The lead is italic already: its bold word is bold italic.
    assert "alliance" in found["LiberationSans-BoldItalic"]
    # Japanese in bold: the bold Japanese face, the rest of the point regular.
    assert "米国による日本占領期" in found["BIZUDPGothic-Bold"]
    assert "同盟は第二次世界大戦後の" in found["BIZUDPGothic-Regular"]


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_stars_that_are_not_emphasis_print_as_typed(products, backend):
    text = "".join(faces(products[backend]).values())
    assert "5 * 3 stars" in text.replace("\n", " ")
    assert "a lone * and *escaped* stars" in text
    assert "[1]" in text
    assert "**" not in text


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_every_link_is_a_live_link_annotation_to_its_address(products, backend):
    targets = link_targets(products[backend])
    # A link broken over two lines has one annotation per line, in reading order.
    assert list(dict.fromkeys(targets)) == LINKS


def test_the_pptx_runs_are_bold_italic_and_links_with_external_relationships(products):
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    deck = Presentation(products["slides"])
    runs = {}
    links = {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    runs[run.text] = run
                    if run.hyperlink.address:
                        links[run.text] = run.hyperlink.address
        for rel in slide.part.rels.values():
            if rel.reltype == RT.HYPERLINK:
                assert rel.is_external  # TargetMode="External"
    assert runs["Fuel"].font.bold is True
    assert runs["maintenance"].font.italic is True
    assert runs[" is the first cost line, and "].font.bold is False
    assert runs["米国による日本占領期"].font.bold is True
    assert runs["米国による日本占領期"].font._rPr.get("lang") == "ja-JP"
    assert links == {
        "the notional report": REPORT,
        "the full notional annex on cost sharing across all the partner nations": ANNEX,
        "the desk": "mailto:desk@example.org",
        "link": "https://example.org/sub",
    }
    assert runs["the desk"].font.underline is True


def test_the_handout_marks_emphasis_and_links_and_escapes_the_rest(products):
    raw = products["html"].read_text(encoding="utf-8")
    page = lxml_html.fromstring(raw.encode())
    assert [e.text_content() for e in page.xpath("//main//strong")][:4] == [
        "alliance",
        "Fuel",
        "bold",
        "米国による日本占領期",
    ]
    assert [e.text_content() for e in page.xpath("//main//em")][:3] == [
        "more",
        "maintenance",
        "Italic",
    ]
    anchors = [(a.text_content(), a.get("href")) for a in page.xpath("//main//li//a|//p//a")]
    assert (("the desk", "mailto:desk@example.org")) in anchors
    assert ("the notional report", REPORT) in anchors
    assert "&lt;b&gt;tags&lt;/b&gt; &amp; a" in raw  # typed markup prints as typed


def test_a_bold_run_is_measured_in_the_bold_face():
    """A line that holds the words in the regular face but not in the bold one is broken."""
    from alliancedeck.api import prepare
    from alliancedeck.compose.deck import TextSetter
    from alliancedeck.fonts import font_book
    from alliancedeck.markup import parse

    prepared = prepare(EMPHASIS)
    setter = TextSetter(prepared.theme, font_book(prepared.theme, prepared.content_dir))
    text = "Alliance members share the notional costs"
    plain = setter.paragraph(text, "body", 20, 2000)
    bold = setter.paragraph(text, "body", 20, 2000, runs=parse(f"**{text}**"))
    regular_width = setter.book.width(text, plain.font.pdf_name, 20)
    bold_width = setter.book.width(text, bold.font_of(bold.runs[0][0]).pdf_name, 20)
    assert bold_width > regular_width * 1.03
    width = setter.frame_width((regular_width + bold_width) / 2)
    assert len(setter.paragraph(text, "body", 20, width).lines) == 1
    lines = setter.paragraph(text, "body", 20, width, runs=parse(f"**{text}**")).lines
    assert len(lines) == 2
    # Only the bold words count as bold: the same text with one bold word still fits.
    one = setter.paragraph(text, "body", 20, width, runs=parse(f"**Alliance** {text[9:]}"))
    assert len(one.lines) == 1


def test_a_text_with_no_emphasis_builds_the_same_bytes_as_before_markup(tmp_path, monkeypatch):
    """Stars and brackets that are not emphasis take the plain path: the products are those
    of the same brief built with markup reading switched off."""
    from alliancedeck import markup
    from alliancedeck.api import build

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional plain brief
          date: 2024-05-31
        sections:
          - title: Plain
            lead: Five * three is fifteen, and [1] is a note; C:\\temp stays.
            points:
              - A lone * stays, as does 2*3.
              - So does x** at the end.
              - 日米同盟は地域の平和と安定の礎である（架空の例）。
        """,
    )
    products = ["pdf", "slides", "deck-pdf", "html"]
    first = build(path, out_dir=tmp_path / "a", products=products)
    monkeypatch.setattr(markup, "parse", lambda text: (markup.Run(text),))
    second = build(path, out_dir=tmp_path / "b", products=products)
    for a, b in zip(first.products, second.products, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), a.backend


def test_emphasis_in_a_japanese_brief_is_bold_in_every_product(tmp_path):
    from pptx import Presentation

    from alliancedeck.api import build

    path = write_brief(
        tmp_path,
        """
        meta:
          title: 強調の試験（試験用）
          language: ja-JP
        sections:
          - title: 同盟の役割
            points:
              - >-
                相互運用性の向上、共同訓練の拡大、そして**装備・技術協力の推進が議題となり、
                長い太字の文が行をまたいで折り返される**。
        """,
    )
    products = ["pdf", "slides", "deck-pdf"]
    built = build(path, out_dir=tmp_path / "o", products=products, checksums=False)
    result = {p.backend: Path(p.path) for p in built.products}
    for backend in ("pdf", "deck-pdf"):
        bold = faces(result[backend])["BIZUDPGothic-Bold"]
        assert "装備・技術協力の推進が議題となり" in bold.replace("\n", ""), backend
        assert "相互運用性" not in bold
    deck = Presentation(result["slides"])
    runs = [
        run
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for run in p.runs
        if run.text.strip()
    ]
    bold_text = "".join(r.text for r in runs if r.font.bold)
    assert "装備・技術協力の推進" in bold_text and "相互運用性" not in bold_text


def test_a_point_that_opens_with_a_link_keeps_a_bullet_in_the_text_colour(tmp_path):
    """The .pptx bullet takes its first run's colour unless told: say it, as the deck PDF draws."""
    from pptx import Presentation

    from alliancedeck.api import build

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional
        sections:
          - title: Links
            points:
              - "[The notional report](https://example.org/r) has the table"
              - A plain notional point.
        """,
    )
    result = build(path, products=["slides"], checksums=False)
    deck = Presentation(result.products[0].path)
    bullets, texts = [], []
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for paragraph in shape.text_frame.paragraphs:
                if paragraph.text.startswith(("The notional report", "A plain notional")):
                    bullets += paragraph._p.xpath("a:pPr/a:buClr/a:srgbClr/@val")
                    if paragraph.text.startswith("A plain"):
                        texts += paragraph._p.xpath("a:r/a:rPr/a:solidFill/a:srgbClr/@val")
    assert len(bullets) == 2 and set(bullets) == set(texts), (bullets, texts)
