"""The .pptx is accessible: titles, reading order, text equivalents, headers, decoration."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation

from conftest import REPO, write_brief

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "adec": "http://schemas.microsoft.com/office/drawing/2017/decorative",
}
#: The extension PowerPoint writes for "Mark as decorative".
DECORATIVE_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
#: Shapes that are only fills: rules, bands, card backgrounds and accents, timeline lines.
DECORATION = {"Rule", "Footer rule", "Title band", "Card accent", "Timeline axis"}
#: Page furniture: read after the slide's content.
FURNITURE = {"Footer", "Slide number", "Banner top", "Banner bottom"}

#: Sections titled as slides the deck makes itself, and as the brief.
CLASHES = """
    meta:
      title: Notional clash
    figures:
      a: {value: 3, label: notional things}
    sections:
      - title: Agenda
        points: [A notional point.]
        sources: [Notional source]
      - title: key figures
        points: [A notional point.]
      - title: Sources
        points: [A notional point.]
      - title: Notional clash
        points: [A notional point.]
      - title: Notional clash
        points: [A notional point.]
"""


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the deck of the default content, every block, the crowded deck and the clashes."""
    from alliancedeck.api import build

    inputs = {
        "default": REPO / "content.yaml",
        "blocks": REPO / "examples" / "blocks" / "content.yaml",
        "crowded": REPO / "tests" / "compose" / "briefs" / "crowded.yaml",
        "clashes": write_brief(tmp_path_factory.mktemp("clashes"), CLASHES),
    }
    built = {}
    for name, content in inputs.items():
        out = tmp_path_factory.mktemp(name)
        result = build(content, out_dir=out, products=["slides"], checksums=False)
        built[name] = Path(result.products[0].path)
    return built


def trees(path: Path) -> list[etree._Element]:
    """Return the shape tree (`p:spTree`) of every slide of the deck at `path`, in order, as
    plain lxml elements (python-pptx finds the slides; lxml reads their XML as stored)."""
    slides = Presentation(str(path)).slides
    return [etree.fromstring(slide.part.blob).find(".//p:spTree", NS) for slide in slides]


def shapes(tree: etree._Element) -> list[etree._Element]:
    """Return the shapes of `tree` in reading order (its children after its own properties)."""
    return [kid for kid in tree if etree.QName(kid).localname not in {"nvGrpSpPr", "grpSpPr"}]


def names(shape: etree._Element) -> etree._Element:
    """Return the `p:cNvPr` of `shape` (its id, name, descr and extensions)."""
    return shape.find("./*[1]/p:cNvPr", NS)


def text(shape: etree._Element) -> str:
    return "".join(shape.xpath(".//a:t/text()", namespaces=NS)).strip()


def is_decorative(shape: etree._Element) -> bool:
    marks = names(shape).xpath(
        f"./a:extLst/a:ext[@uri='{DECORATIVE_URI}']/adec:decorative/@val", namespaces=NS
    )
    return marks == ["1"]


def every_shape(tree: etree._Element):
    for shape in shapes(tree):
        yield shape
        if etree.QName(shape).localname == "grpSp":
            yield from every_shape(shape)


def test_every_slide_title_is_a_title_placeholder_first_in_reading_order(decks):
    for name, path in decks.items():
        for number, tree in enumerate(trees(path), start=1):
            first = shapes(tree)[0]
            where = f"{name} slide {number}"
            assert first.xpath("./p:nvSpPr/p:nvPr/p:ph/@type", namespaces=NS) == ["title"], where
            assert text(first), where
            placeholders = tree.xpath(".//p:ph[@type='title']", namespaces=NS)
            assert len(placeholders) == 1, where


def test_no_two_slides_share_a_title(decks):
    for name, path in decks.items():
        titles = [text(shapes(tree)[0]).casefold() for tree in trees(path)]
        repeated = {t for t in titles if titles.count(t) > 1}
        assert not repeated, f"{name}: {repeated}"


def test_a_section_titled_as_a_slide_the_deck_makes_is_numbered(decks):
    titles = [text(shapes(tree)[0]) for tree in trees(decks["clashes"])]
    # The deck's own slides keep their words; the sections that repeat them are numbered.
    assert titles[:3] == ["Notional clash", "Agenda", "Key figures"]
    # The one short source list goes on the closing slide (no Sources slide of one line).
    assert titles[-1] == "Questions"
    assert titles[3:-1] == [
        "Agenda (2)",
        "key figures (2)",
        "Sources (2)",
        "Notional clash (2)",
        "Notional clash (3)",
    ]


def test_every_chart_picture_table_and_card_has_a_text_equivalent(decks):
    kinds: dict[str, int] = {"graphicFrame": 0, "pic": 0, "grpSp": 0}
    for name, path in decks.items():
        for number, tree in enumerate(trees(path), start=1):
            for shape in every_shape(tree):
                kind = etree.QName(shape).localname
                if kind in kinds:
                    kinds[kind] += 1
                    descr = names(shape).get("descr") or ""
                    assert descr.strip(), f"{name} slide {number}: {names(shape).get('name')}"
    assert all(kinds.values()), kinds  # every kind was met


def test_a_card_reads_as_one_object_its_value_and_label(decks):
    from alliancedeck.api import prepare

    doc = prepare(REPO / "content.yaml").doc
    expected = {f"{f.display}: {f.label}" for f in doc.key_figures}
    groups = [
        shape
        for tree in trees(decks["default"])
        for shape in shapes(tree)
        if etree.QName(shape).localname == "grpSp"
    ]
    assert {names(g).get("descr") for g in groups} == expected
    for group in groups:
        members = shapes(group)
        # The fill and the accent are decoration; the text is read as it is, with no descr.
        assert [is_decorative(m) for m in members] == [True, True, False]
        assert names(members[2]).get("descr") is None
        assert text(group).startswith(text(members[2]))


def test_tables_mark_their_header_row(decks):
    tables = [
        shape.find(".//a:tbl", NS)
        for path in decks.values()
        for tree in trees(path)
        for shape in shapes(tree)
        if shape.find(".//a:tbl", NS) is not None
    ]
    assert tables
    for table in tables:
        assert table.find("a:tblPr", NS).get("firstRow") == "1"


def test_decoration_is_marked_decorative_and_says_nothing(decks):
    seen = set()
    for name, path in decks.items():
        for number, tree in enumerate(trees(path), start=1):
            for shape in every_shape(tree):
                label = names(shape).get("name")
                where = f"{name} slide {number}: {label}"
                if etree.QName(shape).localname == "sp" and not text(shape):
                    assert is_decorative(shape), where  # a shape with nothing to read
                if label in DECORATION or label.startswith("Timeline marker"):
                    assert is_decorative(shape), where
                    seen.add(label)
                if is_decorative(shape):
                    assert not text(shape) and names(shape).get("descr") is None, where
    assert {"Rule", "Footer rule", "Title band", "Card accent", "Timeline axis"} <= seen


def test_no_placeholder_is_left_empty(decks):
    for name, path in decks.items():
        for number, tree in enumerate(trees(path), start=1):
            for shape in every_shape(tree):
                if shape.find("./*[1]/p:nvPr/p:ph", NS) is not None:
                    assert text(shape), f"{name} slide {number}"


def test_content_is_read_first_and_the_footers_and_banners_last(decks):
    for name, path in decks.items():
        for number, tree in enumerate(trees(path), start=1):
            read = [names(s).get("name") for s in shapes(tree) if not is_decorative(s)]
            furniture = [i for i, label in enumerate(read) if label in FURNITURE]
            assert furniture, f"{name} slide {number}"
            assert furniture == list(range(furniture[0], len(read))), (name, number, read)


def test_a_sections_text_is_read_before_its_figure_cards(decks):
    met = 0
    for path in decks.values():
        for tree in trees(path):
            read = [etree.QName(s).localname + ":" + names(s).get("name") for s in shapes(tree)]
            if "sp:Points" in read and any(r.startswith("grpSp:") for r in read):
                first_card = next(i for i, r in enumerate(read) if r.startswith("grpSp:"))
                assert read.index("sp:Points") < first_card, read
                met += 1
    assert met >= 2  # the default content's strains slide, the crowded bottom line


def test_the_notes_still_reach_the_notes_pages(decks):
    from alliancedeck.api import prepare

    doc = prepare(REPO / "content.yaml").doc
    deck = Presentation(str(decks["default"]))
    notes = {
        slide.shapes.title.text_frame.text: slide.notes_slide.notes_text_frame.text
        for slide in deck.slides
        if slide.has_notes_slide
    }
    expected = {s.title: s.notes for s in doc.sections if s.notes}
    assert expected and notes == expected
