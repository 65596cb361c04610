"""The brief's finish, read back with pdfplumber: splits, footers, spans, the masthead."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from conftest import REPO, write_brief


def _build(content: Path, out: Path, **options) -> Path:
    from alliancedeck.api import build

    return build(content, out_dir=out, products=("pdf",), **options).products[0].path


def _halves(pdf) -> list:
    """Return each page's left and right halves, in reading order."""
    return [
        page.crop((x0, 0, x1, page.height))
        for page in pdf.pages
        for x0, x1 in ((0, page.width / 2), (page.width / 2, page.width))
    ]


def _table_brief(folder: Path, rows: int, points: int = 0) -> Path:
    folder.mkdir(exist_ok=True)
    body = "".join(
        f"      - Notional point {n} of the section, set as a bullet.\n" for n in range(points)
    )
    table = "".join(f"          - [Region {n}, {n * 7}, notional]\n" for n in range(1, rows + 1))
    return write_brief(
        folder,
        "meta:\n  title: A notional table brief\n"
        "sections:\n  - title: Sites\n"
        + (f"    points:\n{body}" if points else "")
        + "    table:\n      columns: [Region, Sites, Notes]\n      rows:\n"
        + table,
    )


@pytest.mark.parametrize("rows", [2, 4, 6])
def test_a_short_table_is_never_split_to_balance_the_columns(tmp_path, rows):
    path = _build(_table_brief(tmp_path, rows), tmp_path / "out")
    with pdfplumber.open(path) as pdf:
        headers = [
            h
            for h in _halves(pdf)
            for line in h.extract_text_lines()
            if line["text"].startswith("Region Sites Notes")
        ]
    assert len(headers) == 1


def test_a_split_table_keeps_three_rows_on_each_side(tmp_path):
    splits = []
    for points in range(0, 40, 4):  # the table starts lower and lower in its column
        path = _build(_table_brief(tmp_path / str(points), 12, points), tmp_path / f"o{points}")
        with pdfplumber.open(path) as pdf:
            counts = []
            for half in _halves(pdf):
                lines = [line["text"] for line in half.extract_text_lines()]
                if any(t.startswith("Region Sites Notes") for t in lines):
                    counts.append(
                        sum(1 for t in lines if t.startswith("Region ") and t[7].isdigit())
                    )
        assert sum(counts) == 12
        if len(counts) > 1:
            splits.append(counts)
    assert splits  # some of these tables split
    assert all(min(counts) >= 3 for counts in splits), splits
