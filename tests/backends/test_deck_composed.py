"""The composed deck read back from the .pptx (and its PDF twin): captions, closing slide, type
sizes, continued slides, and charts and tables styled explicitly, the same in every product."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.util import Pt

from conftest import REPO

CROWDED = REPO / "tests" / "compose" / "briefs" / "crowded.yaml"
BLOCKS = REPO / "examples" / "blocks" / "content.yaml"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _build(content: Path, out: Path):
    """Build `content`'s deck and deck PDF; return its document, the deck and the PDF path."""
    from alliancedeck.api import build, prepare

    result = build(content, out_dir=out, products=("slides", "deck-pdf"), checksums=False)
    paths = {p.backend: p.path for p in result.products}
    return prepare(content).doc, Presentation(str(paths["slides"])), paths["deck-pdf"]


@pytest.fixture(scope="module", params=[CROWDED, BLOCKS], ids=["crowded", "blocks"])
def built(request, tmp_path_factory):
    return _build(request.param, tmp_path_factory.mktemp("composed"))


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text]


def _charts(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                yield slide, shape.chart


def _tables(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                yield slide, shape.table


def test_every_block_caption_is_on_a_slide(built):
    doc, deck, _ = built
    shown = [t for slide in deck.slides for t in _texts(slide)]
    for section in doc.sections:
        for block in section.blocks:
            caption = getattr(block, "title", None) or getattr(block, "caption", None)
            if caption:
                assert caption in shown, caption


def test_one_closing_slide_after_the_sources(built):
    doc, deck, _ = built
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    closing = [i for i, t in enumerate(titles) if t.endswith("Questions")]  # "(CUI) Questions"
    assert len(closing) == 1
    # The Sources list (on its own slides, at the foot of the last section or on the closing
    # slide) comes before the closing word's slide ends, and lists every source.
    listed = [
        (i, shape.text_frame.text)
        for i, slide in enumerate(deck.slides)
        for shape in slide.shapes
        if shape.name == "Sources" and shape.has_text_frame
    ]
    assert listed and all(i <= closing[0] for i, _ in listed)
    text = " ".join(t for _, t in listed)
    for section in doc.sections:
        for source in section.sources:
            assert source.text in text


def test_no_bulleted_run_under_18_pt_outside_the_sources(built):
    _, deck, _ = built
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame or shape.name == "Sources":  # the list, wherever it is
                continue
            for paragraph in shape.text_frame.paragraphs:
                if paragraph._p.xpath("./a:pPr/a:buChar"):
                    for run in paragraph.runs:
                        assert run.font.size >= Pt(18), (
                            slide.shapes.title.text_frame.text,
                            run.text,
                        )


def test_no_continued_slide_without_points_or_a_block(built):
    _, deck, _ = built
    for slide in deck.slides:
        title = slide.shapes.title.text_frame.text
        if "(cont." not in title or title.startswith(("Sources", "Agenda", "Key figures")):
            continue
        names = {s.name for s in slide.shapes}
        assert "Points" in names or any(
            s.has_chart or s.has_table or s.shape_type == 13 for s in slide.shapes
        ), title


def test_bar_charts_are_written_bottom_up_with_the_value_axis_at_the_bottom(built):
    doc, deck, _ = built
    infos = {b.alt: b for s in doc.sections for b in s.blocks if hasattr(b, "series")}
    bars = [
        (slide, chart)
        for slide, chart in _charts(deck)
        if chart._chartSpace.find(f".//{C}barDir") is not None
        and chart._chartSpace.find(f".//{C}barDir").get("val") == "bar"
    ]
    assert bars
    for slide, chart in bars:
        space = chart._chartSpace
        info = infos[
            next(s._element.xpath("./*[1]/p:cNvPr/@descr")[0] for s in slide.shapes if s.has_chart)
        ]
        category = space.find(f".//{C}catAx")
        value = space.find(f".//{C}valAx")
        # Categories from the axis origin (the bottom), the value axis crossing there ...
        assert category.find(f"{C}scaling/{C}orientation").get("val") == "minMax"
        assert value.find(f"{C}crosses").get("val") == "autoZero"
        assert value.find(f"{C}crossAx").get("val") == category.find(f"{C}axId").get("val")
        # ... and written bottom-up, so the first written is on top; each series plotted in
        # its place in the document.
        series = list(space.iter(f"{C}ser"))
        assert [int(s.find(f"{C}order").get("val")) for s in series] == list(range(len(series)))
        assert [s.find(f"{C}tx//{C}v").text for s in series] == [n for n, _ in info.series][::-1]
        shown = [v.text for v in series[0].find(f"{C}cat").iter(f"{C}v")]
        assert shown == list(info.categories)[::-1]


def test_charts_set_gridlines_legend_markers_unit_and_labels_explicitly(built):
    doc, deck, _ = built
    infos = {b.alt: b for s in doc.sections for b in s.blocks if hasattr(b, "series")}
    for slide, chart in _charts(deck):
        space = chart._chartSpace
        descr = next(
            s._element.xpath("./*[1]/p:cNvPr/@descr")[0] for s in slide.shapes if s.has_chart
        )
        info = infos[descr]
        if info.has_legend:
            assert space.find(f".//{C}legend/{C}legendPos").get("val") == "t"
        labels = space.find(f".//{C}dLbls")
        if info.type == "pie":
            assert labels.find(f"{C}showCatName").get("val") == "1"
            assert labels.find(f"{C}showPercent").get("val") == "1"
            continue
        grid = space.find(f".//{C}valAx/{C}majorGridlines/{C}spPr/{A}ln")
        assert grid is not None and grid.find(f".//{A}srgbClr") is not None
        if info.unit:
            title = "".join(t.text for t in space.find(f".//{C}valAx/{C}title").iter(f"{A}t"))
            assert title == info.unit
        if info.type == "line":
            assert {m.get("val") for m in space.iter(f"{C}symbol")} == {"circle"}
        shows = labels is not None and labels.find(f"{C}showVal").get("val") == "1"
        assert shows == (len(info.categories) * len(info.series) <= 12)


def test_tables_draw_their_own_rules_and_one_decimal_count_per_numeric_column(built):
    _, deck, _ = built
    found = False
    for _, table in _tables(deck):
        found = True
        tbl = table._tbl
        assert tbl.find(f"{A}tblPr/{A}tableStyleId") is None
        for cell in tbl.iter(f"{A}tc"):
            bottom = cell.find(f"{A}tcPr/{A}lnB")
            assert bottom is not None and bottom.find(f"{A}solidFill") is not None
            assert cell.find(f"{A}tcPr/{A}lnL/{A}noFill") is not None
        rows = [[c.text_frame.text for c in row.cells] for row in table.rows][1:]
        for column in zip(*rows, strict=True):
            if all(re.fullmatch(r"-?[\d,]+(\.\d+)?", v) for v in column if v):
                decimals = {len(v.split(".")[1]) if "." in v else 0 for v in column if v}
                assert len(decimals) == 1, column
    assert found


def test_a_table_continued_over_slides_repeats_its_header_in_both_decks(tmp_path):
    _, deck, pdf_path = _build(CROWDED, tmp_path)
    tables = [
        (i, t)
        for i, s in enumerate(deck.slides)
        for sh in s.shapes
        if sh.has_table
        for t in [sh.table]
    ]
    by_header: dict[tuple, list[int]] = {}
    for index, table in tables:
        header = tuple(c.text_frame.text for c in table.rows[0].cells)
        by_header.setdefault(header, []).append(index)
    long_tables = {h: slides for h, slides in by_header.items() if len(slides) > 1}
    assert long_tables, "the crowded brief has a table over several slides"
    with pdfplumber.open(pdf_path) as pdf:
        for header, slides in long_tables.items():
            for index in slides:
                words = " ".join(pdf.pages[index].extract_text().split())
                assert " ".join(header) in words, (index, header)


def test_labels_false_turns_a_chart_s_value_labels_off(tmp_path):
    import yaml

    def chart(**extra):
        return {
            "type": "column",
            "categories": ["2022", "2023"],
            "series": [{"name": "Notional", "values": [1.5, 2.0]}],
            **extra,
        }

    sections = [{"title": "On", "chart": chart()}, {"title": "Off", "chart": chart(labels=False)}]
    path = tmp_path / "content.yaml"
    path.write_text(yaml.safe_dump({"meta": {"title": "N"}, "sections": sections}), "utf-8")
    _, deck, _ = _build(path, tmp_path / "out")
    shown = {}
    for slide, chart_part in _charts(deck):
        labels = chart_part._chartSpace.find(f".//{C}dLbls/{C}showVal")
        shown[slide.shapes.title.text_frame.text] = labels is not None and labels.get("val") == "1"
    assert shown == {"On": True, "Off": False}
