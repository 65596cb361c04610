"""The code stays as the style guide asks: ruff's lint rules and formatting, line length 100."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import REPO


def _ruff() -> list[str]:
    found = shutil.which("ruff")
    return [found] if found else [sys.executable, "-m", "ruff"]


def test_ruff_finds_nothing():
    result = subprocess.run(
        [*_ruff(), "check", "src", "tests", "bench"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted():
    result = subprocess.run(
        [*_ruff(), "format", "--check", "src", "tests", "bench"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
