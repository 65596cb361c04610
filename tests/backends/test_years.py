"""A year written as a number prints as the year in every product: 2020, not 2,020."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from lxml import html as lxml_html

from conftest import write_brief


def test_a_column_of_years_prints_them_as_written_and_counts_keep_separators(tmp_path):
    from pptx import Presentation

    from alliancedeck.api import build

    path = write_brief(
        tmp_path,
        """
        meta:
          title: Notional years
        sections:
          - title: Spending
            table:
              caption: Notional spending by year
              columns: [Year, Facilities, Spending]
              rows:
                - [2019, 1250, 1.5]
                - [2020, 12000, 1.75]
            chart:
              type: column
              title: Notional spending
              categories: [2019, 2020]
              series:
                - {name: Spending, values: [1.5, 1.75]}
        """,
    )
    products = ["pdf", "slides", "deck-pdf", "html"]
    built = build(path, out_dir=tmp_path / "out", products=products, checksums=False)
    result = {p.backend: Path(p.path) for p in built.products}
    for backend in ("pdf", "deck-pdf"):
        with pdfplumber.open(result[backend]) as pdf:
            text = "\n".join(page.extract_text() for page in pdf.pages)
        assert "2,019" not in text and "2,020" not in text, backend
        assert "2019 1,250" in text and "2020 12,000" in text, backend
    deck = Presentation(result["slides"])
    cells = [
        cell.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert cells[:3] == ["Year", "Facilities", "Spending"]
    assert cells[3:6] == ["2019", "1,250", "1.50"]
    charts = [s.chart for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert list(charts[0].plots[0].categories) == ["2019", "2020"]
    page = lxml_html.fromstring(result["html"].read_bytes())
    rows = [[cell.text_content() for cell in row] for row in page.xpath("//table[1]//tr")]
    assert ["2019", "1,250", "1.50"] in rows and ["2020", "12,000", "1.75"] in rows
