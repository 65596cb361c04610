"""Backends: the registry of output formats, found through the `alliancedeck.backends` group."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from alliancedeck.design import Design
    from alliancedeck.document import Document

GROUP = "alliancedeck.backends"

#: Products `alliancedeck build` writes, in this order, by backend name.
BUILD_PRODUCTS = ("pdf", "slides", "deck-pdf")
#: The distribution that registers the built-in backends.
DISTRIBUTION = "alliancedeck"
#: The built-in backends, by name, as `pyproject.toml` registers them (a test keeps the two in
#: step). A name here is always the built-in: a plug-in adds new names and cannot take one of
#: these. A build of built-in products loads them from here, without reading every installed
#: package's metadata (importing `importlib.metadata` and scanning costs 20-30 ms).
BUILT_IN = {
    "pdf": "alliancedeck.backends.brief_pdf:BriefPdfBackend",
    "slides": "alliancedeck.backends.deck_pptx:DeckPptxBackend",
    "deck-pdf": "alliancedeck.backends.deck_pdf:DeckPdfBackend",
    "html": "alliancedeck.backends.html:HtmlBackend",
}


@dataclass
class RenderContext:
    """What a backend needs besides the document and theme."""

    content_dir: Path
    build_time: int  # seconds since the epoch; fixed so that builds are reproducible
    warnings: list[object] = field(default_factory=list)  # Problems, or texts: see `Backend`
    cache: dict[str, object] = field(default_factory=dict)  # work shared by backends in one run
    #: The product that is the last to read `cache` in this run, so that it may take what it
    #: uses from there and let each piece go once drawn: alliancedeck names the last product
    #: of a group it renders in a context of its own, outside a watch session ("" for a
    #: context the caller passes in: everything is kept). A backend consumes only when it is
    #: named, so another backend that renders it with this context keeps what it shares.
    consume: str = ""


@runtime_checkable
class Backend(Protocol):
    """An output format: turns a resolved document into the bytes of one file.

    A backend is registered under the group in its package's metadata, as the built-in ones
    are in alliancedeck's `pyproject.toml`. The document it is given carries the markings it
    must print: `doc.meta.classification` (the banner, top and bottom of every page), each
    section's portion mark (`section.portion(text)`), `doc.meta.distribution` and
    `doc.meta.cui` (the CUI designation indicator). Warnings go in `context.warnings` (a
    `Problem`, or a text placed at the content file); alliancedeck prints them and `--strict`
    fails on them, whichever command rendered the product.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    default_output: ClassVar[str]  # file name under output/

    def render(self, doc: Document, theme: Design, context: RenderContext) -> bytes:
        """Return the finished file's bytes for `doc` styled by `theme`."""
        ...


def available() -> dict[str, EntryPoint]:
    """Return the registered backends by name, without importing any of them (read once).

    The built-ins come first, whatever the installed packages' metadata says of their names.
    """
    return _registered()[0]


def shadowed() -> list[EntryPoint]:
    """Return the entry points other packages register under a built-in's name: never used
    (see `BUILT_IN`), but listed, so that their authors learn why."""
    return _registered()[1]


@cache
def _registered() -> tuple[dict[str, EntryPoint], list[EntryPoint]]:
    """Read the installed packages' entry points once: the backends by name (the built-ins
    first), and those registered under a built-in's name by another package."""
    from importlib.metadata import EntryPoint, entry_points

    found = {name: EntryPoint(name, value, GROUP) for name, value in BUILT_IN.items()}
    taken = []
    for entry in entry_points(group=GROUP):
        if entry.name not in BUILT_IN:
            found[entry.name] = entry
        elif entry.value != BUILT_IN[entry.name]:
            taken.append(entry)
    return found, taken


def backend_class(name: str) -> type[Backend]:
    """Return the class of the backend registered as `name`, imported (KeyError if none)."""
    if name in BUILT_IN:
        module, _, attribute = BUILT_IN[name].partition(":")
        return getattr(importlib.import_module(module), attribute)
    registered = available()
    if name not in registered:
        known = ", ".join(sorted(registered))
        raise KeyError(f'no backend named "{name}"; registered: {known}')
    return registered[name].load()


def load(name: str) -> Backend:
    """Return a new instance of the backend registered as `name` (none is kept between builds)."""
    return backend_class(name)()


@dataclass(frozen=True)
class BackendInfo:
    """What `alliancedeck backends` says about one backend."""

    name: str
    description: str
    default_output: str
    origin: str  # the distribution that registers it ("alliancedeck" for the built-ins)
    used: bool = True  # False: registered under a built-in's name by another package

    @property
    def built_in(self) -> bool:
        return self.origin == DISTRIBUTION


def describe() -> list[BackendInfo]:
    """Return every registered backend's name, description and default file, by name.

    Each backend's class is loaded, not instantiated and not rendered: the built-ins import
    their drawing libraries only when they render. An entry another package registers under a
    built-in's name follows the built-in, not loaded, as not used.
    """
    result = []
    for name, entry in sorted(available().items()):
        try:
            backend = entry.load()
            description = str(backend.description)
            default_output = str(backend.default_output)
        except Exception as exc:  # a broken plugin must not hide the others
            description, default_output = f"(cannot be loaded: {type(exc).__name__}: {exc})", "-"
        result.append(BackendInfo(name, description, default_output, _origin(entry)))
        for other in shadowed():
            if other.name == name:
                note = f'(not used: "{name}" is a built-in name; register it under another)'
                result.append(BackendInfo(name, note, "-", _origin(other), used=False))
    return result


def _origin(entry: EntryPoint) -> str:
    """Return the distribution that registers `entry` (else its top-level package)."""
    return entry.dist.name if entry.dist is not None else entry.value.split(":")[0].split(".")[0]
