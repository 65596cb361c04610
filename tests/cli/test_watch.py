"""Warm rebuilds: a save rebuilds, a broken save reports its place and keeps the last outputs."""

from __future__ import annotations

import threading
import time

from conftest import REPO, write_brief


def test_watch_rebuilds_on_save_and_keeps_outputs_on_a_broken_save(tmp_path):
    from alliancedeck.api import build
    from alliancedeck.watch import watch

    content = write_brief(tmp_path, (REPO / "content.yaml").read_text(encoding="utf-8"))
    out = tmp_path / "out"
    outcomes = []
    done = threading.Event()

    def report(outcome):
        outcomes.append(outcome)

    thread = threading.Thread(
        target=watch,
        kwargs={
            "content": content,
            "build": lambda: build(content, out_dir=out),
            "report": report,
            "stop": done.is_set,
            "poll": 0.05,
        },
        daemon=True,
    )
    thread.start()

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 60
        while len(outcomes) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(outcomes) >= count, outcomes

    wait_for(1)
    assert outcomes[0].error is None
    time.sleep(0.05)
    content.write_text(
        content.read_text(encoding="utf-8").replace(
            "title: U.S.-Japan Alliance", "title: U.S.-Japan Alliance (revised)", 1
        ),
        encoding="utf-8",
    )
    wait_for(2)
    assert outcomes[1].error is None and outcomes[1].changed == [content]
    good = {p.name: p.read_bytes() for p in out.iterdir()}
    time.sleep(0.05)
    content.write_text("meta:\n  title: [broken\n", encoding="utf-8")
    wait_for(3)
    done.set()
    thread.join(timeout=10)
    error = outcomes[2].error
    assert error is not None and error.problems[0].location.line == 3
    assert {p.name: p.read_bytes() for p in out.iterdir()} == good


def test_a_font_file_added_after_a_failed_build_is_found_by_the_next(tmp_path):
    import shutil

    import pytest

    from alliancedeck.errors import ContentError
    from alliancedeck.fonts import PACKAGE_FONTS, find_font_file
    from alliancedeck.watch import forget_cached_inputs

    with pytest.raises(ContentError, match=r"Notional-Regular\.ttf"):
        find_font_file("Notional-Regular.ttf", tmp_path)
    (tmp_path / "fonts").mkdir()
    added = tmp_path / "fonts" / "Notional-Regular.ttf"
    shutil.copy(PACKAGE_FONTS / "LiberationSans-Regular.ttf", added)
    forget_cached_inputs()  # what watch does before each rebuild
    assert find_font_file("Notional-Regular.ttf", tmp_path) == added
