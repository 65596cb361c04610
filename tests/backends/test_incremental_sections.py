"""Warm rebuilds reuse each section's composition (the brief's units, the deck's slides) and
compose again only what an edit touches: their products are a cold build's, byte for byte."""

from __future__ import annotations

import shutil

import pytest
import yaml

from alliancedeck import session as sessions
from alliancedeck.api import build
from alliancedeck.compose.brief import BriefPlanner
from alliancedeck.compose.deck import DeckBuilder
from alliancedeck.session import Session
from conftest import (
    REPO,
    assert_cold_builds_equal,
    moved_band_brief,
    products_of,
    rebuild_after_each,
    write_brief,
)

CHART = {
    "type": "column",
    "title": "Notional readiness by region",
    "categories": ["North", "Central", "South"],
    "series": [{"name": "Alpha", "values": [72, 80, 65]}],
}
TABLE = {
    "caption": "Notional shares by region",
    "columns": ["Region", "Share"],
    "rows": [["North", 0.25], ["South", 0.5], ["East", 0.25]],
}


def _long_brief() -> dict:
    """Return 24 notional sections (the repository's six, four times, titles repeated: the
    deck numbers them), with charts and tables the brief numbers across sections."""
    data = yaml.safe_load((REPO / "content.yaml").read_text(encoding="utf-8"))
    data["meta"]["layout"] = "mine"
    data["meta"]["title"] = "A notional long brief"
    sections = [section for _ in range(4) for section in _copy_of(data["sections"])]
    for number, section in enumerate(sections):
        if number % 6 == 2:
            section["chart"] = _copy_of(CHART)
            section["chart"]["title"] += f" {number}"
        elif number % 6 == 3:
            section["table"] = _copy_of(TABLE)
    # A character no layout font has, and a section that continues over slides (both warned
    # of at their places), in sections no edit touches.
    sections[20]["points"][0] += " \U0001f6f0"
    more = [f"A notional point {n} that makes the section continue." for n in range(12)]
    sections[22]["points"] += more
    # A key figure too wide for its card (warned of at the figure), shown by one section.
    data["figures"]["notional_wide"] = {
        "value": 1,
        "display": "1 notional figure written out at a great length",
        "label": "A notional figure too wide for its card",
    }
    sections[21]["figures"] = ["notional_wide"]
    data["sections"] = sections
    return data


@pytest.fixture
def composed(monkeypatch):
    """Count the sections composed afresh, by title: the brief's (once per composition it
    tries) and the deck's."""
    counts: dict[str, list[str]] = {"brief": [], "deck": []}
    brief_section, deck_section = BriefPlanner.section, DeckBuilder._section_slides

    def counted_brief(self, index, section, backup):
        counts["brief"].append(section.title)
        return brief_section(self, index, section, backup)

    def counted_deck(self, section, backup=0):
        counts["deck"].append(section.title)
        return deck_section(self, section, backup)

    monkeypatch.setattr(BriefPlanner, "section", counted_brief)
    monkeypatch.setattr(DeckBuilder, "_section_slides", counted_deck)
    return counts


def test_warm_rebuilds_compose_again_only_the_edited_section(tmp_path, monkeypatch, composed):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")  # every product renders here: counted
    (tmp_path / "layouts").mkdir()
    shutil.copy(
        REPO / "src" / "alliancedeck" / "layouts" / "default.yaml", tmp_path / "layouts/mine.yaml"
    )
    data = _long_brief()
    content = tmp_path / "content.yaml"
    content.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    with Session() as session:
        build(content, out_dir=tmp_path / "warm", session=session)
        assert len(set(composed["deck"])) == 6 and len(composed["deck"]) == 24
        edited = data["sections"][13]
        edited["title"] = "A notional edited section"
        edited["points"][0] = edited["points"][0].replace("a", "e", 1)
        content.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
        for product in composed.values():
            product.clear()
        build(content, out_dir=tmp_path / "warm", session=session)
        # Only the edited section is composed again; the brief sets it once per composition.
        assert composed["deck"] == ["A notional edited section"]
        assert composed["brief"] and set(composed["brief"]) == {"A notional edited section"}
        pieces = sessions._PIECES
        assert pieces is not None
        assert pieces["deck-section"].reused >= 23
        assert pieces["brief-section"].reused >= 23


def test_outside_a_session_every_section_is_composed_each_build(tmp_path, composed):
    build(REPO / "content.yaml", out_dir=tmp_path / "one", products=("slides", "pdf"))
    first = {product: len(titles) for product, titles in composed.items()}
    build(REPO / "content.yaml", out_dir=tmp_path / "two", products=("slides", "pdf"))
    assert first["deck"] and first["brief"]
    assert {product: len(titles) for product, titles in composed.items()} == {
        product: 2 * count for product, count in first.items()
    }


def test_warm_rebuilds_that_move_numbers_downstream_equal_cold_builds(tmp_path, monkeypatch):
    """Edits whose effect runs past their section: a figure added early (every later figure's
    number), points added early (later slides' numbers, later pages), a title taken by a later
    section too (its numbered title), a figure value several sections show, a section made
    backup, and the layout file."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "layouts").mkdir()
    layout = tmp_path / "layouts" / "mine.yaml"
    shutil.copy(REPO / "src" / "alliancedeck" / "layouts" / "default.yaml", layout)
    data = _long_brief()
    sections = data["sections"]
    content = tmp_path / "content.yaml"

    def save() -> None:
        content.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")

    def same_lines() -> None:
        sections[13]["points"][0] = sections[13]["points"][0].replace("a", "e", 1)

    def added_figure() -> None:
        assert "chart" not in sections[1] and "table" not in sections[1]
        sections[1]["chart"] = {**_copy_of(CHART), "title": "A notional chart added early"}

    def added_table() -> None:
        assert "table" not in sections[0] and "chart" not in sections[0]
        sections[0]["table"] = {**_copy_of(TABLE), "caption": "A notional table added early"}

    def added_points() -> None:
        sentence = "A notional point added early, long enough to wrap onto more lines here. "
        sections[1]["points"][1:1] = [sentence * 3 for _ in range(6)]

    def taken_title() -> None:
        sections[2]["title"] = sections[8]["title"] = "A notional title taken twice"

    def figure_shown_often() -> None:
        data["figures"]["troops"]["value"] = 56500

    def added_key_figure() -> None:  # every figure below it moves down the file
        data["figures"] = {"notional_first": {"value": 7, "label": "A notional first"}}
        data["figures"].update(original_figures)

    def made_backup() -> None:
        sections[4]["backup"] = True

    def layout_file() -> None:
        design = layout.read_text(encoding="utf-8")
        assert "  gap: 8pt " in design
        layout.write_text(design.replace("  gap: 8pt ", "  gap: 10pt ", 1), encoding="utf-8")

    def deck_type() -> None:
        design = layout.read_text(encoding="utf-8")
        body = "  body:         {font: sans, style: regular, size: 20,"
        assert design.count(body) == 1
        layout.write_text(design.replace(body, body.replace("20", "22")), encoding="utf-8")

    def colours() -> None:  # nothing moves: every text and rule of its colour is drawn anew
        design = layout.read_text(encoding="utf-8")
        assert design.count('primary: "#14325C"') == 1
        layout.write_text(design.replace("#14325C", "#5C1432"), encoding="utf-8")

    edits = [same_lines, added_figure, added_table, added_points, taken_title]
    edits += [figure_shown_often, added_key_figure, made_backup, layout_file, deck_type]
    edits += [colours]
    original_figures = data["figures"]
    shown = sum("{{ figures.troops }}" in yaml.safe_dump(s) for s in sections)
    assert shown >= 4  # the figure is shown in several sections
    save()
    with Session() as session:
        states = rebuild_after_each(content, layout, tmp_path, session, edits, save)
    for warning in ("no layout font has", "continues over", "does not fit its card"):
        assert all(any(warning in w.message for w in state[3]) for state in states), warning
    for _name, _texts, products, _warnings in states:
        assert set(products) == {"deck.pptx", "deck.pdf", "brief.pdf"}, products.keys()
    assert_cold_builds_equal(states, content, layout, tmp_path)


@pytest.mark.parametrize("product", ["pdf", "slides"])
def test_a_warm_rebuild_warns_of_a_missing_character_in_a_kept_section(tmp_path, product):
    text = (REPO / "content.yaml").read_text(encoding="utf-8")
    assert text.count("Abe has had notable success") == 1
    content = write_brief(tmp_path, text.replace("- title: Strains", "- title: Strains \U0001f6f0"))
    with Session() as session:
        build(content, out_dir=tmp_path / "warm", products=(product,), session=session)
        content.write_text(
            content.read_text("utf-8").replace("Abe has had notable", "Abe has had some"), "utf-8"
        )
        warm = build(content, out_dir=tmp_path / "warm", products=(product,), session=session)
    cold = build(content, out_dir=tmp_path / "cold", products=(product,))
    assert any("no layout font has" in w.message for w in cold.warnings)
    assert warm.warnings == cold.warnings


def test_a_kept_section_notes_its_missing_characters_in_each_rebuilds_font_book(tmp_path):
    from alliancedeck.api import prepare
    from alliancedeck.compose.brief import compose_brief
    from alliancedeck.compose.deck import compose_deck
    from alliancedeck.fonts import font_book

    text = (REPO / "content.yaml").read_text(encoding="utf-8")
    text = text.replace("- title: Strains", "- title: \U0001f6f0")
    prepared = prepare(write_brief(tmp_path, text))
    with sessions.keeping():
        for _ in range(2):
            sessions.next_rebuild()
            for compose in (compose_brief, compose_deck):
                book = font_book(prepared.theme, prepared.content_dir)
                compose(prepared.doc, prepared.theme, book)
                assert "\U0001f6f0" in book.missing, compose.__name__
        pieces = sessions._PIECES
        assert pieces is not None
        assert pieces["brief-section"].reused and pieces["deck-section"].reused


def test_a_brief_numbering_figures_in_reading_order_is_the_same_built_in_a_session(
    tmp_path, monkeypatch
):
    """Its plan is made again with the numbers in reading order: a section's units set with
    the numbers in content order are not those."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = write_brief(tmp_path, moved_band_brief())
    cold = build(path, out_dir=tmp_path / "cold", products=("pdf",))
    with Session() as session:
        warm = build(path, out_dir=tmp_path / "warm", products=("pdf",), session=session)
    assert products_of(warm)["brief.pdf"] == products_of(cold)["brief.pdf"]


def _copy_of(value):
    """Return a deep copy of plain YAML data."""
    return yaml.safe_load(yaml.safe_dump(value))
