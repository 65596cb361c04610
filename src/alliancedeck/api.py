"""The library entry points: check a content file, render a product, build them all."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliancedeck import backends
from alliancedeck.document import Document
from alliancedeck.errors import ContentError, Location, Problem, UsageError
from alliancedeck.model import validate
from alliancedeck.output import write_atomic
from alliancedeck.resolve import resolve
from alliancedeck.source import load_yaml_file
from alliancedeck.theme import Theme, theme_for

#: Products `build` writes, in this order, by backend name.
BUILD_BACKENDS = ("pdf", "slides", "deck-pdf")


@dataclass
class Prepared:
    """A content file checked and resolved, with its theme: ready for any backend."""

    doc: Document
    theme: Theme
    content_path: Path
    warnings: list[Problem] = field(default_factory=list)

    @property
    def content_dir(self) -> Path:
        return self.content_path.parent


@dataclass
class Product:
    """One written file."""

    backend: str
    path: Path
    sha256: str
    size: int


@dataclass
class BuildResult:
    """What `build` wrote and what it warned about."""

    products: list[Product]
    warnings: list[Problem]


def prepare(
    content: str | Path,
    *,
    layout: str | None = None,
    training_markings: bool = False,
    allow_outside: tuple[Path, ...] = (),
) -> Prepared:
    """Load, validate and resolve `content` and load its layout (`layout` overrides meta.layout)."""
    content_path = Path(content)
    loaded = load_yaml_file(content_path)
    brief = validate(loaded)
    doc = resolve(
        brief,
        loaded.source_map,
        training_markings=training_markings,
        content_dir=content_path.parent,
        allow_outside=tuple(allow_outside),
    )
    layout_name = layout or doc.meta.layout
    where = loaded.source_map.locate(("meta", "layout")) if layout is None else Location("--layout")
    theme = theme_for(layout_name, content_path.parent, where)
    return Prepared(doc=doc, theme=theme, content_path=content_path, warnings=list(doc.warnings))


def check(content: str | Path, **options: Any) -> Prepared:
    """Return the prepared content, or raise `ContentError` with every problem located.

    `options` are those of `prepare`.
    """
    return prepare(content, **options)


def build_time(doc: Document) -> int:
    """Return the time stamped into products: SOURCE_DATE_EPOCH, else meta.date, else now."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        if not raw.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {raw!r}")
        return int(raw)
    if doc.meta.date:
        moment = dt.datetime.combine(doc.meta.date, dt.time(12, 0), tzinfo=dt.UTC)
        return int(moment.timestamp())
    return int(time.time())


def render(
    prepared: Prepared, backend_name: str, context: backends.RenderContext | None = None
) -> bytes:
    """Return the bytes of the product of `backend_name` for `prepared`."""
    try:
        backend = backends.load(backend_name)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    if context is None:
        context = backends.RenderContext(prepared.content_dir, build_time(prepared.doc))
    data = backend.render(prepared.doc, prepared.theme, context)
    prepared.warnings.extend(p for p in context.warnings if p not in prepared.warnings)  # type: ignore[misc]
    return data


def default_output(backend_name: str, out_dir: Path) -> Path:
    """Return where `build` writes the product of `backend_name`."""
    return out_dir / backends.load(backend_name).default_output


def build(
    content: str | Path,
    *,
    out_dir: str | Path = "output",
    layout: str | None = None,
    products: tuple[str, ...] = BUILD_BACKENDS,
    outputs: dict[str, Path] | None = None,
    training_markings: bool = False,
    allow_outside: tuple[Path, ...] = (),
    checksums: bool = True,
    strict: bool = False,
) -> BuildResult:
    """Render every product of `content` and write each atomically (into `out_dir` by default).

    Every product is rendered before any is written, so a failure leaves all earlier files as
    they were. With `checksums`, `SHA256SUMS` beside the products lists each file's SHA-256;
    with `strict`, any warning is an error and nothing is written.
    """
    prepared = prepare(
        content, layout=layout, training_markings=training_markings, allow_outside=allow_outside
    )
    targets = {
        name: (outputs or {}).get(name) or default_output(name, Path(out_dir)) for name in products
    }
    rendered = render_all(prepared, products)
    if strict:
        raise_on_warnings(prepared.warnings)
    written = []
    for name, data in rendered.items():
        write_atomic(targets[name], data)
        written.append(Product(name, targets[name], hashlib.sha256(data).hexdigest(), len(data)))
    if checksums and written:
        folder = Path(out_dir)
        lines = "".join(f"{p.sha256}  {_relative(p.path, folder)}\n" for p in written)
        write_atomic(folder / "SHA256SUMS", lines.encode("ascii"))
    return BuildResult(written, prepared.warnings)


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def render_all(prepared: Prepared, products: tuple[str, ...]) -> dict[str, bytes]:
    """Return the bytes of every product; for a large brief on 2+ cores, two at a time.

    Work the products share (the slide layout of the deck and of its PDF) is done once, first;
    then the heaviest product renders in a forked worker while this process renders the rest.
    """
    context = backends.RenderContext(prepared.content_dir, build_time(prepared.doc))
    chosen = [backends.load(name) for name in products]
    parallel = (
        len(products) > 1 and (os.cpu_count() or 1) > 1 and _can_fork() and _large(prepared.doc)
    )
    if not parallel:
        return _collect(prepared, [_render_group(prepared, products, context)], products)
    import multiprocessing

    for backend in chosen:  # import the libraries and lay out shared geometry before forking
        if hasattr(backend, "warm"):
            backend.warm()
        if hasattr(backend, "lay_out"):
            backend.lay_out(prepared.doc, prepared.theme, context)
    heaviest = max(products, key=lambda name: getattr(backends.load(name), "weight", 1))
    rest = tuple(name for name in products if name != heaviest)
    global _FORKED  # the worker inherits it through fork; nothing large is pickled
    _FORKED = (prepared, context)
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            pending = pool.map_async(_render_forked, [(heaviest,)])
            here = _render_group(prepared, rest, context)
            results = [*pending.get(), here]
    finally:
        _FORKED = None
    return _collect(prepared, results, products)


def _collect(
    prepared: Prepared,
    results: list[tuple[dict[str, bytes], list[Problem]]],
    products: tuple[str, ...],
) -> dict[str, bytes]:
    rendered: dict[str, bytes] = {}
    for data, warnings in results:
        rendered.update(data)
        prepared.warnings.extend(w for w in warnings if w not in prepared.warnings)
    return {name: rendered[name] for name in products}


#: Paragraphs (titles, leads, points, block items) above which rendering forks: below it the
#: cost of a second process (measured: about 0.1 s and 30 MB) exceeds what it saves.
PARALLEL_FROM = 300


def _large(doc: Document) -> bool:
    """Return whether `doc` is large enough for parallel rendering to pay."""

    def count(points: tuple) -> int:
        return sum(1 + count(p.children) for p in points)

    total = 0
    for section in doc.sections:
        total += 2 + count(section.points) + len(section.figures)
        for block in section.blocks:
            total += len(getattr(block, "rows", ())) + len(getattr(block, "entries", ())) + 5
    return total >= PARALLEL_FROM


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and not os.environ.get(
        "ALLIANCEDECK_NO_PARALLEL"
    )


_FORKED: tuple[Prepared, backends.RenderContext] | None = None


def _render_forked(group: tuple[str, ...]) -> tuple[dict[str, bytes], list[Problem]]:
    assert _FORKED is not None
    prepared, context = _FORKED
    return _render_group(prepared, group, context)


def _render_group(
    prepared: Prepared, group: tuple[str, ...], context: backends.RenderContext
) -> tuple[dict[str, bytes], list[Problem]]:
    data = {name: render(prepared, name, context) for name in group}
    return data, [w for w in context.warnings if isinstance(w, Problem)]


def raise_on_warnings(warnings: list[Problem]) -> None:
    """Raise the `warnings` as errors (for --strict)."""
    if warnings:
        raise ContentError([Problem(w.location, f"{w.message} (--strict)") for w in warnings])
