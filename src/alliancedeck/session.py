"""A watch session: warm rendering processes, and the measured pieces kept between rebuilds.

`build --watch` rebuilds a brief after every save. Within a session, each group of products
other than the first renders in a *worker*: a process forked once that renders every job it
is sent, so its libraries, fonts and caches stay loaded; the first group renders in the
watching process itself. Both keep, between rebuilds:

- the lines every paragraph was broken into, keyed by the text, font, size and width, in a
  bucket per set of font files (a layout naming other fonts, or a font file found elsewhere,
  opens a new bucket);
- the products of the last job, reused whole when the next job is the same (a save that
  changed nothing the products show);
- pieces of the last rebuild (`kept`), each keyed by everything it is made from: a slide's
  XML by its composed boxes, language and layout type (only a slide that relates no part:
  no chart, picture or link), a zip entry's deflated bytes by its bytes, and a PDF page's
  content by its boxes, fonts and the font codes given before it (draw/pdf_replay.py: the
  page is copied, its structure tagged again or copied too), a page's compressed content
  stream by its content, a PDF structure element's bytes by its fields and the object
  numbers of the pages (draw/pdf_fast.py), and a composed box's digest by the box itself
  (`boxes_digest`: a kept slide's boxes are the same objects from one rebuild to the next). A
  piece that one rebuild does not use is dropped at the next, so none outlives what it is
  keyed on.

A section's composition is such a piece too: its brief units (per composition tried) and its
deck slides, keyed by the section less its places in the file (`section_key`, itself kept
with the section object, which a section read as before is), the layout,
fonts and labels, and what it reads of the sections before it (figure and table numbers,
titles taken, cards shown); what depends on other sections (the page plan, slide and page
numbers, the agenda and sources) is composed afresh.

Reading the content file keeps pieces too, in the watching process: each section as read
(its data and the places of its values), checked (its model) and filled (its `SectionInfo`),
keyed by its text, its line and what leads it there, its index and the file's directives;
filled, also by the key figures and meta it was filled with (`alliancedeck.source.SectionPiece`).
The whole file is still parsed, and the brief as a whole checked, every time.

Everything else is composed and drawn afresh, so a rebuild's bytes are a cold build's (a test
compares them). Outside a session (the library API, a plain build) no cache outlives its build.

Between rebuilds a session settles (`settle`): what lives on is frozen out of the cyclic
collector's reach, and the collector waits for the next settle, so a rebuild spends no time
walking its own objects.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import io
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from alliancedeck.document import PointInfo, SectionInfo
    from alliancedeck.errors import Location
    from alliancedeck.parallel import Job, Rendered

T = TypeVar("T")

#: Line caches of this process by font bucket, while a session is active here.
_LINE_CACHES: dict[tuple[Any, ...], Any] | None = None
#: Buckets kept at most: each layout's fonts make one; older ones are dropped.
MAX_BUCKETS = 4
#: Pieces of rebuilds in this process by kind (see `kept`), while a session is active here.
_PIECES: dict[str, _Pieces] | None = None
#: The rebuild this process is in: pieces unused by the last one are dropped in the next.
_REBUILD = 0
_MISSING: Any = object()


@contextlib.contextmanager
def keeping() -> Iterator[None]:
    """Keep line caches and pieces in this process while inside (a session's rebuilds run
    inside)."""
    global _LINE_CACHES, _PIECES
    saved = _LINE_CACHES, _PIECES
    if _LINE_CACHES is None:
        _LINE_CACHES, _PIECES = {}, {}
    try:
        yield
    finally:
        _LINE_CACHES, _PIECES = saved


def next_rebuild() -> None:
    """Note that a rebuild starts in this process: pieces the last one left unused go."""
    global _REBUILD
    _REBUILD += 1


class _Pieces:
    """Pieces of one kind by key: those used in this rebuild, and those of the last one."""

    def __init__(self) -> None:
        self.rebuild = _REBUILD
        self.last: dict[Hashable, Any] = {}
        self.now: dict[Hashable, Any] = {}
        self.reused = 0  # values handed out again (the tests read it)

    def _turn(self) -> None:
        if self.rebuild != _REBUILD:
            self.rebuild = _REBUILD
            self.last, self.now = self.now, {}

    def get(self, key: Hashable) -> Any:
        self._turn()
        value = self.now.get(key, _MISSING)
        if value is _MISSING:
            value = self.last.pop(key, _MISSING)
            if value is not _MISSING:
                self.now[key] = value
        if value is not _MISSING:
            self.reused += 1
        return value

    def put(self, key: Hashable, value: Any) -> None:
        self._turn()
        self.now[key] = value


def _pieces(kind: str) -> _Pieces:
    """Return this session's pieces of `kind` (inside a session)."""
    assert _PIECES is not None, "no session is active"
    pieces = _PIECES.get(kind)
    if pieces is None:
        pieces = _PIECES[kind] = _Pieces()
    return pieces


def lookup(kind: str, key: Hashable) -> Any:
    """Return the piece of `kind` kept for `key` in this session (made by this rebuild or the
    last, and `store`d then), or None."""
    value = _pieces(kind).get(key)
    return None if value is _MISSING else value


def store(kind: str, key: Hashable, value: Any) -> None:
    """Keep `value` as the piece of `kind` for `key` (which must hold all it is made from)."""
    _pieces(kind).put(key, value)


def kept(
    kind: str,
    key: Callable[[], Hashable],
    make: Callable[[], T],
    keep: Callable[[T], bool] | None = None,
) -> T:
    """Return `make()`, or inside a session the value made last time for an equal `key()`.

    `key()` must hold everything the value is made from (so equal keys, equal values); it is
    only called inside a session. A value `keep` refuses (one whose making touched more than
    the value: a relationship added to a part) is not kept. Outside a session this is
    `make()`.
    """
    if _PIECES is None:
        return make()
    pieces = _pieces(kind)
    wanted = key()
    value = pieces.get(wanted)
    if value is _MISSING:
        value = make()
        if keep is None or keep(value):
            pieces.put(wanted, value)
    return value


def boxes_digest(product: str, boxes: Iterable[object]) -> bytes:
    """Return a digest of `boxes` (composed boxes of `product`, in order): equal boxes, equal
    digests, whichever of their parts are one shared object.

    Inside a session, a box's digest is kept with the box itself, by identity (a composed box
    is frozen, so the same object means the same content; kept with it, its id names no
    other object meanwhile): a kept slide's boxes are not read again. So is each paragraph's
    (see `_box_digest`): a brief's boxes are made anew at each rebuild, but most of their
    paragraphs are the very objects of the last one. `product` names the rebuild they are
    kept for (the products of one rebuild may render in turn here, each in a rebuild of its
    own)."""
    digest = hashlib.sha256()
    if _PIECES is None:
        for box in boxes:
            digest.update(_box_digest(box, None))
        return digest.digest()
    pieces = _pieces(f"box-digest-{product}")
    paragraphs = _pieces(f"paragraph-digest-{product}")
    for box in boxes:
        found = pieces.get(id(box))
        if found is _MISSING or found[0] is not box:
            found = (box, _box_digest(box, paragraphs))
            pieces.put(id(box), found)
        digest.update(found[1])
    return digest.digest()


def _box_digest(box: object, paragraphs: _Pieces | None) -> bytes:
    """Return the digest of `box`: of its fields, with each of its paragraphs (a text box's,
    a table's cells) given by its own digest (`_paragraph_digest`, kept by identity in
    `paragraphs`). Equal digests, equal boxes: a box's type and fields are all digested."""
    state = getattr(box, "__dict__", None)
    if state is None or ("paragraphs" not in state and "cells" not in state):
        return hashlib.sha256(unshared_pickle(box)).digest()
    state = dict(state)
    if "paragraphs" in state:
        state["paragraphs"] = tuple(_paragraph_digest(p, paragraphs) for p in state["paragraphs"])
    if "cells" in state:
        state["cells"] = tuple(
            tuple(_paragraph_digest(p, paragraphs) for p in row) for row in state["cells"]
        )
    kind = type(box)
    return hashlib.sha256(unshared_pickle((kind.__module__, kind.__qualname__, state))).digest()


def _paragraph_digest(paragraph: object, kept: _Pieces | None) -> bytes:
    """Return the digest of `paragraph`, kept with it by identity in `kept` (if any)."""
    if kept is None:
        return hashlib.sha256(unshared_pickle(paragraph)).digest()
    found = kept.get(id(paragraph))
    if found is _MISSING or found[0] is not paragraph:
        found = (paragraph, hashlib.sha256(unshared_pickle(paragraph)).digest())
        kept.put(id(paragraph), found)
    return found[1]


def unshared_pickle(value: object) -> bytes:
    """Return `value` pickled without the pickler's memo: equal values give equal bytes
    whichever of their parts are one shared object (a cold build's boxes and a warm
    rebuild's, whose kept pieces share paragraphs, pickle alike). Boxes hold no cycles."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


def digest(value: object) -> bytes:
    """Return a digest of `value` (picklable): equal digests, equal values."""
    return hashlib.sha256(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)).digest()


def section_key(section: SectionInfo) -> bytes:
    """Return a digest of everything `section` says, but where its text, points, sources,
    key figures, charts, tables and timelines are in the content file (a line added above
    moves them all, and nothing is composed or drawn from those places: they only say where
    a warning points), with the state of the picture files its blocks show (a picture keeps
    its place: reading it may warn).

    A section's composition that warns at one of those places must put the current
    section's there (see `section_places` and `compose.deck.DeckBuilder.section_slides`).

    Inside a session, the key is kept with the section itself, by identity (a section is
    frozen; kept with it, its id names no other object meanwhile) and the state of its
    picture files: asked by the brief and the deck alike, and, for a section read as before
    (see `alliancedeck.source.SectionPiece`: the same object), in the next rebuild too.
    """
    from alliancedeck.document import ImageInfo

    files = [_file_state(b.path) for b in section.blocks if isinstance(b, ImageInfo)]
    pieces = _pieces("section-key") if _PIECES is not None else None
    if pieces is not None:
        found = pieces.get(id(section))
        if found is not _MISSING and found[0] is section and found[1] == files:
            return found[2]
    from dataclasses import replace

    def placeless(point: PointInfo) -> PointInfo:
        return replace(point, location=None, children=tuple(map(placeless, point.children)))

    bare = replace(
        section,
        location=None,
        points=tuple(map(placeless, section.points)),
        sources=tuple(replace(source, location=None) for source in section.sources),
        figures=tuple(replace(figure, location=None) for figure in section.figures),
        blocks=tuple(
            b if isinstance(b, ImageInfo) else replace(b, location=None) for b in section.blocks
        ),
    )
    key = digest((bare, files))
    if pieces is not None:
        pieces.put(id(section), (section, files, key))
    return key


def section_places(section: SectionInfo) -> tuple[Location, ...]:
    """Return where `section`, its blocks and its key figures are in the content file: the
    places `section_key` leaves out that a section's composition may warn at."""
    blocks = (block.location for block in section.blocks)
    return (section.location, *blocks, *(figure.location for figure in section.figures))


def _file_state(path: object) -> str:
    """Return what tells whether the file at `path` changed: its size and time."""
    try:
        status = os.stat(path)  # type: ignore[arg-type]
    except OSError:
        return f"{path}:missing"
    return f"{path}:{status.st_mtime_ns}:{status.st_size}"


def active() -> bool:
    """Return whether a session keeps line caches in this process."""
    return _LINE_CACHES is not None


def shared_lines(bucket: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """Return the session's line cache for the fonts `bucket` (made by `make` on first use).

    Only inside a session (see `active`)."""
    assert _LINE_CACHES is not None, "no session is active"
    cache = _LINE_CACHES.get(bucket)
    if cache is None:
        while len(_LINE_CACHES) >= MAX_BUCKETS:
            _LINE_CACHES.pop(next(iter(_LINE_CACHES)))
        cache = _LINE_CACHES[bucket] = make()
    return cache


def job_digest(pickled: bytes) -> bytes:
    """Return the digest of a job pickled (`pickle_job`): equal digests, equal jobs."""
    return hashlib.sha256(pickled).digest()


def pickle_job(job: Job) -> bytes:
    """Return `job` pickled, as it is sent to a worker and digested (`job_digest`)."""
    return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)


def job_key(job: Job, group: tuple[str, ...], digested: bytes) -> str:
    """Return a digest of everything `group`'s products of `job` are made from.

    The document, the design and the build time (`digested`: the job's `job_digest`), plus
    the size and time of every picture file (read when drawing): equal keys, equal bytes.
    """
    from alliancedeck.document import ImageInfo

    digest = hashlib.sha256(repr(group).encode() + digested)
    for section in job.doc.sections:
        for block in section.blocks:
            if isinstance(block, ImageInfo):
                try:
                    status = os.stat(block.path)
                    digest.update(f"{block.path}:{status.st_mtime_ns}:{status.st_size}".encode())
                except OSError:
                    digest.update(f"{block.path}:missing".encode())
    return digest.hexdigest()


class _Memo:
    """The products of the last job of one group, by the job's key."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.rendered: Rendered | None = None

    def render(
        self, job: Job, digested: bytes, group: tuple[str, ...], render: Callable[[], Rendered]
    ) -> Rendered:
        """Return `render()`, or the last products if `job` (digested: `job_digest`) and the
        pictures it shows are as they were."""
        next_rebuild()
        key = job_key(job, group, digested)
        if key != self.key or self.rendered is None:
            self.key, self.rendered = None, None
            self.rendered, self.key = render(), key
        return self.rendered


#: What a pipe holds unread on Linux (64 KiB): a job up to this size is written at once.
PIPE_HOLDS = 65536


class Worker:
    """A process forked once that renders `group` for each job it is sent, until closed."""

    def __init__(self, group: tuple[str, ...]):
        from alliancedeck import parallel

        self.group = group
        job_read, job_write = os.pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(job_write)
            os.close(result_read)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the watcher
            parallel._LIVE.clear()
            code = 0
            try:
                _serve(group, job_read, result_write)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(job_read)
        os.close(result_write)
        self.pid = pid
        self._jobs = os.fdopen(job_write, "wb")
        self._results = os.fdopen(result_read, "rb")
        self._sending: threading.Thread | None = None

    def send(self, pickled: bytes, digested: bytes) -> None:
        """Send a job (`pickle_job`) and its digest (`job_digest`): the worker starts rendering
        it at once, and digests nothing again.

        A job larger than a pipe holds is written by a thread, so that this process renders
        its own products meanwhile rather than wait, writing, while the worker reads the job
        and builds it again (some 10 ms at 200x). The thread only writes (the interpreter lets
        others run while it waits on the pipe); `answer` waits for it."""
        message = pickle.dumps(digested, protocol=pickle.HIGHEST_PROTOCOL)
        if len(pickled) <= PIPE_HOLDS:
            self._write(message, pickled)
            return
        self._sending = threading.Thread(
            target=self._write, args=(message, pickled), name="alliancedeck-job", daemon=True
        )
        self._sending.start()

    def _write(self, message: bytes, pickled: bytes) -> None:
        try:
            self._jobs.write(message)
            self._jobs.write(pickled)
            self._jobs.flush()
        except BrokenPipeError:  # the worker ended: `answer` finds no result and says so
            pass

    def _sent(self) -> None:
        if self._sending is not None:
            self._sending.join()
            self._sending = None

    def answer(self) -> Rendered:
        """Return what the worker rendered for the job sent; raise the content error it raised."""
        from alliancedeck.parallel import WorkerCrashed

        self._sent()
        try:
            outcome, payload = pickle.load(self._results)
        except EOFError:
            raise WorkerCrashed("a rendering process ended without a result") from None
        if outcome == "ok":
            return payload
        if outcome == "error":
            raise payload
        raise WorkerCrashed(*payload)

    def close(self) -> None:
        """Stop the worker and reap it."""
        if not self.pid:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        self._sent()  # a job still being written: the worker's end breaks the pipe
        for stream in (self._jobs, self._results):
            with contextlib.suppress(OSError):
                stream.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = 0


def _serve(group: tuple[str, ...], job_end: int, result_end: int) -> None:
    """A worker's life: render each job that comes, answer, until the pipe closes."""
    from alliancedeck.errors import ContentError, UsageError
    from alliancedeck.parallel import _render_job

    memo = _Memo()
    with (
        os.fdopen(job_end, "rb") as jobs,
        os.fdopen(result_end, "wb") as results,
        keeping(),
    ):
        while True:
            try:
                digested = pickle.load(jobs)  # the job's digest, then the job (`Worker.send`)
                job = pickle.load(jobs)
            except EOFError:
                return
            forget_pictures()  # a picture file may have been saved since the last job
            try:
                answer: tuple[str, Any] = (
                    "ok",
                    memo.render(job, digested, group, functools.partial(_render_job, group, job)),
                )
            except (ContentError, UsageError) as exc:
                answer = ("error", exc)
            except Exception as exc:
                answer = ("crash", (f"{type(exc).__name__}: {exc}", traceback.format_exc()))
            pickle.dump(answer, results, protocol=pickle.HIGHEST_PROTOCOL)
            results.flush()
            settle()  # while the watcher waits for the next save


#: Whether the cyclic collector was on when `settle` first paused it in this process (None:
#: not paused).
_COLLECTING: bool | None = None


def settle() -> None:
    """Between two rebuilds: collect what the last one left, put what lives on (the
    libraries, the kept pieces and line caches) out of the collector's reach (`gc.freeze`),
    and pause the collector until the next `settle` (or `resume`).

    A session keeps large caches; without the freeze, every full collection during a rebuild
    walks them all again (about 1 s of a warm rebuild at 200x). What is frozen is still freed
    when nothing refers to it; a cycle among frozen objects waits for the next `settle`.

    Even then a rebuild's own objects took the collector about 0.5 s per process at 200x (at
    each full collection it walks every object the rebuild made so far, and after a freeze
    full collections come often): paused, the cycles a rebuild leaves (a drawn PDF, a deck
    package) wait for the next `settle`, so a rebuild holds at most its own garbage besides
    what it makes. Objects without cycles are freed as ever, when nothing refers to them.
    """
    global _COLLECTING
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    if _COLLECTING is None:
        _COLLECTING = gc.isenabled()
        gc.disable()


def resume() -> None:
    """Undo what `settle` did in this process: the collector runs as before, on everything."""
    global _COLLECTING
    if _COLLECTING is not None:
        if _COLLECTING:
            gc.enable()
        _COLLECTING = None
    gc.unfreeze()


def collector_paused() -> bool:
    """Return whether `settle` paused the collector in this process (a rebuild's cycles are
    collected at the next `settle`, not while it renders)."""
    return _COLLECTING is not None


def forget_pictures() -> None:
    """Forget the pictures read so far in this process (they are read again when drawn)."""
    import sys

    pictures = sys.modules.get("alliancedeck.pictures")  # nothing to forget if never loaded
    if pictures is not None:
        pictures.forget()
    images = sys.modules.get("alliancedeck.draw.images")
    if images is not None:
        for reader in (images.bitmap_size, images.svg_drawing, images.svg_bitmap):
            reader.cache_clear()


class Session:
    """Rebuilds of one or more briefs in turn: warm workers and the caches they keep.

    Use it as a context manager around the rebuilds, and pass it to `alliancedeck.build`.
    """

    def __init__(self) -> None:
        self._workers: dict[tuple[str, ...], Worker] = {}
        self._memos: dict[tuple[str, ...], _Memo] = {}
        self._keeping: contextlib.ExitStack | None = None
        self._settled = False

    def __enter__(self) -> Session:
        self._keeping = contextlib.ExitStack()
        self._keeping.enter_context(keeping())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker; forget every cache."""
        for worker in self._workers.values():
            worker.close()
        self._workers.clear()
        self._memos.clear()
        if self._keeping is not None:
            self._keeping.close()
            self._keeping = None
        if self._settled:
            self._settled = False
            resume()

    def settle(self) -> None:
        """Call between rebuilds, once the products are written: see `settle` (each worker
        settles itself after answering). It unfreezes whatever this process had frozen
        before; `close` unfreezes what it froze and lets the collector run as before it, so
        the caches dropped then are collected.

        A program that embeds a session should know that from the first `settle` until
        `close`, the cyclic collector is paused in its process between settles: reference
        cycles it makes itself in that time are freed at the next `settle`, not before.
        Call `settle` after each rebuild (as `build --watch` does), or do not call it at all
        and the collector runs as usual (warm rebuilds are then slower)."""
        self._settled = True
        settle()

    def render(self, job: Job, split: list[tuple[str, ...]]) -> list[Rendered]:
        """Render each group of `split`: the first here, the others in warm workers (when
        this process may fork), each reusing its last products for an unchanged job."""
        from alliancedeck.parallel import _render_job, can_fork

        fork = len(split) > 1 and can_fork()
        results: list[Rendered] = []
        for group in split[1:] if fork else ():
            if group not in self._workers:
                self._workers[group] = Worker(group)
        try:
            # Send every worker its job first, so that they render while this process does.
            pending = [self._workers[g] for g in split[1:]] if fork else []
            pickled = pickle_job(job)  # once, for every worker and every key
            digested = job_digest(pickled)
            for worker in pending:
                worker.send(pickled, digested)
            del pickled
            for group in split[:1] if fork else split:
                memo = self._memos.setdefault(group, _Memo())
                render = functools.partial(_render_job, group, job)
                results.append(memo.render(job, digested, group, render))
            for worker in pending:
                results.append(worker.answer())
        except BaseException:
            for worker in self._workers.values():
                worker.close()  # a worker left mid-job would answer the wrong job next time
            self._workers.clear()
            raise
        return results
