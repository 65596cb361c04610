"""Warm rebuilds in a watch session: what they reuse never changes a byte of a product."""

from __future__ import annotations

import gc
import os
import shutil
import threading
import time

import pytest
import yaml

from alliancedeck import session as sessions
from alliancedeck.api import build
from alliancedeck.parallel import can_fork
from alliancedeck.session import Session
from conftest import (
    REPO,
    assert_cold_builds_equal,
    products_of,
    rebuild_after_each,
    write_brief,
    write_long_brief,
)


def test_warm_rebuilds_after_each_kind_of_edit_equal_cold_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "layouts").mkdir()
    layout = tmp_path / "layouts" / "mine.yaml"
    shutil.copy(REPO / "src" / "alliancedeck" / "layouts" / "default.yaml", layout)
    original = (REPO / "content.yaml").read_text(encoding="utf-8")
    content = tmp_path / "content.yaml"
    content.write_text(original.replace("  layout: default\n", "  layout: mine\n", 1), "utf-8")
    text = content.read_text(encoding="utf-8")
    assert "  layout: mine\n" in text and "value: 54000" in text

    def edited_text(text: str) -> str:
        return text.replace("Abe has had notable success", "Abe has had some notable success", 1)

    def edited_figure(text: str) -> str:
        return text.replace("value: 54000", "value: 56500", 1)

    def added_section(text: str) -> str:
        return text.replace(
            "\nsections:\n",
            "\nsections:\n  - title: A notional added section\n"
            "    lead: Every word of this section is notional, added to test rebuilds.\n"
            "    points:\n      - A first notional point that wraps onto a second line.\n"
            "      - A second notional point.\n",
            1,
        )

    def removed_section(text: str) -> str:
        start = text.index("  - title: A notional added section")
        return text[:start] + text[text.index("  - title:", start + 1) :]

    def edited_layout(_text: str) -> None:
        design = layout.read_text(encoding="utf-8")
        assert "columns: 2\n" in design
        layout.write_text(design.replace("  gap: 8pt ", "  gap: 10pt ", 1), encoding="utf-8")

    states = []  # per build: the content, the layout, the warm build's products and warnings
    with Session() as session:
        build(content, out_dir=tmp_path / "warm", session=session)
        assert sessions.active()  # the session keeps line caches here while it lasts
        edits = [edited_text, edited_figure, added_section, removed_section, edited_layout]
        for edit in edits:
            changed = edit(content.read_text(encoding="utf-8"))
            if changed is not None:
                assert changed != content.read_text(encoding="utf-8"), edit.__name__
                content.write_text(changed, encoding="utf-8")
            warm = build(content, out_dir=tmp_path / "warm", session=session)
            texts = (content.read_text(encoding="utf-8"), layout.read_text(encoding="utf-8"))
            states.append((edit.__name__, texts, products_of(warm), warm.warnings))
    assert not sessions.active()  # nothing outlives the session
    for number, (name, (text, design), products, warnings) in enumerate(states):
        content.write_text(text, encoding="utf-8")
        layout.write_text(design, encoding="utf-8")
        cold = build(content, out_dir=tmp_path / f"cold{number}")
        assert products == products_of(cold), name
        assert warnings == cold.warnings, name


def test_settling_between_rebuilds_freezes_what_lives_on_and_changes_no_byte(tmp_path, monkeypatch):
    """`build --watch` settles its session after each rebuild (collect, then freeze what the
    caches keep, so later collections skip it, and pause the collector until the next
    settle); closing the session unfreezes it all and lets the collector run as before."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    content = tmp_path / "content.yaml"
    text = (REPO / "content.yaml").read_text(encoding="utf-8")
    content.write_text(text, encoding="utf-8")
    edited = text.replace("Abe has had notable success", "Abe has had some notable success", 1)
    assert edited != text
    gc.unfreeze()
    collecting = gc.isenabled()
    try:
        with Session() as session:
            build(content, out_dir=tmp_path / "warm", session=session)
            session.settle()
            assert not gc.isenabled() and gc.get_freeze_count() > 0
            content.write_text(edited, encoding="utf-8")
            warm = build(content, out_dir=tmp_path / "warm", session=session)
            session.settle()
            assert not gc.isenabled() and gc.get_freeze_count() > 0
        assert gc.get_freeze_count() == 0  # closed: what the caches held can be collected
        assert gc.isenabled() == collecting
        cold = build(content, out_dir=tmp_path / "cold")
        assert products_of(warm) == products_of(cold)
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


def test_a_build_outside_a_session_keeps_nothing(tmp_path):
    build(REPO / "content.yaml", out_dir=tmp_path)
    assert not sessions.active()


def test_warm_rebuilds_of_a_long_brief_reuse_pieces_and_equal_cold_builds(tmp_path, monkeypatch):
    """18 notional sections: edits that keep or change a paragraph's lines, add and remove a
    point, change a figure three sections show, and change the layout file."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "layouts").mkdir()
    layout = tmp_path / "layouts" / "mine.yaml"
    shutil.copy(REPO / "src" / "alliancedeck" / "layouts" / "default.yaml", layout)
    data = yaml.safe_load((REPO / "content.yaml").read_text(encoding="utf-8"))
    data["meta"]["layout"] = "mine"
    data["meta"]["title"] = "A notional long brief"
    sections = []
    for copy in range(3):
        for section in copy_of(data["sections"]):
            section["title"] = f"{section['title']} (notional part {copy + 1})"
            sections.append(section)
    data["sections"] = sections
    middle = sections[8]
    assert isinstance(middle["points"][0], str)
    troops = [s for s in sections if "{{ figures.troops }}" in yaml.safe_dump(s)]
    assert len(troops) == 3  # the figure is shown in three sections
    content = tmp_path / "content.yaml"

    def save() -> None:
        content.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")

    def same_lines() -> None:
        middle["points"][0] = middle["points"][0].replace("a", "e", 1)

    def more_lines() -> None:
        middle["points"][0] += " A notional sentence added here makes the point wrap " * 4

    def added_point() -> None:
        middle["points"].insert(1, "A notional point added to a middle section.")

    def removed_point() -> None:
        del middle["points"][1]

    def figure_shown_thrice() -> None:
        data["figures"]["troops"]["value"] = 56500

    def layout_file() -> None:
        design = layout.read_text(encoding="utf-8")
        assert "  gap: 8pt " in design
        layout.write_text(design.replace("  gap: 8pt ", "  gap: 10pt ", 1), encoding="utf-8")

    def unchanged() -> None:
        pass

    save()
    edits = [same_lines, more_lines, added_point, removed_point, figure_shown_thrice]
    edits += [layout_file, unchanged]
    with Session() as session:
        states = rebuild_after_each(content, layout, tmp_path, session, edits, save)
        # The deck renders in this process: its slides' XML and zip entries were reused.
        pieces = sessions._PIECES
        assert pieces is not None
        assert pieces["slide-xml"].reused > 30, pieces["slide-xml"].reused
        assert pieces["zip-deflate"].reused > 100, pieces["zip-deflate"].reused
    assert sessions._PIECES is None  # nothing outlives the session
    assert_cold_builds_equal(states, content, layout, tmp_path)


def copy_of(value):
    """Return a deep copy of plain YAML data."""
    return yaml.safe_load(yaml.safe_dump(value))


def test_a_picture_saved_again_between_rebuilds_is_shown_anew_as_in_a_cold_build(
    tmp_path, monkeypatch
):
    """A picture file saved again under its name (another shape), the content file untouched
    but for one point elsewhere: the section showing it is made again, not kept. Two checks
    see to it: a section showing a picture is filled again at each read (`fill`), and a
    section's key holds its picture files' states (`session.section_key`); the products
    differ from a cold build's only with both taken away."""
    from PIL import Image

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    picture = tmp_path / "notional-bars.png"
    Image.new("RGB", (400, 200), (200, 40, 40)).save(picture)
    content = write_brief(
        tmp_path,
        """
        meta:
          title: A notional picture saved again
          classification: UNCLASSIFIED
        sections:
          - title: A notional picture
            points:
              - A notional point beside a picture.
            image:
              - path: notional-bars.png
                alt: A notional bar graphic.
          - title: A notional second section
            points:
              - A notional point edited between the rebuilds.
        """,
    )

    def saved_picture() -> None:  # square, another colour: the slide and the page change
        Image.new("RGB", (300, 300), (40, 40, 200)).save(picture)

    def edited_point() -> None:
        text = content.read_text(encoding="utf-8")
        content.write_text(text.replace("edited between", "changed between"), encoding="utf-8")

    states = []
    with Session() as session:
        first = products_of(build(content, out_dir=tmp_path / "warm", session=session))
        for edit in (edited_point, saved_picture):
            edit()
            warm = build(content, out_dir=tmp_path / "warm", session=session)
            states.append((edit.__name__, products_of(warm), picture.read_bytes()))
    assert states[1][1]["deck.pptx"] != states[0][1]["deck.pptx"]
    assert states[1][1]["brief.pdf"] != first["brief.pdf"]
    for number, (name, products, drawn) in enumerate(states):
        picture.write_bytes(drawn)
        cold = products_of(build(content, out_dir=tmp_path / f"cold{number}"))
        assert products == cold, name


def _writers(monkeypatch) -> list[str]:
    """Note the thread each job sent to a worker is written from."""
    names: list[str] = []
    write = sessions.Worker._write

    def noted(self, message: bytes, pickled: bytes) -> None:
        names.append(threading.current_thread().name)
        write(self, message, pickled)

    monkeypatch.setattr(sessions.Worker, "_write", noted)
    return names


#: Where this process cannot fork (one core, another system) a session renders here, and no
#: job is sent to a worker at all.
FORKS = pytest.mark.skipif(not can_fork(), reason="a session forks its workers on 2+ cores")


@FORKS
def test_a_long_brief_s_job_is_written_to_the_worker_while_this_process_renders(
    tmp_path, monkeypatch
):
    """A job larger than a pipe holds goes to the worker from a thread (the watching process
    renders its own products meanwhile); a short one is written at once. Both rebuild as a
    cold build does."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.delenv("ALLIANCEDECK_NO_PARALLEL", raising=False)
    names = _writers(monkeypatch)
    (tmp_path / "long").mkdir()
    long = write_long_brief(tmp_path / "long", copies=12)
    short = write_brief(
        tmp_path,
        """
        meta:
          title: A notional short brief
          classification: UNCLASSIFIED
        sections:
          - title: A notional section
            points: [A notional point.]
        """,
        name="short.yaml",
    )
    with Session() as session:
        warm = {
            path: products_of(build(path, out_dir=tmp_path / path.stem, session=session))
            for path in (long, short)
        }
    assert names == ["alliancedeck-job", "MainThread"], names
    for path, products in warm.items():
        assert products == products_of(build(path, out_dir=tmp_path / f"cold-{path.stem}"))


@FORKS
def test_a_worker_that_ends_while_its_job_is_written_is_reported_at_once(tmp_path, monkeypatch):
    """The worker ends before reading its job (as if killed): the thread writing the job meets
    a broken pipe, and the rebuild fails at once with the worker's end, as a bug."""
    from alliancedeck.parallel import WorkerCrashed

    monkeypatch.delenv("ALLIANCEDECK_NO_PARALLEL", raising=False)
    names = _writers(monkeypatch)
    monkeypatch.setattr(sessions, "_serve", lambda *_: os._exit(1))  # in the worker, forked
    failed: list[object] = []  # errors the thread let out (printed, in a watch)
    monkeypatch.setattr(threading, "excepthook", failed.append)
    (tmp_path / "long").mkdir()
    content = write_long_brief(tmp_path / "long", copies=12)
    start = time.monotonic()
    with Session() as session, pytest.raises(WorkerCrashed, match="ended without a result"):
        build(content, out_dir=tmp_path / "out", session=session)
    assert time.monotonic() - start < 30
    assert names == ["alliancedeck-job"]
    assert not failed
