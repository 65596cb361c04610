"""Time alliancedeck against a plain baseline and Pandoc (with typst) on unique-text content."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from generate import SEED, TextWriter, unique_content, write_inputs

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_CONTENT = ROOT / "content.yaml"
BASELINE = BENCH / "baseline.py"
BATCH_API = BENCH / "batch_api.py"
TYPST_COMPILE = BENCH / "typst_compile.py"
FONTS = ROOT / "src" / "alliancedeck" / "fonts"
RESULTS = BENCH / "results.json"

#: Sizes: "Nx" is N copies of content.yaml's sections, "Ns" is N sections.
SIZES = ("1x", "15s", "50x", "200x")
QUICK_SIZES = ("1x", "15s", "50x")
WATCH_SIZES = ("1x", "200x")
QUICK_WATCH_SIZES = ("1x",)
BATCH_BRIEFS = 100
QUICK_BATCH_BRIEFS = 20
BATCH_JOBS = 2
HELP_RUNS = 10
#: Saves of one point timed under `build --watch`, after one untimed save (full, quick).
WATCH_SAVES = {"1x": 5, "200x": 3}
QUICK_WATCH_SAVES = 2
MIB = 1024 * 1024
#: Seconds between two samples of the memory of a child and its worker processes.
SAMPLE_INTERVAL = 0.05
PROC = Path("/proc")
REBUILT = re.compile(r"-> rebuilt .* in ([0-9.]+) s")
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
SLIDE_PART = re.compile(r"ppt/slides/slide\d+\.xml")
PRODUCT_SUFFIXES = (".pdf", ".pptx")

#: Targets of issue 19 ("Fastest at the size people use, and incremental when they edit").
SMALL_MAX_WALL_RATIO = 1.0  # 1x and 15 sections: wall / Pandoc and wall / baseline
SMALL_MAX_CPU_RATIO = 1.2  # 1x and 15 sections: CPU / baseline
LARGE_MAX_BASELINE_RATIO = 0.4  # 200x: wall / baseline
LARGE_MAX_PANDOC_RATIO = 0.15  # 200x: wall / Pandoc
LARGE_MAX_MEMORY_MB = 150.0  # 200x: all processes together
WARM_LARGE_MAX_RATIO = 0.35  # warm rebuild at 200x / cold build at 200x
WARM_SMALL_MAX_S = 0.1  # warm rebuild at 1x
BATCH_MIN_RATE = 4.0  # briefs per second, 100 briefs, two jobs
HELP_MAX_RATIO = 0.5  # an earlier issue's: `--help` / baseline at 1x

TOOLS = ("alliancedeck", "baseline", "pandoc")
OUTPUTS = {
    "alliancedeck": ("brief.pdf", "deck.pptx", "deck.pdf"),
    "baseline": ("brief.pdf", "deck.pptx", "deck.pdf"),
    "pandoc": ("deck.pptx", "brief.pdf"),
}
#: Pandoc's variables for the brief in Typst: letter paper, two columns, the brief's font.
TYPST_VARIABLES = (
    "-V",
    "papersize=us-letter",
    "-V",
    "columns=2",
    "-V",
    "mainfont=Liberation Sans",
    "-V",
    "fontsize=9.5pt",
)


class BenchError(Exception):
    """A measured command failed, so its figures would mean nothing."""


class TreeSampler(threading.Thread):
    """Sample the summed PSS of a process and all its descendants until stopped (Linux only)."""

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self.most_processes = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        """Sample every `interval` seconds until `stop` is called."""
        while not self._stopped.is_set():
            tree = descendants(self.pid)
            self.most_processes = max(self.most_processes, len(tree))
            self.peak_kib = max(self.peak_kib, sum(pss_kib(pid) for pid in tree))
            self._stopped.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling and wait for the thread to end."""
        self._stopped.set()
        self.join()


def descendants(root: int) -> list[int]:
    """Return `root` and the pids of all its living descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def pss_kib(pid: int) -> int:
    """Return the proportional set size of `pid` in KiB, or 0 when it is gone."""
    try:
        rollup = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


class Sample(NamedTuple):
    """What one run of a command cost."""

    wall: float  # seconds
    cpu: float  # user + system seconds of the child and every descendant it waited for
    rss_kib: int  # ru_maxrss from wait4: the largest single process of the run
    tree_pss_kib: int  # sampled peak of the summed PSS of the child and its descendants
    processes: int  # most processes seen at once


@dataclass
class Measurement:
    """Timed runs of one command, or why they could not be made (or were not)."""

    samples: list[Sample] = field(default_factory=list)
    outputs: dict[str, dict[str, int]] = field(default_factory=dict)
    error: str | None = None
    skipped: str | None = None

    def _peak(self, kib: list[int]) -> float | None:
        """Return the largest of `kib` in MB (MiB), or None without successful runs."""
        return max(kib) * 1024 / MIB if kib and self.ok else None

    @property
    def ok(self) -> bool:
        """Return whether there are timed runs and no failure."""
        return bool(self.samples) and not self.error and not self.skipped

    @property
    def wall(self) -> float | None:
        """Return the median wall time in seconds."""
        return statistics.median(s.wall for s in self.samples) if self.ok else None

    @property
    def cpu(self) -> float | None:
        """Return the median CPU time (user + system, all processes) in seconds."""
        return statistics.median(s.cpu for s in self.samples) if self.ok else None

    @property
    def peak_rss_mb(self) -> float | None:
        """Return the peak RSS of the largest single process (ru_maxrss from wait4)."""
        return self._peak([s.rss_kib for s in self.samples])

    @property
    def tree_pss_mb(self) -> float | None:
        """Return the sampled peak of the summed PSS of the child and its descendants."""
        return self._peak([s.tree_pss_kib for s in self.samples])

    @property
    def peak_memory_mb(self) -> float | None:
        """Return the larger of the peak RSS of one process and the peak PSS of all of them."""
        return self._peak([max(s.rss_kib, s.tree_pss_kib) for s in self.samples])

    @property
    def most_processes(self) -> int | None:
        """Return the most processes seen at once in one run."""
        return max(s.processes for s in self.samples) if self.ok else None

    def as_json(self) -> dict[str, Any]:
        """Return the figures (or the error, or why it was skipped) as JSON-ready data."""
        if self.skipped:
            return {"skipped": self.skipped}
        if self.error:
            return {"error": self.error}
        return {
            "wall_median_s": rounded(self.wall),
            "cpu_median_s": rounded(self.cpu),
            "peak_rss_mb": rounded(self.peak_rss_mb),
            "peak_tree_pss_mb": rounded(self.tree_pss_mb),
            "peak_memory_mb": rounded(self.peak_memory_mb),
            "most_processes": self.most_processes,
            "runs": [s._asdict() for s in self.samples],
            "outputs": self.outputs,
        }


class Size(NamedTuple):
    """One content size: its name ("50x", "15s") and number of sections."""

    name: str
    sections: int

    def label(self, base_sections: int) -> str:
        """Return the name with the section count, as "50x (300 sections)"."""
        if self.name.endswith("s"):
            return f"{self.sections} sections"
        return f"{self.name} ({self.sections} sections)"


def parse_size(text: str, base_sections: int) -> Size:
    """Return the size "Nx" (N copies of the base's sections) or "Ns" (N sections); N is "Nx"."""
    text = text.strip()
    match = re.fullmatch(r"(\d+)([xs]?)", text)
    if not match or int(match.group(1)) < 1:
        raise SystemExit(f"error: size {text!r}: write 1x, 50x (copies) or 15s (sections)")
    number, unit = int(match.group(1)), match.group(2) or "x"
    sections = number if unit == "s" else number * base_sections
    return Size(f"{number}{unit}", sections)


@dataclass
class Peers:
    """Which peers can run here, and why the others cannot."""

    pandoc: str | None = None
    typst: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def pandoc_label(self) -> str:
        """Return what the Pandoc row makes."""
        return "Pandoc: pptx + PDF via typst" if self.typst else "Pandoc: pptx only"


def find_peers() -> Peers:
    """Find a pandoc binary (on PATH or from pypandoc_binary) and the typst Python binding."""
    peers = Peers(pandoc=shutil.which("pandoc"))
    if peers.pandoc is None and importlib.util.find_spec("pypandoc") is not None:
        try:
            import pypandoc

            peers.pandoc = pypandoc.get_pandoc_path()
        except OSError:
            peers.pandoc = None
    if peers.pandoc is None:
        peers.notes.append(
            "Pandoc row skipped: no pandoc found (`pip install pypandoc_binary` ships one)"
        )
    peers.typst = importlib.util.find_spec("typst") is not None
    if peers.pandoc and not peers.typst:
        peers.notes.append(
            "Pandoc row makes the pptx only: the typst module is missing (`pip install typst`)"
        )
    return peers


def pandoc_script(peers: Peers) -> str:
    """Return the sh script that makes one brief with Pandoc: args PANDOC PYTHON DECK BRIEF OUT.

    The deck (pptx) comes from the deck's Markdown, then the brief's Markdown becomes Typst
    and the typst binding compiles it to PDF, one after the other, as a user would type them.
    """
    steps = ['mkdir -p "$5"', '"$1" "$3" -o "$5/deck.pptx"']
    if peers.typst:
        variables = " ".join(f"'{v}'" for v in TYPST_VARIABLES)
        steps.append(f'"$1" "$4" -s -t typst {variables} -o "$5/brief.typ"')
        steps.append(f'"$2" \'{TYPST_COMPILE}\' "$5/brief.typ" "$5/brief.pdf" \'{FONTS}\'')
    return " && ".join(steps)


def batch_cli_supported(env: dict[str, str] | None) -> bool:
    """Return whether `alliancedeck build` takes several content files and `--jobs`."""
    done = subprocess.run(
        [sys.executable, "-m", "alliancedeck", "build", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return "--jobs" in done.stdout


def run_once(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run `command` as one child process; return its wall time, CPU time and peak memory."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        sampler = TreeSampler(child.pid)
        if PROC.is_dir():
            sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if sampler.is_alive():
            sampler.stop()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip()[-2000:]
            raise BenchError(f"exit status {child.returncode}: {message}")
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    rss_kib = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(round(wall, 4), round(cpu, 4), rss_kib, sampler.peak_kib, sampler.most_processes)


def count_units(path: Path) -> int:
    """Return the number of pages of a PDF or of slides of a .pptx."""
    if path.suffix == ".pptx":
        with zipfile.ZipFile(path) as package:
            return sum(1 for name in package.namelist() if SLIDE_PART.fullmatch(name))
    return len(PDF_PAGE.findall(path.read_bytes()))


def describe_outputs(folder: Path, names: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Return the size in bytes and the page or slide count of each product in `folder`."""
    described = {}
    for name in names:
        path = folder / name
        if not path.is_file():
            raise BenchError(f"{path.name} was not written")
        described[name] = {"bytes": path.stat().st_size, "pages": count_units(path)}
    return described


def describe_batch(folder: Path, expected: int) -> dict[str, dict[str, int]]:
    """Return how many products (PDF, pptx) a batch wrote under `folder` and their bytes."""
    products = [p for p in folder.rglob("*") if p.suffix in PRODUCT_SUFFIXES and p.is_file()]
    if len(products) < expected:
        raise BenchError(f"{len(products)} products written under {folder}, {expected} expected")
    return {"all": {"bytes": sum(p.stat().st_size for p in products), "pages": len(products)}}


@dataclass
class Job:
    """One tool's command on one input, where it writes, and how to check what it wrote."""

    command: list[str]
    out_dir: Path
    check: Callable[[Path], dict[str, dict[str, int]]]
    env: dict[str, str] | None = None
    label: str = ""


def measure(jobs: dict[str, Job], runs: int, warmups: int, cwd: Path) -> dict[str, Measurement]:
    """Run each job `warmups` times untimed, then time `runs` rounds of all jobs, interleaved.

    Each round runs every tool once, in turn, so a change in the machine's load hits all of
    them. A job that fails keeps its error instead of figures; the others go on.
    """
    results = {name: Measurement() for name in jobs}
    for round_index in range(warmups + runs):
        for name, job in jobs.items():
            result = results[name]
            if result.error:
                continue
            shutil.rmtree(job.out_dir, ignore_errors=True)
            try:
                sample = run_once(job.command, cwd, job.env)
            except BenchError as exc:
                result.error = str(exc)
                continue
            if round_index >= warmups:
                result.samples.append(sample)
    for name, job in jobs.items():
        if not results[name].error:
            try:
                results[name].outputs = job.check(job.out_dir)
            except BenchError as exc:
                results[name].error = str(exc)
    return results


def single_jobs(
    inputs: dict[str, Path], out: Path, peers: Peers, env: dict[str, str] | None
) -> dict[str, Job]:
    """Return each available tool's job that makes one brief's products from `inputs`."""
    build = [sys.executable, "-m", "alliancedeck", "build"]
    jobs = {
        "alliancedeck": Job(
            [*build, str(inputs["yaml"]), "--out-dir", str(out / "alliancedeck")],
            out / "alliancedeck",
            lambda folder: describe_outputs(folder, OUTPUTS["alliancedeck"]),
            env,
        ),
        "baseline": Job(
            [
                sys.executable,
                str(BASELINE),
                str(inputs["yaml"]),
                "--out-dir",
                str(out / "baseline"),
            ],
            out / "baseline",
            lambda folder: describe_outputs(folder, OUTPUTS["baseline"]),
        ),
    }
    if peers.pandoc:
        names = OUTPUTS["pandoc"] if peers.typst else ("deck.pptx",)
        arguments = [peers.pandoc, sys.executable, str(inputs["deck_md"]), str(inputs["brief_md"])]
        jobs["pandoc"] = Job(
            ["sh", "-c", pandoc_script(peers), "sh", *arguments, str(out / "pandoc")],
            out / "pandoc",
            lambda folder: describe_outputs(folder, names),
            label=peers.pandoc_label,
        )
    return jobs


def batch_jobs(
    briefs: list[dict[str, Path]],
    out: Path,
    peers: Peers,
    env: dict[str, str] | None,
    cli: bool,
) -> dict[str, Job]:
    """Return each available tool's job that makes the products of every brief in `briefs`.

    With `cli` (alliancedeck's `build` takes several files), alliancedeck runs as
    `build A B ... --jobs 2`, and the baseline and Pandoc run two briefs at a time too.
    Without it, alliancedeck builds them in turn in one process through the library, and so
    do the others, one brief at a time.
    """
    jobs_count = BATCH_JOBS if cli else 1
    files = [str(b["yaml"]) for b in briefs]
    if cli:
        # Several briefs are each written to output/STEM/ beside them (`--out-dir` takes one).
        ours = [sys.executable, "-m", "alliancedeck", "build", *files, "--jobs", str(BATCH_JOBS)]
        ours_out = briefs[0]["yaml"].parent / "output"
        label = f"alliancedeck build A B ... --jobs {BATCH_JOBS}"
    else:
        ours = [sys.executable, str(BATCH_API), str(out / "alliancedeck"), *files]
        ours_out = out / "alliancedeck"
        label = "alliancedeck library, briefs in turn in one process (no batch CLI)"
    count = len(briefs)
    jobs = {
        "alliancedeck": Job(ours, ours_out, lambda f: describe_batch(f, 3 * count), env, label),
        "baseline": Job(
            [
                sys.executable,
                str(BASELINE),
                *files,
                "--jobs",
                str(jobs_count),
                "--out-dir",
                str(out / "baseline"),
            ],
            out / "baseline",
            lambda f: describe_batch(f, 3 * count),
            label=f"baseline.py A B ... --jobs {jobs_count} (one process, forked workers if 2)",
        ),
    }
    if peers.pandoc:
        listing = out / "pandoc-briefs.txt"
        out.mkdir(parents=True, exist_ok=True)
        listing.write_text(
            "".join(
                f"{b['deck_md']} {b['brief_md']} {out / 'pandoc' / b['yaml'].stem}\n"
                for b in briefs
            ),
            encoding="utf-8",
        )
        per_brief = 2 if peers.typst else 1
        xargs = ["xargs", "-a", str(listing), "-P", str(jobs_count), "-n", "3"]
        jobs["pandoc"] = Job(
            [*xargs, "sh", "-c", pandoc_script(peers), "sh", peers.pandoc, sys.executable],
            out / "pandoc",
            lambda f: describe_batch(f, per_brief * count),
            label=f"{peers.pandoc_label}, {jobs_count} brief(s) at a time (xargs -P)",
        )
    return jobs


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Return numerator / denominator, or None when either is unknown or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def rounded(value: float | None) -> float | None:
    """Return `value` rounded to three decimals, or None."""
    return None if value is None else round(value, 3)


def cell(value: float | None, spec: str) -> str:
    """Return `value` formatted by `spec`, or "-" when it is unknown."""
    return "-" if value is None else format(value, spec)


def load_average() -> float:
    """Return the machine's load average over the last minute."""
    return round(os.getloadavg()[0], 2)


def ratios(results: dict[str, Measurement]) -> dict[str, dict[str, float | None]]:
    """Return alliancedeck's wall, CPU and memory over each peer's, from the same rounds."""
    ours = results["alliancedeck"]
    return {
        peer: {
            "wall": rounded(ratio(ours.wall, theirs.wall)),
            "cpu": rounded(ratio(ours.cpu, theirs.cpu)),
            "memory": rounded(ratio(ours.peak_memory_mb, theirs.peak_memory_mb)),
        }
        for peer, theirs in results.items()
        if peer != "alliancedeck"
    }


def print_table(title: str, results: dict[str, Measurement], load: tuple[float, float]) -> None:
    """Print one measured row's table: each tool's figures and outputs, then the ratios."""
    print(f"\n== {title}; load {load[0]:.2f} before, {load[1]:.2f} after ==")
    tools = list(results)
    print(f"{'':30}" + "".join(f"{t:>15}" for t in tools))
    rows = [
        ("wall time, median (s)", "wall", ".3f"),
        ("CPU time, median (s)", "cpu", ".3f"),
        ("peak memory, all procs (MB)", "peak_memory_mb", ".1f"),
        ("peak RSS, one process (MB)", "peak_rss_mb", ".1f"),
        ("processes at once", "most_processes", "d"),
    ]
    for label, attribute, spec in rows:
        values = [getattr(results[t], attribute) for t in tools]
        print(f"{label:30}" + "".join(f"{cell(v, spec):>15}" for v in values))
    names = sorted({name for r in results.values() for name in r.outputs})
    for name in names:
        unit = "files" if name == "all" else "slides" if name.endswith(".pptx") else "pages"
        shown = []
        for tool in tools:
            output = results[tool].outputs.get(name)
            shown.append(
                "-" if output is None else f"{output['bytes'] / 1000:.0f}k ({output['pages']})"
            )
        print(f"{f'{name} (kB, {unit})':30}" + "".join(f"{s:>15}" for s in shown))
    for peer, figures in ratios(results).items():
        if results[peer].skipped:
            continue
        print(
            f"alliancedeck / {peer}: wall {cell(figures['wall'], '.2f')}, "
            f"CPU {cell(figures['cpu'], '.2f')}, memory {cell(figures['memory'], '.2f')}"
        )
    for tool, result in results.items():
        if result.error:
            first_line = next((x for x in result.error.splitlines() if x.strip()), result.error)
            print(f"{tool} FAILED: {first_line[:300]}")
        if result.skipped:
            print(f"{tool}: skipped ({result.skipped})")


@dataclass
class WatchResult:
    """Rebuild times under `build --watch` after edits of one point, or why there are none."""

    size: str
    printed: list[float] = field(default_factory=list)  # what the command prints
    landed: list[float] = field(default_factory=list)  # from the save to SHA256SUMS replaced
    # Cold builds of the saved content, one right after each timed rebuild (wall, as a row's).
    cold: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        """Return the median rebuild time the command printed."""
        return statistics.median(self.printed) if self.printed and not self.error else None

    @property
    def cold_median(self) -> float | None:
        """Return the median wall time of the cold builds made between the saves."""
        return statistics.median(self.cold) if self.cold and not self.error else None

    @property
    def landed_median(self) -> float | None:
        """Return the median time from the save to the last output written."""
        return statistics.median(self.landed) if self.landed and not self.error else None


def editable_point(content: dict[str, Any]) -> str:
    """Return a point of a middle section whose text YAML writes as it is (plain words)."""
    sections = content["sections"]
    middle = len(sections) // 2
    for section in sections[middle:] + sections[:middle]:
        for point in section.get("points", []):
            if isinstance(point, str) and re.fullmatch(r"[A-Za-z0-9 ,.]+", point):
                return point
    raise BenchError("no plain point to edit in the content")


def cpu_ticks(pid: int) -> int | None:
    """Return the user + system clock ticks `pid` has used, or None where /proc is missing."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def wait_idle(pid: int, quiet: float = 0.5, timeout: float = 120.0) -> None:
    """Wait until `pid` uses (almost) no CPU for `quiet` seconds: back to polling its inputs.

    After a rebuild, `--watch` reads the content again to list its inputs and only then
    records their times, so a save during that read would go unseen.
    """
    deadline = time.monotonic() + timeout
    before = cpu_ticks(pid)
    if before is None:
        time.sleep(quiet)
        return
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_ticks(pid)
        if now is None or now - before <= 2:
            return
        before = now


def measure_watch(
    content: dict[str, Any],
    size: Size,
    saves: int,
    work: Path,
    env: dict[str, str] | None,
) -> WatchResult:
    """Run `alliancedeck build --watch` on `content` and time its rebuilds after point edits.

    Each save replaces the text of one point in a middle section with new words (the file
    written whole and renamed over the old one, as editors do). The first save warms up;
    `saves` more are timed. Two times per save: the one the command prints (from the change
    seen to every product written) and, measured here, from the save to SHA256SUMS (written
    after every product) replaced, which includes the watch's polling delay (up to 0.05 s; 0.1 s
    until 4 Dec 2026, 0.3 s until 3 Dec 2026).

    After each timed rebuild, with the watch idle, a cold `build` of the same content runs
    as a size row runs it: the warm rebuild is compared with cold builds made in the same
    minutes, as peers are compared within rounds, not with a row measured earlier under
    another load.
    """
    folder = work / f"watch-{size.name}"
    path = write_inputs(content, folder, "content", peers=False)["yaml"]
    text = path.read_text(encoding="utf-8")
    current = editable_point(content)
    writer = TextWriter(SEED + 999)
    sums = folder / "out" / "SHA256SUMS"
    command = [sys.executable, "-m", "alliancedeck", "build", "--watch", str(path)]
    process = subprocess.Popen(
        [*command, "--out-dir", str(folder / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()

    def next_rebuild(seen: int, timeout: float = 300.0) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            times = [float(m.group(1)) for line in lines if (m := REBUILT.search(line))]
            if len(times) > seen:
                return times[seen]
            time.sleep(0.01)
        return None

    def stamp() -> tuple[int, int]:
        try:
            status = sums.stat()
        except OSError:
            return (0, 0)
        return (status.st_ino, status.st_mtime_ns)

    result = WatchResult(size.name)
    try:
        if next_rebuild(0) is None:  # the first build, when the watch starts
            result.error = "build --watch did not build: " + "".join(lines)[-300:]
            return result
        for save in range(saves + 1):
            wait_idle(process.pid)
            edited = writer.like(current)
            if text.count(current) != 1:
                result.error = f"the point to edit is not once in the file: {current!r}"
                return result
            text = text.replace(current, edited)
            current = edited
            before = stamp()
            temporary = path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            os.replace(temporary, path)
            landed = None
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and process.poll() is None:
                if stamp() != before:
                    landed = time.perf_counter() - saved
                    break
                time.sleep(0.005)
            printed = next_rebuild(save + 1)
            if printed is None or landed is None:
                result.error = "no rebuild after a save: " + "".join(lines)[-300:]
                return result
            if save:  # the first save warms up
                result.printed.append(printed)
                result.landed.append(round(landed, 4))
                wait_idle(process.pid)
                cold = [*command[:-2], str(path), "--out-dir", str(folder / "cold")]
                result.cold.append(run_once(cold, folder, env).wall)
        return result
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def git(*args: str) -> str:
    """Return the output of a read-only git command in the repository ("" on failure)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        )
    except OSError:  # no git on this machine (a fresh clone can come by other means)
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def environment() -> dict[str, Any]:
    """Return what the figures depend on: machine, Python, library versions, repository state."""

    def version(name: str) -> str | None:
        """Return the installed version of distribution `name`, or None."""
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    libraries = (
        "alliancedeck",
        "reportlab",
        "python-pptx",
        "PyYAML",
        "typer",
        "pydantic",
        "pypandoc_binary",
        "typst",
    )
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": {name: version(name) for name in libraries},
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_changed_files_under_src": len(git("status", "--porcelain", "--", "src").splitlines()),
    }


def export_revision(revision: str, work: Path) -> tuple[Path, str]:
    """Export `src/` of git `revision` into `work`; return that `src` folder and the commit."""
    commit = git("rev-parse", "--short", f"{revision}^{{commit}}")
    if not commit:
        raise SystemExit(f"error: {revision!r} is not a git revision of {ROOT}")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "src"],
        capture_output=True,
        check=True,
    ).stdout
    target = work / f"rev-{commit}"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src", commit


def read_content(path: Path | None, revision: str | None) -> tuple[str, str]:
    """Return the text of the content to scale and where it came from.

    An explicit `path` wins; else content.yaml as of `revision`; else the working tree's.
    """
    if path is None and revision:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{revision}:content.yaml"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"error: no content.yaml in git revision {revision!r}")
        return done.stdout, f"content.yaml at git revision {revision}"
    path = path or DEFAULT_CONTENT
    return path.read_text(encoding="utf-8"), str(path)


def alliancedeck_env(source: Path | None) -> dict[str, str] | None:
    """Return the environment that makes children import alliancedeck from `source`, if any."""
    if source is None:
        return None
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    return env


def imported_from(env: dict[str, str] | None) -> str:
    """Return the folder children import alliancedeck from, under `env`."""
    done = subprocess.run(
        [sys.executable, "-c", "import alliancedeck; print(alliancedeck.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return str(Path(done.stdout.strip()).parent) if done.returncode == 0 else done.stderr[-300:]


def compile_package(folder: str) -> None:
    """Write the byte code of the package in `folder`, as an installation from PyPI has it.

    An editable install or an exported revision has none, and with PYTHONDONTWRITEBYTECODE
    set (as on some machines) every timed run would compile alliancedeck's sources again.
    """
    import compileall

    if Path(folder).is_dir():
        compileall.compile_dir(folder, quiet=1)


def judge(
    sizes: dict[str, dict[str, Measurement]],
    batch: dict[str, Measurement] | None,
    watches: dict[str, WatchResult],
    help_result: Measurement,
    batch_briefs: int,
) -> list[dict[str, Any]]:
    """Return each target of issue 19 with its measured value and PASS, FAIL or SKIP.

    A target whose alliancedeck run failed is a FAIL; one whose size (or peer) was not run is
    a SKIP, with a note saying why.
    """
    verdicts: list[dict[str, Any]] = []

    def target(name: str, limit: float, unit: str, value: float | None, why: str | None) -> None:
        """Record one verdict; `why` says what is missing when `value` is None."""
        if value is None:
            verdict, note = ("FAIL" if why and "failed" in why else "SKIP"), why
        elif unit == "/s":
            verdict, note = ("PASS" if value >= limit else "FAIL"), None
        else:
            verdict, note = ("PASS" if value <= limit else "FAIL"), None
        verdicts.append(
            {
                "target": name,
                "measured": rounded(value),
                "limit": limit,
                "unit": unit,
                "result": verdict,
                "note": note,
            }
        )

    def missing(size: str, tool: str) -> str:
        """Return why a size's tool has no figure."""
        if size not in sizes:
            return f"{size} not run"
        result = sizes[size].get(tool)
        if result is None or result.skipped:
            return f"{tool} not available" + (f": {result.skipped}" if result else "")
        return f"{tool} failed" if result.error else "no figure"

    def wall_ratio(size: str, peer: str, attribute: str = "wall") -> tuple[float | None, str]:
        runs = sizes.get(size, {})
        ours, theirs = runs.get("alliancedeck"), runs.get(peer)
        if ours is None or theirs is None or not ours.ok or not theirs.ok:
            tool = "alliancedeck" if ours is None or not ours.ok else peer
            return None, missing(size, tool)
        return ratio(getattr(ours, attribute), getattr(theirs, attribute)), ""

    for size in ("1x", "15s"):
        target(f"{size}: wall / Pandoc", SMALL_MAX_WALL_RATIO, "x", *wall_ratio(size, "pandoc"))
        target(f"{size}: wall / baseline", SMALL_MAX_WALL_RATIO, "x", *wall_ratio(size, "baseline"))
        target(
            f"{size}: CPU / baseline",
            SMALL_MAX_CPU_RATIO,
            "x",
            *wall_ratio(size, "baseline", "cpu"),
        )
    target("200x: wall / baseline", LARGE_MAX_BASELINE_RATIO, "x", *wall_ratio("200x", "baseline"))
    target("200x: wall / Pandoc", LARGE_MAX_PANDOC_RATIO, "x", *wall_ratio("200x", "pandoc"))
    large = sizes.get("200x", {}).get("alliancedeck")
    target(
        "200x: peak memory, all processes",
        LARGE_MAX_MEMORY_MB,
        "MB",
        large.peak_memory_mb if large else None,
        missing("200x", "alliancedeck"),
    )
    for size, limit, unit in (("200x", WARM_LARGE_MAX_RATIO, "x"), ("1x", WARM_SMALL_MAX_S, "s")):
        watch = watches.get(size)
        cold = sizes.get(size, {}).get("alliancedeck")
        if watch is None:
            value, why = None, f"warm rebuild at {size} not run"
        elif watch.error:
            value, why = None, "build --watch failed"
        elif unit == "s":
            value, why = watch.median, ""
        else:
            value = ratio(watch.median, watch.cold_median or (cold.wall if cold else None))
            why = "" if value is not None else f"cold {size} build not measured"
        name = "warm rebuild / cold build" if unit == "x" else "warm rebuild"
        target(f"{size}: {name} (one point edited)", limit, unit, value, why)
    ours = (batch or {}).get("alliancedeck")
    rate = ratio(float(batch_briefs), ours.wall) if ours and ours.ok else None
    target(
        "batch of 1x briefs: briefs per second",
        BATCH_MIN_RATE,
        "/s",
        rate,
        "batch not run" if not batch else "alliancedeck failed",
    )
    base_1x = sizes.get("1x", {}).get("baseline")
    target(
        "--help: wall / baseline at 1x",
        HELP_MAX_RATIO,
        "x",
        ratio(help_result.wall, base_1x.wall if base_1x else None),
        "--help failed" if help_result.error else "1x not run",
    )
    return verdicts


def summary_table(
    sizes: dict[str, dict[str, Measurement]],
    labels: dict[str, str],
    batch: dict[str, Measurement] | None,
    batch_label: str,
    batch_briefs: int,
    watches: dict[str, WatchResult],
    loads: dict[str, tuple[float, float]],
) -> list[str]:
    """Return the results as a Markdown table: a row per size, the batch, the warm rebuilds.

    Each tool's cell is its median wall time with its CPU time; the ratios are alliancedeck's
    over each peer's, wall and CPU, from the same rounds; the load is before and after the row.
    """
    lines = [
        "| content | alliancedeck wall (CPU) | baseline wall (CPU) | Pandoc wall (CPU) "
        "| ÷ baseline, wall / CPU | ÷ Pandoc, wall / CPU | peak memory, all processes | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def times(result: Measurement | None, briefs: int = 0) -> str:
        if result is None or result.skipped:
            return "skipped"
        if not result.ok:
            return "failed"
        if briefs:
            return f"{briefs / result.wall:.1f} briefs/s (CPU {result.cpu:.1f} s)"
        return f"{result.wall:.2f} s ({result.cpu:.2f} s)"

    def row(label: str, results: dict[str, Measurement], load: str, briefs: int = 0) -> str:
        figures = ratios(results)
        shares = [
            f"{cell(figures.get(peer, {}).get('wall'), '.2f')} / "
            f"{cell(figures.get(peer, {}).get('cpu'), '.2f')}"
            for peer in ("baseline", "pandoc")
        ]
        return (
            f"| {label} | {times(results['alliancedeck'], briefs)} "
            f"| {times(results.get('baseline'), briefs)} | {times(results.get('pandoc'), briefs)} "
            f"| {shares[0]} | {shares[1]} "
            f"| {cell(results['alliancedeck'].peak_memory_mb, '.0f')} MB | {load} |"
        )

    def load_cell(name: str) -> str:
        before, after = loads.get(name, (None, None))
        return "" if before is None else f"{before:.1f}–{after:.1f}"

    for name, results in sizes.items():
        deck = results["alliancedeck"].outputs.get("deck.pptx")
        label = labels[name] if deck is None else f"{labels[name]}, {deck['pages']} slides"
        lines.append(row(label, results, load_cell(name)))
    if batch:
        lines.append(row(batch_label, batch, load_cell("batch"), briefs=batch_briefs))
    for name, watch in watches.items():
        cold = sizes.get(name, {}).get("alliancedeck")
        if watch.error:
            shown = "failed"
        else:
            between = ratio(watch.median, watch.cold_median)
            share = ratio(watch.median, cold.wall if cold else None)
            shown = (
                f"{watch.median:.2f} s, {cell(between, '.2f')} of the cold builds between the "
                f"saves ({cell(watch.cold_median, '.2f')} s), {cell(share, '.2f')} of the row's "
                f"(save to outputs written: {watch.landed_median:.2f} s)"
            )
        lines.append(
            f"| warm rebuild at {name}, one point edited | {shown} | | | | | "
            f"| {load_cell(f'watch-{name}')} |"
        )
    return lines


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one timed run per row; sizes 1x,15s,50x; a batch of 20; warm rebuild at 1x only",
    )
    parser.add_argument(
        "--sizes", help="comma-separated sizes: Nx copies or Ns sections (default 1x,15s,50x,200x)"
    )
    parser.add_argument("--runs", type=int, help="timed rounds per size (default: by size)")
    parser.add_argument("--batch", type=int, help="briefs in the batch row (0: no batch)")
    parser.add_argument(
        "--watch-sizes", help="sizes of the warm-rebuild rows (default 1x,200x; 'none': none)"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="write every input (content, peers' Markdown) and time nothing",
    )
    parser.add_argument(
        "--content", type=Path, help="content whose shape is copied (default: content.yaml)"
    )
    parser.add_argument(
        "--rev",
        help="benchmark alliancedeck as of this git revision (its src/ exported to the "
        "temporary folder) instead of the installed working tree",
    )
    parser.add_argument(
        "--work", type=Path, help="folder for inputs and outputs (kept; default: a temporary one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    return parser.parse_args(argv)


def runs_for(size: Size, quick: bool, forced: int | None) -> tuple[int, int]:
    """Return (timed rounds, warm-up rounds) for a size: fewer for the long ones."""
    if forced:
        return forced, 1 if size.sections <= 100 else 0
    if quick:
        return 1, 1 if size.sections <= 100 else 0
    if size.sections <= 100:
        return 5, 1
    return 3, 1 if size.sections <= 400 else 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables and targets, and write the JSON results."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    content_text, content_source = read_content(args.content, args.rev)
    base = yaml.safe_load(content_text)
    base_sections = len(base["sections"])
    sizes = [
        parse_size(s, base_sections)
        for s in (args.sizes.split(",") if args.sizes else QUICK_SIZES if args.quick else SIZES)
        if s.strip()
    ]
    if args.watch_sizes == "none":
        watch_names: tuple[str, ...] = ()
    elif args.watch_sizes:
        watch_names = tuple(args.watch_sizes.split(","))
    else:
        watch_names = QUICK_WATCH_SIZES if args.quick else WATCH_SIZES
    watch_sizes = [parse_size(s, base_sections) for s in watch_names if s.strip()]
    briefs = (
        args.batch
        if args.batch is not None
        else (QUICK_BATCH_BRIEFS if args.quick else BATCH_BRIEFS)
    )
    started = dt.datetime.now().astimezone()
    peers = find_peers()
    report: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(["python3", "bench/run.py", *argv]),
        "environment": environment(),
        "content": f"unique notional text shaped like {content_source} (seed {SEED})",
        "peers": {"pandoc": peers.pandoc, "typst": peers.typst, "notes": peers.notes},
        "sizes": {},
    }
    for note in peers.notes:
        print(f"note: {note}")
    work = args.work or Path(tempfile.mkdtemp(prefix="alliancedeck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    measured: dict[str, dict[str, Measurement]] = {}
    labels: dict[str, str] = {}
    watches: dict[str, WatchResult] = {}
    loads: dict[str, tuple[float, float]] = {}
    batch: dict[str, Measurement] | None = None
    help_result = Measurement(skipped="not run")
    try:
        contents = {s.name: unique_content(base, s.sections, s.name) for s in sizes}
        inputs = {
            name: write_inputs(content, work / "inputs", f"content-{name}")
            for name, content in contents.items()
        }
        batch_inputs = [
            write_inputs(
                unique_content(base, base_sections, f"batch {i}", seed=SEED + i),
                work / "batch",
                f"brief-{i:03d}",
            )
            for i in range(1, briefs + 1)
        ]
        if args.dry_run:
            for name, paths in inputs.items():
                print(f"{name}: " + ", ".join(str(p) for p in paths.values()))
            print(f"batch: {len(batch_inputs)} briefs in {work / 'batch'}")
            return 0
        source, commit = export_revision(args.rev, work) if args.rev else (None, None)
        env = alliancedeck_env(source)
        report["alliancedeck"] = {
            "source": f"git revision {args.rev} ({commit})" if args.rev else "installed",
            "imported_from": imported_from(env),
        }
        print(f"alliancedeck: {report['alliancedeck']['source']}, imported from", end=" ")
        print(report["alliancedeck"]["imported_from"])
        compile_package(report["alliancedeck"]["imported_from"])
        for size in sizes:
            runs, warmups = runs_for(size, args.quick, args.runs)
            jobs = single_jobs(inputs[size.name], work / f"out-{size.name}", peers, env)
            load_before = load_average()
            results = measure(jobs, runs, warmups, work)
            load = loads[size.name] = (load_before, load_average())
            if "pandoc" not in results:
                results["pandoc"] = Measurement(skipped=peers.notes[0])
            measured[size.name] = results
            labels[size.name] = size.label(base_sections)
            content_bytes = inputs[size.name]["yaml"].stat().st_size
            print_table(
                f"{labels[size.name]}, content {content_bytes / 1000:.0f} kB, "
                f"{runs} timed round(s) after {warmups} warm-up",
                results,
                load,
            )
            report["sizes"][size.name] = {
                "sections": size.sections,
                "content_bytes": content_bytes,
                "runs": runs,
                "warmups": warmups,
                "load_before_after": load,
                **{tool: result.as_json() for tool, result in results.items()},
                "ratios": ratios(results),
            }
        if batch_inputs:
            cli = batch_cli_supported(env)
            jobs = batch_jobs(batch_inputs, work / "out-batch", peers, env, cli)
            load_before = load_average()
            batch = measure(jobs, 1, 0, work)
            load = loads["batch"] = (load_before, load_average())
            if "pandoc" not in batch:
                batch["pandoc"] = Measurement(skipped=peers.notes[0])
            print_table(f"batch of {briefs} 1x briefs, 1 timed round", batch, load)
            for name, job in jobs.items():
                print(f"  {name}: {job.label}")
            report["batch"] = {
                "briefs": briefs,
                "cli": cli,
                "load_before_after": load,
                "commands": {name: job.label for name, job in jobs.items()},
                **{tool: result.as_json() for tool, result in batch.items()},
                "briefs_per_second": {
                    tool: rounded(ratio(float(briefs), result.wall))
                    for tool, result in batch.items()
                },
                "ratios": ratios(batch),
            }
        help_job = Job(
            [sys.executable, "-m", "alliancedeck", "--help"], work / "help", lambda _: {}, env
        )
        help_result = measure({"help": help_job}, HELP_RUNS, 1, work)["help"]
        for size in watch_sizes:
            saves = QUICK_WATCH_SAVES if args.quick else WATCH_SAVES.get(size.name, 3)
            content = contents.get(size.name) or unique_content(base, size.sections, size.name)
            load_before = load_average()
            watches[size.name] = measure_watch(content, size, saves, work, env)
            watch = watches[size.name]
            load = loads[f"watch-{size.name}"] = (load_before, load_average())
            print(
                f"\n== build --watch at {size.name}: one point edited, {saves} timed saves; "
                f"load {load[0]:.2f} before, {load[1]:.2f} after =="
            )
            if watch.error:
                print(f"FAILED: {watch.error}")
            else:
                print(
                    f"rebuild as printed: median {watch.median:.3f} s "
                    f"({', '.join(f'{t:.2f}' for t in watch.printed)}); save to outputs "
                    f"landed: median {watch.landed_median:.3f} s (includes the polling delay); "
                    f"cold build between the saves: median {watch.cold_median:.3f} s "
                    f"({', '.join(f'{t:.2f}' for t in watch.cold)})"
                )
            report.setdefault("watch", {})[size.name] = {
                "saves": saves,
                "printed_s": watch.printed,
                "landed_s": watch.landed,
                "median_s": rounded(watch.median),
                "landed_median_s": rounded(watch.landed_median),
                "cold_s": watch.cold,
                "cold_median_s": rounded(watch.cold_median),
                "load_before_after": load,
                "error": watch.error,
            }
    finally:
        if args.keep or args.work:
            print(f"\n(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)
    base_1x = measured.get("1x", {}).get("baseline")
    print(f"\n== python3 -m alliancedeck --help: median of {HELP_RUNS} ==")
    if help_result.ok:
        share = ratio(help_result.wall, base_1x.wall if base_1x else None)
        print(
            f"wall {help_result.wall:.3f} s, CPU {help_result.cpu:.3f} s; "
            f"ratio to the baseline at 1x {cell(share, '.2f')}"
        )
    else:
        print(f"FAILED: {(help_result.error or '')[:300]}")
    targets = judge(measured, batch, watches, help_result, briefs)
    print("\n== targets (issue 19) ==")
    for t in targets:
        shown = "-" if t["measured"] is None else f"{t['measured']:.2f} {t['unit']}"
        note = f"  [{t['note']}]" if t["note"] else ""
        print(f"{t['result']:5} {t['target']}: {shown} (limit {t['limit']} {t['unit']}){note}")
    form = report.get("batch", {}).get("cli")
    batch_label = f"batch of {briefs} 1x briefs, " + (
        f"`build --jobs {BATCH_JOBS}`" if form else "in turn in one process (no batch CLI)"
    )
    table = summary_table(measured, labels, batch, batch_label, briefs, watches, loads)
    print("\n== summary (Markdown) ==")
    print("\n".join(table))
    report["help"] = {"runs": HELP_RUNS, **help_result.as_json()}
    report["targets"] = targets
    report["summary_markdown"] = table
    report["environment"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["elapsed_s"] = round((dt.datetime.now().astimezone() - started).total_seconds(), 1)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
