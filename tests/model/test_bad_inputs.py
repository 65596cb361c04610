"""Every broken content file in tests/bad/ fails cleanly, located, through the real command line.

Each file's first line is `# expect: LINE:COL: substring` (COL may be `*`). The command line is
run as a subprocess, as users run it; the runs are started in parallel so the set stays fast.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alliancedeck.cli import app

BAD_DIR = Path(__file__).resolve().parent.parent / "bad"
BAD_FILES = sorted(BAD_DIR.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (?P<line>\d+):(?P<col>\d+|\*): (?P<text>\S.*)$")
CLI = [sys.executable, "-m", "alliancedeck.cli"]
#: Most memory a single run may use, in MB (the issue's limit for hostile input).
MEMORY_LIMIT_MB = 400
#: Most CPU time (user + system, its own processes included) a single run may take, in seconds
#: (the CLI starts in well under one second). CPU, not wall time: the bound is on the work the
#: input causes, which the machine's load does not change (a run killed at 60 s fails anyway).
TIME_LIMIT = 5.0

#: Scenarios the corpus must always cover (a file deleted by mistake must not go unnoticed).
REQUIRED_SCENARIOS = {
    "alias_bomb",
    "duplicate_key",
    "empty_file",
    "figure_value_bool",
    "figure_value_text",
    "meta_date_not_iso",
    "meta_key_typo",
    "meta_language_invalid",
    "meta_layout_unknown",
    "meta_title_missing",
    "point_is_number",
    "section_key_typo",
    "section_unknown_figure",
    "sections_empty",
    "sections_missing",
    "syntax_tab_indentation",
    "syntax_unclosed_bracket",
    "syntax_wrong_indentation",
    "template_cycler",
    "template_dunder_class",
    "template_huge_string",
    "template_syntax_error",
    "template_undefined_name",
    "template_unknown_figure",
    "top_level_list",
    "unknown_top_level_key",
    # Hostile input (issue 11): pictures, characters, numbers and dates at the edges.
    "svg_reference_outside",
    "png_pixel_bomb",
    "png_garbage_idat",
    "jpeg_truncated",
    "image_path_nul",
    "timeline_date_control",
    "right_to_left_hebrew",
    "chart_value_huge",
    "meta_date_after_2107",
}

VALID_CONTENT = """\
meta:
  title: A valid brief
figures:
  troops: {value: 54000, label: troops}
sections:
  - title: First
    points:
      - About {{ figures.troops }} troops.
    figures: [troops]
"""


@dataclass(frozen=True)
class Expectation:
    line: int
    column: int | None  # None: any column
    text: str

    def matches(self, stderr: str, path: str) -> bool:
        """Whether one stderr line is `path:LINE:COL: error: ...text...`."""
        column = r"\d+" if self.column is None else str(self.column)
        head = re.compile(rf"^{re.escape(path)}:{self.line}:{column}: error: ")
        return any(head.match(line) and self.text in line for line in stderr.splitlines())


def expectation(path: Path) -> Expectation:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    match = EXPECT.match(first)
    assert match, f"{path.name}: first line must be '# expect: LINE:COL: text', not {first!r}"
    col = match["col"]
    return Expectation(int(match["line"]), None if col == "*" else int(col), match["text"])


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float  # CPU time, user + system
    peak_mb: float = 0.0  # the child's peak resident memory


def cli_environment() -> dict[str, str]:
    """The current environment (so monkeypatch.setenv reaches the subprocess)."""
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def run_cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the command line with `args` in `cwd`, in `env` (default: `cli_environment()`)."""
    env = cli_environment() if env is None else env
    process = subprocess.Popen(
        [*CLI, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    streams: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        with stream:
            streams[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=(n, s))
        for n, s in (("out", process.stdout), ("err", process.stderr))
    ]
    for reader in readers:
        reader.start()
    timer = threading.Timer(60, process.kill)
    timer.start()
    # wait4 reaps the child and reports its own peak memory (ru_maxrss, in KiB on Linux).
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    for reader in readers:
        reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        process.returncode,
        streams["out"].decode("utf-8", "replace"),
        streams["err"].decode("utf-8", "replace"),
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
    )


def assert_clean_failure(run: Run, path: str) -> None:
    """Exit status 2, no traceback, nothing on stdout, and every stderr line located at `path`."""
    assert run.returncode == 2, f"exit status {run.returncode}\nstderr:\n{run.stderr}"
    assert "Traceback" not in run.stderr, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    assert run.stdout.strip() == "", run.stdout
    assert run.seconds < TIME_LIMIT, f"took {run.seconds:.1f} s of CPU"
    assert run.peak_mb < MEMORY_LIMIT_MB, f"used {run.peak_mb:.0f} MB"
    for line in run.stderr.strip().splitlines():
        assert line.startswith(f"{path}:") and ": error: " in line, f"unlocated line: {line!r}"


@pytest.fixture(scope="module")
def pool():
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as executor:
        yield executor


@pytest.fixture(scope="module")
def check_runs(pool, tmp_path_factory) -> dict[Path, Future[Run]]:
    """`alliancedeck check FILE` for every bad file, started at once and run in parallel."""
    cwd = tmp_path_factory.mktemp("check-cwd")
    # A snapshot taken now, free of any size cap: other tests change os.environ meanwhile.
    env = cli_environment()
    env.pop("ALLIANCEDECK_MAX_BYTES", None)
    return {path: pool.submit(run_cli, ["check", str(path)], cwd, env) for path in BAD_FILES}


KNOWN_BYTES = {"brief.pdf": b"%PDF-1.4 known brief bytes\n", "deck.pptx": b"PK known deck bytes"}


def test_corpus_covers_every_required_scenario():
    assert {p.stem for p in BAD_FILES} >= REQUIRED_SCENARIOS
    for path in BAD_FILES:
        expectation(path)  # every file carries a well-formed expectation


def test_cli_module_is_runnable(tmp_path):
    """The harness runs `python -m alliancedeck.cli`; a valid file must pass through it."""
    good = tmp_path / "content.yaml"
    good.write_text(VALID_CONTENT, encoding="utf-8")
    run = run_cli(["check", str(good)], tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"{good}: ok: 1 sections, 1 figures"), run.stdout
    assert "error" not in run.stderr


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_check_reports_bad_file(path: Path, check_runs):
    expected = expectation(path)
    run = check_runs[path].result()
    assert_clean_failure(run, str(path))
    assert expected.matches(run.stderr, str(path)), (
        f"expected {path}:{expected.line}:{expected.column or '*'}: error: ...{expected.text}...\n"
        f"got:\n{run.stderr}"
    )


def build_in_process(path: Path, out_dir: Path) -> Run:
    """`alliancedeck build FILE --out-dir D` through the same typer app, in this process.

    In-process (not a subprocess) so that the corpus runs twice without doubling the time; the
    subprocess runs above already cover the real entry point.
    """
    start = time.process_time()
    result = CliRunner().invoke(app, ["build", str(path), "--out-dir", str(out_dir)])
    seconds = time.process_time() - start
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr, seconds)


def fill_out_dir(out_dir: Path) -> None:
    out_dir.mkdir(exist_ok=True)
    for name, data in KNOWN_BYTES.items():
        (out_dir / name).write_bytes(data)


def assert_out_dir_untouched(out_dir: Path) -> None:
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == sorted(KNOWN_BYTES), f"build of bad content left {names} in {out_dir}"
    for name, data in KNOWN_BYTES.items():
        assert (out_dir / name).read_bytes() == data, f"{name} was changed"


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_build_of_bad_file_leaves_outputs_untouched(path: Path, tmp_path):
    out_dir = tmp_path / "out"
    fill_out_dir(out_dir)
    run = build_in_process(path, out_dir)
    assert_clean_failure(run, str(path))
    assert expectation(path).matches(run.stderr, str(path)), run.stderr
    assert_out_dir_untouched(out_dir)


def test_non_utf8_file_names_offset_and_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"meta:\n  title: Caf\xe9\nsections:\n  - title: First\n")
    run = run_cli(["check", str(path)], tmp_path)
    assert_clean_failure(run, str(path))
    # b"meta:\n" is 6 bytes and b"  title: Caf" 12 more: the bad byte is at offset 18, column 13.
    assert run.stderr.startswith(f"{path}:2:13: error: "), run.stderr
    assert "not UTF-8" in run.stderr
    assert "0xE9" in run.stderr
    assert "offset 18" in run.stderr


def test_zero_byte_file_is_empty_at_line_1(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    run = run_cli(["check", str(path)], tmp_path)
    assert_clean_failure(run, str(path))
    assert run.stderr.startswith(f"{path}:1:1: error: the content file is empty"), run.stderr


def test_file_over_size_cap_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text(VALID_CONTENT + "# padding\n" * 50, encoding="utf-8")
    size = path.stat().st_size
    monkeypatch.setenv("ALLIANCEDECK_MAX_BYTES", "200")
    run = run_cli(["check", str(path)], tmp_path)
    assert_clean_failure(run, str(path))
    assert f"the content file is {size:,} bytes, more than the limit of 200" in run.stderr
    assert "ALLIANCEDECK_MAX_BYTES" in run.stderr
    # The same file is accepted without the cap: the size is the only problem.
    monkeypatch.delenv("ALLIANCEDECK_MAX_BYTES")
    assert run_cli(["check", str(path)], tmp_path).returncode == 0


def test_build_over_size_cap_leaves_outputs_untouched(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text(VALID_CONTENT + "# padding\n" * 50, encoding="utf-8")
    out_dir = tmp_path / "out"
    fill_out_dir(out_dir)
    monkeypatch.setenv("ALLIANCEDECK_MAX_BYTES", "200")
    run = run_cli(["build", str(path), "--out-dir", str(out_dir)], tmp_path)
    assert_clean_failure(run, str(path))
    assert "more than the limit of 200" in run.stderr
    assert_out_dir_untouched(out_dir)


def test_build_of_non_utf8_file_leaves_outputs_untouched(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"meta:\n  title: Caf\xe9\nsections:\n  - title: First\n")
    out_dir = tmp_path / "out"
    fill_out_dir(out_dir)
    run = build_in_process(path, out_dir)
    assert_clean_failure(run, str(path))
    assert f"{path}:2:13: error: " in run.stderr
    assert_out_dir_untouched(out_dir)
