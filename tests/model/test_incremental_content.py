"""Warm rebuilds read, check and fill again only the sections an edit touches: what they
prepare (the document, its warnings, its errors) is what a cold build prepares."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import replace

from alliancedeck import api, fill, model, session
from alliancedeck.errors import ContentError
from alliancedeck.source import _Builder
from conftest import REPO

#: The repository's brief with its six sections three times over (titles numbered), a loader
#: warning (a point cut by a "#1" comment) in the last section, and a figure a point shows.
NOTIONAL_POINT = "      - Notional point showing {{ figures.troops }} troops.\n"


def _content() -> str:
    text = (REPO / "content.yaml").read_text(encoding="utf-8")
    head, sections = text.split("\nsections:\n", 1)
    assert "troops:" in head and "\n  - title:" in "\n" + sections
    copies = "".join(sections.replace("  - title: ", f"  - title: ({n}) ", 1) for n in range(1, 4))
    copies = copies.replace("    points:\n", "    points:\n" + NOTIONAL_POINT, 1)
    last = "  - title: Cut by a comment\n    points:\n      - Aim #1 here\n"
    return f"{head}\nsections:\n{copies}{last}"


def _prepared(path) -> tuple[object, list]:
    try:
        prepared = api.prepare(path)
    except ContentError as exc:
        return None, exc.problems
    return prepared.doc, prepared.warnings


def _spy(monkeypatch) -> dict[str, int]:
    """Count the sections read, checked and filled anew from now on."""
    counts = {"read": 0, "checked": 0, "filled": 0}
    read, filled, check = _Builder._read_section, fill._section_info, model.Brief.model_validate

    def counted_check(data):
        counts["checked"] += sum(isinstance(section, dict) for section in data["sections"])
        return check(data)

    def counted_read(self, *args):
        counts["read"] += 1
        return read(self, *args)

    def counted_fill(*args):
        counts["filled"] += 1
        return filled(*args)

    monkeypatch.setattr(_Builder, "_read_section", counted_read)
    monkeypatch.setattr(fill, "_section_info", counted_fill)
    monkeypatch.setattr(model.Brief, "model_validate", counted_check)
    return counts


def _warm_then_cold(tmp_path, monkeypatch, edits: list[Callable[[str], str]]):
    """Prepare the content, then again after each edit in one session; return per edit the
    warm (document, warnings or problems), the cold one and the sections read and filled."""
    path = tmp_path / "content.yaml"
    path.write_text(_content(), encoding="utf-8")
    warm, texts, counted = [], [], []
    with session.keeping():
        _prepared(path)
        for edit in edits:
            path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
            counts = _spy(monkeypatch)
            warm.append(_prepared(path))
            monkeypatch.undo()
            counted.append(counts)
            texts.append(path.read_text(encoding="utf-8"))
    assert not session.active()
    cold = []
    for text in texts:
        path.write_text(text, encoding="utf-8")
        cold.append(_prepared(path))
    return warm, cold, counted


def _unchanged(text: str) -> str:
    return text


def _point(text: str) -> str:
    return text.replace("Abe has had notable success", "Abe has had some notable success", 1)


def test_an_edited_point_reads_and_fills_its_section_alone(tmp_path, monkeypatch):
    warm, cold, counted = _warm_then_cold(tmp_path, monkeypatch, [_point, _unchanged])
    assert warm == cold
    # Pickled alike too (what a warm worker's job and its key are made of): kept sections
    # share the file's name and the key figures with the rest, as a cold build's do.
    assert [pickle.dumps(doc) for doc, _ in warm] == [pickle.dumps(doc) for doc, _ in cold]
    assert warm[0][0] is not None and len(warm[0][0].sections) == 19
    assert counted == [
        {"read": 1, "checked": 1, "filled": 1},
        {"read": 0, "checked": 0, "filled": 0},
    ]
    # The loader's warning in a section read before is warned of again, at its place.
    assert any("#1" in p.message and p.location.line > 0 for p in warm[0][1])


def test_an_edited_figure_fills_every_section_again(tmp_path, monkeypatch):
    def figure(text: str) -> str:
        assert text.count("value: 54000") == 1
        return text.replace("value: 54000", "value: 56500", 1)

    warm, cold, counted = _warm_then_cold(tmp_path, monkeypatch, [figure])
    assert warm == cold
    shown = [p.text for s in warm[0][0].sections for p in s.points if "troops." in p.text]
    assert shown == ["Notional point showing 56,500 troops."]
    assert counted == [{"read": 0, "checked": 0, "filled": 19}]


def test_a_line_added_above_reads_the_sections_below_again(tmp_path, monkeypatch):
    def comment(text: str) -> str:
        return text.replace("\nsections:\n", "\nsections:\n  # a notional comment\n", 1)

    warm, cold, counted = _warm_then_cold(tmp_path, monkeypatch, [comment])
    assert warm == cold
    assert counted == [{"read": 19, "checked": 19, "filled": 19}]  # all moved: read again


def test_an_error_in_one_section_then_its_fix_are_as_cold(tmp_path, monkeypatch):
    def broken(text: str) -> str:
        return text.replace("Abe has had notable success", "Abe has had \u05d0 success", 1)

    def unknown_key(text: str) -> str:
        return text.replace("Abe has had \u05d0 success", "Abe has had notable success", 1).replace(
            "    points:\n" + NOTIONAL_POINT, "    pionts:\n" + NOTIONAL_POINT, 1
        )

    def fixed(text: str) -> str:
        return text.replace("    pionts:\n", "    points:\n", 1)

    warm, cold, _ = _warm_then_cold(tmp_path, monkeypatch, [broken, unknown_key, fixed])
    assert warm == cold
    assert warm[0][0] is None and "right-to-left" in warm[0][1][0].message
    assert warm[1][0] is None and 'unknown key "pionts"' in warm[1][1][0].message
    assert warm[2][0] is not None


def test_an_alias_of_an_anchor_in_a_kept_section_is_refused_at_its_place(tmp_path, monkeypatch):
    def anchor(text: str) -> str:
        return text.replace("  - title: (2) ", "  - title: &name (2) ", 1)

    def alias(text: str) -> str:
        return text.replace("  - title: Cut by a comment", "  - title: *name", 1)

    warm, cold, _ = _warm_then_cold(tmp_path, monkeypatch, [anchor, alias])
    assert warm == cold
    assert warm[0][0] is not None
    problems = warm[1][1]
    assert warm[1][0] is None and len(problems) == 1 and "aliases" in problems[0].message
    assert problems[0].location.line == _content().count("\n") - 2


def test_moving_every_dash_reads_every_section_again(tmp_path, monkeypatch):
    """What leads a section on its first line ("  - ") is part of what it is kept by: moved,
    every section is read again (its texts and places unchanged), and a text cut short on a
    first line is warned of as in a cold build."""

    def cut_title(text: str) -> str:
        return text.replace("  - title: Cut by a comment", "  - title: Cut #1 here", 1)

    def dashes(text: str) -> str:
        return text.replace("\n  - title: ", "\n-   title: ")

    warm, cold, counted = _warm_then_cold(tmp_path, monkeypatch, [cut_title, dashes])
    assert warm == cold
    quoted = [[p for p in warnings if 'title: "Cut #1 here"' in p.message] for _, warnings in warm]
    assert len(quoted[0]) == len(quoted[1]) == 1
    assert counted == [
        {"read": 1, "checked": 1, "filled": 1},
        {"read": 19, "checked": 19, "filled": 19},
    ]


def test_a_directive_above_is_part_of_every_sections_key(tmp_path, monkeypatch):
    """A `%TAG` directive changes what a section's tags mean: dropped (the sections' texts
    and places unchanged), a tag it defined is an error, as in a cold build."""

    def directive(text: str) -> str:
        text = text.replace("  - title: (2) ", "  - title: !str (2) ", 1)
        return "%TAG ! tag:yaml.org,2002:\n---\n" + text

    def dropped(text: str) -> str:
        return text.replace("%TAG ! tag:yaml.org,2002:\n---\n", "# no directive\n# now\n", 1)

    warm, cold, counted = _warm_then_cold(tmp_path, monkeypatch, [directive, dropped])
    assert warm == cold
    assert warm[0][0] is not None
    assert warm[1][0] is None and "!str" in warm[1][1][0].message
    assert counted[1]["read"] == 19


def test_kept_sections_count_their_templates_time_and_never_spend_it_silently(
    tmp_path, monkeypatch
):
    """Each kept section counts the time its templates took again; when that would use up what
    is left, it is filled again, so a later template is still rendered (or the run's time
    running out is an error where it does): never left as typed without a word."""
    path = tmp_path / "content.yaml"
    path.write_text(_content(), encoding="utf-8")
    last = "      - Aim #1 here\n"

    def template(text: str) -> str:
        return text.replace(last, "      - '{{ \"notional\" | upper }} aim'\n", 1)

    with session.keeping():
        _prepared(path)
        pieces = [p for p in session._pieces("content-section").now.values() if p.filled]
        assert len(pieces) == 19
        for piece in pieces:  # as if each section's templates had taken 0.5 s of the 3 s
            piece.filled = replace(piece.filled, seconds=0.5)
        path.write_text(template(path.read_text(encoding="utf-8")), encoding="utf-8")
        warm = _prepared(path)
    cold = _prepared(path)
    assert warm == cold
    assert [p.text for p in warm[0].sections[-1].points] == ["NOTIONAL aim"]
