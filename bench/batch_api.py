"""Build several content files in turn in one process with the library: batch_api.py OUT A B ..."""

from __future__ import annotations

import sys
from pathlib import Path

import alliancedeck


def main(argv: list[str]) -> None:
    """Build each content file in `argv[1:]` into its own folder under `argv[0]`."""
    out = Path(argv[0])
    for content in argv[1:]:
        alliancedeck.build(content, out_dir=out / Path(content).stem)


if __name__ == "__main__":
    main(sys.argv[1:])
