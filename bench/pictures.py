"""Time `check` and `build` of a brief whose one picture is the costliest kind accepted (issue 11).

Each row is a one-section brief with one picture at an edge of the budgets (file size, pixel
count, incompressible pixels); the first row has no picture. A picture's cost is its row's
median minus the first row's, from the same rounds. Issue 11's budget: any accepted picture
costs under 2 s and 300 MB. The verdict takes the build's CPU time (user + system, every
process), which a shared machine's load moves little, and the largest single process; the
wall time is printed beside it (judge it on a quiet machine).

    python3 bench/pictures.py            # 3 rounds, about 3 min on a loaded 2-core machine
    python3 bench/pictures.py --runs 1 --work /tmp/p   # keep the inputs and outputs
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from run import RESULTS, ROOT, BenchError, Sample, compile_package, load_average, run_once

#: Issue 11: "any accepted picture costs < 2 s and < 300 MB".
BUDGET_SECONDS = 2.0
BUDGET_MB = 300.0
PICTURE_RESULTS = RESULTS.with_name("pictures.json")
SEED = 11
MIB = 1024 * 1024

#: name -> (what it is, format, mode, size, JPEG quality). The file cap is 50 MiB, the pixel
#: cap 25 million; an SVG embeds at most 1 MiB and 4 million pixels. Noise is random bytes,
#: which no encoder can compress.
PICTURES: dict[str, tuple[str, str, str, tuple[int, int], int]] = {
    "noise-3000.png": ("noise PNG 3000x3000 RGB (issue 11's)", "PNG", "RGB", (3000, 3000), 0),
    "noise-rgba-cap.png": ("noise PNG at the file cap, RGBA", "PNG", "RGBA", (3600, 3600), 0),
    "noise-rgb-cap.png": ("noise PNG at the file cap, RGB", "PNG", "RGB", (4150, 4150), 0),
    "flat-pixel-cap.png": ("flat PNG at the pixel cap", "PNG", "RGB", (5000, 5000), 0),
    "noise-pixel-cap.jpg": ("noise JPEG at the pixel cap", "JPEG", "RGB", (5000, 5000), 90),
    "noise-frame.jpg": ("noise JPEG at its largest frame", "JPEG", "RGB", (2933, 1650), 100),
    "noise-in.svg": ("noise PNG in an SVG at its byte cap", "SVG", "RGB", (590, 590), 0),
    "flat-in.svg": ("flat PNG in an SVG at its pixel cap", "SVG", "RGB", (2000, 2000), 0),
}
CONTENT = """meta: {{title: Notional picture brief, date: 2024-05-31}}
sections:
  - title: A notional section
    points: [A notional point about the picture]
{image}"""


def write_picture(path: Path, kind: str, mode: str, size: tuple[int, int], quality: int) -> None:
    """Write a picture of noise (or one flat colour, for `flat-`) to `path`; an SVG holds it
    as embedded PNG data."""
    from PIL import Image

    flat = path.name.startswith("flat-")
    if flat:
        image = Image.new(mode, size, (20, 50, 92))
    else:
        data = random.Random(SEED).randbytes(size[0] * size[1] * len(mode))
        image = Image.frombytes(mode, size, data)
    if kind == "JPEG":
        image.save(path, kind, quality=quality)
        return
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6 if flat else 0)  # deflating noise saves nothing
    if kind == "PNG":
        path.write_bytes(buffer.getvalue())
        return
    embedded = base64.b64encode(buffer.getvalue()).decode("ascii")
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">'
        f'<image href="data:image/png;base64,{embedded}" width="400" height="400"/></svg>'
    )


def write_inputs(work: Path) -> dict[str, Path]:
    """Write one content file per row (and its picture) under `work`; return them by row."""
    rows = {"no picture": work / "none" / "content.yaml"}
    rows["no picture"].parent.mkdir(parents=True, exist_ok=True)
    rows["no picture"].write_text(CONTENT.format(image=""))
    for name, (label, kind, mode, size, quality) in PICTURES.items():
        folder = work / Path(name).stem
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / name).exists():
            write_picture(folder / name, kind, mode, size, quality)
        image = f"    image: {{path: {name}, alt: A notional picture}}\n"
        (folder / "content.yaml").write_text(CONTENT.format(image=image))
        rows[label] = folder / "content.yaml"
    return rows


def measure(rows: dict[str, Path], runs: int) -> dict[str, dict[str, list[Sample]]]:
    """Run `check` and `build` of every row `runs` times, row after row in each round."""
    results: dict[str, dict[str, list[Sample]]] = {r: {"check": [], "build": []} for r in rows}
    for round_number in range(runs + 1):  # round 0 warms the page cache, untimed
        for row, content in rows.items():
            for command in ("check", "build"):
                args = [sys.executable, "-m", "alliancedeck", command, str(content)]
                if command == "build":
                    args += ["--out-dir", str(content.parent / "output")]
                sample = run_once(args, content.parent)
                if round_number:
                    results[row][command].append(sample)
    return results


def summarize(
    results: dict[str, dict[str, list[Sample]]], load: tuple[float, float]
) -> dict[str, Any]:
    """Return medians, peaks and each picture's cost over the row without one."""
    summary: dict[str, Any] = {"load_average": load, "rows": {}}
    base = {c: results["no picture"][c] for c in ("check", "build")}
    for row, commands in results.items():
        figures = {}
        for command, samples in commands.items():
            wall = statistics.median(s.wall for s in samples)
            cpu = statistics.median(s.cpu for s in samples)
            figures[command] = {
                "wall_s": round(wall, 3),
                "cpu_s": round(cpu, 3),
                "picture_wall_s": round(wall - statistics.median(s.wall for s in base[command]), 3),
                "picture_cpu_s": round(cpu - statistics.median(s.cpu for s in base[command]), 3),
                "largest_process_mb": round(max(s.rss_kib for s in samples) / 1024, 1),
                "all_processes_mb": round(max(s.tree_pss_kib for s in samples) / 1024, 1),
                "runs": [s._asdict() for s in samples],
            }
        summary["rows"][row] = figures
    return summary


def print_table(summary: dict[str, Any]) -> bool:
    """Print the table; return whether every picture is within the budget."""
    within = True
    print(
        "| picture | check wall (CPU) | build wall (CPU) | picture's cost, build wall (CPU) "
        "| largest process | all processes | budget |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for row, figures in summary["rows"].items():
        check, build = figures["check"], figures["build"]
        memory = max(check["largest_process_mb"], build["largest_process_mb"])
        verdict = ""
        if row != "no picture":
            ok = build["picture_cpu_s"] < BUDGET_SECONDS and memory < BUDGET_MB
            within &= ok
            verdict = "PASS" if ok else "FAIL"
        print(
            f"| {row} | {check['wall_s']:.2f} s ({check['cpu_s']:.2f} s) "
            f"| {build['wall_s']:.2f} s ({build['cpu_s']:.2f} s) "
            f"| {build['picture_wall_s']:+.2f} s ({build['picture_cpu_s']:+.2f} s) "
            f"| {memory:.0f} MB | {build['all_processes_mb']:.0f} MB | {verdict} |"
        )
    low, high = summary["load_average"]
    print(f"\nload average (1 min) {low} before, {high} after; medians of the timed rounds")
    return within


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--work", type=Path, help="keep inputs and outputs in this folder")
    parser.add_argument("--json", type=Path, default=PICTURE_RESULTS, help="where to write")
    args = parser.parse_args(argv)
    compile_package(str(ROOT / "src" / "alliancedeck"))
    work = args.work or Path(tempfile.mkdtemp(prefix="alliancedeck-pictures-"))
    try:
        rows = write_inputs(work)
        before = load_average()
        results = measure(rows, args.runs)
        summary = summarize(results, (before, load_average()))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    within = print_table(summary)
    summary["budget"] = {"seconds": BUDGET_SECONDS, "mb": BUDGET_MB, "within": within}
    args.json.write_text(json.dumps(summary, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
