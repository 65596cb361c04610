"""Rendering in forked processes: same bytes as one process, errors carried back, no strays."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliancedeck.errors import ContentError, Location, Problem
from alliancedeck.parallel import (
    Child,
    Job,
    Renderer,
    WorkerCrashed,
    can_fork,
    groups,
    render_groups,
)
from conftest import REPO, write_long_brief

PRODUCTS = ("pdf", "slides", "deck-pdf")


def _job(content: Path = REPO / "content.yaml") -> Job:
    from alliancedeck.api import build_time, prepare

    prepared = prepare(content)
    return Job(prepared.doc, prepared.theme, prepared.content_dir, build_time(prepared.doc))


def _bytes(results) -> dict[str, bytes]:
    return {name: data for rendered, _ in results for name, data in rendered.items()}


def test_a_child_runs_in_another_process_and_returns_its_result():
    assert Child(os.getpid).result() != os.getpid()


def test_a_child_that_takes_input_runs_on_what_it_is_sent():
    child = Child(lambda value: value * 2, takes_input=True, prepare=lambda: None)
    child.send(21)
    assert child.result() == 42


def test_a_content_error_in_a_child_comes_back_with_its_place():
    problem = Problem(Location("brief.yaml", 3, 5), "a notional problem")

    def fail():
        raise ContentError([problem])

    with pytest.raises(ContentError) as caught:
        Child(fail).result()
    assert caught.value.problems == [problem]


def test_a_bug_in_a_child_is_named_and_keeps_its_traceback():
    def notional_bug():
        raise ValueError("a notional bug")

    with pytest.raises(WorkerCrashed, match="ValueError: a notional bug") as caught:
        Child(notional_bug).result()
    assert "in notional_bug" in caught.value.details


def test_a_child_that_is_killed_is_reported_not_waited_for():
    child = Child(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(WorkerCrashed, match="ended without a result"):
        child.result()


def test_closing_a_child_still_preparing_stops_and_reaps_it_at_once():
    child = Child(lambda value: value, takes_input=True, prepare=lambda: time.sleep(60))
    pid = child.pid
    start = time.monotonic()
    child.close()
    assert time.monotonic() - start < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left behind


def test_the_deck_products_render_together_heaviest_group_first():
    assert groups(PRODUCTS) == [("slides", "deck-pdf"), ("pdf",)]


def test_a_renderer_gives_the_bytes_and_warnings_of_one_process(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    example = REPO / "tests" / "compose" / "briefs" / "long.yaml"  # a brief past two pages
    job = _job(example)
    serial = render_groups(job, groups(PRODUCTS), fork=False)
    renderer = Renderer(PRODUCTS)
    try:
        forked = renderer.render(job)
    finally:
        renderer.close()
    assert _bytes(forked) == _bytes(serial)
    assert {w for _, ws in forked for w in ws} == {w for _, ws in serial for w in ws}
    assert any("3 pages" in w.message for _, ws in forked for w in ws)


def _descendants(pid: int) -> set[int]:
    """Return the processes under `pid` now (one that ends while it is read is left out)."""
    found: set[int] = set()
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:  # it ended: no children left
        return found
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found |= {child, *_descendants(child)}
    return found


def test_the_command_line_build_renders_in_three_processes_with_the_same_bytes(tmp_path):
    """On 2+ cores, `build` runs as this process, a renderer and the renderer's brief child."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, "-m", "alliancedeck", "build", str(REPO / "content.yaml")]
    process = subprocess.Popen([*command, "--out-dir", str(tmp_path / "forked")], env=env)
    most = 0
    while process.poll() is None:
        most = max(most, len(_descendants(process.pid)))
        time.sleep(0.005)
    assert process.returncode == 0
    expected = 2 if len(os.sched_getaffinity(0)) > 1 else 0
    assert most == expected
    serial = {**env, "ALLIANCEDECK_NO_PARALLEL": "1"}
    subprocess.run([*command, "--out-dir", str(tmp_path / "serial")], env=serial, check=True)
    for name in ("brief.pdf", "deck.pptx", "deck.pdf", "SHA256SUMS"):
        digests = {
            hashlib.sha256((tmp_path / run / name).read_bytes()).hexdigest()
            for run in ("forked", "serial")
        }
        assert len(digests) == 1, f"{name} differs between forked and serial builds"


def test_a_content_error_stops_the_renderer_at_once(tmp_path):
    path = tmp_path / "content.yaml"
    path.write_text("meta:\n  titel: notional\nsections: []\n", encoding="utf-8")
    command = [sys.executable, "-m", "alliancedeck", "build", str(path)]
    seen: set[int] = set()
    with subprocess.Popen(
        [*command, "--out-dir", str(tmp_path / "out")], stderr=subprocess.PIPE, text=True
    ) as process:
        while process.poll() is None:
            seen |= _descendants(process.pid)
            time.sleep(0.005)
        message = process.stderr.read()
    assert process.returncode == 2
    assert f"{path}:2:3: error:" in message
    assert bool(seen) == (len(os.sched_getaffinity(0)) > 1)  # a renderer had been started
    assert not (tmp_path / "out").exists()
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in seen if Path(f"/proc/{pid}").exists()]
    assert not left, f"processes left behind by a failed build: {left}"


def test_the_renderer_loads_no_validation_or_command_line_library():
    """It is forked before them and never needs them: that is what lets it start at once."""
    probe = (
        "import sys\n"
        "from alliancedeck.fonts import preload_default_fonts\n"
        "from alliancedeck.parallel import _warm\n"
        "preload_default_fonts()\n"
        "_warm(('pdf', 'slides', 'deck-pdf'))\n"
        "import alliancedeck.document\n"
        "print(sorted(m for m in ('pydantic', 'typer', 'jinja2') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_preloaded_fonts_are_the_ones_the_default_layout_then_uses(monkeypatch):
    from alliancedeck import fonts
    from alliancedeck.layout_files import PACKAGE_LAYOUTS, load_design

    monkeypatch.setattr(fonts, "_READ_FROM", {})
    reads: list[str] = []
    real = fonts._load_ttf

    def counted(name, path):
        reads.append(name)
        return real(name, path)

    monkeypatch.setattr(fonts, "_load_ttf", counted)
    fonts.preload_default_fonts()
    preloaded = len(reads)
    theme = load_design(PACKAGE_LAYOUTS / "default.yaml")
    book = fonts.FontBook(theme, REPO)
    for style in (*theme.brief.values(), *theme.deck.values()):
        book.width("Notional text", book.pdf_name(style), style.size)
    assert preloaded >= 3  # regular, bold, italic at least
    assert len(reads) == preloaded, f"read again after preloading: {reads[preloaded:]}"


def test_ctrl_c_stops_every_process_and_writes_nothing(tmp_path):
    # A long brief, so that the build is still running when its children are seen: with a short
    # one on a loaded machine it could end before the interrupt, and nothing would be tested.
    brief = write_long_brief(tmp_path)
    command = [sys.executable, "-m", "alliancedeck", "build", str(brief)]
    with subprocess.Popen(
        [*command, "--out-dir", str(tmp_path / "out")],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal would make it
    ) as process:
        seen: set[int] = set()
        while process.poll() is None and len(seen) < 2:
            seen |= _descendants(process.pid)
            time.sleep(0.002)
        assert process.poll() is None, "the build ended before it could be interrupted"
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does
        message = process.stderr.read()
    assert process.returncode == 130, message
    assert "Traceback" not in message
    assert not (tmp_path / "out").exists()
    deadline = time.monotonic() + 5
    while any(_running(pid) for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in seen if _running(pid)]


def _running(pid: int) -> bool:
    """Return whether `pid` is a live process (not gone, and not a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_a_child_that_fails_while_preparing_reports_it_when_sent_its_input():
    def broken_import():
        raise ImportError("a notional missing library")

    child = Child(lambda value: value, takes_input=True, prepare=broken_import)
    time.sleep(0.2)  # let it fail and exit before its input is sent
    child.send("input")
    with pytest.raises(WorkerCrashed, match="ImportError: a notional missing library"):
        child.result()


def _long_job(folder: Path) -> Job:
    """Return the job of a long brief: a large document, as `large_document` counts."""
    from alliancedeck.parallel import large_document

    job = _job(write_long_brief(folder))
    assert large_document(job.doc)
    return job


def test_a_child_that_has_answered_ends_before_its_result_is_asked_for():
    """Its answer is taken as it comes: it does not wait on a full pipe, holding its memory."""
    answer = b"notional product " * 300_000  # 5 MB: far more than a pipe holds
    child = Child(lambda: answer)
    child.answer_in_background()
    deadline = time.monotonic() + 20
    while _running(child.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _running(child.pid), "the child still waits for its answer to be taken"
    assert child.result() == answer


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="Linux pipes")
def test_an_answer_read_in_the_background_comes_in_pieces_of_a_mebibyte():
    """The thread that reads an answer waits for the busy main thread at every piece the pipe
    holds: at the default 64 KiB, a 200x brief's answer took some 60 turns, the child holding
    all its memory meanwhile. An answer waited for (nothing else to do) keeps the default."""
    import fcntl

    from alliancedeck.parallel import PIPE_CAPACITY

    allowed = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    answer = b"notional product " * 300_000  # 5 MB: far more than a pipe holds
    waited, read_beside = Child(lambda: answer), Child(lambda: answer)
    try:
        default = fcntl.fcntl(waited._result, fcntl.F_GETPIPE_SZ)
        read_beside.answer_in_background()
        capacity = fcntl.fcntl(read_beside._result, fcntl.F_GETPIPE_SZ)
        assert capacity == (PIPE_CAPACITY if allowed >= PIPE_CAPACITY else default)
        assert PIPE_CAPACITY >= 1 << 20 > default
        assert read_beside.result() == waited.result() == answer
    finally:
        waited.close()
        read_beside.close()


def test_a_group_rendered_in_a_child_ends_while_this_process_still_renders(monkeypatch):
    from alliancedeck import parallel

    answer = b"notional brief " * 300_000  # more than a pipe holds
    seen: dict[str, bool] = {}

    def render_job(group: tuple[str, ...], job: Job, forked=None):
        if group == ("pdf",):  # the child's group
            return {"pdf": answer}, []
        forked()  # this process forks no more (see `render_group`): the answer is taken
        (child,) = parallel._LIVE
        deadline = time.monotonic() + 20
        while _running(child.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        seen["child ended first"] = not _running(child.pid)
        return {name: b"" for name in group}, []

    monkeypatch.setattr(parallel, "_render_job", render_job)
    results = render_groups(_job(), [("slides", "deck-pdf"), ("pdf",)], fork=True)
    assert seen == {"child ended first": True}
    assert _bytes(results)["pdf"] == answer


def _notional_renders(monkeypatch) -> list[str]:
    """Make every backend a notional one (of another package: it may leave reference cycles)
    and memory release a no-op; return where each render ("slides"...) and each release
    ("freed", with a full collection) is noted, in order."""
    from alliancedeck import backends, parallel

    events: list[str] = []

    class Notional:
        def __init__(self, name: str):
            self.name = name

        def render(self, doc, theme, context) -> bytes:
            events.append(self.name)
            return b""

    monkeypatch.setattr(backends, "load", Notional)
    monkeypatch.setattr(
        parallel, "release_memory", lambda *, collect: events.append("freed" if collect else "")
    )
    return events


def test_a_large_document_s_products_each_draw_after_the_last_one_s_leftovers_are_freed(
    tmp_path, monkeypatch
):
    from alliancedeck import parallel
    from alliancedeck.backends import RenderContext

    events = _notional_renders(monkeypatch)
    large, small = _long_job(tmp_path), _job()
    for job in (large, small):
        parallel.render_group(("slides", "deck-pdf"), job, RenderContext(REPO, 0))
    assert events == ["slides", "freed", "deck-pdf", "slides", "deck-pdf"]


def test_a_settled_watch_session_leaves_a_large_document_s_leftovers_to_its_next_settle(
    tmp_path, monkeypatch
):
    """Settled, a session's collector waits for the next settle (session.settle): no full
    collection between a rebuild's products; closed, products free their leftovers again."""
    import gc

    from alliancedeck import parallel
    from alliancedeck.backends import RenderContext
    from alliancedeck.session import Session

    events = _notional_renders(monkeypatch)
    large = _long_job(tmp_path)
    collecting = gc.isenabled()
    try:
        with Session() as session:
            parallel.render_group(("slides", "deck-pdf"), large, RenderContext(REPO, 0))
            session.settle()
            assert not gc.isenabled()
            parallel.render_group(("slides", "deck-pdf"), large, RenderContext(REPO, 0))
        assert gc.isenabled() == collecting and gc.get_freeze_count() == 0
        parallel.render_group(("slides", "deck-pdf"), large, RenderContext(REPO, 0))
    finally:
        gc.unfreeze()
    expected = ["slides", "freed", "deck-pdf"]
    assert events == [*expected, "slides", "deck-pdf", *expected]


def test_a_large_content_file_is_read_in_a_child_and_builds_what_one_process_builds(
    tmp_path, monkeypatch
):
    """With a renderer, the command's process never holds a large brief's document: it is
    read, checked and handed to the renderer by a child that ends before the products
    render. Products, warnings and the files read are those of a build in one process."""
    from alliancedeck import api

    brief = write_long_brief(tmp_path, copies=25)
    assert brief.stat().st_size >= api.READ_APART_FROM
    readers = tmp_path / "read by"
    real_prepare = api.prepare

    def prepare(*args, **kwargs):
        with readers.open("a", encoding="ascii") as record:
            record.write(f"{os.getpid()}\n")
        return real_prepare(*args, **kwargs)

    monkeypatch.setattr(api, "prepare", prepare)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    renderer = Renderer(PRODUCTS)
    try:
        forked = api.build(brief, out_dir=tmp_path / "forked", renderer=renderer)
    finally:
        renderer.close()
    (reader,) = readers.read_text(encoding="ascii").split()
    assert (int(reader) != os.getpid()) == can_fork()
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")
    serial = api.build(brief, out_dir=tmp_path / "serial")
    for made, alone in zip(forked.products, serial.products, strict=True):
        assert made.path.read_bytes() == alone.path.read_bytes(), f"{made.path.name} differs"
    assert forked.warnings == serial.warnings
    assert any("continues over" in w.message or "pages" in w.message for w in forked.warnings)
    assert forked.inputs == serial.inputs


def test_a_content_error_in_a_large_file_read_apart_is_located_as_at_home(tmp_path):
    from alliancedeck import api

    brief = write_long_brief(tmp_path, copies=25)
    assert brief.stat().st_size >= api.READ_APART_FROM
    lines = brief.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("meta:"))
    lines.insert(at + 1, "  titel: a notional misspelt key")
    brief.write_text("\n".join(lines) + "\n", encoding="utf-8")
    renderer = Renderer(PRODUCTS)
    try:
        with pytest.raises(ContentError) as apart:
            api.build(brief, out_dir=tmp_path / "out", renderer=renderer)
    finally:
        renderer.close()
    with pytest.raises(ContentError) as at_home:
        api.prepare(brief)
    assert apart.value.problems == at_home.value.problems
    assert any(p.location.line == at + 2 for p in apart.value.problems)
    assert not (tmp_path / "out").exists()


def test_a_large_deck_is_laid_out_once_then_drawn_as_pptx_and_as_pdf_side_by_side(
    tmp_path, monkeypatch
):
    """The deck's two products share one slide layout. A large deck's is made once, in the
    renderer; then the .pptx is drawn in a forked copy of it while the renderer draws the deck
    PDF. Bytes and warnings, in their order, are those of one process."""
    import yaml

    from alliancedeck import parallel
    from alliancedeck.backends.deck_pdf import DeckPdfBackend
    from alliancedeck.backends.deck_pptx import DeckPptxBackend
    from alliancedeck.compose import deck

    record = tmp_path / "record"

    def noted(label, real):
        def wrapper(*args, **kwargs):
            with record.open("a", encoding="ascii") as notes:
                notes.write(f"{label} {os.getpid()} {os.nice(0)}\n")
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(deck, "compose_deck", noted("layout", deck.compose_deck))
    monkeypatch.setattr(DeckPptxBackend, "render", noted("slides", DeckPptxBackend.render))
    monkeypatch.setattr(DeckPdfBackend, "render", noted("deck-pdf", DeckPdfBackend.render))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    brief = write_long_brief(tmp_path)
    data = yaml.safe_load(brief.read_text(encoding="utf-8"))
    data["sections"][0]["points"] = [f"Notional point {n} of a long section." for n in range(30)]
    brief.write_text(yaml.safe_dump(data), encoding="utf-8")  # its slides warn: continued
    job = _job(brief)
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")
    serial = render_groups(job, groups(PRODUCTS), fork=False)
    monkeypatch.delenv("ALLIANCEDECK_NO_PARALLEL")
    record.unlink()
    renderer = Renderer(PRODUCTS)
    rendering = renderer._child.pid  # the renderer's process
    try:
        forked = renderer.render(job)
    finally:
        renderer.close()
    lines = [line.split() for line in record.read_text(encoding="ascii").splitlines()]
    done = {label: pid for label, pid, _ in lines}
    niceness = {label: int(nice) for label, _, nice in lines}
    assert sorted(done) == ["deck-pdf", "layout", "slides"]  # one layout, each product once
    assert len(lines) == 3
    here = str(rendering) if can_fork() else str(os.getpid())
    assert done["layout"] == done["deck-pdf"] == here
    assert (done["slides"] not in (here, str(os.getpid()))) == can_fork()
    # The .pptx, drawn beside, yields the cores to the deck PDF and the brief.
    mine = os.nice(0)
    assert niceness["layout"] == niceness["deck-pdf"] == mine
    assert parallel.BESIDE_NICENESS > 0
    yielded = min(19, mine + parallel.BESIDE_NICENESS)  # the system's lowest priority is 19
    assert niceness["slides"] == (yielded if can_fork() else mine)
    assert _bytes(forked) == _bytes(serial)
    assert [ws for _, ws in forked] == [ws for _, ws in serial]
    assert any("continues over" in w.message for _, ws in forked for w in ws)


def _sharing(monkeypatch, record: Path, *, failing: str = "", slow: str = "") -> None:
    """Make every backend a notional one of a pair sharing work: "light" and "heavy" (its
    weight three times the light's). Each notes its process and what it may consume in
    `record`, and warns; `failing` raises, `slow` takes a minute."""
    from alliancedeck import backends

    class Notional:
        shares = "notional"

        def __init__(self, name: str):
            self.name = name
            self.weight = 3 if name == "heavy" else 1

        def share(self, doc, theme, context) -> None:
            context.cache["notional"] = "shared"
            context.warnings.append("notional shared work warns")

        def render(self, doc, theme, context) -> bytes:
            if "notional" not in context.cache:
                self.share(doc, theme, context)
            with record.open("a", encoding="ascii") as notes:
                notes.write(f"{self.name} {os.getpid()} {context.consume or '-'}\n")
            if self.name == slow:
                time.sleep(60)
            if self.name == failing:
                raise RuntimeError("a notional failure")
            context.warnings.append(f"notional {self.name} warns")
            return self.name.encode()

    monkeypatch.setattr(backends, "load", Notional)


@pytest.mark.parametrize("group", [("light", "heavy"), ("heavy", "light")])
def test_the_heaviest_product_draws_here_the_others_beside_in_the_order_of_one_process(
    group, tmp_path, monkeypatch
):
    """Whatever order the products are asked in, the heaviest is drawn here (the last to use
    the shared work here) and the others in the fork, each the last reader in its process;
    bytes and warnings come back in the group's order, as one process gives them."""
    from alliancedeck import parallel
    from alliancedeck.backends import RenderContext

    record = tmp_path / "record"
    _sharing(monkeypatch, record)
    job = _long_job(tmp_path)
    monkeypatch.setenv("ALLIANCEDECK_NO_PARALLEL", "1")
    serial = parallel.render_group(group, job, RenderContext(REPO, 0), own_context=True)
    monkeypatch.delenv("ALLIANCEDECK_NO_PARALLEL")
    record.unlink()
    forked = parallel.render_group(group, job, RenderContext(REPO, 0), own_context=True)
    assert list(forked[0]) == list(serial[0]) == list(group)
    assert forked == serial
    assert [w.message for w in forked[1]] == [
        "notional shared work warns",
        *(f"notional {name} warns" for name in group),
    ]
    drawn = {
        name: (pid, consume)
        for name, pid, consume in map(str.split, record.read_text(encoding="ascii").splitlines())
    }
    assert drawn["heavy"] == (str(os.getpid()), "heavy")
    assert drawn["light"][1] == "light"
    assert (drawn["light"][0] != str(os.getpid())) == can_fork()
    assert not parallel._LIVE


def test_a_failure_here_stops_the_product_drawn_beside_at_once(tmp_path, monkeypatch):
    from alliancedeck import parallel
    from alliancedeck.backends import RenderContext

    _sharing(monkeypatch, tmp_path / "record", failing="heavy", slow="light")
    job = _long_job(tmp_path)
    before = _descendants(os.getpid())
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="a notional failure"):
        parallel.render_group(("heavy", "light"), job, RenderContext(REPO, 0), own_context=True)
    assert time.monotonic() - start < 30  # the minute-long drawing beside was stopped
    assert _descendants(os.getpid()) <= before  # and reaped: no process of its left
    assert not parallel._LIVE


def test_a_child_s_own_children_do_not_keep_its_answer_pipe_open(tmp_path):
    """A renderer killed outright (the out-of-memory killer) is reported at once, though the
    .pptx it forked is still drawing: that child holds no end of its parent's answer pipe."""
    noted = tmp_path / "grandchild"

    def task():
        grandchild = Child(lambda: time.sleep(60))
        noted.write_text(str(grandchild.pid), encoding="ascii")
        os.kill(os.getpid(), signal.SIGKILL)

    start = time.monotonic()
    try:
        with pytest.raises(WorkerCrashed, match="ended without a result"):
            Child(task).result()
        assert time.monotonic() - start < 30
    finally:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(noted.read_text(encoding="ascii")), signal.SIGKILL)
