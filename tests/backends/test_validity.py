"""Every file we write is valid by its format's own checkers: Open XML SDK, ECMA-376, qpdf.

Decks and PDFs of every brief in the repository are checked: content.yaml, examples/ and the
briefs the tests keep (training markings where a brief needs them).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from external import require

BRIEFS = sorted(
    [
        REPO / "content.yaml",
        *REPO.glob("examples/*/content.yaml"),
        *(p for p in REPO.glob("tests/**/*.yaml") if "bad" not in p.parts),
    ],
    key=str,
)


def _brief_id(path: Path) -> str:
    return str(path.relative_to(REPO))


@pytest.fixture(scope="module", params=BRIEFS, ids=_brief_id)
def built(request, tmp_path_factory):
    from alliancedeck.api import build

    out = tmp_path_factory.mktemp("valid")
    result = build(request.param, out_dir=out)
    return {p.backend: p.path for p in result.products}


def test_deck_passes_the_open_xml_sdk_validator(built):
    validator = require("ooxml-validator")
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
    result = subprocess.run(
        [validator, str(built["slides"])], capture_output=True, text=True, env=env, timeout=300
    )
    verdict = json.loads(result.stdout)
    assert verdict["errors"] == [] and verdict["ok"] is True


def test_deck_passes_package_lint_and_schemas(built):
    checker = require("ooxml-check")
    result = subprocess.run(
        [sys.executable, checker, str(built["slides"])], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": OK" in result.stdout


@pytest.mark.parametrize("backend", ["pdf", "deck-pdf"])
def test_pdf_passes_qpdf_and_embeds_every_font(built, backend):
    pdf = built[backend]
    qpdf = require("qpdf")
    check = subprocess.run([qpdf, "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    pdffonts = require("pdffonts")
    listing = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        # name type encoding emb sub uni object-id: "emb" is the fifth column from the right.
        assert row.split()[-5] == "yes", row


def test_charts_and_workbooks_build_reproducibly(tmp_path, monkeypatch):
    from alliancedeck.api import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    brief = REPO / "examples" / "blocks" / "content.yaml"
    digests = []
    for name in ("a", "b"):
        result = build(brief, out_dir=tmp_path / name)
        digests.append(
            {p.path.name: hashlib.sha256(p.path.read_bytes()).hexdigest() for p in result.products}
        )
    assert digests[0] == digests[1]
