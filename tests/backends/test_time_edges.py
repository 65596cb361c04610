"""Build times past what a zip entry can hold: the products are written and dated as closely."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


@pytest.mark.parametrize(
    ("epoch", "year"),
    [(4354819200, 2108), (99999999999, 5138)],  # 2108-01-01, and a date in the year 5138
)
def test_source_date_epoch_past_2107_builds_with_entries_dated_2107(tmp_path, epoch, year):
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "alliancedeck.cli", "build", str(REPO / "content.yaml")]
    result = subprocess.run(
        [*command, "--out-dir", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out / "deck.pptx") as deck:
        assert {info.date_time[:3] for info in deck.infolist()} == {(2107, 12, 31)}
    from pptx import Presentation

    assert Presentation(str(out / "deck.pptx")).core_properties.created.year == year


@pytest.mark.parametrize("epoch", ["253402300800", "99999999999999999999", "-5", "1e9"])
def test_a_source_date_epoch_no_date_can_hold_is_a_usage_error(tmp_path, epoch):
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "alliancedeck", "build", str(REPO / "content.yaml")]
    result = subprocess.run(
        [*command, "--out-dir", str(out)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
