"""Composed slides: no two text-bearing boxes overlap, nothing enters the banner or footer bands,
and each slide carries one message (text with its block, captions kept, one closing slide)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alliancedeck.backends import RenderContext
from alliancedeck.compose.boxes import (
    ChartBox,
    PictureBox,
    Rect,
    TableBox,
    TextBox,
    collisions,
)
from alliancedeck.compose.deck import MAX_CARD_WIDTH, deck_geometry
from conftest import REPO
from model.strategies import briefs, texts

BRIEFS = Path(__file__).parent / "briefs"
PICTURE = REPO / "examples" / "blocks" / "notional-bars.png"
SAMPLES = [
    REPO / "content.yaml",
    REPO / "examples" / "blocks" / "content.yaml",
    BRIEFS / "crowded.yaml",
    BRIEFS / "overflow.yaml",
    REPO / "tests" / "briefing" / "cui.yaml",
]


def _deck(path: Path):
    from alliancedeck.api import prepare

    prepared = prepare(path)
    return deck_geometry(prepared.doc, prepared.theme, RenderContext(path.parent, 0))


def _write(folder: Path, content: dict) -> Path:
    path = folder / "content.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), "utf-8")
    return path


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name + "/" + p.name)
def test_no_box_collides_in_the_sample_decks(path):
    deck = _deck(path)
    assert collisions(deck) == []


def test_the_collision_check_sees_an_overlap_and_a_box_in_the_footer_band():
    from dataclasses import replace

    deck = _deck(REPO / "content.yaml")
    slide = deck.slides[1]
    points = next(b for b in slide.text_boxes if b.name == "Agenda")
    slide.boxes.append(replace(points, name="Intruder", y=points.y + 2))
    slide.boxes.append(replace(points, name="Low", y=deck.height - 30, h=10))
    found = collisions(deck)
    assert any("Intruder" in c and "overlaps" in c for c in found)
    assert any("Low enters the banner or footer band" in c for c in found)


# --- generated briefs ----------------------------------------------------------------------

long_titles = st.lists(texts(8), min_size=1, max_size=4).map(lambda t: " ".join(t)[:400].strip())
statements = st.sampled_from(
    [
        "A",
        {
            "statement": "D",
            "reason": "Critical Technology",
            "date": "2024-06-01",
            "controlling_office": "the Notional Office of a long name for plans",
        },
        "Distribution: notional free text " * 6,
    ]
)


@st.composite
def blocks(draw: st.DrawFn) -> dict[str, Any]:
    """Return the block keys of a section: a chart, a table, a timeline or a picture."""
    kind = draw(st.sampled_from(["chart", "table", "timeline", "image"]))
    if kind == "image":  # the example's picture, copied beside the content by the test
        image = {"path": PICTURE.name, "alt": "A notional picture"}
        if draw(st.booleans()):
            image["caption"] = draw(texts(8))
        if draw(st.booleans()):
            image["source"] = draw(texts(6))
        return {"image": image}
    if kind == "chart":
        count = draw(st.integers(1, 6))
        chart: dict[str, Any] = {
            "type": draw(st.sampled_from(["bar", "column", "stacked", "line", "pie"])),
            "categories": [f"C{i}" for i in range(count)],
            "series": [{"name": "Notional", "values": [float(i + 1) for i in range(count)]}],
        }
        if draw(st.booleans()):
            chart["title"] = draw(texts(8))
        if draw(st.booleans()):
            chart["source"] = draw(texts(8))
        return {"chart": chart}
    if kind == "table":
        rows = draw(st.integers(1, 30))
        table: dict[str, Any] = {
            "columns": ["Name", "Count"],
            "rows": [[draw(texts(4)), float(i) + 0.5 * (i % 2)] for i in range(rows)],
        }
        if draw(st.booleans()):
            table["caption"] = draw(texts(8))
        if draw(st.booleans()):
            table["source"] = draw(texts(6))
        return {"table": table}
    entries = draw(st.integers(1, 8))
    return {"timeline": [{"date": str(2000 + i), "text": draw(texts(6))} for i in range(entries)]}


@st.composite
def crowded_briefs(draw: st.DrawFn) -> dict[str, Any]:
    """Return a brief with long titles, any meta field, CUI markings and blocks."""
    content = draw(briefs())
    meta = content["meta"]
    meta["title"] = draw(long_titles)
    for key in ("subtitle", "organization", "product_id", "poc", "short_title"):
        if draw(st.booleans()):
            meta[key] = draw(texts(10))
    if draw(st.booleans()):
        meta["authors"] = draw(st.lists(texts(3), min_size=1, max_size=4))
    if draw(st.booleans()):
        meta["date"] = "2024-06-01"
    if draw(st.booleans()):
        meta["classification"] = "CUI"
        meta["cui"] = {
            "controlled_by": "Notional Office",
            "category": "OPSEC",
            "dissemination": "FEDCON",
            "distribution": "D",
            "poc": "C. Controller, 555-0101",
        }
        for section in content["sections"]:
            section.pop("marking", None)
    meta["distribution"] = draw(statements)
    for section in content["sections"]:
        if draw(st.booleans()):
            section.update(draw(blocks()))
    if draw(st.booleans()):
        content["sections"][0]["bluf"] = True
    return content


#: Found by the property below: a row of cards so tall that under it less than one line of the
#: section's points fit; the points were set there anyway, into the footer.
TALL_CARDS = yaml.safe_load(
    (Path(__file__).parent / "found" / "tall-cards.yaml").read_text(encoding="utf-8")
)
#: Found by it too: a bottom line up front whose three cards, one with a long label and a
#: display that wraps, made a row taller than the slide's body; the row entered the footer.
TALL_BLUF_ROW = yaml.safe_load(
    (Path(__file__).parent / "found" / "tall-bluf-row.yaml").read_text(encoding="utf-8")
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(crowded_briefs())
@example(TALL_CARDS)
@example(TALL_BLUF_ROW)
def test_no_box_collides_in_any_brief(tmp_path, content):
    shutil.copy(PICTURE, tmp_path / PICTURE.name)
    deck = _deck(_write(tmp_path, content))
    assert collisions(deck) == [], content


def _cards_deck(folder: Path, figures: dict, bluf: list[str], bluf_title: str = "Bottom line"):
    """Return the deck of a notional brief defining `figures`: a bottom line up front titled
    `bluf_title` with one point and the cards of `bluf`, then a section of one point (the
    other figures go on the key figures)."""
    content = {
        "meta": {"title": "Notional cards", "classification": "UNCLASSIFIED"},
        "figures": figures,
        "sections": [
            {"title": bluf_title, "bluf": True, "points": ["A notional point."], "figures": bluf},
            {"title": "Notional section", "points": ["Another point."]},
        ],
    }
    return _deck(_write(folder, content))


def _shown(deck, title: str) -> list[list[str]]:
    """Return, for each slide whose title starts with `title`, its cards and points by name."""
    return [
        [b.name for b in s.boxes if b.name.startswith(("Card f", "Points"))]
        for s in deck.slides
        if s.title.startswith(title)
    ]


def _long_labels(count: int, length: int, **fields: str) -> dict:
    """Return `count` notional figures whose labels are `length` characters long."""
    label = " ".join(["a notional label of many words"] * 15)[:length]
    return {f"f{n}": {"value": n, "label": label, **fields} for n in range(1, count + 1)}


def _card_rows(deck, title: str) -> list[list[int]]:
    """Return, for each slide whose title starts with `title`, how many cards stand in each of
    its rows, top to bottom."""
    shown = []
    for slide in deck.slides:
        if slide.title.startswith(title):
            rows: dict[float, int] = {}
            for box in slide.boxes:
                if isinstance(box, Rect) and box.name.startswith("Card f"):
                    rows[round(box.y, 1)] = rows.get(round(box.y, 1), 0) + 1
            shown.append([rows[top] for top in sorted(rows)])
    return shown


@pytest.mark.parametrize(
    ("count", "length", "rows"),
    [
        (9, 20, [[3, 3, 3]]),  # not 4 + 4 + 1
        (16, 20, [[4, 4], [4, 4]]),  # not 12 on one slide and 4 on the next
        (13, 20, [[4, 3], [4, 2]]),  # not 12 and then 1 alone
        (25, 20, [[3, 3, 3], [3, 3, 2], [3, 3, 2]]),  # in rows of three: not 12 + 12 + 1
        (20, 20, [[4, 4, 4], [4, 4]]),  # full rows, as even as they go: kept
        (10, 60, [[3, 2], [3, 2]]),  # two-line labels: not 8 and then 2
        (7, 400, [[3], [2], [2]]),  # a row a slide: not 3, 3 and then 1 alone
    ],
)
def test_key_figures_are_spread_evenly_over_rows_and_slides(tmp_path, count, length, rows):
    """Key figures over several slides are spread over them as evenly as can be, in the most
    columns that leave no card alone in a row; no card stands alone on a slide."""
    content = {
        "meta": {"title": "Notional cards", "classification": "UNCLASSIFIED"},
        "figures": _long_labels(count, length),
        "sections": [{"title": "Notional section", "points": ["A notional point."]}],
    }
    deck = _deck(_write(tmp_path, content))
    assert _card_rows(deck, "Key figures") == rows
    shown = [name for slide in _shown(deck, "Key figures") for name in slide]
    assert shown == [f"Card f{n}" for n in range(1, count + 1)]  # each once, in order
    assert collisions(deck) == []


@pytest.mark.parametrize(("count", "rows"), [(6, [[3, 3]]), (9, [[3, 3], [3]])])
def test_the_cards_of_a_section_stand_in_even_rows(tmp_path, count, rows):
    """A section's six cards stand three and three (not four and two), nine in rows of three
    over two slides (not eight and then one alone)."""
    deck = _cards_deck(tmp_path, _long_labels(count, 20), [f"f{n}" for n in range(1, count + 1)])
    assert _card_rows(deck, "Bottom line") == rows
    assert collisions(deck) == []


def test_cards_too_tall_side_by_side_take_fewer_wider_columns(tmp_path):
    """Cards whose texts make a row taller than the slide's body are set in fewer, wider
    columns, or across the whole body when even one card of the usual width is too tall;
    on the bottom line up front and on the key figures alike, every card stays above the
    footer and each figure is shown once."""
    deck = _cards_deck(
        tmp_path,
        _long_labels(6, 400, display="notional " * 6 + "value"),
        ["f1", "f2", "f3"],
        "A notional bottom line whose title runs over three lines of the slide before its "
        "cards, which leaves them much less room than a short title would leave them, and "
        "less than one card of the usual width needs",
    )
    assert collisions(deck) == []
    cards: dict[str, list[Rect]] = {}
    for slide in deck.slides:
        for box in slide.boxes:
            if isinstance(box, Rect) and box.name.startswith("Card f"):
                assert box.y + box.h <= deck.body_bottom, (slide.title, box.name)
                cards.setdefault(slide.kind, []).append(box)
    names = sorted(box.name for kind in cards.values() for box in kind)
    assert names == [f"Card f{n}" for n in range(1, 7)]
    # The bottom line's three cards: two a row, sharing the body's width (wider than any card
    # of the usual grid), the text under the first row, the third card on the next slide.
    assert all(box.w > MAX_CARD_WIDTH for box in cards["section"])
    assert _shown(deck, "A notional bottom") == [["Points", "Card f1", "Card f2"], ["Card f3"]]
    # The key figures (three): two side by side sharing the body's width, rather than three,
    # and the third as wide as they are on the next slide.
    rows = [
        sorted(round(b.x) for b in s.boxes if b.name.startswith("Card f"))
        for s in deck.slides
        if s.kind == "figures"
    ]
    assert [len(row) for row in rows] == [2, 1]
    assert rows[0][1] - rows[0][0] > MAX_CARD_WIDTH  # side by side, not stacked
    assert len({box.w for box in cards["figures"]}) == 1
    assert cards["figures"][0].w > MAX_CARD_WIDTH


@pytest.mark.parametrize("count", [4, 8])
def test_text_comes_first_when_its_cards_fill_their_slide(tmp_path, count):
    """Rows of four cards as tall as the body (one row, or two on two slides) leave the
    section's text no room under them: the text comes first, on a slide of its own, and the
    cards follow whole; nothing enters the footer."""
    figures = _long_labels(count, 320)
    deck = _cards_deck(tmp_path, figures, list(figures))
    assert collisions(deck) == []
    slides = [s for s in deck.slides if s.title.startswith("Bottom line")]
    shown = _shown(deck, "Bottom line")
    rows = [[f"Card f{n}" for n in range(start, start + 4)] for start in range(1, count, 4)]
    assert shown == [["Points"], *rows]
    points = next(b for b in slides[0].boxes if b.name == "Points")
    assert points.text == "A notional point."
    for slide in slides[1:]:
        cards = [b for b in slide.boxes if isinstance(b, Rect) and b.name.startswith("Card f")]
        assert max(b.y + b.h for b in cards) <= deck.body_bottom
        assert max(b.h for b in cards) > 0.8 * (deck.body_bottom - cards[0].y)  # they fill it


def test_tall_cards_are_set_in_even_rows_and_warn_only_of_the_width_they_are_drawn_at(
    tmp_path,
):
    """Four cards too tall for a row of four (or of three) are set two and two, sharing the
    body's width, not three and one; a value that wraps only at the narrower widths tried
    first is not reported as too long."""
    figures = _long_labels(4, 350, display="54,000 notional personnel")
    deck = _cards_deck(tmp_path, figures, list(figures))
    assert collisions(deck) == []
    slides = [s for s in deck.slides if s.title.startswith("Bottom line")]
    shown = _shown(deck, "Bottom line")
    assert shown == [["Points", "Card f1", "Card f2"], ["Card f3", "Card f4"]]
    cards = [b for s in slides for b in s.boxes if isinstance(b, Rect) and b.name[:6] == "Card f"]
    assert all(b.w > MAX_CARD_WIDTH for b in cards)
    values = [b for s in slides for b in s.boxes if isinstance(b, TextBox) and b.role == "figure"]
    assert all(len(b.paragraphs[0].lines) == 1 for b in values)  # each value on one line
    assert not [w for w in deck.warnings if "does not fit its card" in str(w)], deck.warnings


def test_text_skips_at_most_one_slide_per_figure():
    """The text skips the slides its cards fill (above) up to a bound that no brief reaches:
    one slide per figure a brief may have."""
    from alliancedeck.compose.deck import MOST_FILLED_SLIDES
    from alliancedeck.model import MAX_FIGURES

    assert MOST_FILLED_SLIDES >= MAX_FIGURES


# --- one message per slide -----------------------------------------------------------------


def test_a_section_text_and_its_chart_share_a_slide(tmp_path):
    section = {
        "title": "Notional spending",
        "lead": "Notional spending rose every year.",
        "points": ["A notional point.", "Another notional point."],
        "chart": {
            "type": "column",
            "title": "Notional spending by year",
            "categories": ["2022", "2023"],
            "series": [{"name": "Notional", "values": [1.5, 2.0]}],
            "source": "Notional data",
        },
    }
    deck = _deck(_write(tmp_path, {"meta": {"title": "Notional"}, "sections": [section]}))
    slides = [s for s in deck.slides if s.title.startswith("Notional spending")]
    assert len(slides) == 1
    boxes = slides[0].boxes
    texts = {b.name: b for b in boxes if isinstance(b, TextBox)}
    chart = next(b for b in boxes if isinstance(b, ChartBox))
    assert texts["Caption"].text == "Notional spending by year"
    assert texts["Caption"].y + texts["Caption"].h <= chart.y
    source = texts["Source"]
    assert source.text == "Source: Notional data" and 0 <= source.y - (chart.y + chart.h) <= 8


def test_a_block_that_opens_a_section_keeps_its_caption_with_its_source_under_it(tmp_path):
    table = {
        "caption": "Notional sites by region (notional, as of June 2024)",
        "columns": ["Region", "Sites"],
        "rows": [["North", 12], ["South", 9]],
        "source": "Notional survey",
    }
    section = {"title": "Notional sites", "table": table}
    deck = _deck(_write(tmp_path, {"meta": {"title": "Notional"}, "sections": [section]}))
    slide = next(s for s in deck.slides if s.title == "Notional sites")
    texts = {b.name: b for b in slide.text_boxes}
    table_box = next(b for b in slide.boxes if isinstance(b, TableBox))
    assert texts["Caption"].text == table["caption"]
    assert texts["Caption"].y + texts["Caption"].h <= table_box.y
    assert 0 <= texts["Source"].y - (table_box.y + table_box.h) <= 8


def test_cards_never_make_a_continued_slide_of_their_own(tmp_path):
    figures = {f"f{i}": {"value": i + 1, "label": f"notional figure {i}"} for i in range(8)}
    section = {"title": "Alpha", "points": ["a notional point"] * 3, "figures": list(figures)}
    other = {"title": "Beta", "points": ["one"]}
    content = {"meta": {"title": "N"}, "figures": figures, "sections": [other, section]}
    deck = _deck(_write(tmp_path, content))
    alpha = [s for s in deck.slides if s.title.startswith("Alpha")]
    for slide in alpha[1:]:
        assert any(b.name == "Points" for b in slide.text_boxes) or any(
            isinstance(b, TableBox | ChartBox | PictureBox) for b in slide.boxes
        ), slide.title
    shown = [b.name for s in alpha for b in s.text_boxes if b.role == "figure"]
    assert sorted(shown) == sorted(f"Figure {f}" for f in figures)


def test_a_questions_section_is_the_one_closing_slide_with_the_poc_line_by_line(tmp_path):
    poc = {"name": "D. Notional", "office": "Plans", "phone": "555-0100", "email": "d@x.test"}
    sections = [
        {"title": "Alpha", "points": ["one"]},
        {"title": "Questions", "points": ["What is notional?"]},
        {"title": "Beta", "points": ["two"], "backup": True},
    ]
    content = {"meta": {"title": "N", "poc": poc}, "sections": sections}
    deck = _deck(_write(tmp_path, content))
    closing = [s for s in deck.slides if s.kind == "closing"]
    assert len(closing) == 1 and [s.title for s in deck.slides].count("Questions") == 1
    slide = closing[0]
    assert deck.slides.index(slide) < [s.title for s in deck.slides].index("Backup 1: Beta")
    contact = next(b for b in slide.text_boxes if b.name == "Contact")
    assert [p.text for p in contact.paragraphs][1:5] == list(poc.values())
    assert "What is notional?" in next(b for b in slide.text_boxes if b.name == "Points").text


def test_a_bluf_with_every_figure_follows_the_title_and_drops_key_figures(tmp_path):
    figures = {"a": {"value": 1, "label": "notional a"}, "b": {"value": 2, "label": "notional b"}}
    sections = [
        {"title": "Alpha", "points": ["one"]},
        {"title": "Bottom line", "bluf": True, "points": ["two"], "figures": ["a", "b"]},
        {"title": "Gamma", "points": ["three"]},
    ]
    content = {"meta": {"title": "N"}, "figures": figures, "sections": sections}
    titles = [s.title for s in _deck(_write(tmp_path, content)).slides]
    assert titles[1] == "Bottom line" and "Key figures" not in titles


def test_message_titles_put_the_lead_in_the_title_and_the_topic_above(tmp_path):
    layout = (REPO / "layouts" / "default.yaml").read_text(encoding="utf-8")
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "message.yaml").write_text(
        layout.replace("titles: topic", "titles: message"), encoding="utf-8"
    )
    section = {"title": "Notional posture", "lead": "Posture holds.", "points": ["one"]}
    content = {"meta": {"title": "N", "layout": "message"}, "sections": [section]}
    deck = _deck(_write(tmp_path, content))
    slide = next(s for s in deck.slides if s.title == "Posture holds.")
    kicker = next(b for b in slide.text_boxes if b.name == "Kicker")
    assert kicker.text == "Notional posture" and kicker.y + kicker.h <= slide.title_box.y
    assert kicker.paragraphs[0].font.size < slide.title_box.paragraphs[0].font.size


def test_bullets_and_leads_stay_at_briefing_size_and_the_section_continues(tmp_path):
    points = [
        f"Notional point {i} that runs on for a while to fill a line or two." for i in range(30)
    ]
    section = {"title": "Long", "lead": "A notional lead.", "points": points}
    deck = _deck(_write(tmp_path, {"meta": {"title": "N"}, "sections": [section]}))
    sizes = [
        p.font.size
        for s in deck.slides
        for b in s.text_boxes
        if b.role == "body"
        for p in b.paragraphs
    ]
    assert min(sizes) >= 18
    assert sum(s.title.startswith("Long") for s in deck.slides) > 1


def test_a_crowded_title_slide_drops_optional_lines_in_order_with_warnings(tmp_path):
    statement = "Distribution: a notional statement that runs on at length. " * 60
    meta = {
        "title": ("A notional title " * 20).strip(),
        "subtitle": "A notional subtitle",
        "authors": ["A. Notional"],
        "organization": "Notional Office",
        "date": "2024-06-01",
        "poc": "D. Notional",
        "product_id": "NOTIONAL-1",
        "distribution": statement.strip(),
    }
    deck = _deck(_write(tmp_path, {"meta": meta, "sections": [{"title": "S"}]}))
    assert collisions(deck) == []
    title_slide = deck.slides[0]
    shown = [b.text for b in title_slide.text_boxes]
    messages = [w.message for w in deck.warnings if "title slide has no room" in w.message]
    dropped = [m.split("its ")[1].split(" line")[0] for m in messages]
    # Lines go in the documented order: POC, organization (there are authors), product id...
    assert dropped == ["poc", "organization", "product id", "subtitle"][: len(dropped)]
    located = [w.location for w in deck.warnings if "title slide has no room" in w.message]
    assert dropped and all(where.line == 2 for where in located)  # at meta.title
    assert "A. Notional" in shown and not any("D. Notional" in t for t in shown)


def test_card_values_in_a_row_share_one_size_on_one_line_each(tmp_path):
    figures = {
        "a": {"value": 48500000, "display": "$48.5 million", "label": "notional a"},
        "b": {"value": 12, "label": "notional b"},
        "c": {"value": 3, "display": "$1.25 billion a year", "label": "notional c"},
    }
    content = {"meta": {"title": "N"}, "figures": figures, "sections": [{"title": "S"}]}
    deck = _deck(_write(tmp_path, content))
    values = [b.paragraphs[0] for b in deck.slides[1].text_boxes if b.role == "figure"]
    assert len(values) == 3
    assert len({p.font.size for p in values}) == 1
    assert all(len(p.lines) == 1 for p in values)


def test_long_sources_are_grouped_by_section_in_two_columns(tmp_path):
    sections = [
        {
            "title": f"Section {n}",
            "points": ["p"],
            "sources": [f"Notional source {n}.{i}" for i in range(8)],
        }
        for n in range(4)
    ]
    deck = _deck(_write(tmp_path, {"meta": {"title": "N"}, "sections": sections}))
    slide = next(s for s in deck.slides if s.title == "Sources")
    columns = [b for b in slide.text_boxes if b.name == "Sources"]
    assert len(columns) == 2 and columns[0].x + columns[0].w < columns[1].x
    headings = [p.text for b in columns for p in b.paragraphs if p.font.bold]
    assert headings[:2] == ["Section 0", "Section 1"]
    assert min(p.font.size for b in columns for p in b.paragraphs) >= 14


def test_a_bluf_with_some_figures_leaves_the_others_to_more_key_figures(tmp_path):
    figures = {"a": {"value": 1, "label": "notional a"}, "b": {"value": 2, "label": "notional b"}}
    sections = [
        {"title": "Bottom line", "bluf": True, "points": ["two"], "figures": ["a"]},
        {"title": "Gamma", "points": ["three"]},
    ]
    content = {"meta": {"title": "N"}, "figures": figures, "sections": sections}
    deck = _deck(_write(tmp_path, content))
    more = next(s for s in deck.slides if s.title == "More key figures")
    assert [b.name for b in more.text_boxes if b.role == "figure"] == ["Figure b"]
    assert "Key figures" not in [s.title for s in deck.slides]


def test_a_section_of_cards_only_lays_them_in_a_row_of_readable_width(tmp_path):
    figures = {"a": {"value": 1, "label": "notional a"}, "b": {"value": 2, "label": "notional b"}}
    sections = [{"title": "Alpha", "points": ["one"]}, {"title": "Cards", "figures": ["a", "b"]}]
    content = {"meta": {"title": "N"}, "figures": figures, "sections": sections}
    deck = _deck(_write(tmp_path, content))
    slide = next(s for s in deck.slides if s.title == "Cards")
    cards = [b for b in slide.boxes if getattr(b, "name", "") in ("Card a", "Card b")]
    assert len(cards) == 2 and cards[0].y == cards[1].y  # one row, from the top
    assert all(card.w <= 320 for card in cards)
    assert cards[0].y - slide.title_box.y < 80


def _listing(slide) -> TextBox | None:
    return next((b for b in slide.text_boxes if b.name == "Sources"), None)


SOURCED = {"title": "Alpha", "points": ["A notional point."], "sources": ["Notional source A"]}
#: A closing section whose points fill the closing slide: no room left for a Sources list.
FULL_CLOSING = {
    "title": "Questions",
    "points": [f"A notional question {n} long enough to take two lines " * 2 for n in range(11)],
}


def test_a_short_sources_list_goes_on_the_closing_slide_above_the_markings(tmp_path):
    meta = {"title": "N", "distribution": {"statement": "A"}}
    deck = _deck(_write(tmp_path, {"meta": meta, "sections": [SOURCED]}))
    assert not [s for s in deck.slides if s.kind == "sources"]
    closing = deck.slides[-1]
    listing = _listing(closing)
    assert closing.kind == "closing" and listing is not None
    assert [p.text for p in listing.paragraphs] == ["Alpha", "Notional source A"]
    assert min(p.font.size for p in listing.paragraphs) >= 14
    heading = next(b for b in closing.text_boxes if b.name == "Sources heading")
    contact = next(b for b in closing.text_boxes if b.name == "Contact")
    statement = next(b for b in closing.text_boxes if b.name == "Distribution")
    assert contact.y + contact.h < heading.y < listing.y
    assert listing.y + listing.h < statement.y
    assert not collisions(deck)


def test_a_short_sources_list_goes_under_the_last_section_when_the_closing_slide_is_full(
    tmp_path,
):
    deck = _deck(_write(tmp_path, {"meta": {"title": "N"}, "sections": [SOURCED, FULL_CLOSING]}))
    assert not [s for s in deck.slides if s.kind == "sources"]
    assert _listing(deck.slides[-1]) is None
    alpha = next(s for s in deck.slides if s.title == "Alpha")
    listing = _listing(alpha)
    points = next(b for b in alpha.text_boxes if b.name == "Points")
    assert listing is not None and listing.y > points.y + points.h
    assert "Notional source A" in listing.text
    assert not collisions(deck)


def test_a_sources_slide_only_when_no_other_slide_can_hold_the_list(tmp_path):
    full = dict(
        SOURCED, points=[f"A notional point {n} that is long enough " * 3 for n in range(6)]
    )
    deck = _deck(_write(tmp_path, {"meta": {"title": "N"}, "sections": [full, FULL_CLOSING]}))
    sources = [s for s in deck.slides if s.kind == "sources"]
    assert [s.title for s in sources] == ["Sources"]
    assert not any(_listing(s) for s in deck.slides if s.kind != "sources")
    assert "Notional source A" in _listing(sources[0]).text
    assert not collisions(deck)


@pytest.mark.parametrize("count", [3, 5, 7, 9, 11])
def test_the_closing_slide_sets_its_points_as_it_would_without_the_sources(tmp_path, count):
    closing = dict(FULL_CLOSING, points=FULL_CLOSING["points"][:count])
    unsourced = {k: v for k, v in SOURCED.items() if k != "sources"}
    sizes = []
    for name, alpha in (("with", SOURCED), ("without", unsourced)):
        (tmp_path / name).mkdir()
        content = {"meta": {"title": "N"}, "sections": [alpha, closing]}
        slide = _deck(_write(tmp_path / name, content)).slides[-1]
        points = next(b for b in slide.text_boxes if b.name == "Points")
        sizes.append([(p.text, p.font.size) for p in points.paragraphs])
    assert sizes[0] == sizes[1]


def test_a_short_list_of_several_sections_sits_in_two_columns_on_the_closing_slide(tmp_path):
    sections = [
        {"title": f"Section {n}", "points": ["p"], "sources": [f"Notional source {n}"]}
        for n in range(4)
    ]
    deck = _deck(_write(tmp_path, {"meta": {"title": "N"}, "sections": sections}))
    assert not [s for s in deck.slides if s.kind == "sources"]
    listings = [b for b in deck.slides[-1].text_boxes if b.name == "Sources"]
    assert len(listings) == 2 and listings[0].x + listings[0].w < listings[1].x
    assert listings[0].y == listings[1].y
    texts = [p.text for b in listings for p in b.paragraphs]
    assert texts == [t for n in range(4) for t in (f"Section {n}", f"Notional source {n}")]
    for box in listings:  # a section's title never ends a column
        assert not box.paragraphs[-1].font.bold
    assert not collisions(deck)


def test_blocks_continued_after_a_section_text_number_their_slides_once(tmp_path):
    events = [{"date": str(1990 + i), "text": f"Notional event {i}"} for i in range(10)]
    rows = [[f"Region {i}", i] for i in range(40)]
    sections = [
        {"title": "Milestones", "points": ["A notional point."], "timeline": events},
        {
            "title": "Sites",
            "points": ["A notional point."],
            "table": {"columns": ["R", "N"], "rows": rows},
        },
    ]
    deck = _deck(_write(tmp_path, {"meta": {"title": "N"}, "sections": sections}))
    for name in ("Milestones", "Sites"):
        titles = [s.title for s in deck.slides if s.title.startswith(name)]
        assert len(titles) >= 3
        assert titles == [name, f"{name} (cont.)"] + [
            f"{name} (cont. {n})" for n in range(2, len(titles))
        ]
