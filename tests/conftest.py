"""Shared fixtures: build products once per session from content written in the tests."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# CI (CI=true) explores the same examples on every run, so a submission's result does not hang
# on the draw; local runs keep drawing new ones and keep what fails in .hypothesis/. Neither has
# a deadline: the properties check what is made, and speed is measured in bench/, not here (on
# a loaded machine Hypothesis' 200 ms deadline failed correct examples).
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent


def write_brief(folder: Path, text: str, name: str = "content.yaml") -> Path:
    """Write the YAML `text` (dedented) as a content file in `folder` and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def tall_header_content(first: dict, *more: dict) -> dict:
    """Return notional content whose page 1 header nearly fills the page: a title and subtitle
    at their 400-character limit in wide Japanese characters (notional: 架空, "fictional") and
    eight key figures, shown in the `first` section (its title first), then the `more`."""
    title = ("日米同盟の概要と地域の協力に関する架空の報告書" * 30)[:395]
    figures = {
        f"k{i}": {"value": 1000 + i, "label": f"notional key figure {i} with a long card label"}
        for i in range(8)
    }
    shown = {"title": first["title"], "figures": list(figures), **first}
    return {
        "meta": {"title": title, "subtitle": title, "classification": "UNCLASSIFIED"},
        "figures": figures,
        "sections": [shown, *more],
    }


def moved_band_brief() -> str:
    """Return a notional brief whose crowded chart (set across the columns) comes first in
    the content, and a small chart after it that the columns may set above or before it."""
    point = "A notional point that takes a line and a little more of a column of the brief."
    return f"""
    meta:
      title: Notional figure order
      classification: UNCLASSIFIED
    sections:
      - title: Notional first
        points: [{", ".join([point] * 5)}]
        chart:
          type: column
          title: Notional crowded months
          categories: [Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec]
          series:
            - {{name: "2023", values: [27, 10, 20, 20, 27, 19, 13, 23, 10, 22, 28, 28]}}
            - {{name: "2024", values: [27, 30, 9, 28, 10, 29, 15, 26, 28, 10, 9, 19]}}
      - title: Notional second
        points: [{", ".join([point] * 3)}]
        chart:
          type: column
          title: Notional small chart
          categories: [A, B, C]
          series: [{{name: Count, values: [1, 2, 3]}}]
      - title: Notional third
        points: [{", ".join([point] * 12)}]
    """


def products_of(result) -> dict[str, bytes]:
    """Return the bytes of every product a build wrote, by file name."""
    return {p.path.name: p.path.read_bytes() for p in result.products}


def rebuild_after_each(content: Path, layout: Path, folder: Path, session, edits, save) -> list:
    """Build `content` in `session`, then again after each of `edits` (then `save()`); return,
    per rebuild, the edit's name, the content and layout texts, the products and warnings."""
    from alliancedeck.api import build

    states = []
    build(content, out_dir=folder / "warm", session=session)
    for edit in edits:
        edit()
        save()
        warm = build(content, out_dir=folder / "warm", session=session)
        texts = (content.read_text(encoding="utf-8"), layout.read_text(encoding="utf-8"))
        states.append((edit.__name__, texts, products_of(warm), warm.warnings))
    return states


def assert_cold_builds_equal(states: list, content: Path, layout: Path, folder: Path) -> None:
    """Build each state of `rebuild_after_each` cold, outside any session: its products and
    warnings must equal the warm rebuild's."""
    from alliancedeck.api import build

    for number, (name, (text, design), products, warnings) in enumerate(states):
        content.write_text(text, encoding="utf-8")
        layout.write_text(design, encoding="utf-8")
        cold = build(content, out_dir=folder / f"cold{number}")
        assert products.keys() == products_of(cold).keys(), name
        for product, data_bytes in products_of(cold).items():
            assert products[product] == data_bytes, (name, product)
        assert warnings == cold.warnings, name


def write_long_brief(folder: Path, copies: int = 20) -> Path:
    """Write content.yaml with its sections repeated `copies` times: a build that lasts."""
    import copy as copying

    import yaml

    data = yaml.safe_load((REPO / "content.yaml").read_text(encoding="utf-8"))
    data["sections"] = [  # copies of their own: YAML would write a shared list as an alias
        {**copying.deepcopy(section), "title": f"{section['title']} ({copy + 1})"}
        for copy in range(copies)
        for section in data["sections"]
    ]
    path = folder / "content.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def build_deck(folder: Path, text: str) -> tuple[Path, Path]:
    """Build the deck and deck PDF of the brief `text` in `folder`; return both paths."""
    from alliancedeck.api import build

    content = write_brief(folder, text)
    result = build(content, out_dir=folder / "out", products=("slides", "deck-pdf"))
    paths = {p.backend: p.path for p in result.products}
    return paths["slides"], paths["deck-pdf"]


def squash(text: str) -> str:
    """Return `text` with all whitespace runs made single spaces (for order-of-text checks)."""
    return re.sub(r"\s+", " ", text).strip()


def assert_in_order(haystack: str, needles: list[str]) -> None:
    """Assert that every one of `needles` occurs in `haystack`, in the given order."""
    position = 0
    flat = squash(haystack)
    for needle in needles:
        found = flat.find(squash(needle), position)
        assert found >= 0, f"not found (in order) after position {position}: {needle!r}"
        position = found + 1


@pytest.fixture(scope="session")
def default_build(tmp_path_factory: pytest.TempPathFactory):
    """Build the repository's content.yaml into a temporary folder; return the build result."""
    from alliancedeck.api import build

    out = tmp_path_factory.mktemp("default-build")
    return build(REPO / "content.yaml", out_dir=out)


@pytest.fixture(scope="session")
def default_doc():
    """Return the resolved document of the repository's content.yaml."""
    from alliancedeck.api import prepare

    return prepare(REPO / "content.yaml").doc


def content_texts(doc) -> list[str]:
    """Return every section title, lead and point (nested ones too) of `doc`, in order."""
    texts: list[str] = []

    def walk(points) -> None:
        for point in points:
            texts.append(point.text)
            walk(point.children)

    for section in doc.sections:
        texts.append(section.title)
        if section.lead:
            texts.append(section.lead)
        walk(section.points)
    return texts


def every_shape(slide):
    """Yield every shape of a python-pptx `slide` in reading order, a group's members (a figure
    card's fill, accent and text) in its place."""

    def walk(shapes):
        for shape in shapes:
            yield shape
            if shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
                yield from walk(shape.shapes)

    yield from walk(slide.shapes)
