"""Time alliancedeck against a plain reportlab/python-pptx baseline on 1x, 10x and 50x content."""

from __future__ import annotations

import argparse
import copy
import datetime as dt
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
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_CONTENT = ROOT / "content.yaml"
BASELINE = BENCH / "baseline.py"
RESULTS = BENCH / "results.json"

SIZES = (1, 10, 50)
FULL_RUNS = {1: 5, 10: 5, 50: 3}
HELP_RUNS = 10
OUTPUTS = ("brief.pdf", "deck.pptx", "deck.pdf")
TOOLS = ("alliancedeck", "baseline")
MIB = 1024 * 1024
#: Seconds between two samples of the memory of a child and its worker processes.
SAMPLE_INTERVAL = 0.05
PROC = Path("/proc")

#: Targets of the issue "Fast at every size".
DEFAULT_MAX_RATIO = 1.3
LARGE_MAX_RATIO = 1.0
LARGE_MAX_MEMORY_MB = 150.0
HELP_MAX_RATIO = 0.5
WARM_MAX_RATIO = 0.3
#: Saves of the content file timed under `build --watch` (after one untimed save).
WATCH_SAVES = 5
REBUILT = re.compile(r"-> rebuilt .* in ([0-9.]+) s")

FIGURE_REFERENCE = re.compile(r"(\{\{-?\s*figures\.)([A-Za-z_][A-Za-z0-9_]*)")
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
SLIDE_PART = re.compile(r"ppt/slides/slide\d+\.xml")


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


class _PlainDumper(yaml.SafeDumper):
    """A safe dumper that never writes anchors or aliases (alliancedeck refuses aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        """Return True: write every value out in full."""
        return True


class Sample(NamedTuple):
    """What one run of a command cost."""

    wall: float  # seconds
    cpu: float  # user + system seconds of the child and the workers it waited for
    rss_kib: int  # ru_maxrss from wait4: the largest single process of the run
    tree_pss_kib: int  # sampled peak of the summed PSS of the child and its descendants
    processes: int  # most processes seen at once


@dataclass
class Measurement:
    """Timed runs of one command on one content file, or why they could not be made."""

    samples: list[Sample] = field(default_factory=list)
    outputs: dict[str, dict[str, int]] = field(default_factory=dict)
    error: str | None = None

    def _peak(self, kib: list[int]) -> float | None:
        """Return the largest of `kib` in MB (MiB), or None without successful runs."""
        return max(kib) * 1024 / MIB if kib and not self.error else None

    @property
    def wall(self) -> float | None:
        """Return the median wall time in seconds."""
        return statistics.median(s.wall for s in self.samples) if self.ok else None

    @property
    def cpu(self) -> float | None:
        """Return the median CPU time (user + system) in seconds."""
        return statistics.median(s.cpu for s in self.samples) if self.ok else None

    @property
    def ok(self) -> bool:
        """Return whether there are timed runs and no failure."""
        return bool(self.samples) and not self.error

    @property
    def peak_rss_mb(self) -> float | None:
        """Return the peak RSS of the largest single process (ru_maxrss from wait4)."""
        return self._peak([s.rss_kib for s in self.samples])

    @property
    def tree_pss_mb(self) -> float | None:
        """Return the sampled peak of the summed PSS of the child and its workers."""
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
        """Return the figures (or the error) as JSON-ready data."""
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


def rename_figures(value: Any, names: dict[str, str]) -> Any:
    """Return `value` (any YAML data) with every `{{ figures.X }}` reference renamed by `names`."""
    if isinstance(value, str):
        return FIGURE_REFERENCE.sub(lambda m: m.group(1) + names.get(m.group(2), m.group(2)), value)
    if isinstance(value, list):
        return [rename_figures(item, names) for item in value]
    if isinstance(value, dict):
        return {key: rename_figures(item, names) for key, item in value.items()}
    return value


def scale_content(content: dict[str, Any], copies: int) -> dict[str, Any]:
    """Return `content` repeated `copies` times, marked notional, with ids and titles distinct.

    One copy is the content itself (only the titles change). With more, copy k renames every
    figure id X to X_k (in `figures`, in each section's `figures` and in every template that
    refers to it) and numbers each section title "Title (k)".
    """
    meta = dict(content["meta"])
    meta["title"] = meta["short_title"] = f"Notional benchmark brief ({copies}x)"
    figures: dict[str, Any] = content.get("figures") or {}
    sections: list[dict[str, Any]] = content["sections"]
    if copies == 1:
        return {
            "meta": meta,
            "figures": copy.deepcopy(figures),
            "sections": copy.deepcopy(sections),
        }
    scaled_figures: dict[str, Any] = {}
    scaled_sections: list[dict[str, Any]] = []
    for k in range(1, copies + 1):
        names = {name: f"{name}_{k}" for name in figures}
        for name, figure in figures.items():
            scaled_figures[names[name]] = rename_figures(figure, names)
        for section in sections:
            scaled = rename_figures(section, names)
            scaled["title"] = f"{section['title']} ({k})"
            if "figures" in scaled:
                scaled["figures"] = [names.get(name, name) for name in section["figures"]]
            scaled_sections.append(scaled)
    return {"meta": meta, "figures": scaled_figures, "sections": scaled_sections}


def write_content(content: dict[str, Any], copies: int, folder: Path) -> Path:
    """Write the `copies`-times brief of `content` as YAML into `folder` and return its path."""
    path = folder / f"content-{copies}x.yaml"
    header = (
        f"# Notional benchmark content: {copies}x content.yaml, generated by bench/run.py.\n"
        "# Not a real brief.\n"
    )
    body = yaml.dump(
        scale_content(content, copies),
        Dumper=_PlainDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    path.write_text(header + body, encoding="utf-8")
    return path


def run_once(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run `command` as one child process; return its wall time and peak memory."""
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


def describe_outputs(folder: Path) -> dict[str, dict[str, int]]:
    """Return the size in bytes and the page or slide count of each product in `folder`."""
    described = {}
    for name in OUTPUTS:
        path = folder / name
        if not path.is_file():
            raise BenchError(f"{path.name} was not written")
        described[name] = {"bytes": path.stat().st_size, "pages": count_units(path)}
    return described


def measure(
    commands: dict[str, list[str]],
    out_dirs: dict[str, Path],
    runs: int,
    cwd: Path,
    envs: dict[str, dict[str, str] | None] | None = None,
) -> dict[str, Measurement]:
    """Warm each command up once, then time `runs` rounds of all of them, interleaved.

    A command that fails keeps its error instead of figures; the others go on.
    """
    results = {name: Measurement() for name in commands}
    for round_index in range(runs + 1):
        for name, command in commands.items():
            result = results[name]
            if result.error:
                continue
            try:
                sample = run_once(command, cwd, (envs or {}).get(name))
            except BenchError as exc:
                result.error = str(exc)
                continue
            if round_index:  # round 0 is the warm-up
                result.samples.append(sample)
    for name, folder in out_dirs.items():
        if not results[name].error:
            try:
                results[name].outputs = describe_outputs(folder)
            except BenchError as exc:
                results[name].error = str(exc)
    return results


def build_commands(
    content: Path, work: Path, copies: int
) -> tuple[dict[str, list[str]], dict[str, Path]]:
    """Return the alliancedeck and baseline commands for `content` and their output folders."""
    out_dirs = {tool: work / f"out-{copies}x-{tool}" for tool in TOOLS}
    ours = [sys.executable, "-m", "alliancedeck", "build", str(content)]
    base = [sys.executable, str(BASELINE), str(content)]
    commands = {
        "alliancedeck": [*ours, "--out-dir", str(out_dirs["alliancedeck"])],
        "baseline": [*base, "--out-dir", str(out_dirs["baseline"])],
    }
    return commands, out_dirs


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


def output_cell(result: Measurement, name: str) -> str:
    """Return the size in kB and the page or slide count of one output, as "123.4 (5)"."""
    output = result.outputs.get(name)
    return "-" if output is None else f"{output['bytes'] / 1000:.1f} ({output['pages']})"


def output_bytes(result: Measurement, name: str) -> float | None:
    """Return the size in bytes of one output, or None when it was not written."""
    output = result.outputs.get(name)
    return None if output is None else output["bytes"]


def print_size_table(info: dict[str, Any], results: dict[str, Measurement]) -> None:
    """Print the table of one content size: wall time, peak RSS and outputs, with ratios."""
    ours, base = results["alliancedeck"], results["baseline"]
    print(
        f"\n== {info['copies']}x: {info['sections']} sections, {info['figures']} figures, "
        f"content {info['content_bytes'] / 1000:.1f} kB; {info['runs']} timed run(s) =="
    )
    print(f"{'':30}{'alliancedeck':>16}{'baseline':>16}{'ratio':>9}")
    rows = [
        ("wall time, median (s)", ours.wall, base.wall, ".3f"),
        ("CPU time, median (s)", ours.cpu, base.cpu, ".3f"),
        ("peak RSS, one process (MB)", ours.peak_rss_mb, base.peak_rss_mb, ".1f"),
        ("peak PSS, all processes (MB)", ours.tree_pss_mb, base.tree_pss_mb, ".1f"),
        ("peak memory (MB)", ours.peak_memory_mb, base.peak_memory_mb, ".1f"),
        ("processes at once", ours.most_processes, base.most_processes, "d"),
    ]
    for label, mine, theirs, spec in rows:
        print(
            f"{label:30}{cell(mine, spec):>16}{cell(theirs, spec):>16}"
            f"{cell(ratio(mine, theirs), '.2f'):>9}"
        )
    for name in OUTPUTS:
        unit = "slides" if name.endswith(".pptx") else "pages"
        size_ratio = ratio(output_bytes(ours, name), output_bytes(base, name))
        print(
            f"{f'{name} (kB, {unit})':30}{output_cell(ours, name):>16}"
            f"{output_cell(base, name):>16}{cell(size_ratio, '.2f'):>9}"
        )
    for tool in TOOLS:
        error = results[tool].error
        if error:
            first_line = next((line for line in error.splitlines() if line.strip()), error)
            print(f"{tool} FAILED: {first_line[:300]}")


@dataclass
class WatchResult:
    """Rebuild times `build --watch` printed for saves of the 1x content, or why there are none."""

    seconds: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and not self.error else None


def measure_watch(content: dict[str, Any], work: Path, env: dict[str, str] | None) -> WatchResult:
    """Run `alliancedeck build --watch` on the 1x content and time its rebuilds after saves.

    The file is saved (a comment line appended) once untimed and then WATCH_SAVES times; each
    rebuild's time is the one the command prints, from the change seen to every product
    written. Polling for the change (every 0.3 s) is not part of it.
    """
    folder = work / "watch"
    folder.mkdir()
    path = write_content(content, 1, folder)
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

    def next_rebuild(seen: int, timeout: float = 60.0) -> float | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            times = [float(m.group(1)) for line in lines if (m := REBUILT.search(line))]
            if len(times) > seen:
                return times[seen]
            time.sleep(0.02)
        return None

    result = WatchResult()
    try:
        if next_rebuild(0) is None:  # the first build, when the watch starts
            result.error = "build --watch did not build: " + "".join(lines)[-300:]
            return result
        for save in range(WATCH_SAVES + 1):
            time.sleep(0.5)
            with path.open("a", encoding="utf-8") as stream:
                stream.write(f"# save {save}\n")
            seconds = next_rebuild(save + 1)
            if seconds is None:
                result.error = "no rebuild after a save: " + "".join(lines)[-300:]
                return result
            if save:  # the first save warms up
                result.seconds.append(seconds)
        return result
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def judge(
    measured: dict[int, dict[str, Measurement]],
    help_result: Measurement,
    watch_result: WatchResult | None = None,
) -> list[dict[str, Any]]:
    """Return each target of the issue with its measured value and PASS, FAIL or SKIP.

    A target whose alliancedeck run failed is a FAIL; one whose size was not run is a SKIP.
    """

    def target(
        name: str, limit: float, unit: str, needs: list[Measurement] | None, value: Any
    ) -> dict[str, Any]:
        """Return one target's verdict; `needs` are the runs it depends on."""
        if needs is None:
            verdict, note = "SKIP", "not measured (size not run)"
        elif any(m.error for m in needs):
            verdict, note = "FAIL", "a run failed; see the table"
        else:
            verdict, note = ("PASS" if value <= limit else "FAIL"), None
        shown = rounded(value)
        return {
            "target": name,
            "measured": shown,
            "limit": limit,
            "unit": unit,
            "result": verdict,
            "note": note,
        }

    def pair(copies: int) -> list[Measurement] | None:
        """Return both measurements of a size, or None when it was not run."""
        return list(measured[copies].values()) if copies in measured else None

    def wall_ratio(copies: int) -> float | None:
        """Return alliancedeck's median wall time over the baseline's at a size."""
        if copies not in measured:
            return None
        return ratio(measured[copies]["alliancedeck"].wall, measured[copies]["baseline"].wall)

    large = measured.get(50, {}).get("alliancedeck")
    base_1x = measured[1]["baseline"] if 1 in measured else None
    cold_1x = measured[1]["alliancedeck"] if 1 in measured else None
    return [
        target(
            "default content (1x): wall time / baseline",
            DEFAULT_MAX_RATIO,
            "x",
            pair(1),
            wall_ratio(1),
        ),
        target("50x: wall time / baseline", LARGE_MAX_RATIO, "x", pair(50), wall_ratio(50)),
        target(
            "50x: alliancedeck peak memory",
            LARGE_MAX_MEMORY_MB,
            "MB",
            None if large is None else [large],
            None if large is None else large.peak_memory_mb,
        ),
        target(
            "--help wall time / baseline at 1x",
            HELP_MAX_RATIO,
            "x",
            None if base_1x is None else [help_result, base_1x],
            ratio(help_result.wall, None if base_1x is None else base_1x.wall),
        ),
        target(
            "warm rebuild (build --watch) / cold build at 1x",
            WARM_MAX_RATIO,
            "x",
            None if watch_result is None or cold_1x is None else [watch_result, cold_1x],
            None if watch_result is None else ratio(watch_result.median, cold_1x and cold_1x.wall),
        ),
    ]


def git(*args: str) -> str:
    """Return the output of a read-only git command in the repository ("" on failure)."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def environment() -> dict[str, Any]:
    """Return what the figures depend on: machine, Python, library versions, repository state."""

    def version(name: str) -> str | None:
        """Return the installed version of distribution `name`, or None."""
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    libraries = ("alliancedeck", "reportlab", "python-pptx", "PyYAML", "typer", "pydantic")
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


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one timed run per size")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="comma-separated multiples of the content (default: 1,10,50)",
    )
    parser.add_argument(
        "--content",
        type=Path,
        help="content file to scale (default: content.yaml, of --rev when given)",
    )
    parser.add_argument(
        "--rev",
        help="benchmark alliancedeck as of this git revision (its src/ exported to the "
        "temporary folder) instead of the installed working tree",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    return parser.parse_args(argv)


def measure_size(
    content: dict[str, Any], copies: int, runs: int, work: Path, env: dict[str, str] | None
) -> tuple[dict[str, Any], dict[str, Measurement]]:
    """Generate the `copies`-times content, measure both tools on it, and print its table."""
    path = write_content(content, copies, work)
    scaled = yaml.safe_load(path.read_text(encoding="utf-8"))
    info = {
        "copies": copies,
        "sections": len(scaled["sections"]),
        "figures": len(scaled["figures"]),
        "content_bytes": path.stat().st_size,
        "runs": runs,
    }
    commands, out_dirs = build_commands(path, work, copies)
    results = measure(commands, out_dirs, runs, work, {"alliancedeck": env})
    print_size_table(info, results)
    ours, base = results["alliancedeck"], results["baseline"]
    summary = {
        **info,
        **{tool: results[tool].as_json() for tool in TOOLS},
        "ratio_wall": rounded(ratio(ours.wall, base.wall)),
        "ratio_cpu": rounded(ratio(ours.cpu, base.cpu)),
        "ratio_memory": rounded(ratio(ours.peak_memory_mb, base.peak_memory_mb)),
    }
    return summary, results


def print_help_and_targets(
    help_result: Measurement,
    base_1x: Measurement | None,
    targets: list[dict[str, Any]],
    watch_result: WatchResult | None = None,
) -> None:
    """Print the --help and --watch timings and the verdict on each target."""
    print(f"\n== python3 -m alliancedeck --help: median of {HELP_RUNS} ==")
    if help_result.error:
        print(f"FAILED: {help_result.error[:300]}")
    else:
        print(f"alliancedeck --help: wall {help_result.wall:.3f} s, CPU {help_result.cpu:.3f} s")
        if base_1x is not None and base_1x.ok:
            print(
                f"baseline at 1x:      wall {base_1x.wall:.3f} s, CPU {base_1x.cpu:.3f} s; "
                f"ratio wall {cell(ratio(help_result.wall, base_1x.wall), '.2f')}, "
                f"CPU {cell(ratio(help_result.cpu, base_1x.cpu), '.2f')}"
            )
    if watch_result is not None:
        print(f"\n== build --watch on 1x: {WATCH_SAVES} saves ==")
        if watch_result.error:
            print(f"FAILED: {watch_result.error}")
        else:
            shown = ", ".join(f"{t:.2f}" for t in watch_result.seconds)
            print(f"warm rebuilds: median {watch_result.median:.3f} s ({shown})")
    print('\n== targets (issue "Fast at every size") ==')
    for t in targets:
        shown = "-" if t["measured"] is None else f"{t['measured']:.2f} {t['unit']}"
        note = f"  [{t['note']}]" if t["note"] else ""
        print(f"{t['result']:5} {t['target']}: {shown} (limit {t['limit']} {t['unit']}){note}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables and targets, and write the JSON results."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    content_text, content_source = read_content(args.content, args.rev)
    content = yaml.safe_load(content_text)
    started = dt.datetime.now().astimezone()
    report: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(["python3", "bench/run.py", *argv]),
        "environment": environment(),
        "content": content_source,
        "sizes": {},
    }
    measured: dict[int, dict[str, Measurement]] = {}
    work = Path(tempfile.mkdtemp(prefix="alliancedeck-bench-"))
    try:
        source, commit = export_revision(args.rev, work) if args.rev else (None, None)
        env = alliancedeck_env(source)
        report["alliancedeck"] = {
            "source": f"git revision {args.rev} ({commit})" if args.rev else "installed",
            "imported_from": imported_from(env),
        }
        print(f"alliancedeck: {report['alliancedeck']['source']}, imported from", end=" ")
        print(report["alliancedeck"]["imported_from"])
        compile_package(report["alliancedeck"]["imported_from"])
        for copies in sizes:
            runs = 1 if args.quick else FULL_RUNS.get(copies, 3)
            report["sizes"][f"{copies}x"], measured[copies] = measure_size(
                content, copies, runs, work, env
            )
        help_command = [sys.executable, "-m", "alliancedeck", "--help"]
        help_result = measure({"help": help_command}, {}, HELP_RUNS, work, {"help": env})["help"]
        watch_result = measure_watch(content, work, env) if 1 in sizes else None
    finally:
        if args.keep:
            print(f"\n(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)
    base_1x = measured[1]["baseline"] if 1 in measured else None
    targets = judge(measured, help_result, watch_result)
    print_help_and_targets(help_result, base_1x, targets, watch_result)
    report["help"] = {
        "runs": HELP_RUNS,
        **help_result.as_json(),
        "ratio_wall_to_baseline_1x": rounded(ratio(help_result.wall, base_1x and base_1x.wall)),
        "ratio_cpu_to_baseline_1x": rounded(ratio(help_result.cpu, base_1x and base_1x.cpu)),
    }
    if watch_result is not None:
        report["watch"] = {
            "saves": WATCH_SAVES,
            "seconds": watch_result.seconds,
            "median_s": rounded(watch_result.median),
            "error": watch_result.error,
        }
    report["targets"] = targets
    report["environment"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["elapsed_s"] = round((dt.datetime.now().astimezone() - started).total_seconds(), 1)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
