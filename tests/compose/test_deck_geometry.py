"""Slide geometry: every box inside the slide, nothing under the footer, no text dropped."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliancedeck.backends import RenderContext
from alliancedeck.compose.boxes import TextBox
from alliancedeck.compose.deck import deck_geometry
from conftest import REPO, write_brief
from external import require


def _deck(path):
    from alliancedeck.api import prepare

    prepared = prepare(path)
    return deck_geometry(prepared.doc, prepared.theme, RenderContext(path.parent, 0))


def _body_boxes(deck):
    return [
        b
        for s in deck.slides
        for b in s.boxes
        if isinstance(b, TextBox) and b.role in ("body", "source")
    ]


def test_default_deck_boxes_hold_their_text_and_stay_above_the_footer():
    deck = _deck(REPO / "content.yaml")
    for slide in deck.slides:
        footer = next(b for b in slide.boxes if getattr(b, "name", "") == "Footer")
        for box in slide.text_boxes:
            assert box.x >= 0 and box.x + box.w <= deck.width + 0.01
            assert box.y >= 0 and box.y + box.h <= deck.height + 0.01
            assert box.content_height <= box.h + 0.01, (slide.title, box.name)
            if box.role in ("body", "title", "figure"):
                assert box.y + box.h <= footer.y, (slide.title, box.name)


def test_a_long_title_wraps_then_shrinks_and_is_never_clipped(tmp_path):
    title = "A notional title " + "that goes on and on about the alliance " * 4
    path = write_brief(
        tmp_path,
        f"""
        meta:
          title: Notional
        sections:
          - title: {title.strip()}
            points: [one]
        """,
    )
    deck = _deck(path)
    box = deck.slides[1].title_box
    paragraph = box.paragraphs[0]
    assert " ".join(paragraph.lines) == title.strip()
    assert box.content_height <= box.h + 0.01
    assert paragraph.font.size >= 22
    assert any("title" in str(w) for w in deck.warnings)


point_text = (
    st.text(alphabet=st.sampled_from("abcdefghij klmnop. QRST,-"), min_size=1, max_size=400)
    .map(str.strip)
    .filter(lambda t: any(c.isalpha() for c in t))
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(point_text, min_size=1, max_size=30))
def test_any_section_flows_over_slides_without_losing_a_character(tmp_path, points):
    lines = "".join(
        f"      - {p!r}\n".replace("'", '"') if '"' not in p else f"      - '{p}'\n" for p in points
    )
    path = write_brief(
        tmp_path, "meta:\n  title: Notional\nsections:\n  - title: Notional\n    points:\n" + lines
    )
    deck = _deck(path)
    body = "".join(p.text for b in _body_boxes(deck) for p in b.paragraphs)
    assert body.replace(" ", "") == "".join(points).replace(" ", "")
    for box in _body_boxes(deck):
        assert box.content_height <= box.h + 0.01
        for paragraph in box.paragraphs:
            assert paragraph.font.size >= 14


def _write(folder, content: dict):
    import yaml

    path = folder / "content.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def test_a_backup_section_that_overflows_into_cards_and_blocks_keeps_titles_and_tags(tmp_path):
    figures = {f"f{i}": {"value": i + 1, "label": f"notional figure {i}"} for i in range(10)}
    chart = {"type": "column", "categories": ["2019", "2020"]}
    chart["series"] = [{"name": "Notional", "values": [1, 2]}]
    alpha = {"title": "Alpha", "backup": True, "points": ["a notional point", "another"]}
    alpha |= {"figures": list(figures), "chart": chart}
    main = {"title": "Main", "points": ["one"]}
    path = _write(
        tmp_path, {"meta": {"title": "Notional"}, "figures": figures, "sections": [main, alpha]}
    )
    deck = _deck(path)
    alpha_slides = [s for s in deck.slides if "Alpha" in s.title]
    titles = [s.title for s in alpha_slides]
    assert len(alpha_slides) >= 2 and len(set(titles)) == len(titles), titles
    shown = [b.name for s in alpha_slides for b in s.text_boxes if b.role == "figure"]
    assert sorted(shown) == sorted(f"Figure {f}" for f in figures)  # every card, once
    for slide in alpha_slides:
        assert any(getattr(b, "name", "") == "Backup tag" for b in slide.boxes), slide.title


def test_every_card_of_a_grid_gets_the_height_its_label_needs(tmp_path):
    labels = ["short"] * 4 + ["a notional label that is much longer than the others " * 2]
    figures = {f"f{i}": {"value": i + 1, "label": label.strip()} for i, label in enumerate(labels)}
    main = {"title": "Main", "points": ["one"]}
    path = _write(tmp_path, {"meta": {"title": "Notional"}, "figures": figures, "sections": [main]})
    deck = _deck(path)
    assert not [w for w in deck.warnings if "crowded" in w.message]
    cards = [b for s in deck.slides for b in s.text_boxes if b.role == "figure"]
    assert len(cards) == len(labels)
    for box in cards:
        assert box.paragraphs[1].font.size == 16, (box.name, box.paragraphs[1].font.size)


def test_a_paragraph_split_over_slides_gains_no_space_and_loses_no_character(tmp_path):
    from alliancedeck.fonts import find_font_file

    try:
        find_font_file("ipaexg.ttf")  # the Japanese text is drawn in the fallback font
    except Exception:
        require("fonts-ipaexfont")  # skips (or fails in CI) with the install hint
    sentence_cut = "日米同盟は、アジアにおける米国の役割の要である。" * 40
    line_cut = "同盟" * 900  # no sentence end: split between lines
    quoted = 'He said "notional." ' * 120
    main = {"title": "Main", "points": [sentence_cut, line_cut, quoted.strip()]}
    path = _write(tmp_path, {"meta": {"title": "Notional", "language": "ja"}, "sections": [main]})
    deck = _deck(path)
    texts = [
        p.text
        for s in deck.slides
        if s.title.startswith("Main")
        for b in s.text_boxes
        if b.name == "Points"
        for p in b.paragraphs
    ]
    joined = "".join(texts)
    assert sentence_cut in joined and line_cut in joined.replace(sentence_cut, "")
    assert " ".join(texts).count('"notional."') == 120


def test_a_slide_region_lower_than_one_line_still_ends(tmp_path):
    from alliancedeck.api import prepare
    from alliancedeck.compose.deck import DeckBuilder, Region, _Item
    from alliancedeck.fonts import font_book

    prepared = prepare(REPO / "content.yaml")
    builder = DeckBuilder(prepared.doc, prepared.theme, font_book(prepared.theme, REPO))
    item = _Item("a notional point " * 5, "body", 0, bullet=True)
    pages = builder.flow([item], lambda _index: Region(0, 0, 400, 10), 20.0)
    assert "".join("".join(p.lines) for page in pages for p in page).replace(" ", "") == (
        item.text.replace(" ", "")
    )


LONG_EVENT = "A notional event described at far greater length than a timeline allows. " * 8
TIMELINES = {
    "long events": [{"date": str(1950 + i), "text": LONG_EVENT.strip()} for i in range(5)],
    # One event longer than a slide holds even alone (the model allows 5,000 characters).
    "an event taller than a slide": [
        {"date": "1950", "text": "A short notional event."},
        {"date": "Late 1951", "text": ("A notional sentence of an endless event. " * 120).strip()},
        {"date": "1952", "text": "x" * 4_000},  # no sentence end: cut between lines
    ],
    "many events": [{"date": str(1800 + i), "text": f"Notional event {i}"} for i in range(200)],
}


@pytest.mark.parametrize("name", list(TIMELINES))
def test_a_timeline_too_long_for_its_slide_continues_with_every_event(tmp_path, name):
    timeline = TIMELINES[name]
    # A long section title: the continuation slides' titles take two lines.
    title = "Notional milestones of a long and eventful notional history of the alliance"
    section = {"title": title, "lead": "A notional lead over the timeline.", "timeline": timeline}
    path = _write(tmp_path, {"meta": {"title": "Notional"}, "sections": [section]})
    deck = _deck(path)
    assert not [w for w in deck.warnings if "timeline" in w.message]
    slides = [s for s in deck.slides if s.title.startswith(title[:40])]
    assert len(slides) > 1 and any("(cont" in s.title for s in slides)
    dates, texts, counts = [], [], []
    for slide in slides:
        bottom = min(b.y for b in slide.boxes if getattr(b, "name", "") == "Footer rule")
        events = sorted(
            (b for b in slide.text_boxes if b.name in ("Timeline date", "Timeline event")),
            key=lambda b: (b.x, b.name),
        )
        assert events
        counts.append(sum(b.name == "Timeline date" for b in events))
        for box in events:
            assert box.y + box.h <= bottom, (slide.title, box.name)  # nothing under the footer
            assert box.content_height <= box.h + 0.01
            assert min(p.font.size for p in box.paragraphs) >= 14  # the layout's smallest
            text = " ".join(p.text for p in box.paragraphs)
            (dates if box.name == "Timeline date" else texts).append(text)
    assert min(counts) >= max(counts) // 2  # shared out evenly: no lone event at the end
    # Every event, whole and in order; a cut event continues under its date marked (cont.).
    written = [str(e["date"]) for e in timeline]
    assert [d for d in dates if "(cont." not in d] == written
    assert all(d.count("(cont.") <= 1 for d in dates)  # "(cont. 2)", not "(cont.) (cont.)"
    joined = "".join("".join(t.split()) for t in texts)
    assert joined == "".join("".join(e["text"].split()) for e in timeline)


def test_a_short_timeline_sits_on_one_slide_without_warnings(tmp_path):
    short = {"title": "Milestones", "timeline": [{"date": "1951", "text": "Notional"}]}
    path = _write(tmp_path, {"meta": {"title": "Notional"}, "sections": [short]})
    deck = _deck(path)
    assert not [w for w in deck.warnings if "timeline" in w.message]
    assert sum(s.title.startswith("Milestones") for s in deck.slides) == 1


def test_a_point_never_ends_a_slide_apart_from_its_first_sub_point():
    deck = _deck(REPO / "tests" / "compose" / "briefs" / "long.yaml")
    points = [
        [p for b in s.text_boxes if b.name == "Points" for p in b.paragraphs] for s in deck.slides
    ]
    checked = 0
    for (before, after), slides in zip(pairwise(points), pairwise(deck.slides), strict=True):
        if not (before and after and "(cont." in slides[1].title):
            continue
        last, first = before[-1], after[0]
        checked += 1
        assert not (last.bullet and first.bullet and first.level > last.level), slides[1].title
    assert checked  # the brief continues a section with sub-points
