"""Backends: the registry of output formats, found through the `alliancedeck.backends` group."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from alliancedeck.design import Theme
    from alliancedeck.document import Document

GROUP = "alliancedeck.backends"

#: Products `alliancedeck build` writes, in this order, by backend name.
BUILD_PRODUCTS = ("pdf", "slides", "deck-pdf")


@dataclass
class RenderContext:
    """What a backend needs besides the document and theme."""

    content_dir: Path
    build_time: int  # seconds since the epoch; fixed so that builds are reproducible
    warnings: list[object] = field(default_factory=list)
    cache: dict[str, object] = field(default_factory=dict)  # work shared by backends in one run


@runtime_checkable
class Backend(Protocol):
    """An output format: turns a resolved document into the bytes of one file."""

    name: ClassVar[str]
    description: ClassVar[str]
    default_output: ClassVar[str]  # file name under output/

    def render(self, doc: Document, theme: Theme, context: RenderContext) -> bytes:
        """Return the finished file's bytes for `doc` styled by `theme`."""
        ...


@cache
def available() -> dict[str, EntryPoint]:
    """Return the registered backends by name, without importing any of them (read once)."""
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load(name: str) -> Backend:
    """Return an instance of the backend registered as `name`."""
    registered = available()
    if name not in registered:
        known = ", ".join(sorted(registered)) or "none (is alliancedeck installed?)"
        raise KeyError(f'no backend named "{name}"; registered: {known}')
    return _instance(name)


@cache
def _instance(name: str) -> Backend:
    return available()[name].load()()
