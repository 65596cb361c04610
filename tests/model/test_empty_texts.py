"""A text that renders empty is empty: never its template source, dropped or refused by field."""

from __future__ import annotations

import io

from pptx import Presentation
from pypdf import PdfReader

from alliancedeck.api import build
from conftest import write_brief
from model.test_fill import FIRST, doc_of, problems_of, section

HIDDEN = "{% if false %}hidden{% endif %}"


def test_a_point_that_renders_empty_is_dropped_with_its_sub_points():
    doc = doc_of(
        section(
            "  - title: One\n    points:\n"
            f"      - text: '{HIDDEN}'\n        points: [a sub-point]\n"
            "      - '   {{ meta.poc }}  '\n"
            "      - kept\n"
        )
    )
    assert [p.text for p in doc.sections[0].points] == ["kept"]


def test_optional_fields_that_render_empty_are_absent():
    doc = doc_of(
        section(f"  - title: One\n    lead: '{HIDDEN}'\n    notes: '{{{{ meta.poc }}}}'\n")
    )
    assert doc.sections[0].lead is None
    assert doc.sections[0].notes is None


def test_a_source_that_renders_empty_is_dropped():
    doc = doc_of(section(f"  - title: One\n    sources: ['{HIDDEN}', Notional source]\n"))
    assert [s.text for s in doc.sections[0].sources] == ["Notional source"]


def test_a_title_that_renders_empty_is_a_located_error():
    problems = problems_of(section(f"  - title: '{HIDDEN}'\n"))
    assert len(problems) == 1
    line, column, message = problems[0]
    assert (line, column) == (FIRST, 12)
    assert message.startswith("a section title renders as nothing here")


def test_empty_texts_reach_neither_product_as_source(tmp_path):
    path = write_brief(
        tmp_path,
        f"""
        meta:
          title: Notional brief
          subtitle: "{HIDDEN}"
        sections:
          - title: One
            lead: "{HIDDEN}"
            points:
              - "{HIDDEN}"
              - Visible point
        """,
    )
    result = build(path, out_dir=tmp_path / "out", products=("pdf", "slides"))
    pdf_text = "".join(page.extract_text() for page in PdfReader(result.products[0].path).pages)
    deck = Presentation(io.BytesIO(result.products[1].path.read_bytes()))
    deck_text = " ".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    for text in (pdf_text, deck_text):
        assert "Visible point" in text
        assert "{%" not in text and "hidden" not in text
