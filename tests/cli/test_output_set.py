"""The output set is replaced as a whole: old set or new set after any failure, never a mix."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from alliancedeck import output
from alliancedeck.api import build
from alliancedeck.errors import UsageError
from alliancedeck.output import write_set
from conftest import write_brief

PRODUCTS = ("brief.pdf", "deck.pptx", "deck.pdf")

CONTENT = """
meta:
  title: Notional {version}
figures:
  troops: {{value: 54000, label: notional troops}}
sections:
  - title: First
    points:
      - About {{{{ figures.troops }}}} notional troops.
"""


def sums_pass(folder: Path) -> bool:
    """Whether `sha256sum -c SHA256SUMS` passes in `folder`."""
    run = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=folder, check=False)
    return run.returncode == 0


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return the regular files of `folder` by name (a FIFO would block a read)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def old_set(folder: Path) -> dict[str, bytes]:
    """Write a set of three products and its SHA256SUMS (as a build would) into `folder`."""
    files = {folder / name: f"old {name}\n".encode() * 100 for name in PRODUCTS}
    write_set(files, checksums=folder / "SHA256SUMS")
    assert sums_pass(folder)
    return snapshot(folder)


def new_files(folder: Path) -> dict[Path, bytes]:
    return {folder / name: f"new {name}\n".encode() * 300 for name in PRODUCTS}


def fail_on_call(monkeypatch, name: str, number: int, error: BaseException) -> None:
    """Make the `number`-th call of `os.NAME` inside the writer raise `error`."""
    real = getattr(os, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == number:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(output.os, name, failing)


def test_a_full_disk_on_the_second_product_keeps_the_old_set(tmp_path, monkeypatch):
    before = old_set(tmp_path)
    fail_on_call(monkeypatch, "fsync", 2, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(UsageError, match="No space left on device"):
        write_set(new_files(tmp_path), checksums=tmp_path / "SHA256SUMS")
    assert snapshot(tmp_path) == before
    assert sums_pass(tmp_path)


@pytest.mark.parametrize("failing_rename", [1, 2, 3, 4])
def test_a_rename_that_fails_puts_back_the_renamed_files(tmp_path, monkeypatch, failing_rename):
    before = old_set(tmp_path)
    fail_on_call(monkeypatch, "replace", failing_rename, OSError(errno.EACCES, "blocked"))
    failing = [*PRODUCTS, "SHA256SUMS"][failing_rename - 1]
    with pytest.raises(UsageError, match=f"cannot write {tmp_path / failing}: blocked"):
        write_set(new_files(tmp_path), checksums=tmp_path / "SHA256SUMS")
    assert snapshot(tmp_path) == before
    assert sums_pass(tmp_path)


def test_ctrl_c_between_renames_keeps_the_old_set(tmp_path, monkeypatch):
    before = old_set(tmp_path)
    fail_on_call(monkeypatch, "replace", 2, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_set(new_files(tmp_path), checksums=tmp_path / "SHA256SUMS")
    assert snapshot(tmp_path) == before


def test_a_failure_in_a_new_folder_leaves_no_products(tmp_path, monkeypatch):
    folder = tmp_path / "fresh"
    fail_on_call(monkeypatch, "replace", 3, OSError(errno.EIO, "I/O error"))
    with pytest.raises(UsageError):
        write_set(new_files(folder), checksums=folder / "SHA256SUMS")
    assert list(folder.iterdir()) == []


def test_the_new_set_replaces_the_old_and_sha256sum_passes(tmp_path):
    old_set(tmp_path)
    files = new_files(tmp_path)
    write_set(files, checksums=tmp_path / "SHA256SUMS")
    assert {name: data for name, data in snapshot(tmp_path).items() if name in PRODUCTS} == {
        path.name: data for path, data in files.items()
    }
    assert sums_pass(tmp_path)


def test_temporaries_left_by_a_killed_build_are_removed_by_the_next(tmp_path):
    old_set(tmp_path)
    stale = [tmp_path / ".brief.pdf.k1ll3d_x.tmp", tmp_path / ".deck.pptx.abcdefgh.old"]
    for path in stale:
        path.write_bytes(b"half a product")
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_bytes(b"the user's own")
    write_set(new_files(tmp_path), checksums=tmp_path / "SHA256SUMS")
    assert not any(path.exists() for path in stale)
    assert unrelated.read_bytes() == b"the user's own"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*PRODUCTS, "SHA256SUMS", ".notes.tmp"]
    )


def test_writers_into_one_folder_wait_for_each_other(tmp_path):
    old_set(tmp_path)
    holder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another build is writing into this folder
    writer = threading.Thread(
        target=write_set, args=(new_files(tmp_path),), kwargs={"checksums": tmp_path / "SHA256SUMS"}
    )
    writer.start()
    writer.join(timeout=0.5)
    assert writer.is_alive(), "the second writer did not wait for the lock"
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"old ")
    fcntl.flock(holder, fcntl.LOCK_UN)
    os.close(holder)
    writer.join(timeout=10)
    assert not writer.is_alive()
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"new ")
    assert sums_pass(tmp_path)


def test_writing_one_product_updates_its_line_in_sha256sums(tmp_path):
    old_set(tmp_path)
    write_set({tmp_path / "deck.pdf": b"a new deck as PDF"}, update_checksums=True)
    assert sums_pass(tmp_path)
    lines = (tmp_path / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert [line.split("  ")[1] for line in lines] == list(PRODUCTS)


def test_writing_one_product_without_sha256sums_creates_none(tmp_path):
    write_set({tmp_path / "brief.pdf": b"a brief"}, update_checksums=True)
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]


# --- -o refusals ------------------------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alliancedeck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture
def content(tmp_path) -> Path:
    return write_brief(tmp_path, CONTENT.format(version="one"))


# Every target is named as the command's product (`.pdf`), so the refusal under test is reached
# and not the earlier one of an -o name whose extension contradicts the command.


def make_fifo(tmp_path: Path) -> Path:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    return fifo


def make_link_to_fifo(tmp_path: Path) -> Path:
    link = tmp_path / "link.pdf"
    link.symlink_to(make_fifo(tmp_path))
    return link


def make_link_to_device(tmp_path: Path) -> Path:
    link = tmp_path / "null.pdf"
    link.symlink_to("/dev/null")
    return link


def make_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    return folder


def make_content_named_pdf(tmp_path: Path) -> Path:
    return write_brief(tmp_path, CONTENT.format(version="one"), name="brief.pdf")


@pytest.mark.parametrize(
    ("make_target", "words"),
    [
        (make_link_to_device, "a character device"),
        (make_fifo, "refusing to replace a FIFO"),
        (make_link_to_fifo, "a FIFO (named pipe) (through a symbolic link)"),
        (make_content_named_pdf, "refusing to replace the content file itself"),
        (make_folder, "refusing to replace a folder"),
    ],
    ids=["device", "fifo", "link-to-fifo", "content-file", "folder"],
)
def test_output_refuses_what_is_not_a_product_file(tmp_path, content, make_target, words):
    target = make_target(tmp_path)
    if target.name == "brief.pdf":  # the content file itself is the target
        content = target
    kept = content.read_bytes()
    result = cli("pdf", str(content), "-o", str(target), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"error: {target}: "), result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert content.read_bytes() == kept


def test_a_fifo_in_the_output_folder_stops_the_build_before_any_rename(tmp_path):
    out = tmp_path / "out"
    before = old_set(out)
    (out / "deck.pdf").unlink()
    os.mkfifo(out / "deck.pdf")
    with pytest.raises(UsageError, match="refusing to replace a FIFO"):
        write_set(new_files(out), checksums=out / "SHA256SUMS")
    assert snapshot(out) == {k: v for k, v in before.items() if k != "deck.pdf"}
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # no temporaries left


# --- a real build on a small disk -------------------------------------------------------------


def mount_small_tmpfs(folder: Path, size: int) -> bool:
    """Mount a tmpfs of `size` bytes on `folder`; False where this user may not mount."""
    if shutil.which("mount") is None or os.geteuid() != 0:
        return False
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return run.returncode == 0


def test_a_build_that_fills_the_disk_leaves_the_old_set_whole(tmp_path):
    """A real build runs out of space part-way through writing; the old set stays and checks."""
    old_content = write_brief(tmp_path, CONTENT.format(version="one"), "old.yaml")
    new_content = write_brief(tmp_path, CONTENT.format(version="two " * 40), "new.yaml")
    staging = tmp_path / "staging"
    new = build(new_content, out_dir=staging)
    disk = tmp_path / "disk"
    disk.mkdir()
    old_bytes = sum(p.size for p in build(old_content, out_dir=staging).products)
    first_new = new.products[0].size
    # Room for the old set and the first new product, not the second: the build fails there.
    room = old_bytes + first_new + 3 * 4096 + 4096
    if not mount_small_tmpfs(disk, room):
        pytest.skip("mounting a tmpfs needs root (mount(8)); the fake-ENOSPC test covers this")
    try:
        out = disk / "out"
        build(old_content, out_dir=out)
        before = snapshot(out)
        with pytest.raises(UsageError, match="No space left on device"):
            build(new_content, out_dir=out)
        assert snapshot(out) == before
        assert sums_pass(out)
        assert sorted(before) == sorted([*PRODUCTS, "SHA256SUMS"])
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_the_pdf_command_keeps_the_builds_sha256sums_true(tmp_path, content):
    out = tmp_path / "out"
    build(content, out_dir=out)
    write_brief(tmp_path, CONTENT.format(version="two"))
    result = cli("pdf", str(content), "-o", str(out / "brief.pdf"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sums_pass(out)


_KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from alliancedeck import output
folder = Path(sys.argv[1])
real_replace, calls = os.replace, []
def replace_then_die(*args):
    calls.append(args)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # killed between two renames
    return real_replace(*args)
output.os.replace = replace_then_die
files = {folder / name: b"killed build " + name.encode() for name in sys.argv[2:]}
output.write_set(files, checksums=folder / "SHA256SUMS")
"""


def test_a_killed_build_is_repaired_by_the_next(tmp_path):
    old_set(tmp_path)
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(tmp_path), *PRODUCTS], check=False
    )
    assert killed.returncode == -9
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert left, "the killed writer left no temporaries: the test did not kill it mid-write"
    write_set(new_files(tmp_path), checksums=tmp_path / "SHA256SUMS")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*PRODUCTS, "SHA256SUMS"])
    assert sums_pass(tmp_path)
