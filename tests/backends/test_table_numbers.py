"""A table's numbers are printed as written, padded to one number of decimals per column and
never rounded, in the .pptx, the deck PDF and the brief; its rules are drawn whole."""

from __future__ import annotations

import pdfplumber
from pptx import Presentation

from conftest import write_brief

BRIEF = """
meta:
  title: Notional table brief
sections:
  - title: Notional shares
    table:
      caption: Notional shares by region
      columns: [Region, Share, Staff]
      rows:
        - [North, 0.25, 1234.5]
        - [South, 0.125, 20]
        - [East, 1, 0.0625]
"""
SHARES = ["0.250", "0.125", "1.000"]
STAFF = ["1,234.5000", "20.0000", "0.0625"]


def test_table_numbers_keep_every_decimal_written_in_every_product(tmp_path):
    from alliancedeck.api import build

    content = write_brief(tmp_path, BRIEF)
    result = build(
        content, out_dir=tmp_path / "out", products=("slides", "deck-pdf", "pdf"), checksums=False
    )
    paths = {p.backend: p.path for p in result.products}
    deck = Presentation(str(paths["slides"]))
    table = next(s.table for slide in deck.slides for s in slide.shapes if s.has_table)
    cells = [[cell.text_frame.text for cell in row.cells] for row in table.rows][1:]
    assert [row[1] for row in cells] == SHARES
    assert [row[2] for row in cells] == STAFF
    for product in ("deck-pdf", "pdf"):
        with pdfplumber.open(paths[product]) as pdf:
            words = {w["text"] for page in pdf.pages for w in page.extract_words()}
        assert set(SHARES + STAFF) <= words, product


def test_the_deck_pdf_paints_no_row_fill_over_a_table_rule(tmp_path):
    from alliancedeck.api import build

    content = write_brief(tmp_path, BRIEF)
    result = build(content, out_dir=tmp_path / "out", products=("deck-pdf",), checksums=False)
    with pdfplumber.open(result.products[0].path) as pdf:
        page = next(p for p in pdf.pages if "Notional shares by region" in p.extract_text())
        rects = page.rects  # in the order they are painted
    rules = [i for i, r in enumerate(rects) if r["height"] < 2 and r["width"] > 100]
    assert len(rules) >= 4, "a rule under the header and under each row"
    for index in rules:
        rule = rects[index]
        for later in rects[index + 1 :]:
            if later["height"] < 2:
                continue
            covers = later["top"] < rule["bottom"] and rule["top"] < later["bottom"]
            assert not covers, f"a fill painted over the rule at {rule['top']:.1f} pt"
