"""The library entry points: check a content file, render a product, build them all."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

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


def prepare(content: str | Path, *, layout: str | None = None) -> Prepared:
    """Load, validate and resolve `content`, and load its layout (`layout` overrides meta.layout)."""
    content_path = Path(content)
    loaded = load_yaml_file(content_path)
    brief = validate(loaded)
    doc = resolve(brief, loaded.source_map)
    layout_name = layout or doc.meta.layout
    where = loaded.source_map.locate(("meta", "layout")) if layout is None else Location("--layout")
    theme = theme_for(layout_name, content_path.parent, where)
    return Prepared(doc=doc, theme=theme, content_path=content_path)


def check(content: str | Path, *, layout: str | None = None) -> Prepared:
    """Return the prepared content, or raise `ContentError` with every problem located."""
    return prepare(content, layout=layout)


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
) -> BuildResult:
    """Render every product of `content` and write each atomically (into `out_dir` by default).

    Every product is rendered before any is written, so a failure leaves all earlier files as
    they were.
    """
    prepared = prepare(content, layout=layout)
    context = backends.RenderContext(prepared.content_dir, build_time(prepared.doc))
    targets = {
        name: (outputs or {}).get(name) or default_output(name, Path(out_dir)) for name in products
    }
    rendered = {name: render(prepared, name, context) for name in products}
    written = []
    for name, data in rendered.items():
        write_atomic(targets[name], data)
        written.append(Product(name, targets[name], hashlib.sha256(data).hexdigest(), len(data)))
    return BuildResult(written, prepared.warnings)


def raise_on_warnings(warnings: list[Problem]) -> None:
    """Raise the `warnings` as errors (for --strict)."""
    if warnings:
        raise ContentError([Problem(w.location, w.message) for w in warnings])
