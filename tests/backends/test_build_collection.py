"""Garbage collection in a one-shot `alliancedeck build`: full collections are rare there, and
only there (not in the library, nor under --watch); a written PDF does not wait for one."""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
import weakref
from typing import Any

import pikepdf
import pytest

from alliancedeck import launch
from conftest import REPO

# Runs `alliancedeck build` and writes, for every process of it as it ends, the collector's
# thresholds and whether it is on.
RECORDER = """
import gc, json, os, sys
folder = sys.argv.pop(1)
real_exit = os._exit
def leave(code):
    record = {"pid": os.getpid(), "thresholds": gc.get_threshold(),
              "collecting": gc.isenabled(), "code": code}
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


def test_a_held_collection_resumes_with_rare_full_collections():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    try:
        launch.hold_collection()
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

    def watched(canvas: Any) -> bytes:
        pages.extend(weakref.ref(page) for page in canvas._doc.Pages.pages)
        return write(canvas)

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
