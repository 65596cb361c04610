"""Each design rule both products follow has one source: change it there and both follow."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from conftest import REPO, write_brief

BRIEF = """
meta:
  title: Notional shared rules
  classification: UNCLASSIFIED
  layout: {layout}
sections:
  - title: Notional table
    points: [A notional point.]
    table:
      caption: Notional rows
      columns: [Name, Count]
      rows: [[A, 1], [B, 2], [C, 3], [D, 4]]
"""


def _build(tmp_path: Path, layout: str = "default") -> dict[str, Path]:
    from alliancedeck.api import build

    path = write_brief(tmp_path, BRIEF.format(layout=layout))
    result = build(path, out_dir=tmp_path / "out", products=("pdf", "deck-pdf"))
    return {p.backend: p.path for p in result.products}


def _texts(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def test_the_footer_rule_is_written_once(tmp_path, monkeypatch):
    from alliancedeck.compose import rules

    monkeypatch.setattr(rules, "footer_left", lambda meta, labels: "NOTIONAL FOOTER RULE")
    for path in _build(tmp_path).values():
        assert "NOTIONAL FOOTER RULE" in _texts(path), path.name


def test_the_stripe_rule_is_written_once(tmp_path, monkeypatch):
    from alliancedeck.compose.boxes import TableBox

    monkeypatch.setattr(TableBox, "row_fill", lambda self, row: "#FF00FF")
    for path in _build(tmp_path).values():
        with pdfplumber.open(path) as pdf:
            fills = {
                tuple(round(float(v), 2) for v in rect["non_stroking_color"] or ())
                for page in pdf.pages
                for rect in page.rects
            }
        assert (1.0, 0.0, 1.0) in fills, path.name


@pytest.mark.parametrize("height", ["0.25in", "0.5in"])
def test_the_banner_height_is_one_token(tmp_path, height):
    layout = (REPO / "src" / "alliancedeck" / "layouts" / "default.yaml").read_text()
    layout = layout.replace("  banner_height: 0.25in", f"  banner_height: {height}")
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "tall.yaml").write_text(layout.replace("name: default", "name: tall"))
    points = float(height.removesuffix("in")) * 72
    for path in _build(tmp_path, "tall").values():
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            words = [w for w in page.extract_words() if w["text"] == "UNCLASSIFIED"]
            bands = [
                r
                for r in page.rects
                if any(r["top"] <= w["top"] and w["bottom"] <= r["bottom"] for w in words)
            ]
            assert len(bands) == 2, path.name
            assert {round(r["height"], 1) for r in bands} == {round(points, 1)}, path.name


def test_the_table_cell_padding_is_one_rule(tmp_path, monkeypatch):
    from alliancedeck.compose import rules

    (tmp_path / "wide").mkdir()
    (tmp_path / "narrow").mkdir()
    monkeypatch.setattr(rules, "CELL_PADDING_EM", 2.0)
    wide = _build(tmp_path / "wide")
    monkeypatch.setattr(rules, "CELL_PADDING_EM", 0.375)
    narrow = _build(tmp_path / "narrow")
    for backend in ("pdf", "deck-pdf"):
        offsets = []
        for built in (wide, narrow):
            with pdfplumber.open(built[backend]) as pdf:
                page = next(p for p in pdf.pages if "Count" in p.extract_text())
                name = next(w for w in page.extract_words() if w["text"] == "Name")
                cell = max(
                    (
                        r
                        for r in page.rects
                        if r["x0"] <= name["x0"]
                        and r["top"] <= name["top"]
                        and name["bottom"] <= r["bottom"]
                    ),
                    key=lambda r: r["x0"],
                )
            offsets.append(name["x0"] - cell["x0"])
        assert offsets[0] > offsets[1] + 10, backend  # the text sits further in, in both


DECIMALS = """
meta:
  title: Notional decimals
  poc: {name: D. Notional, office: Notional Plans Section, phone: 555-0100}
sections:
  - title: Notional table
    points: [A notional point.]
    table:
      caption: Notional rows
      columns: [Name, Share]
      rows: [[A, 12.5], [B, 11], [C, 9.25]]
"""


def _build_text(tmp_path: Path, content: str) -> dict[str, str]:
    from alliancedeck.api import build

    path = write_brief(tmp_path, content)
    result = build(path, out_dir=tmp_path / "out", products=("pdf", "deck-pdf"))
    return {p.backend: _texts(p.path) for p in result.products}


def test_a_numeric_column_has_one_decimal_count_in_both_products(tmp_path):
    for backend, text in _build_text(tmp_path, DECIMALS).items():
        for row in ("A 12.50", "B 11.00", "C 9.25"):  # 12.5 and 11 printed with 9.25's two
            assert row in text, (backend, row)


def test_the_brief_sets_a_mapping_poc_line_by_line(tmp_path):
    lines = _build_text(tmp_path, DECIMALS)["pdf"].splitlines()
    start = lines.index("POC: D. Notional")
    assert lines[start + 1 : start + 3] == ["Notional Plans Section", "555-0100"]


def test_a_table_rule_has_the_width_the_deck_writes_in_both_pdfs(tmp_path, monkeypatch):
    # The .pptx writes each row's rule as the cell's bottom line of `TableBox.rule_width`; both
    # PDFs draw that same rule, centred on the row's edge, so the three read alike.
    from alliancedeck.compose.boxes import TableBox

    made = TableBox.__init__

    def marked(self, *args, **kwargs):  # every table's rule in a colour and width of its own
        made(self, *args, **kwargs)
        object.__setattr__(self, "rule", "#00FF00")
        object.__setattr__(self, "rule_width", 1.5)

    monkeypatch.setattr(TableBox, "__init__", marked)
    for path in _build(tmp_path).values():
        with pdfplumber.open(path) as pdf:
            rules = [
                rect
                for page in pdf.pages
                for rect in page.rects
                if tuple(round(float(v), 2) for v in rect["non_stroking_color"] or ())
                == (0.0, 1.0, 0.0)
            ]
        assert len(rules) >= 5, path.name  # a rule under the header and each of four rows
        assert {round(rect["height"], 2) for rect in rules} == {1.5}, path.name


def _private_imports(module: Path) -> list[str]:
    """Return the `_private` names `module` imports from another alliancedeck module."""
    import ast

    found = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("alliancedeck"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    return found


def test_both_pdfs_draw_boxes_with_public_functions():
    # A helper both PDFs draw with is public in one module, not borrowed from the other PDF.
    draw = REPO / "src" / "alliancedeck" / "draw"
    found = {m.name: _private_imports(m) for m in sorted(draw.glob("*.py"))}
    assert not {name: names for name, names in found.items() if names}


UNITS = """
meta:
  title: Notional units
sections:
  - title: Notional table
    points: [A notional point.]
    table:
      caption: Notional rows
      columns: [Name, Share, Budget, Staff]
      rows:
        - [Alpha, 28%, $1.2B, "1,250"]
        - [Beta, 2.5%, $950M, "12,400"]
        - [Gamma, 12%, $12B, "—"]
"""


def test_numbers_with_units_are_a_numeric_column_in_both_products(tmp_path):
    from alliancedeck.api import build

    path = write_brief(tmp_path, UNITS)
    result = build(path, out_dir=tmp_path / "out", products=("pdf", "deck-pdf"))
    columns = [("28.0%", "2.5%", "12.0%"), ("$1.2B", "$950.0M", "$12.0B"), ("1,250", "12,400")]
    for product in result.products:
        with pdfplumber.open(product.path) as pdf:
            words = [w for page in pdf.pages for w in page.extract_words()]
        for column in columns:
            found = [next((w for w in words if w["text"] == v), None) for v in column]
            assert all(found), (product.backend, column, [w["text"] for w in words])
            # Right-aligned: the values end at one edge, whatever their length.
            ends = {round(w["x1"]) for w in found}
            assert max(ends) - min(ends) <= 1, (product.backend, column)
