"""A layout file is checked against the one schema in design.py, with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO

DEFAULT = (REPO / "src" / "alliancedeck" / "layouts" / "default.yaml").read_text(encoding="utf-8")


def _problems(tmp_path: Path, old: str, new: str) -> list[str]:
    from alliancedeck.errors import ContentError
    from alliancedeck.layout_files import load_design

    assert old in DEFAULT, old
    path = tmp_path / "layout.yaml"
    path.write_text(DEFAULT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_design(path)
    return [f"{p.location.line}: {p.message}" for p in caught.value.problems]


def _line_of(text: str) -> int:
    return next(i for i, line in enumerate(DEFAULT.splitlines(), start=1) if text in line)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("left: 0.75in, right", "left: -0.5in, right", "greater than or equal to 0"),
        ("gutter: 0.3in", "gutter: -2pt", "greater than or equal to 0"),
        ("gutter: 0.3in", "gutter: nan", "finite number"),
        ("gap: 8pt", "gap: inf", "finite number"),
        ("left: 0.75in, right: 0.75in", "left: 4in, right: 3in", "leave at least 2 in"),
        ("top: 0.6in, bottom: 0.6in", "top: 5in, bottom: 5in", "leave at least 3 in"),
        ("gutter: 0.3in", "gutter: 4in", "narrower than page.min_figure_width"),
        (
            "body:         {font: sans, style: regular, size: 9.5,  min: 8.5",
            "body:         {font: sans, style: regular, size: 9.5,  min: 10",
            "min (10 pt) is larger than size (9.5 pt)",
        ),
        ("  max_pages: 2 ", "  max_pagez: 2 ", 'unknown layout key "max_pagez" in page'),
        ("  footer_height: 0.3in", "  banner_height: 0.2in", "now markings.banner_height"),
    ],
)
def test_layout_values_are_sane_or_a_located_error(tmp_path, old, new, expected):
    problems = _problems(tmp_path, old, new)
    line = _line_of(old)
    assert any(expected in p for p in problems), problems
    assert any(p.startswith(f"{line}:") for p in problems if expected in p), (line, problems)


def test_the_schema_is_the_dataclasses_of_design():
    from alliancedeck import design
    from alliancedeck.layout_files import load_design

    theme = load_design(REPO / "src" / "alliancedeck" / "layouts" / "default.yaml")
    assert type(theme) is design.Design
    assert type(theme.page) is design.PageTokens and theme.page.max_pages == 2
    assert type(theme.brief["body"]) is design.TextStyle


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("    deck: Arial", '    deck: "Ar\\x0bial"', "character U+000B cannot be stored"),
        ("    deck: Arial", '    deck: "Arial\\ufffe"', "character U+FFFE cannot be stored"),
        ("    pdf: Liberation Sans", '    pdf: "Liberation\\x07"', "character U+0007"),
        ("    east_asian: BIZ UDPGothic", '    east_asian: "BIZ\\x1b"', "character U+001B"),
        ("# product_label: Brief", 'product_label: "Br\\x0bief"', "character U+000B"),
        ("# product_label: Brief", 'product_label: "שלום"', "right-to-left text"),
        ("name: default", 'name: "d\\x0c"', "character U+000C"),
        ("    deck: Arial", '    deck: ""', "at least 1 character"),
        ("    deck: Arial", "    deck: " + "A" * 101, "at most 100 characters"),
        ("# product_label: Brief", "product_label: " + "B" * 401, "at most 400 characters"),
        # A typeface name reaches the handout's style sheet and the deck's XML: a name only.
        ("    deck: Arial", '    deck: "Ar}</style><script>x</script>"', "typeface name"),
        ("    pdf: Liberation Sans", "    pdf: 'L\"; x: url(https://x.example/)'", "typeface name"),
        ("    east_asian: BIZ UDPGothic", '    east_asian: "B\\\\22"', "typeface name"),
    ],
)
def test_layout_texts_hold_only_storable_characters(tmp_path, old, new, expected):
    # A typeface name is written into every run of the deck's XML: a control character there
    # made a .pptx no reader can open, with exit 0.
    problems = _problems(tmp_path, old, new)
    line = _line_of(old)
    assert any(expected in p and p.startswith(f"{line}:") for p in problems), (line, problems)
