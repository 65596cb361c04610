"""Render products in forked processes, so that a build takes about as long as its slowest part.

A cold `alliancedeck build` forks one *renderer* at once, before even the command line is
parsed. While this process imports pydantic and checks the content, the renderer imports
reportlab and reads the fonts the default layout uses (python-pptx is loaded only for a deck
that needs it: native charts, an organisation template). It is then sent the checked
document; it forks once more, so that the deck (slides and deck PDF, which share one slide
layout) and the brief render side by side, each in its own process, and it hands every
product back. A large deck's slide layout is made once; then the .pptx is drawn in a fork
of the deck's process while that process draws the deck PDF (`render_group`). Forked children
share what was loaded before the fork, so the libraries and fonts are read once. (A large
content file is read and checked in a child of its own, which ends before the products
render: see `alliancedeck.api`.)

Memory: each process answers as soon as it is done, its answer taken by a thread of its
parent (started once that process forks no more: after a large deck's layout), and ends;
what drawing one product left is freed before the next is drawn, and before a process that
is done waits for its children (`release_memory`).

Without a renderer (the library API, `--watch`, a single product), a large brief still forks
one child per extra group of products at render time.

Children are plain `os.fork` processes that return one pickle through a pipe. They are only
forked on Linux with more than one core, and never while other threads run (the threads that
take the children's answers start once a process forks no more);
ALLIANCEDECK_NO_PARALLEL=1 turns them off. Importing this module loads no drawing library.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:  # loaded before the renderer is forked, so that both processes share it
    import fcntl
except ImportError:  # no fcntl (Windows): nothing forks there
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    import threading

    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Design
    from alliancedeck.document import Document
    from alliancedeck.errors import Problem
    from alliancedeck.pictures import Checked

#: Set (to anything) to render every product in this process.
NO_PARALLEL = "ALLIANCEDECK_NO_PARALLEL"


@dataclass(frozen=True)
class Job:
    """What rendering needs: small enough to pickle, and free of the content model."""

    doc: Document
    theme: Design
    content_dir: Path
    build_time: int
    #: The pictures as checked (`alliancedeck.pictures.checked_pictures`), by path: the
    #: products draw these, and read no picture file again.
    pictures: Mapping[str, Checked] = field(default_factory=dict)


Rendered = tuple[dict[str, bytes], list["Problem"]]


class WorkerCrashed(RuntimeError):
    """A child process failed with an unexpected error; `details` holds its traceback."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details
        if details:
            self.add_note(f"in the rendering process:\n{details}")


#: What both the command's process (checking the content) and the renderer (drawing it) use:
#: imported once, before the renderer is forked, so that neither loads it again.
CHECKED_AND_DRAWN = (
    "platform",  # reportlab's (and typer's, for a command line typer parses)
    "ssl",  # pydantic's (through asyncio) and python-pptx's (through urllib.request)
    "string",  # pydantic's (through importlib.metadata) and reportlab's canvas
    "tempfile",  # pydantic's (through importlib.metadata) and the writing of products
    "zipfile",  # pydantic's (through importlib.metadata) and the deck's package
    "yaml",
    "alliancedeck.document",
    "alliancedeck.fonts",
    "alliancedeck.pictures",
    "alliancedeck.session",
)
#: What every group of built-in products draws with (the slide layout's text setter, which
#: the brief's planner uses too; the PDF canvas and its tags): imported by the renderer
#: before it forks a process per extra group.
DRAWN_BY_ALL = (
    "alliancedeck.compose.deck",
    "alliancedeck.draw.package",
    "alliancedeck.draw.pdf_common",
    "alliancedeck.draw.pdf_tags",
)


def import_shared(modules: tuple[str, ...], products: tuple[str, ...] = ()) -> None:
    """Import `modules` and the backend classes of `products` now, ahead of a fork.

    Whatever fails here is left to the command, which reports it where it meets it.
    """
    import importlib

    try:
        for module in modules:
            importlib.import_module(module)
        if products:
            from alliancedeck import backends

            for name in products:
                with contextlib.suppress(KeyError):
                    backends.backend_class(name)
    except Exception:  # the command meets the same error and says it
        pass


def can_fork() -> bool:
    """Return whether rendering may fork here: Linux, 2+ cores, no threads, not turned off."""
    if os.environ.get(NO_PARALLEL) or not sys.platform.startswith("linux"):
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False  # a forked copy of a process with threads can deadlock
    return len(os.sched_getaffinity(0)) > 1


def groups(products: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Split `products` into groups that render in one process each, heaviest group first.

    Backends that name the same work they share (`shares`: the slide layout, for the deck and
    its PDF) go together, so that it is done once; every other backend is a group of its own.
    """
    from alliancedeck import backends

    loaded = {name: backends.load(name) for name in products}
    by_work: dict[object, list[str]] = {}
    for name in products:
        by_work.setdefault(getattr(loaded[name], "shares", None) or name, []).append(name)
    result = [tuple(group) for group in by_work.values()]
    return sorted(result, key=lambda g: -sum(getattr(loaded[n], "weight", 1) for n in g))


def render_group(
    group: tuple[str, ...],
    job: Job,
    context: RenderContext,
    *,
    own_context: bool = False,
    forked: Callable[[], None] | None = None,
) -> Rendered:
    """Render every product of `group` in this process; return the bytes and the warnings.

    Every product is rendered through here, so a backend's warnings are treated the same on
    every path: each becomes a located `Problem` (a plain text is placed at the content file).
    Between the products of a large document, what the last one left behind is freed (see
    `release_memory`), so that the next one draws in that memory rather than beside it.
    With `own_context` (`context` was made for this group alone), the last product may use up
    what the others left in its cache (`RenderContext.consume`), outside a watch session; and
    a large document's group whose products share their work (`share`: the slide layout) does
    that work once, then forks, so that the products draw from it side by side (`_apart`).
    `forked` is called once no more forks are to come (at once, if none is).
    """
    from alliancedeck import backends, launch, session
    from alliancedeck.pictures import drawing_checked

    # A settled watch session collects between rebuilds, not during one (see session.settle).
    release = len(group) > 1 and large_document(job.doc) and not session.collector_paused()
    last = group[-1] if own_context and not session.active() else ""
    loaded = [(name, backends.load(name)) for name in group]
    # The built-in products of a document without charts, pictures or template leave no
    # reference cycles (tests/backends/test_build_collection.py); another package's may.
    outside = any(not type(backend).__module__.startswith("alliancedeck.") for _, backend in loaded)
    free = not outside and cycle_free(job)
    # A one-shot build renders such a document with the collector off: it would walk every
    # object the layout and drawing make, to find nothing (6 % of a 200x deck's CPU).
    quiet = launch.one_shot and gc.isenabled() and free
    apart = own_context and not session.active() and _apart(loaded, job.doc)
    data: dict[str, bytes] = {}
    beside: Child | None = None  # the child drawing beside this process (`apart`)
    shared = 0  # the warnings of the shared work, which come before the products'
    if quiet:
        gc.disable()
    try:
        with drawing_checked(job.pictures):
            if apart:
                loaded[0][1].share(job.doc, job.theme, context)  # type: ignore[attr-defined]
                # This process draws the heaviest product (the deck PDF), the last to read
                # what is shared here; the child draws the others (the .pptx), and ends first.
                mine = max(loaded, key=lambda item: getattr(item[1], "weight", 1))
                others = [item for item in loaded if item is not mine]
                beside = Child(partial(_render_rest, others, job, context))
                beside.answer_in_background()
                loaded, last, shared = [mine], mine[0], len(context.warnings)
            if forked is not None:
                forked()
            for name, backend in loaded:
                context.consume = last if name == last else ""
                if data and release:
                    # A full collection walks everything alive, the whole slide layout too
                    # (0.06 to 0.13 s at 200x): it runs only if there can be cycles to free.
                    release_memory(collect=not free)
                data[name] = backend.render(job.doc, job.theme, context)
            if beside is not None:
                if beside.busy():  # free what drawing left, and the layout, before waiting
                    release_memory(collect=not free)
                theirs = beside.result()
                theirs[last] = (data[last], context.warnings[shared:])
                del context.warnings[shared:]
                data = {}
                for name in group:  # bytes and warnings in the order of `group`
                    data[name], warned = theirs[name]
                    context.warnings.extend(warned)
    finally:
        if beside is not None:
            beside.close()
        if quiet:
            gc.enable()
    warnings: list[Problem] = []
    for warning in context.warnings:
        problem = as_problem(warning, job.doc.source_file)
        if problem not in warnings:
            warnings.append(problem)
    return data, warnings


def _apart(loaded: list[tuple[str, Any]], doc: Document) -> bool:
    """Return whether the products `loaded` should draw side by side, in two processes, from
    the work they share: they share it (the first has `share`), the document is large, and
    this process may fork. (The slide layout of a 200x deck takes 0.5 s; then the .pptx takes
    0.5 s and the deck PDF 1.1 s, one after the other in a single process.) It costs memory:
    the fork ends up with a copy of most pages either process touches (some 30 MB at 200x),
    which the products' letting go of what they have drawn (`consume`) makes room for."""
    return len(loaded) > 1 and hasattr(loaded[0][1], "share") and large_document(doc) and can_fork()


#: The niceness the products drawn beside their group's process (`_apart`) take. The .pptx
#: (0.5 s at 200x) would otherwise take a third of the two cores from the deck PDF (1.1 s) and
#: the brief, the build's longest paths, and end first while the deck PDF ends last, alone;
#: yielding to them, it draws in what they leave, and a 200x build ends about 0.2 s sooner.
BESIDE_NICENESS = 5


def _render_rest(
    loaded: list[tuple[str, Any]], job: Job, context: RenderContext
) -> dict[str, tuple[bytes, list[object]]]:
    """Render the products `loaded` in a forked copy of `render_group`'s process (`_apart`),
    from the work shared in `context`; return, by product, its bytes and the warnings it
    added."""
    with contextlib.suppress(OSError):  # a system that refuses: it draws at the same priority
        os.nice(BESIDE_NICENESS)
    drawn = {}
    for name, backend in loaded:
        known = len(context.warnings)
        context.consume = name if name == loaded[-1][0] else ""  # the last one here to read it
        data = backend.render(job.doc, job.theme, context)
        drawn[name] = (data, context.warnings[known:])
    return drawn


def cycle_free(job: Job) -> bool:
    """Return whether the built-in products of `job` leave nothing in reference cycles: its
    document has neither charts nor pictures (`job.pictures` holds every one it shows), and no
    organisation template. (The deck's charts and templates are drawn with python-pptx, whose
    parts and package refer to one another; so are reportlab's charts and SVG drawings, and
    the brief plans each figure with closures.)"""
    from alliancedeck.document import ChartInfo

    if job.pictures or job.theme.template is not None:
        return False
    return not any(
        isinstance(block, ChartInfo) for section in job.doc.sections for block in section.blocks
    )


def as_problem(warning: object, source_file: str) -> Problem:
    """Return a backend's `warning` as a located warning (a text goes at `source_file`)."""
    from alliancedeck.errors import Location, Problem

    if isinstance(warning, Problem):
        return warning
    return Problem(Location(source_file), str(warning), "warning")


def render_groups(job: Job, split: list[tuple[str, ...]], *, fork: bool) -> list[Rendered]:
    """Render each group of `split`: with `fork`, all but the first in forked children."""

    children = [Child(partial(_render_job, group, job)) for group in split[1:]] if fork else []
    try:
        return _render_beside(job, split[:1] if fork else split, children)
    finally:
        for child in children:
            child.close()


def _render_beside(job: Job, own: list[tuple[str, ...]], children: list[Child]) -> list[Rendered]:
    """Render the `own` groups of `job` here while `children` render theirs; return all of them.

    Each child's answer is taken as it comes once this process forks no more (`render_group`
    calls back when it will not: at once, or after a large deck's layout), so that a child
    done first ends (and frees its memory) then; and if this process is done first, it frees
    what its drawing left before it waits.
    """
    waiting = list(children)

    def answer_in_background() -> None:  # once this process forks no more: a thread runs
        while waiting:
            waiting.pop().answer_in_background()

    here = [_render_job(group, job, answer_in_background) for group in own]
    answer_in_background()
    if any(child.busy() for child in children) and large_document(job.doc):
        release_memory()
    return here + [child.result() for child in children]


#: Paragraphs (titles, leads, points, block items) that make a document large: from there a
#: build without a renderer forks (below, copying a process that has every library loaded
#: costs more than it saves), and frees memory between products (below, there is little to
#: free and collecting would cost more than it gives back).
PARALLEL_FROM = 300


def large_document(doc: Document) -> bool:
    """Return whether `doc` is large enough for forking, and for freeing memory, to pay."""
    return doc.paragraph_count() >= PARALLEL_FROM


def release_memory(*, collect: bool = True) -> None:
    """Free what drawing a product left behind, and give the freed memory back to the system.

    What a product leaves in reference cycles (python-pptx's parts, say) is freed only by a
    full collection (with `collect`), and a build may never reach one. The C allocator keeps
    what was freed for later use unless asked to return it (`malloc_trim`), so without both a
    process holds its largest product's memory to the end.
    """
    if collect:
        gc.collect()
    trim = _heap_trimmer()
    if trim is not None:
        trim(0)


@cache
def _heap_trimmer() -> Callable[[int], int] | None:
    """Return the C library's `malloc_trim` (glibc), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # another C library (musl has no malloc_trim)
        return None


#: Children of this process not yet reaped. A new child closes their pipe ends, so that no
#: process but the one they belong to keeps a pipe open and end-of-file means what it says.
_LIVE: set[Child] = set()


class Child:
    """A forked process that runs `task` and returns its result (or its error) through a pipe.

    With `takes_input`, the child first calls `prepare`, then waits for one object from `send`
    and runs `task(that object)` (with `pickled_input`, `task([the bytes of its pickle])`, for
    a task that passes it on as it came: it takes the bytes out of the list, so that nothing
    else holds them once it is done with them). Otherwise it runs `task()` at once, on what it
    inherited.
    """

    def __init__(
        self,
        task: Callable[..., Any],
        *,
        takes_input: bool = False,
        prepare: Callable[[], None] | None = None,
        pickled_input: bool = False,
    ):
        input_read, input_write = os.pipe() if takes_input else (-1, -1)
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            inherited = [end for child in _LIVE for end in (child._input, child._result)]
            # Nor the pipe this process answers through (a child's child): if this process
            # died, its parent would otherwise wait for the end of this child to see it.
            if _ANSWERING is not None:
                inherited.append(_ANSWERING)
            for end in (input_write, result_read, *inherited):
                if end is not None:
                    with contextlib.suppress(OSError):
                        os.close(end)
            _LIVE.clear()  # its parent's children are not its own
            signal.signal(signal.SIGTERM, _stop)  # what `close` sends: stop, children too
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
            _child_main(task, prepare, input_read, result_write, pickled_input)
        for end in (input_read, result_write):
            if end >= 0:
                os.close(end)
        self.pid = pid
        self._input: int | None = input_write if takes_input else None
        self._result: int | None = result_read
        self._answered = False
        self._answer: tuple[str, Any] | None = None
        self._unreadable: BaseException | None = None  # what reading the answer raised
        self._reader: threading.Thread | None = None
        _LIVE.add(self)

    def send(self, value: Any, *, pickled: bool = False) -> None:
        """Give the waiting child its input (pickled through the pipe; with `pickled`,
        `value` is the bytes of a pickle already)."""
        assert self._input is not None, "this child takes no input, or has it already"
        try:
            with os.fdopen(self._input, "wb", closefd=False) as stream:
                if pickled:
                    stream.write(value)
                else:
                    pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            pass  # it failed before reading its input; `result` says how
        self._close("_input")

    def answer_in_background(self) -> None:
        """Start taking the child's answer now, in a thread, for `result` to return later.

        A child that has answered ends; one whose answer is not taken waits, blocked on the
        full pipe, holding all its memory, until this process asks for its result.
        """
        import threading

        assert self._result is not None, "the result was already taken"
        _widen(self._result)  # read while this process is busy: in few pieces
        self._reader = threading.Thread(target=self._receive, name="answer", daemon=True)
        self._reader.start()

    def busy(self) -> bool:
        """Return whether the child may still be working: its answer has not come yet."""
        return self._answer is None and self._unreadable is None

    def _receive(self) -> None:
        """Read the child's answer (or learn that it ended without one)."""
        assert self._result is not None
        try:
            with os.fdopen(self._result, "rb", closefd=False) as stream:
                self._answer = pickle.load(stream)
            self._answered = True
        except EOFError:
            self._answer = ("crash", ("a rendering process ended without a result", ""))
        except BaseException as exc:
            self._unreadable = exc

    def result(self) -> Any:
        """Wait for the child's result; raise the content error it raised, if it failed."""
        assert self._result is not None, "the result was already taken"
        try:
            if self._reader is None:
                self._receive()
            else:
                self._reader.join()
        finally:
            self.close()
        if self._unreadable is not None:
            raise self._unreadable
        assert self._answer is not None
        (outcome, payload), self._answer = self._answer, None  # handed over, not kept
        if outcome == "ok":
            return payload
        if outcome == "error":
            raise payload
        raise WorkerCrashed(*payload)

    def _close(self, attribute: str) -> None:
        end = getattr(self, attribute)
        if end is not None:
            os.close(end)
            setattr(self, attribute, None)

    def close(self) -> None:
        """Stop the child if it has not answered (the build failed), and reap it."""
        if self.pid and not self._answered:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)  # it stops at once, with its own children
        self._close("_input")
        if self._reader is not None:  # a stopped child's pipe ends: its reader returns
            self._reader.join(timeout=_READER_GRACE)
            if self._reader.is_alive():  # still reading (something else holds the pipe open)
                self._result = None  # left to that thread: closing it could cut another file
        self._close("_result")
        if self.pid:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = 0
        _LIVE.discard(self)


#: The capacity asked for the pipe of a child's answer read in the background (Linux allows up
#: to 1 MiB without privileges).
PIPE_CAPACITY = 1 << 20


def _widen(end: int) -> None:
    """Give the pipe of `end` `PIPE_CAPACITY`, where the system allows it.

    A child's answer read in a thread (`Child.answer_in_background`) is read while the main
    thread draws, and the reading thread waits for the interpreter's lock after every piece the
    pipe holds: at the default 64 KiB, a 200x brief's 3.7 MB took some 60 turns (about 0.3 s),
    while the child that was done waited on its write, holding all its memory (15-20 MB more at
    the build's peak). In 1 MiB pieces it takes four. Only such pipes are widened (one per
    build): Linux counts a user's pipe memory against a limit (`pipe-user-pages-soft`, 64 MiB
    by default), past which new pipes get one page; a build holds 1 MiB of it while it renders.
    """
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if setting is not None:
        with contextlib.suppress(OSError):  # a lower pipe-max-size: the default stays
            fcntl.fcntl(end, setting, PIPE_CAPACITY)


#: Seconds `Child.close` waits for a stopped child's answer reader to see the pipe end.
_READER_GRACE = 5.0


def _stop(signum: int, frame: object) -> None:
    """Leave at once, passing the stop on to this process's own children.

    Nothing is raised: an exception could surface in the middle of anything (a hook run after a
    fork, say) and be printed as ignored instead of stopping the process.
    """
    for child in list(_LIVE):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGTERM)
    os._exit(1)


#: In a child, the write end of the pipe it answers through (closed in its own children).
_ANSWERING: int | None = None


def _child_main(
    task: Callable[..., Any],
    prepare: Callable[[], None] | None,
    input_end: int,
    result_end: int,
    pickled_input: bool = False,
) -> None:
    """A child's whole life: do its work, answer, exit."""
    global _ANSWERING
    _ANSWERING = result_end
    code = 0
    try:
        outcome = _outcome(task, prepare, input_end, pickled_input)
        if outcome is not None:
            with os.fdopen(result_end, "wb", closefd=False) as stream:
                pickle.dump(outcome, stream, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # stopped, or the parent went away: nobody to answer
        code = 1
    finally:
        for child in list(_LIVE):  # a renderer stopped early takes its own children with it
            child.close()
        os._exit(code)


def _outcome(
    task: Callable[..., Any],
    prepare: Callable[[], None] | None,
    input_end: int,
    pickled_input: bool = False,
) -> tuple[str, Any] | None:
    """Prepare, read the input, run the task; return the answer, or None if no input came."""
    from alliancedeck.errors import ContentError, UsageError

    try:
        if prepare is not None:
            prepare()
        from alliancedeck.launch import imports_done

        imports_done()  # this process has loaded what it renders with
        if input_end < 0:
            return ("ok", task())
        with os.fdopen(input_end, "rb", closefd=False) as stream:
            try:
                value = [stream.read()] if pickled_input else pickle.load(stream)
            except EOFError:  # the build stopped before rendering (a content error, say)
                return None
        if pickled_input and not value[0]:
            return None  # the same: the sender closed the pipe without sending
        return ("ok", task(value))
    except (ContentError, UsageError) as exc:
        return ("error", exc)
    except Exception as exc:
        return ("crash", (f"{type(exc).__name__}: {exc}", traceback.format_exc()))


class Renderer:
    """A process forked before the content is read, that renders `products` once sent a job.

    While it waits it loads what every product needs (reportlab's font machinery and the
    default layout's fonts), forks one child per extra group of products, each of which loads
    its own library, and loads the library of its own group: every library is read by one
    process only, and all of them are ready when the job comes.
    """

    def __init__(self, products: tuple[str, ...]):
        self.products = products
        self._children: list[Child] = []
        self._own: list[tuple[str, ...]] = []
        self._child = Child(self._render, takes_input=True, prepare=self._warm, pickled_input=True)

    def _warm(self) -> None:
        from alliancedeck.fonts import preload_default_fonts

        preload_default_fonts()
        split = groups(self.products)
        self._own = split[:1] if can_fork() else split
        if len(split) > len(self._own):
            import_shared(DRAWN_BY_ALL)
        for group in split[len(self._own) :]:
            task, warm = partial(_render_job, group), partial(_warm, group)
            self._children.append(Child(task, takes_input=True, prepare=warm))
        for group in self._own:
            _warm(group)
        import alliancedeck.document  # noqa: F401  what a job unpickles into

    def _render(self, handed: list[bytes]) -> list[Rendered]:
        pickled_job = handed.pop()  # held here only: freed once unpickled (1.4 MB at 200x)
        for child in self._children:  # passed on as it came: not pickled again
            child.send(pickled_job, pickled=True)
        job = pickle.loads(pickled_job)
        del pickled_job
        try:
            return _render_beside(job, self._own, self._children)
        finally:
            for child in self._children:
                child.close()

    def render(self, job: Job | bytes) -> list[Rendered]:
        """Send `job` (or the bytes of its pickle); return what each group of products
        rendered."""
        self._child.send(job, pickled=isinstance(job, bytes))
        return self._child.result()

    def close(self) -> None:
        """Stop the renderer (if it is still waiting) and reap it."""
        self._child.close()


def _warm(group: tuple[str, ...]) -> None:
    """Import the libraries the products of `group` draw with."""
    from alliancedeck import backends

    for name in group:
        backend = backends.load(name)
        if hasattr(backend, "warm"):
            backend.warm()


def _render_job(
    group: tuple[str, ...], job: Job, forked: Callable[[], None] | None = None
) -> Rendered:
    """Render the products of `group` for `job`, in a context of their own (`forked`: see
    `render_group`)."""
    from alliancedeck.backends import RenderContext

    context = RenderContext(job.content_dir, job.build_time)
    return render_group(group, job, context, own_context=True, forked=forked)


_PREFORKED: Renderer | None = None


def prefork(products: tuple[str, ...]) -> None:
    """Fork a renderer for `products` now, for `take_preforked`, if forking is possible."""
    global _PREFORKED
    if _PREFORKED is None and can_fork():
        _PREFORKED = Renderer(products)


def take_preforked() -> Renderer | None:
    """Return the renderer `prefork` started (once), else None."""
    global _PREFORKED
    renderer, _PREFORKED = _PREFORKED, None
    return renderer


def discard_preforked() -> None:
    """Stop a renderer nobody took (the command failed, or was not a build)."""
    global _PREFORKED
    if _PREFORKED is not None:
        _PREFORKED.close()
        _PREFORKED = None
