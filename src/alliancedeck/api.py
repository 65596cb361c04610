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
from alliancedeck.output import CHECKSUMS, write_set
from alliancedeck.parallel import Job, Rendered, Renderer, can_fork, groups, render_groups
from alliancedeck.resolve import resolve
from alliancedeck.source import load_yaml_file
from alliancedeck.theme import Theme, theme_for


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
    layout_name = layout or brief.meta.layout
    where = loaded.source_map.locate(("meta", "layout")) if layout is None else Location("--layout")
    problems: list[Problem] = []
    try:
        doc = resolve(
            brief,
            loaded.source_map,
            training_markings=training_markings,
            content_dir=content_path.parent,
            allow_outside=tuple(allow_outside),
        )
    except ContentError as exc:
        problems += exc.problems
    try:
        theme = theme_for(layout_name, content_path.parent, where)
    except ContentError as exc:
        problems += exc.problems  # reported with the content's own, all at once
    if problems:
        raise ContentError(problems)
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
    backend = _backend(backend_name)
    if context is None:
        context = backends.RenderContext(prepared.content_dir, build_time(prepared.doc))
    data = backend.render(prepared.doc, prepared.theme, context)
    prepared.warnings.extend(p for p in context.warnings if p not in prepared.warnings)  # type: ignore[misc]
    return data


def _backend(name: str) -> backends.Backend:
    try:
        return backends.load(name)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None


def default_output(backend_name: str, out_dir: Path) -> Path:
    """Return where `build` writes the product of `backend_name`."""
    return out_dir / backends.load(backend_name).default_output


def build(
    content: str | Path,
    *,
    out_dir: str | Path = "output",
    layout: str | None = None,
    products: tuple[str, ...] = backends.BUILD_PRODUCTS,
    outputs: dict[str, Path] | None = None,
    training_markings: bool = False,
    allow_outside: tuple[Path, ...] = (),
    checksums: bool = True,
    strict: bool = False,
    renderer: Renderer | None = None,
) -> BuildResult:
    """Render every product of `content` and write each atomically (into `out_dir` by default).

    Every product is rendered before any is written, and the set is replaced as a whole (see
    `output.write_set`), so a failure leaves all earlier files as they were. With `checksums`,
    `SHA256SUMS` in `out_dir` lists each file's SHA-256; with `strict`, any warning is an error
    and nothing is written. `renderer` is a process
    forked for `products` before this call (see `alliancedeck.parallel`).
    """
    prepared = prepare(
        content, layout=layout, training_markings=training_markings, allow_outside=allow_outside
    )
    targets = {
        name: (outputs or {}).get(name) or default_output(name, Path(out_dir)) for name in products
    }
    rendered = render_all(prepared, products, renderer)
    if strict:
        raise_on_warnings(prepared.warnings)
    files = {targets[name]: data for name, data in rendered.items()}
    sums = Path(out_dir) / CHECKSUMS if checksums and files else None
    write_set(files, checksums=sums, protect=(prepared.content_path,))
    written = [
        Product(name, targets[name], hashlib.sha256(data).hexdigest(), len(data))
        for name, data in rendered.items()
    ]
    return BuildResult(written, prepared.warnings)


def render_all(
    prepared: Prepared, products: tuple[str, ...], renderer: Renderer | None = None
) -> dict[str, bytes]:
    """Return the bytes of every product, rendering groups of them side by side where that pays.

    With `renderer` (forked for these `products` before the content was read), it renders them
    all. Otherwise a large brief on several cores forks a process per extra group of products
    now, and a small one renders here, group after group.
    """
    for name in products:
        _backend(name)
    job = Job(prepared.doc, prepared.theme, prepared.content_dir, build_time(prepared.doc))
    if renderer is not None and renderer.products == products:
        return _collect(prepared, renderer.render(job), products)
    split = groups(products)
    fork = len(split) > 1 and can_fork() and _large(prepared.doc)
    return _collect(prepared, render_groups(job, split, fork=fork), products)


def _collect(prepared: Prepared, results: list[Rendered], products: tuple[str, ...]):
    rendered: dict[str, bytes] = {}
    for data, warnings in results:
        rendered.update(data)
        prepared.warnings.extend(w for w in warnings if w not in prepared.warnings)
    return {name: rendered[name] for name in products}


#: Paragraphs (titles, leads, points, block items) from which a build without a renderer forks:
#: below it, copying a process that has every library loaded costs more than it saves.
PARALLEL_FROM = 300


def _large(doc: Document) -> bool:
    """Return whether `doc` is large enough for forking during the render to pay."""

    def count(points: tuple) -> int:
        return sum(1 + count(p.children) for p in points)

    total = 0
    for section in doc.sections:
        total += 2 + count(section.points) + len(section.figures)
        for block in section.blocks:
            total += len(getattr(block, "rows", ())) + len(getattr(block, "entries", ())) + 5
    return total >= PARALLEL_FROM


def raise_on_warnings(warnings: list[Problem]) -> None:
    """Raise the `warnings` as errors (for --strict)."""
    if warnings:
        raise ContentError([Problem(w.location, f"{w.message} (--strict)") for w in warnings])
