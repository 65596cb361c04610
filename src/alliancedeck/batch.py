"""Batch builds: many briefs, each beside its content, several at once in worker processes."""

from __future__ import annotations

import concurrent.futures
import os
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancedeck.errors import ContentError, Location, Problem, UsageError

if TYPE_CHECKING:
    from alliancedeck.api import BuildResult


@dataclass
class BriefOutcome:
    """One brief of a batch: what it wrote and warned about, or why it failed."""

    content: Path
    seconds: float = 0.0
    result: BuildResult | None = None
    errors: list[Problem] = field(default_factory=list)  # content or usage errors, located
    crash: str | None = None  # an internal error (a bug), with its traceback

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def status(self) -> str:
        """Return `built`, `failed` (the content's fault) or `crashed` (a bug)."""
        return "built" if self.ok else ("crashed" if self.crash else "failed")


def default_jobs() -> int:
    """Return how many briefs to build at once by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build_one(content: Path, options: dict[str, Any]) -> BriefOutcome:
    """Build the brief `content` with `options` (those of `api.build`); never raise for it."""
    from alliancedeck import api

    start = time.perf_counter()
    outcome = BriefOutcome(content)
    try:
        outcome.result = api.build(content, **options)
    except ContentError as exc:
        outcome.errors = list(exc.problems)
    except UsageError as exc:
        outcome.errors = [Problem(Location(str(content)), str(exc))]
    except Exception as exc:
        outcome.crash = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
    outcome.seconds = time.perf_counter() - start
    return outcome


def _quiet_worker() -> None:
    """Render each brief in its worker alone: the workers already use every core asked for."""
    from alliancedeck.parallel import NO_PARALLEL

    os.environ[NO_PARALLEL] = "1"


def build_many(
    contents: Sequence[Path],
    options: dict[str, Any],
    *,
    jobs: int | None = None,
    on_started: Callable[[], None] | None = None,
    on_done: Callable[[BriefOutcome], None] | None = None,
) -> list[BriefOutcome]:
    """Build every brief of `contents` with `options` (those of `api.build`), `jobs` at once.

    One brief's failure does not stop the others. `on_started` is called once the workers
    are forked (a caller may start threads then, not before); `on_done` with each outcome as
    it comes. The list returned is in the order of `contents`.
    """
    jobs = min(jobs or default_jobs(), len(contents)) or 1
    outcomes: dict[int, BriefOutcome] = {}

    def done(index: int, outcome: BriefOutcome) -> None:
        outcomes[index] = outcome
        if on_done is not None:
            on_done(outcome)

    if jobs == 1:
        if on_started is not None:
            on_started()
        for index, content in enumerate(contents):
            done(index, build_one(content, options))
    else:
        from alliancedeck.api import checkers

        checkers()  # loaded once, before the workers are forked, not once in each
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs, initializer=_quiet_worker
        ) as pool:
            futures = {
                pool.submit(build_one, content, options): index
                for index, content in enumerate(contents)
            }
            if on_started is not None:
                on_started()
            for future in concurrent.futures.as_completed(futures):
                index = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker died (killed, out of memory)
                    outcome = BriefOutcome(
                        contents[index], crash=f"the worker building it stopped: {exc}"
                    )
                done(index, outcome)
    return [outcomes[index] for index in range(len(contents))]
