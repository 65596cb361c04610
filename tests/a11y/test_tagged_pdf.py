"""The brief and the deck PDF are tagged: marked content, structure tree, document entries."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from tagged import open_pdf, outloud, page_marks, parent_tree, structure

from conftest import REPO, write_brief
from external import require

#: The inputs issue 17 names: default content, every block, long briefs, Japanese.
REPORT = "https://example.org/report"
ANNEX = "https://example.org/annex?x=1&y=2"
INPUTS = {
    "default": REPO / "content.yaml",
    "blocks": REPO / "examples" / "blocks" / "content.yaml",
    "long": REPO / "tests" / "compose" / "briefs" / "long.yaml",
    "japanese": REPO / "tests" / "i18n" / "japanese.yaml",
    "split": Path(__file__).with_name("split.yaml"),  # a table split over columns and pages
    "emphasis": REPO / "tests" / "backends" / "emphasis.yaml",  # inline links, bold, italic
}


@pytest.fixture(scope="module")
def products(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """Build the brief and the deck PDF of every input once; return {input: {backend: path}}."""
    from alliancedeck.api import build

    built: dict[str, dict[str, Path]] = {}
    for name, content in INPUTS.items():
        out = tmp_path_factory.mktemp(name)
        result = build(content, out_dir=out, products=["pdf", "deck-pdf"], checksums=False)
        built[name] = {p.backend: Path(p.path) for p in result.products}
    return built


def all_pdfs(products: dict[str, dict[str, Path]]) -> list[Path]:
    return [path for paths in products.values() for path in paths.values()]


def texts(path: Path) -> str:
    """Return the structure tree as `pdfinfo -struct-text` reads it (what a reader hears)."""
    return subprocess.run(
        [require("pdfinfo"), "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout


# ----- the self-check: content stream against structure tree ------------------------------


def test_every_painting_operator_is_marked_content_or_an_artifact(products):
    for path in all_pdfs(products):
        pdf = open_pdf(path)
        for number, page in enumerate(pdf.pages, start=1):
            marks = page_marks(page)
            assert not marks.unmarked, f"{path.name} p.{number}: {marks.unmarked[:5]}"
            assert not marks.unbalanced, f"{path.name} p.{number}: BDC/EMC unbalanced"
            assert marks.mcid_in_artifact == 0, f"{path.name} p.{number}"
            assert marks.mcids == list(range(len(marks.mcids))), f"{path.name} p.{number}"


def test_the_parent_tree_maps_every_mcid_to_the_element_that_holds_it(products):
    for path in all_pdfs(products):
        pdf = open_pdf(path)
        tree = structure(pdf)
        owner = {mark: node.obj.objgen for node in tree.walk() for mark in node.marks}
        parents = parent_tree(pdf)
        for index, page in enumerate(pdf.pages):
            key = int(page.obj.StructParents)
            mcids = page_marks(page).mcids
            listed = parents[key]
            assert len(listed) == len(mcids), f"{path.name} p.{index + 1}"
            for mcid in mcids:
                assert listed[mcid].objgen == owner[(index, mcid)], (path.name, index, mcid)
        # Every link annotation points into the tree, and the tree back at it.
        for node in tree.walk():
            for annotation in node.annotations:
                assert node.kind == "Link"
                assert parents[int(annotation.StructParent)].objgen == node.obj.objgen
                assert str(annotation.Contents)


# ----- the structure tree -----------------------------------------------------------------


def test_the_blocks_brief_has_every_element_type_with_alt_text_and_header_scope(products):
    pdf = open_pdf(products["blocks"]["pdf"])
    nodes = structure(pdf).walk()
    kinds = {n.kind for n in nodes}
    assert {"Document", "H1", "H2", "P", "L", "LI", "Lbl", "LBody"} <= kinds
    assert {"Table", "TR", "TH", "TD", "Figure", "Caption"} <= kinds
    for node in nodes:
        if node.kind == "Figure":
            assert len(str(node.obj.Alt)) > 10
            assert len(node.obj.A.BBox) == 4
        if node.kind == "TH":
            assert node.obj.A.Scope == "/Column"
        if node.kind in {"TR", "TH", "TD"}:
            assert node.marks or node.kids
    # A table holds its numbered caption, then its rows, header row first.
    table = next(n for n in nodes if n.kind == "Table")
    assert table.kids[0].kind == "Caption"
    rows = table.kids[1:]
    assert {row.kind for row in rows} == {"TR"}
    assert [k.kind for k in rows[0].kids] == ["TH"] * len(rows[0].kids)
    assert all(c.kind == "TD" for row in rows[1:] for c in row.kids)


def test_the_tree_reads_title_key_figures_then_sections_in_content_order(products):
    content = yaml.safe_load(INPUTS["default"].read_text(encoding="utf-8"))
    expected = [content["meta"]["title"]]
    expected += [f["label"] for f in content["figures"].values()]
    for section in content["sections"]:
        expected.append(section["title"])
        if section.get("lead"):
            expected.append(" ".join(section["lead"].split()))
    for backend in ("pdf", "deck-pdf"):
        heard = " ".join(texts(products["default"][backend]).split())
        position = 0
        for text in expected:
            found = heard.find(text, position)
            assert found >= 0, f"{backend}: {text!r} not read after position {position}"
            position = found
    # The brief's first element read is the title, as H1; each section opens with an H2.
    pdf = open_pdf(products["default"]["pdf"])
    document = structure(pdf).kids[0]
    assert document.kind == "Document"
    assert document.kids[0].kind == "H1"
    headings = [n for n in document.kids if n.kind == "H2"]
    assert len(headings) >= len(content["sections"])


def test_banners_page_numbers_and_footers_are_artifacts_not_text_of_the_tree(products):
    heard = texts(products["default"]["pdf"])
    assert "UNCLASSIFIED" not in heard  # the banner, top and bottom of every page
    assert "Page 1 of" not in heard and "Page 2 of" not in heard
    # The footer repeats the title; the tree holds it once, as the H1.
    lines = [line.strip() for line in heard.splitlines()]
    assert lines.count('"U.S.-Japan Alliance"') == 1


def test_the_masthead_date_is_read_as_a_paragraph_right_after_the_title(products):
    # The date (and id) of the brief is content; the band and its label are furniture.
    with open_pdf(products["blocks"]["pdf"]) as pdf:
        kids = structure(pdf).kids[0].kids
        assert [kid.kind for kid in kids[:2]] == ["H1", "P"]
    heard = [line.strip() for line in texts(products["blocks"]["pdf"]).splitlines()]
    title = heard.index('"Notional brief with every block"')
    assert heard[title + 1 : title + 3] == ["P (block)", '"As of 31 May 2024"']
    assert '"ALLIANCEDECK EXAMPLES"' not in heard  # the masthead's label: furniture


def test_a_table_that_takes_its_caption_in_is_read_in_its_sections_place(products):
    # The Table element adopts the Caption drawn just before it; it still reads where the
    # content puts it, after its section's heading (it was read right after page 1's header).
    for backend in ("pdf", "deck-pdf"):
        heard = [line.strip() for line in texts(products["blocks"][backend]).splitlines()]

        headings = {line: i for i, line in enumerate(heard) if i and heard[i - 1].startswith("H")}
        caption = next(i for i, line in enumerate(heard) if "Notional facilities by region" in line)
        facilities, pictures = headings['"Notional facilities"'], headings['"Notional pictures"']
        assert facilities < caption < pictures, backend


def test_a_paragraph_split_over_columns_or_pages_stays_one_element(products):
    pdf = open_pdf(products["long"]["pdf"])
    over_pages = [
        n
        for n in structure(pdf).walk()
        if n.kind in {"P", "LBody"} and len({page for page, _ in n.marks}) > 1
    ]
    assert over_pages, "the long brief should split a paragraph over two pages"
    pdf = open_pdf(products["split"]["pdf"])
    over_columns = [n for n in structure(pdf).walk() if n.kind in {"P", "LBody"} and n.marks[1:]]
    assert over_columns, "the split brief should split a paragraph over two columns"


def test_a_table_split_over_pages_is_one_table_with_its_header_row_once(products):
    content = yaml.safe_load(INPUTS["split"].read_text(encoding="utf-8"))
    table = next(s["table"] for s in content["sections"] if "table" in s)
    pdf = open_pdf(products["split"]["pdf"])
    (node,) = [n for n in structure(pdf).walk() if n.kind == "Table"]
    rows = [kid for kid in node.kids if kid.kind == "TR"]
    pages = {page for row in rows for cell in row.kids for page, _ in cell.marks}
    assert len(pages) == 2  # the table does split
    assert [row.kids[0].kind for row in rows] == ["TH"] + ["TD"] * len(table["rows"])
    # The header row is drawn again where the table goes on, as an artifact only.
    drawn = subprocess.run(
        [require("pdftotext"), str(products["split"]["pdf"]), "-"], capture_output=True, text=True
    ).stdout
    assert drawn.split().count(table["columns"][-1]) > 1
    assert texts(products["split"]["pdf"]).count(f'"{table["columns"][-1]}"') == 1


def test_japanese_in_an_english_brief_is_tagged_ja(tmp_path):
    from alliancedeck.api import build

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional alliance terms
          language: en-US
        sections:
          - title: Terms
            points:
              - The treaty is called the alliance in English.
              - 日米同盟は地域の平和と安定の礎である（架空の例）。
        """,
    )
    result = build(path, out_dir=tmp_path / "out", products=["pdf"], checksums=False)
    pdf = open_pdf(Path(result.products[0].path))
    tree = structure(pdf)
    bodies = [n for n in tree.walk() if n.kind == "LBody"]
    assert [str(n.obj.get("/Lang", "")) for n in bodies] == ["", "ja"]


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_each_inline_link_is_a_link_element_holding_its_annotation_and_text(products, backend):
    pdf = open_pdf(products["emphasis"][backend])
    tree = structure(pdf)
    links = [node for node in tree.walk() if node.kind == "Link"]
    targets = {str(a.A.URI): a for link in links for a in link.annotations}
    assert sorted(targets) == sorted(
        [REPORT, ANNEX, "mailto:desk@example.org", "https://example.org/sub"]
    )
    numbers = parent_tree(pdf)
    for link in links:
        assert link.marks, "a Link element holds the marked text of its link"
        for annotation in link.annotations:
            assert numbers[int(annotation.StructParent)].objgen == link.obj.objgen
    assert str(targets[REPORT].Contents) == "the notional report"
    annex = "the full notional annex on cost sharing across all the partner nations"
    assert str(targets[ANNEX].Contents) == annex
    # The Link is a kid of the paragraph (or list body) its text stands in.
    assert all(node.kind != "Link" for node in tree.kids)


# ----- document-level entries ---------------------------------------------------------------


def test_a_figure_alt_in_another_language_than_the_brief_is_tagged_with_its_own(tmp_path):
    # A generated chart description is English; in a Japanese brief it is read with an
    # English voice, and a Japanese author's alt in an English brief with a Japanese one.
    from alliancedeck.api import build

    for language, title, alt, expected in (
        ("ja-JP", "架空の支出", None, "en"),
        ("en-US", "Notional spending", "架空の支出の縦棒グラフ（2019年から2020年）", "ja"),
        ("en-US", "Notional spending", None, ""),
    ):
        folder = tmp_path / (expected or "same")
        folder.mkdir()
        text = (
            f"meta: {{title: 架空の概要資料 Notional, language: {language}}}\n"
            "sections:\n"
            "  - title: 支出 Spending\n"
            "    chart:\n"
            f"      - {{type: column, title: {title}, categories: [2019, 2020],\n"
            "         series: [{name: x, values: [1, 2]}]" + (f", alt: {alt}}}\n" if alt else "}\n")
        )
        content = write_brief(folder, text)
        result = build(content, out_dir=folder / "out", products=["pdf"], checksums=False)
        with open_pdf(Path(result.products[0].path)) as pdf:
            figures = [n for n in structure(pdf).walk() if n.kind == "Figure"]
            assert [str(n.obj.get("/Lang", "")) for n in figures] == [expected], language


def test_document_entries_pdf_ua_asks_for(products):
    for path in all_pdfs(products):
        pdf = open_pdf(path)
        root = pdf.Root
        assert pdf.pdf_version == "1.7", path
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang)
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        xmp = root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        title = str(pdf.docinfo.Title)
        assert re.search(r"<dc:title>.*</dc:title>", xmp, re.S)
        assert title.replace("&", "&amp;") in xmp
        for page in pdf.pages:
            assert page.obj.Tabs == "/S"
            assert "/StructParents" in page.obj


def test_every_font_is_embedded_with_a_tounicode_that_maps_no_glyph_to_nul(products):
    for path in all_pdfs(products):
        pdf = open_pdf(path)
        seen = 0
        for page in pdf.pages:
            for font in page.obj.Resources.get("/Font", {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.get("/FontDescriptor")
                assert descriptor is not None, f"{path.name}: {font.BaseFont} not embedded"
                assert "/FontFile2" in descriptor or "/FontFile" in descriptor
                cmap = font.ToUnicode.read_bytes().decode("latin-1")
                targets = re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]+)>", cmap)
                assert targets and not any(int(t, 16) == 0 for t in targets), path.name
                seen += 1
        assert seen


def test_soft_line_breaks_leave_a_space_between_words(products):
    content = yaml.safe_load(INPUTS["default"].read_text(encoding="utf-8"))
    lead = " ".join(content["sections"][0]["lead"].split())  # set over several lines
    heard = texts(products["default"]["pdf"])
    assert lead in heard  # pdfinfo joins a paragraph's lines as drawn: no space, no match


# ----- the PDF/UA checker -------------------------------------------------------------------


def test_outloud_finds_no_error_in_the_brief_or_the_deck_pdf(products):
    import json

    paths = [str(p) for p in all_pdfs(products)]
    run = outloud("--json", "-", "--fail-on", "error", "-q", *paths)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert json.loads(run.stdout)


def test_the_tree_follows_content_order_whatever_order_the_boxes_are_drawn_in(tmp_path):
    # A figure that waits for the next column is drawn after text that follows it in the
    # content; the layout records each box's content order and the tree reads in that order.
    from alliancedeck.api import prepare
    from alliancedeck.compose.brief import compose_brief
    from alliancedeck.draw.pdf_brief import draw_brief
    from alliancedeck.fonts import font_book

    content = INPUTS["blocks"]
    prepared = prepare(content)
    book = font_book(prepared.theme, content.parent)
    plan = compose_brief(prepared.doc, prepared.theme, book)
    for page in plan.pages:
        flowed = [box for box in page.boxes if page.order.get(id(box), -1) >= 0]
        rest = [box for box in page.boxes if page.order.get(id(box), -1) < 0]
        page.boxes[:] = rest + flowed[::-1]  # drawn backwards
    path = tmp_path / "brief.pdf"
    path.write_bytes(draw_brief(plan, prepared.doc, book, 0))
    heard = " ".join(texts(path).split())
    titles = [section.title for section in prepared.doc.sections]
    positions = [heard.find(f'"{title}"') for title in titles]
    assert -1 not in positions and positions == sorted(positions), titles
    captions = [int(n) for n in re.findall(r'"Figure (\d+)\.', heard)]
    assert captions == sorted(captions) and captions


def test_a_word_cut_across_lines_gets_no_space_where_the_text_had_none():
    from alliancedeck.draw.pdf_tags import soft_spaced

    # A word wider than the line is cut inside it: extraction must give the word back whole.
    assert soft_spaced(("Interoperab", "ility works"), "left", "Interoperability works") == (
        "Interoperab",
        "ility works",
    )
    assert soft_spaced(("two", "words"), "left", "two words") == ("two ", "words")
    assert soft_spaced(("合同", "演習"), "left", "合同演習") == ("合同", "演習")
