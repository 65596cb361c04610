"""Every file we write is valid by its format's own checkers: Open XML SDK, ECMA-376, qpdf."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from external import require


def _product(result, backend: str) -> Path:
    return next(p.path for p in result.products if p.backend == backend)


def test_deck_passes_the_open_xml_sdk_validator(default_build):
    validator = require("ooxml-validator")
    deck = _product(default_build, "slides")
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
    result = subprocess.run(
        [validator, str(deck)], capture_output=True, text=True, env=env, timeout=300
    )
    verdict = json.loads(result.stdout)
    assert verdict["errors"] == [] and verdict["ok"] is True


def test_deck_passes_package_lint_and_schemas(default_build):
    checker = require("ooxml-check")
    deck = _product(default_build, "slides")
    result = subprocess.run(
        [sys.executable, checker, str(deck)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": OK" in result.stdout


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_pdf_passes_qpdf_and_embeds_every_font(default_build, backend):
    pdf = _product(default_build, backend)
    qpdf = require("qpdf")
    check = subprocess.run([qpdf, "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    pdffonts = require("pdffonts")
    listing = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        # name type encoding emb sub uni object-id: "emb" is the fourth column from the right.
        assert row.split()[-5] == "yes", row
