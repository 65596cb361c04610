"""Paths named by the content: kept inside the content's folder, and read only as bounded files.
Also the one reader of the YAML files alliancedeck ships (`read_our_yaml`), kept here because
this module is light enough for the renderer, which must not load the content's loader."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

#: Largest image file we read, in bytes.
MAX_IMAGE_BYTES = 50 * 1024 * 1024
#: The path that means standard input.
STDIN = "-"


def read_our_yaml(path: Path) -> Any:
    """Return the data of a YAML file that ships with alliancedeck (a layout, the printed
    labels, the distribution statements), as plain safe data without source positions.

    Read with libyaml's parser where PyYAML was built with it (PyPI's wheels are): a tenth of
    the pure-Python loader's time, some 2 ms a file (the labels and the distribution
    statements are read on a build's critical path). Both loaders build values with the same
    safe constructor; `tests/test_data_files.py` checks that they read each of these files
    alike, scalar types included, and that nothing but safe YAML is read.
    """
    import yaml

    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class PathRefused(Exception):
    """A path leads outside the allowed folders, or the file is not what it claims to be."""


def resolve_inside(name: str, base: Path, allowed: tuple[Path, ...] = ()) -> Path:
    """Return the file `name` resolved against `base`, refusing anything outside it.

    Absolute paths, `..` escapes and symbolic links that lead outside `base` are refused
    unless they lead inside one of `allowed` (from --allow-outside).
    """
    if "\x00" in name:
        raise PathRefused(f"{name!r} holds a NUL character, which no file name can hold")
    raw = Path(name)
    candidate = raw if raw.is_absolute() else base / raw
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        raise PathRefused(f'file not found: "{name}" (looked for {candidate.absolute()})') from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise PathRefused(f'cannot open "{name}": {exc}') from None
    roots = (base.resolve(), *(a.resolve() for a in allowed))
    if not any(real == root or root in real.parents for root in roots):
        how = (
            "an absolute path"
            if raw.is_absolute()
            else ("a symbolic link" if candidate.is_symlink() else "a path")
        )
        raise PathRefused(
            f'"{name}" is {how} outside the content folder ({base.resolve()}); files must '
            "be inside it, or pass --allow-outside FOLDER to allow another folder"
        )
    if not real.is_file():
        raise PathRefused(f'"{name}" is not a file')
    return real


def _kind_of(mode: int) -> str:
    """Return what a file of `mode` is, in words, for a refusal."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(path: str | Path, cap: int, *, what: str = "file", hint: str = "") -> bytes:
    """Return the bytes of the regular file at `path`, refusing anything else before reading.

    Devices (`/dev/zero`), FIFOs, sockets, folders and symbolic links to any of them are
    refused once opened without blocking, before a byte is read; so is a file larger than `cap`
    bytes, even one that grows while it is read. `-` reads standard input, with the same cap.
    `what` names the file in messages ("content file"); `hint` ends the size message.
    """
    if str(path) == STDIN:
        if sys.stdin is None:  # started with standard input closed
            raise PathRefused(f"the {what} is - (standard input), but standard input is closed")
        return _read_capped(sys.stdin.buffer, cap, what, hint)
    if "\x00" in str(path):
        raise PathRefused(f"the {what} name holds a NUL character, which no file name can hold")
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait; fstat then refuses it.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise PathRefused(f"{what} not found") from None
    except IsADirectoryError:
        raise PathRefused(f"expected a {what}, found a folder") from None
    except PermissionError:
        raise PathRefused(f"cannot read the {what}: permission denied") from None
    except OSError as exc:
        raise PathRefused(f"cannot open the {what}: {exc.strerror or exc}") from None
    try:
        mode, size = os.fstat(handle).st_mode, os.fstat(handle).st_size
        if stat.S_ISDIR(mode):
            raise PathRefused(f"expected a {what}, found a folder")
        if not stat.S_ISREG(mode):
            stdin = "; give - as the path to read standard input" if stat.S_ISFIFO(mode) else ""
            raise PathRefused(
                f"the {what} is {_kind_of(mode)}, not a regular file; save it as a file{stdin}"
            )
        if size > cap:
            raise PathRefused(_too_big(what, size, cap, hint))
    except BaseException:
        os.close(handle)
        raise
    with os.fdopen(handle, "rb", buffering=0) as stream:
        return _read_capped(stream, cap, what, hint)


def _too_big(what: str, size: int | None, cap: int, hint: str) -> str:
    """Return the refusal of a file of `size` bytes (None: read until past `cap`)."""
    if size is None:
        message = f"the {what} holds more than the limit of {cap:,} bytes"
    else:
        message = f"the {what} is {size:,} bytes, more than the limit of {cap:,}"
    return message + (f" ({hint})" if hint else "")


def _read_capped(stream, cap: int, what: str, hint: str) -> bytes:  # type: ignore[no-untyped-def]
    """Return at most `cap` bytes from `stream`, refusing a stream that holds more."""
    chunks: list[bytes] = []
    total = 0
    while total <= cap:
        chunk = stream.read(min(1 << 20, cap + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > cap:
        raise PathRefused(_too_big(what, None, cap, hint))
    return b"".join(chunks)


def sniff_image(path: Path) -> str:
    """Return `png`, `jpeg` or `svg` for the picture at `path`, checked whole, or refuse it.

    The format is judged by content, not name; the picture is then checked against the
    budgets of `alliancedeck.pictures` (size, pixels, references), so a picture that passes
    here draws in every product.
    """
    from alliancedeck.pictures import check_picture

    return check_picture(path).format
