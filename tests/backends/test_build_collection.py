"""Garbage collection in a one-shot `alliancedeck build`: full collections are rare there, and
only there (not in the library, nor under --watch); a written PDF does not wait for one."""

from __future__ import annotations

import collections
import gc
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from alliancedeck import launch
from conftest import REPO, write_brief

# Runs `alliancedeck build` and writes, for every process of it as it ends, the collector's
# thresholds and whether it is on.
RECORDER = """
import gc, json, os, sys
folder = sys.argv.pop(1)
real_exit = os._exit
def leave(code):
    launch = sys.modules.get("alliancedeck.launch")
    record = {"pid": os.getpid(), "thresholds": gc.get_threshold(),
              "collecting": gc.isenabled(), "code": code,
              "one_shot": getattr(launch, "one_shot", None)}
    with open(os.path.join(folder, f"{os.getpid()}.json"), "w") as stream:
        json.dump(record, stream)
    real_exit(code)
os._exit = leave
sys.argv = ["alliancedeck", *sys.argv[1:]]
import runpy
runpy.run_module("alliancedeck", run_name="__main__")
"""


def test_every_process_of_a_build_collects_its_oldest_objects_rarely(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "ALLIANCEDECK_NO_PARALLEL"}
    command = [sys.executable, "-c", RECORDER, str(records), "build", str(REPO / "content.yaml")]
    done = subprocess.run(
        [*command, "--out-dir", str(out)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert {"brief.pdf", "deck.pptx", "deck.pdf"} <= {p.name for p in out.iterdir()}
    processes = [json.loads(path.read_text()) for path in records.iterdir()]
    assert processes
    default = gc.get_threshold()  # this test process: the interpreter's own thresholds
    for record in processes:
        youngest, middle, oldest = record["thresholds"]
        assert record["collecting"], record
        assert record["one_shot"] is True, record  # each renders plain content collector off
        # The young generations as the interpreter collects them; the oldest more rarely.
        assert (youngest, middle) == default[:2], record
        assert oldest == launch.FULL_COLLECTION_EVERY > default[2], record


def test_the_library_and_a_watch_session_keep_the_interpreter_s_thresholds():
    # `imports_done` changes nothing unless `hold_collection` (a one-shot build) held the
    # collector: the library and `build --watch` never call it.
    before = gc.get_threshold()
    launch.imports_done()
    assert gc.get_threshold() == before
    assert gc.isenabled()


def test_a_held_collection_resumes_with_rare_full_collections(monkeypatch):
    monkeypatch.setattr(launch, "one_shot", False)  # what `hold_collection` sets: put back
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    try:
        launch.hold_collection()
        assert launch.one_shot
        assert not gc.isenabled()
        launch.imports_done()
        assert gc.isenabled()
        assert gc.get_threshold() == (*before[:2], launch.FULL_COLLECTION_EVERY)
    finally:
        gc.set_threshold(*before)
        gc.enable()
        if not frozen:  # what `imports_done` froze goes back to the collector
            gc.unfreeze()


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_a_written_pdf_s_pages_are_freed_without_a_full_collection(backend, monkeypatch):
    # Full collections are rare in a build: the document a PDF was written from must not wait
    # for one (it sits in reference cycles) to give back its pages and their content streams.
    from alliancedeck.api import prepare, render
    from alliancedeck.draw import pdf_brief, pdf_deck, pdf_fast

    pages: list[weakref.ref] = []
    write = pdf_fast.pdf_data

    def watched(canvas: Any, product: str) -> bytes:
        pages.extend(weakref.ref(page) for page in canvas._doc.Pages.pages)
        return write(canvas, product)

    for module in (pdf_brief, pdf_deck):
        monkeypatch.setattr(module, "pdf_data", watched)
    prepared = prepare(REPO / "content.yaml")
    gc.collect()
    gc.disable()
    try:
        data = render(prepared, backend)
        assert pages
        alive = sum(page() is not None for page in pages)
    finally:
        gc.enable()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == len(pages)  # the pages watched are the PDF's
    assert alive == 0


#: The deck's products, rendered as one group (they share the slide layout).
DECK = ("slides", "deck-pdf")

#: Briefs without charts or pictures: every product is drawn without python-pptx. The
#: hostile and emphasis briefs carry links, runs in other languages and characters no font
#: has; split.yaml a table over pages; tall-cards.yaml a timeline, cards, notes and sources.
PLAIN_BRIEFS = [
    "content.yaml",
    "tests/i18n/japanese.yaml",
    "tests/i18n/hostile.yaml",
    "tests/backends/emphasis.yaml",
    "tests/compose/briefs/overflow.yaml",
    "tests/a11y/split.yaml",
    "tests/compose/found/tall-cards.yaml",
]


def _pictured(folder: Path) -> Path:
    """Write a notional brief whose only block is a picture (a PNG and an SVG) into `folder`."""
    for name in ("notional-bars.png", "notional-diagram.svg"):
        shutil.copy(REPO / "examples" / "blocks" / name, folder / name)
    return write_brief(
        folder,
        """
        meta:
          title: Notional pictures
          classification: UNCLASSIFIED
        sections:
          - title: Notional pictures
            points:
              - A notional point beside two pictures.
            image:
              - path: notional-bars.png
                alt: A notional bar graphic.
              - path: notional-diagram.svg
                alt: A notional diagram.
        """,
    )


def _prepared(content: str | Path, template: bool = False) -> Any:
    from alliancedeck.api import prepare

    default = Path(importlib.util.find_spec("pptx").origin).parent / "templates" / "default.pptx"
    return prepare(REPO / content, template=default if template else None)


def _case(kind: str, folder: Path) -> Any:
    """Return the prepared notional content of a case: plain, charts, pictures, template."""
    if kind == "pictures":
        return _prepared(_pictured(folder))
    content = "tests/compose/briefs/charts.yaml" if kind == "charts" else "content.yaml"
    return _prepared(content, template=kind == "template")


def _left_in_cycles(prepared: Any) -> collections.Counter:
    """Render the products of `prepared` as a build does (`parallel.groups`, each group in a
    context of its own, its last product consuming the group's cache) and return what they
    left that only the cycle collector could free, by type."""
    from alliancedeck import parallel
    from alliancedeck.api import _job
    from alliancedeck.backends import BUILD_PRODUCTS

    job = _job(prepared)

    def build() -> None:
        for group in parallel.groups(BUILD_PRODUCTS):
            parallel._render_job(group, job)

    build()  # what a process keeps from its first build (fonts, caches) is not garbage
    gc.collect()
    gc.disable()
    try:
        build()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds stays in gc.garbage
        gc.collect()
        return collections.Counter(type(o).__qualname__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


@pytest.mark.parametrize("content", PLAIN_BRIEFS)
def test_the_products_of_a_brief_without_charts_leave_no_reference_cycles(content):
    # A one-shot build renders a document `cycle_free` accepts with the collector off, and
    # skips the full collection (it walks the whole slide layout) between a large deck's
    # slides and its PDF: everything its products make must be freed by reference counting
    # alone, or it is held to the process's end.
    from alliancedeck.api import _job
    from alliancedeck.parallel import cycle_free

    prepared = _prepared(content)
    assert cycle_free(_job(prepared))
    left = _left_in_cycles(prepared)
    assert not left, left.most_common(10)


@pytest.mark.parametrize("kind", ["charts", "pictures", "template"])
def test_charts_pictures_and_templates_leave_cycles_and_the_build_knows(kind, tmp_path):
    from alliancedeck.api import _job
    from alliancedeck.parallel import cycle_free

    prepared = _case(kind, tmp_path)
    assert not cycle_free(_job(prepared))
    assert _left_in_cycles(prepared)  # what the collector is kept on for


class _Outside:
    """A backend of another package, drawing what the built-in one of its name draws."""

    def __init__(self, backend: Any):
        self.backend = backend

    def render(self, doc: Any, theme: Any, context: Any) -> bytes:
        return self.backend.render(doc, theme, context)


def _render_deck(kind: str, folder: Path, monkeypatch, *, outside: bool, group=DECK) -> dict:
    """Render the deck and its PDF of case `kind` as one group, the slides by a backend of
    another package if `outside`; return the products' bytes."""
    from alliancedeck import backends, parallel
    from alliancedeck.api import _job

    if outside:
        load = backends.load
        monkeypatch.setattr(
            backends, "load", lambda name: _Outside(load(name)) if name == "slides" else load(name)
        )
    prepared = _case(kind, folder)
    context = backends.RenderContext(prepared.content_dir, 1700000000)
    return parallel.render_group(group, _job(prepared), context)[0]


@pytest.mark.parametrize(
    ("kind", "group", "outside", "collects"),
    [
        ("plain", DECK, False, False),
        ("charts", DECK, False, True),
        ("charts", ("deck-pdf", "slides"), False, True),  # reportlab's charts leave cycles too
        ("pictures", DECK, False, True),
        ("template", DECK, False, True),
        ("plain", DECK, True, True),  # another package's slides may
    ],
)
def test_between_a_deck_s_products_a_full_collection_runs_only_where_cycles_may_be(
    kind, group, outside, collects, monkeypatch, tmp_path
):
    from alliancedeck import parallel

    releases: list[bool] = []
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)  # the content counts as large
    monkeypatch.setattr(parallel, "release_memory", lambda *, collect: releases.append(collect))
    data = _render_deck(kind, tmp_path, monkeypatch, outside=outside, group=group)
    assert releases == [collects]
    assert data["slides"][:2] == b"PK" and data["deck-pdf"][:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("kind", "one_shot", "outside", "quiet"),
    [
        ("plain", True, False, True),
        ("charts", True, False, False),
        ("pictures", True, False, False),
        ("template", True, False, False),
        ("plain", False, False, False),  # the library: the caller's collector is theirs
        ("plain", True, True, False),  # another package's backend may leave cycles
    ],
)
def test_a_one_shot_build_renders_a_document_without_cycles_with_the_collector_off(
    kind, one_shot, outside, quiet, monkeypatch, tmp_path
):
    from alliancedeck.backends.deck_pdf import DeckPdfBackend

    collecting: list[bool] = []
    draw = DeckPdfBackend.render

    def watched(self, doc, theme, context):
        collecting.append(gc.isenabled())
        return draw(self, doc, theme, context)

    monkeypatch.setattr(DeckPdfBackend, "render", watched)  # still a built-in backend
    monkeypatch.setattr(launch, "one_shot", one_shot)
    assert gc.isenabled()
    data = _render_deck(kind, tmp_path, monkeypatch, outside=outside)
    assert collecting == [not quiet]
    assert gc.isenabled()  # on again once the products are drawn
    assert data["deck-pdf"][:5] == b"%PDF-"
