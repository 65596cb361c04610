"""alliancedeck: one content.yaml -> a PDF brief and a PowerPoint deck that read as one product."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alliancedeck.errors import ContentError, UsageError  # light: what `build` may raise

__version__ = "0.1.0"

if TYPE_CHECKING:
    from alliancedeck.api import BuildResult, Prepared, build, check

__all__ = ["BuildResult", "ContentError", "Prepared", "UsageError", "__version__", "build", "check"]


def __getattr__(name: str) -> Any:
    """Return `build`, `check` and their result types from `alliancedeck.api`, loaded on first use.

    `import alliancedeck` stays light (the command line's `--help` imports it); the library is
    loaded when a script first asks for it.
    """
    if name in ("build", "check", "BuildResult", "Prepared"):
        from alliancedeck import api

        return getattr(api, name)
    raise AttributeError(f"module 'alliancedeck' has no attribute {name!r}")
