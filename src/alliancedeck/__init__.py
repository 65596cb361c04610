"""alliancedeck: one content.yaml -> a PDF brief and a PowerPoint deck that read as one product."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from alliancedeck.api import BuildResult

__all__ = ["__version__", "build", "check"]


def build(content: Any, **options: Any) -> BuildResult:
    """Render every product of `content` (a path); see `alliancedeck.api.build`."""
    from alliancedeck.api import build as _build

    return _build(content, **options)


def check(content: Any, **options: Any) -> Any:
    """Validate `content` (a path) and return the resolved brief; see `alliancedeck.api.check`."""
    from alliancedeck.api import check as _check

    return _check(content, **options)
