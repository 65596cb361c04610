"""The deck's package as written by hand: escaped text, typed and related parts, linear cost."""

from __future__ import annotations

import json
import posixpath
import shutil
import zipfile
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from conftest import REPO, write_brief

MARKUP = "Costs & <benefits> of \"host\" 'nation' support"
NOTES = "First & <notes>\nSecond line\n\nAfter an empty line"
BLOCKS = REPO / "examples" / "blocks"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _slides(content: Path, out: Path) -> Path:
    from alliancedeck.api import build

    result = build(content, out_dir=out, products=("slides",), checksums=False)
    return next(p.path for p in result.products if p.backend == "slides")


def _brief_with_markup(folder: Path) -> Path:
    quoted = json.dumps  # a JSON string is a YAML scalar, quotes and all
    return write_brief(
        folder,
        f"""
        meta:
          title: {quoted(f"Notional {MARKUP}")}
        figures:
          share: {{value: 12, label: {quoted(f"notional {MARKUP}")}}}
        sections:
          - title: {quoted(f"Section: {MARKUP}")}
            notes: {quoted(NOTES)}
            points: [{quoted(f"A point on {MARKUP}")}]
            figures: [share]
        """,
    )


def test_markup_characters_read_back_as_written(tmp_path):
    deck = Presentation(str(_slides(_brief_with_markup(tmp_path), tmp_path / "out")))
    slides = list(deck.slides)
    titles = [s.shapes.title.text_frame.text for s in slides]
    assert f"Notional {MARKUP}" in titles and f"Section: {MARKUP}" in titles
    section = slides[titles.index(f"Section: {MARKUP}")]
    texts = [s.text_frame.text for s in section.shapes if s.has_text_frame]
    assert f"A point on {MARKUP}" in texts
    # The card is on the Key figures slide (and not repeated on the section's, right after).
    descriptions = [
        s._element.xpath("./*[1]/p:cNvPr/@descr") for slide in slides for s in slide.shapes
    ]
    assert [f"12: notional {MARKUP}"] in descriptions
    notes = section.notes_slide.notes_text_frame.text
    assert notes == NOTES


def test_every_part_is_typed_and_every_relationship_resolves(tmp_path):
    with zipfile.ZipFile(_slides(BLOCKS / "content.yaml", tmp_path)) as package:
        names = package.namelist()
        assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
        types = etree.fromstring(package.read("[Content_Types].xml"))
        defaults = {e.get("Extension").lower() for e in types.iter(f"{_CT}Default")}
        overrides = {e.get("PartName") for e in types.iter(f"{_CT}Override")}
        for name in names[1:]:
            typed = f"/{name}" in overrides or name.rsplit(".", 1)[-1].lower() in defaults
            assert typed, f"{name} has no content type"
        for rels in (n for n in names if n.endswith(".rels")):
            folder = posixpath.dirname(posixpath.dirname(rels))
            for relationship in etree.fromstring(package.read(rels)).iter(f"{_PR}Relationship"):
                if relationship.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join(folder, relationship.get("Target")))
                assert target in names, f"{rels} points at missing {target}"


def test_shape_ids_are_unique_on_each_slide_with_charts_tables_and_pictures(tmp_path):
    deck = Presentation(str(_slides(BLOCKS / "content.yaml", tmp_path)))
    kinds = set()
    for slide in deck.slides:
        ids = [shape.shape_id for shape in slide.shapes]
        assert len(ids) == len(set(ids)) and ids[0] == slide.shapes.title.shape_id
        kinds.update(
            "chart" if s.has_chart else "table" if s.has_table else s.shape_type
            for s in slide.shapes
            if s.shape_type is not None
        )
    assert {"chart", "table", MSO_SHAPE_TYPE.PICTURE} <= kinds


def test_notes_pages_and_their_slides_point_at_each_other(tmp_path):
    deck = Presentation(str(_slides(_brief_with_markup(tmp_path), tmp_path / "out")))
    with_notes = [s for s in deck.slides if s.has_notes_slide]
    assert with_notes
    for slide in with_notes:
        notes_part = slide.notes_slide.part
        assert notes_part.part_related_by(RT.SLIDE) is slide.part
        assert notes_part.part_related_by(RT.NOTES_MASTER) is deck.part.notes_master_part


def test_a_picture_shown_twice_is_stored_once(tmp_path):
    shutil.copy(BLOCKS / "notional-bars.png", tmp_path)
    content = write_brief(
        tmp_path,
        """
        meta:
          title: Notional pictures
        sections:
          - title: Notional first
            image: [{path: notional-bars.png, alt: Notional bars}]
          - title: Notional second
            image: [{path: notional-bars.png, alt: Notional bars again}]
        """,
    )
    with zipfile.ZipFile(_slides(content, tmp_path / "out")) as package:
        media = [n for n in package.namelist() if n.startswith("ppt/media/")]
    assert media == ["ppt/media/image1.png"]


def test_slide_ids_count_up_from_256_in_order(tmp_path):
    deck = Presentation(str(_slides(BLOCKS / "content.yaml", tmp_path)))
    ids = [slide.slide_id for slide in deck.slides]
    assert ids == list(range(256, 256 + len(ids)))


def test_adding_slides_never_walks_the_whole_package(tmp_path, monkeypatch):
    """python-pptx walks every part to name each new slide and notes page; a big deck must not."""
    from pptx.opc.package import OpcPackage

    scans = []
    walk = OpcPackage.iter_parts

    def counted(package):
        scans.append(1)
        return walk(package)

    monkeypatch.setattr(OpcPackage, "iter_parts", counted)

    def scans_for(sections: int) -> int:
        body = "".join(
            f"  - title: Notional section {i}\n    notes: Notional notes {i}.\n"
            f"    points: [Notional point {i}.]\n"
            for i in range(sections)
        )
        folder = tmp_path / str(sections)
        folder.mkdir()
        content = write_brief(folder, "meta:\n  title: Notional\nsections:\n" + body)
        scans.clear()
        _slides(content, folder / "out")
        return len(scans)

    assert scans_for(2) == scans_for(40)
