"""The starter brief `alliancedeck init` writes: a commented content file and its schema."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from alliancedeck.errors import UsageError
from alliancedeck.output import write_atomic
from alliancedeck.schema import SCHEMA_FILE, schema_text

CONTENT_FILE = "content.yaml"


@dataclass(frozen=True)
class Started:
    """What `init` wrote: the content file and the schema beside it."""

    content: Path
    schema: Path


def starter_text() -> str:
    """Return the text of the starter brief shipped with alliancedeck."""
    return files("alliancedeck").joinpath("data/starter.yaml").read_text(encoding="utf-8")


def write_starter(folder: str | Path) -> Started:
    """Write the starter brief and its schema into `folder` (made if missing); return the paths.

    An existing content file is never overwritten: that is a `UsageError`.
    """
    folder = Path(folder)
    content = folder / CONTENT_FILE
    if content.exists():
        raise UsageError(
            f"{content} already exists; init writes a new brief only into a folder without one "
            "(give another folder: alliancedeck init FOLDER)"
        )
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    schema = folder / SCHEMA_FILE
    write_atomic(schema, schema_text().encode("utf-8"))
    write_atomic(content, starter_text().encode("utf-8"))
    return Started(content, schema)
