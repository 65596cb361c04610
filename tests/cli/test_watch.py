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
            "briefs": [content],
            "build": lambda path: build(path, out_dir=out),
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

    from alliancedeck.api import build
    from alliancedeck.errors import ContentError
    from alliancedeck.fonts import PACKAGE_FONTS

    layout = (REPO / "layouts" / "default.yaml").read_text(encoding="utf-8")
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "notional.yaml").write_text(
        layout.replace("LiberationSans-Regular.ttf", "Notional-Regular.ttf"), encoding="utf-8"
    )
    content = write_brief(
        tmp_path, "meta: {title: Notional, layout: notional}\nsections: [{title: A}]\n"
    )
    with pytest.raises(ContentError, match=r"Notional-Regular\.ttf"):
        build(content, products=["pdf"])
    (tmp_path / "fonts").mkdir()
    shutil.copy(PACKAGE_FONTS / "LiberationSans-Regular.ttf", tmp_path / "fonts")
    (tmp_path / "fonts" / "LiberationSans-Regular.ttf").rename(
        tmp_path / "fonts" / "Notional-Regular.ttf"
    )
    result = build(content, products=["pdf"])  # no reset in between: each build looks afresh
    assert [p.path.name for p in result.products] == ["brief.pdf"]


def test_an_internal_error_is_reported_and_watching_goes_on(tmp_path):
    from alliancedeck.watch import watch

    content = write_brief(tmp_path, "meta: {title: Notional}\nsections: [{title: A}]\n")
    outcomes = []
    calls = []

    def flaky_build(path):
        calls.append(path)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return "built"

    def stop() -> bool:
        if len(outcomes) == 1 and len(calls) == 1:
            content.write_text(content.read_text(encoding="utf-8") + "# saved\n")
        return len(outcomes) >= 2

    watch([content], flaky_build, outcomes.append, stop=stop, poll=0.05)
    assert outcomes[0].internal and "a bug" in str(outcomes[0].error)
    assert "RuntimeError" in outcomes[0].details
    assert outcomes[1].error is None and outcomes[1].result == "built"


def test_watch_rebuilds_only_the_brief_whose_input_changed(tmp_path):
    from alliancedeck.watch import watch

    first = write_brief(tmp_path, "meta: {title: One}\nsections: [{title: A}]\n", "one.yaml")
    second = write_brief(tmp_path, "meta: {title: Two}\nsections: [{title: A}]\n", "two.yaml")
    outcomes = []

    def stop() -> bool:
        if len(outcomes) == 2 and not stop.saved:
            time.sleep(0.02)
            second.write_text(second.read_text(encoding="utf-8") + "# saved\n")
            stop.saved = True
        return len(outcomes) >= 3

    stop.saved = False
    watch([first, second], lambda path: path.name, outcomes.append, stop=stop, poll=0.05)
    assert [o.result for o in outcomes] == ["one.yaml", "two.yaml", "two.yaml"]
    assert outcomes[2].changed == [second]


def test_build_watch_takes_several_briefs_and_rebuilds_the_one_saved(tmp_path):
    import queue
    import subprocess
    import sys

    for name in ("north", "south"):
        (tmp_path / name).mkdir()
        write_brief(
            tmp_path / name, f"meta: {{title: Notional {name}}}\nsections: [{{title: A}}]\n"
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "alliancedeck", "build", "north", "south", "--watch"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True)
    reader.start()

    def next_rebuild() -> str:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if "rebuilt" in line or "error" in line:
                return line
        raise AssertionError("no rebuild reported")

    try:
        first = {next_rebuild().split(":")[0], next_rebuild().split(":")[0]}
        assert first == {"north/content.yaml", "south/content.yaml"}
        south = tmp_path / "south" / "content.yaml"
        south.write_text(south.read_text().replace("Notional south", "Notional south 2"))
        line = next_rebuild()
        assert line.startswith("south/content.yaml: content.yaml -> rebuilt brief.pdf")
        assert lines.empty()  # north was not rebuilt
    finally:
        process.kill()  # the process this test started
        process.wait(timeout=30)
        reader.join(timeout=30)  # it reads to the end of the closed pipe
        process.stdout.close()


def test_a_new_input_saved_while_its_first_build_runs_is_built_again(tmp_path):
    from alliancedeck.watch import watch

    layout = (REPO / "layouts" / "default.yaml").read_text(encoding="utf-8")
    (tmp_path / "layouts").mkdir()
    for name in ("a", "b"):
        (tmp_path / "layouts" / f"{name}.yaml").write_text(layout, encoding="utf-8")
    content = write_brief(tmp_path, "meta: {title: Notional, layout: a}\nsections: [{title: A}]\n")
    saved = tmp_path / "layouts" / "b.yaml"
    outcomes = []
    done = threading.Event()

    def build(path):
        if len(outcomes) == 1:  # the rebuild that first reads layout b: b is saved meanwhile
            saved.write_text(layout + "# notional edit\n", encoding="utf-8")
        return path

    def report(outcome):
        outcomes.append(outcome)

    thread = threading.Thread(
        target=watch,
        kwargs={"briefs": [content], "build": build, "report": report, "stop": done.is_set},
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not outcomes and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.05)
    content.write_text(content.read_text(encoding="utf-8").replace("layout: a", "layout: b"))
    while len(outcomes) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    done.set()
    thread.join(timeout=10)
    assert len(outcomes) == 3, [o.changed for o in outcomes]
    assert outcomes[1].changed == [content]
    assert outcomes[2].changed == [saved]
