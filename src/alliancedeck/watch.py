"""Warm rebuilds: keep the libraries loaded; rebuild a brief whenever one of its inputs is saved."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliancedeck.errors import ContentError, UsageError

#: How often the inputs' modification times are read: a save is seen within a twentieth of a
#: second, so a small brief's products are rewritten well within a tenth of a second of it
#: (each look stats a few files: some microseconds of CPU, twenty times a second).
POLL_SECONDS = 0.05
#: How far a file's modification time may lag the clock (coarse kernel clocks, FAT's 2 s).
MTIME_SLACK_NS = 2_000_000_000
#: The stamp of a file to treat as changed at the next look.
UNSEEN = -2


@dataclass
class Outcome:
    """One rebuild of `content`: what changed, how long it took, and its result or error.

    `internal` says the error is a bug in alliancedeck (`details` holds its traceback), not a
    mistake in the content; watching goes on either way.
    """

    changed: list[Path]
    seconds: float
    result: Any = None
    error: Exception | None = None
    content: Path | None = None
    internal: bool = False
    details: str = ""


def inputs_of(content: Path, **options: Any) -> list[Path]:
    """Return the files a build of `content` reads: the content, its layout, its images.

    `options` are those of `alliancedeck.api.prepare`.
    """
    from alliancedeck.api import inputs_read, prepare

    try:
        prepared = prepare(content, **options)
    except (ContentError, UsageError):
        return [content]
    except Exception:  # a bug: the content file alone is watched, and its next save retried
        return [content]
    return inputs_read(prepared)


def _stamps(files: list[Path]) -> dict[Path, int]:
    stamps = {}
    for path in files:
        try:
            stamps[path] = path.stat().st_mtime_ns
        except OSError:
            stamps[path] = -1
    return stamps


def watch(
    briefs: Sequence[Path],
    build: Callable[[Path], Any],
    report: Callable[[Outcome], None],
    *,
    stop: Callable[[], bool] = lambda: False,
    poll: float = POLL_SECONDS,
    options: dict[str, Any] | None = None,
) -> None:
    """Build each of `briefs` now, then again each time one of its inputs changes, until `stop()`.

    `build(content)` builds one brief; the files its result lists as `inputs` (see
    `alliancedeck.BuildResult`) are watched, else those `inputs_of` finds. A failed build, even
    an internal error, is reported and leaves that brief's earlier outputs as they were;
    watching goes on. Each build reads its files afresh (see `alliancedeck.api`), so nothing
    here needs forgetting.
    """
    inputs = {content: inputs_of(content, **(options or {})) for content in briefs}
    stamps = {content: _stamps(files) for content, files in inputs.items()}
    for content in briefs:
        report(_timed(content, [content], build))
    while not stop():
        time.sleep(poll)
        for content in briefs:
            now = _stamps(inputs[content])
            changed = [p for p in inputs[content] if now.get(p) != stamps[content].get(p)]
            if not changed:
                continue
            stamps[content] = _rebuild(content, changed, now, build, report, inputs, options)


def _rebuild(
    content: Path,
    changed: list[Path],
    now: dict[Path, int],
    build: Callable[[Path], Any],
    report: Callable[[Outcome], None],
    inputs: dict[Path, list[Path]],
    options: dict[str, Any] | None = None,
) -> dict[Path, int]:
    """Build `content`, report it, note the files it read in `inputs`; return their stamps.

    `now` holds the stamps taken before the build: a file saved during it counts as changed.
    """
    started = time.time_ns()
    outcome = _timed(content, changed, build)
    report(outcome)
    read = getattr(outcome.result, "inputs", None)  # a failed build read nothing: look
    inputs[content] = list(read) if read else inputs_of(content, **(options or {}))
    fresh = _stamps(inputs[content])
    for path, stamp in fresh.items():
        if path in now:  # the stamp taken before the build: a save during it counts
            fresh[path] = now[path]
        elif stamp >= started - MTIME_SLACK_NS:
            # A new input (a layout or image the content now names), saved since the
            # build began: the build may have read it before that save, so build again.
            fresh[path] = UNSEEN
    return fresh


def _timed(content: Path, changed: list[Path], build: Callable[[Path], Any]) -> Outcome:
    start = time.perf_counter()
    try:
        result = build(content)
    except (ContentError, UsageError) as exc:
        return Outcome(changed, time.perf_counter() - start, error=exc, content=content)
    except Exception as exc:  # a bug: say so, and keep watching for the next save
        return Outcome(
            changed,
            time.perf_counter() - start,
            error=exc,
            content=content,
            internal=True,
            details=traceback.format_exc(),
        )
    return Outcome(changed, time.perf_counter() - start, result=result, content=content)
