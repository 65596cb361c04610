"""Every input is a bounded regular file: devices, FIFOs and endless streams are refused at once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_bad_inputs import VALID_CONTENT, assert_clean_failure, cli_environment, run_cli

from alliancedeck.paths import PathRefused, read_bounded

CLI = [sys.executable, "-m", "alliancedeck.cli"]


def test_check_of_dev_zero_is_refused_at_once(tmp_path):
    run = run_cli(["check", "/dev/zero"], tmp_path)
    assert_clean_failure(run, "/dev/zero")
    assert "/dev/zero:1:1: error: the content file is a device, not a regular file" in run.stderr


def test_content_file_linked_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "content.yaml"
    link.symlink_to("/dev/zero")
    run = run_cli(["check", str(link)], tmp_path)
    assert_clean_failure(run, str(link))
    assert "is a device, not a regular file" in run.stderr


def test_layout_file_linked_to_dev_zero_is_refused(tmp_path):
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "endless.yaml").symlink_to("/dev/zero")
    path = tmp_path / "content.yaml"
    layout = "title: A\n  layout: layouts/endless.yaml"
    path.write_text(VALID_CONTENT.replace("title: A valid brief", layout))
    run = run_cli(["check", str(path)], tmp_path)
    # A layout the content names is a file inside its folder, like a picture: a link that
    # leads out of it (to a device) is refused by where it leads, and never read.
    assert_clean_failure(run, str(path))
    assert ':3:11: error: layout: "layouts/endless.yaml" is a symbolic link outside' in run.stderr


def test_fifo_without_writer_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "content.yaml"
    os.mkfifo(fifo)
    run = run_cli(["check", str(fifo)], tmp_path)
    assert_clean_failure(run, str(fifo))
    assert "is a pipe (FIFO), not a regular file; save it as a file; give - as the path" in (
        run.stderr
    )


def _feed(args: list[str], cwd, data: bytes) -> subprocess.CompletedProcess[bytes]:
    """Run the command line with `data` on its standard input (a broken pipe is expected)."""
    return subprocess.run(
        [*CLI, *args], cwd=cwd, env=cli_environment(), input=data, capture_output=True, timeout=30
    )


def test_dev_stdin_fed_25_mb_is_refused(tmp_path):
    result = _feed(["check", "/dev/stdin"], tmp_path, b"a" * 25_000_000)
    assert result.returncode == 2, result.stderr
    assert b"/dev/stdin:1:1: error: the content file is a pipe (FIFO)" in result.stderr


def test_dash_reads_content_from_standard_input(tmp_path):
    result = _feed(["check", "-"], tmp_path, VALID_CONTENT.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"-: ok: 1 sections, 1 figures")


def test_dash_over_the_cap_is_refused_after_reading_the_cap(tmp_path):
    result = _feed(["check", "-"], tmp_path, b"# padding\n" * 2_500_000)
    assert result.returncode == 2, result.stderr
    assert b"-:1:1: error: the content file holds more than the limit of 2,097,152 bytes" in (
        result.stderr
    )


def test_dash_with_standard_input_closed_is_refused(tmp_path):
    result = subprocess.run(
        [*CLI, "check", "-"],
        cwd=tmp_path,
        env=cli_environment(),
        stdin=None,
        capture_output=True,
        timeout=30,
        pass_fds=(),
        close_fds=True,
        preexec_fn=lambda: os.close(0),
    )
    assert result.returncode == 2, result.stderr
    assert (
        b"-:1:1: error: the content file is - (standard input), but standard input is closed"
        in (result.stderr)
    )


def test_a_file_growing_past_the_cap_while_read_is_refused(tmp_path):
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"x" * 10)
    with path.open("ab") as grow:
        grow.write(b"y" * 100)  # larger than the cap given below, whatever stat said before
    with pytest.raises(PathRefused, match="is 110 bytes, more than the limit of 50"):
        read_bounded(path, 50, what="content file")
    assert read_bounded(path, 110) == b"x" * 10 + b"y" * 100


def test_reading_a_folder_or_a_nul_name_is_refused(tmp_path):
    with pytest.raises(PathRefused, match="expected a content file, found a folder"):
        read_bounded(tmp_path, 100, what="content file")
    with pytest.raises(PathRefused, match="NUL character"):
        read_bounded(str(tmp_path / "a\0b"), 100)


def test_layout_named_by_name_linked_outside_the_folder_is_refused(tmp_path):
    # `layout: evil` finds layouts/evil.yaml beside the content: the same rule as a path, so a
    # link from there to a layout elsewhere (whose product_label would print) is never read.
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text("name: secret\n")
    folder = tmp_path / "brief"
    (folder / "layouts").mkdir(parents=True)
    (folder / "layouts" / "evil.yaml").symlink_to(outside / "secret.yaml")
    path = folder / "content.yaml"
    path.write_text(VALID_CONTENT.replace("title: A valid brief", "title: A\n  layout: evil"))
    run = run_cli(["check", str(path)], tmp_path)
    assert_clean_failure(run, str(path))
    assert ':3:11: error: layout: "layouts/evil.yaml" is a symbolic link outside' in run.stderr
