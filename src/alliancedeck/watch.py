"""Warm rebuilds: keep the libraries loaded and rebuild whenever an input file is saved."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliancedeck.errors import ContentError, UsageError

POLL_SECONDS = 0.3


@dataclass
class Outcome:
    """One rebuild: what changed, how long it took, and its result or error."""

    changed: list[Path]
    seconds: float
    result: Any = None
    error: Exception | None = None


def inputs_of(content: Path, **options: Any) -> list[Path]:
    """Return the files a build of `content` reads: the content, its layout, its images.

    `options` are those of `alliancedeck.api.prepare`.
    """
    from alliancedeck.api import prepare
    from alliancedeck.document import ImageInfo

    files = [content]
    try:
        prepared = prepare(content, **options)
    except (ContentError, UsageError):
        return files
    files.append(Path(prepared.theme.path))
    for section in prepared.doc.sections:
        files.extend(b.path for b in section.blocks if isinstance(b, ImageInfo))
    return files


def _stamps(files: list[Path]) -> dict[Path, float]:
    stamps = {}
    for path in files:
        try:
            stamps[path] = path.stat().st_mtime_ns
        except OSError:
            stamps[path] = -1
    return stamps


def forget_cached_inputs() -> None:
    """Drop what earlier builds cached from files that may have changed since."""
    from alliancedeck import fonts, theme
    from alliancedeck.draw import images

    theme.load_theme.cache_clear()
    fonts._BOOKS.clear()
    fonts._find_in.cache_clear()  # a font file added since the last build is found
    images.bitmap_size.cache_clear()
    images.svg_drawing.cache_clear()
    images.svg_bitmap.cache_clear()


def watch(
    content: Path,
    build: Callable[[], Any],
    report: Callable[[Outcome], None],
    *,
    stop: Callable[[], bool] = lambda: False,
    poll: float = POLL_SECONDS,
    options: dict[str, Any] | None = None,
) -> None:
    """Build now, then again each time an input of `content` changes, until `stop()` is true.

    A failed build is reported and leaves the earlier outputs as they were (writes are atomic
    and happen only after every product rendered).
    """
    files = inputs_of(content, **(options or {}))
    stamps = _stamps(files)
    report(_timed(files, build))
    while not stop():
        time.sleep(poll)
        now = _stamps(files)
        changed = [p for p in files if now.get(p) != stamps.get(p)]
        if not changed:
            continue
        stamps = now
        forget_cached_inputs()
        report(_timed(changed, build))
        files = inputs_of(content, **(options or {}))
        stamps = _stamps(files)


def _timed(changed: list[Path], build: Callable[[], Any]) -> Outcome:
    start = time.perf_counter()
    try:
        result = build()
    except (ContentError, UsageError) as exc:
        return Outcome(changed, time.perf_counter() - start, error=exc)
    return Outcome(changed, time.perf_counter() - start, result=result)
