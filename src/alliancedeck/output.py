"""Output writing: a set of products replaced as a whole, SHA256SUMS last, one writer at a time."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from alliancedeck.errors import UsageError

try:
    import fcntl
except ImportError:  # not POSIX: writers are not serialized
    fcntl = None  # type: ignore[assignment]

#: The checksum file `build` writes beside the products, as `sha256sum -c` reads it.
CHECKSUMS = "SHA256SUMS"
#: Suffixes of this module's temporaries: a new file being written, an old one kept for restoring.
_NEW, _OLD = ".tmp", ".old"
#: `.NAME.RANDOM.tmp` or `.NAME.RANDOM.old`, as `tempfile` names them (RANDOM is 8 characters).
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]{8}\.(tmp|old)$")


def write_set(
    files: Mapping[Path, bytes],
    *,
    checksums: Path | None = None,
    update_checksums: bool = False,
    protect: Iterable[Path] = (),
    digests: Mapping[Path, str] | None = None,
) -> None:
    """Replace every file of `files` (path -> bytes) as one set: all old files or all new ones.

    Every file is written to a temporary beside its target first; only when all are written are
    they renamed into place, `checksums` last. If a rename fails (or the run is interrupted), the
    files already renamed are put back as they were. With `checksums` (a path), that file lists
    the SHA-256 of every file; with `update_checksums`, instead the `SHA256SUMS` already beside
    each file has that file's line updated, and nothing else changes. `digests` holds the
    SHA-256 (hexadecimal) of files whose caller has it already (a 200x deck's PDF takes some
    5 ms to hash): the checksum file takes it from there. Writers into one folder
    wait for each other (a lock on the folder), and temporaries a killed writer left there are
    removed.
    No file of `protect` (the content file) and nothing but a regular file is ever replaced.
    """
    targets = {Path(path): data for path, data in files.items()}
    with _locked({path.parent for path in targets} | ({checksums.parent} if checksums else set())):
        if checksums is not None:
            targets[checksums] = _checksum_lines(targets, checksums.parent, digests or {})
        elif update_checksums:
            targets.update(_updated_checksums(targets))
        for path in targets:
            refuse_unsafe_target(path, protect)
        for folder in {path.parent for path in targets}:
            _remove_stale_temporaries(folder)
        _replace_all(targets)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never part."""
    write_set({path: data})


def relative_name(path: Path, folder: Path) -> str:
    """Return how `path` is named in a checksum file in `folder` (relative inside it)."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _checksum_lines(
    files: Mapping[Path, bytes], folder: Path, digests: Mapping[Path, str]
) -> bytes:
    lines = (
        f"{digests.get(path) or hashlib.sha256(data).hexdigest()}  {relative_name(path, folder)}\n"
        for path, data in files.items()
    )
    return "".join(lines).encode("utf-8")


def _updated_checksums(files: Mapping[Path, bytes]) -> dict[Path, bytes]:
    """Return each existing SHA256SUMS beside `files` with the lines of those files updated."""
    updated: dict[Path, bytes] = {}
    for folder in {path.parent for path in files}:
        sums = folder / CHECKSUMS
        try:
            if not stat.S_ISREG(os.lstat(sums).st_mode):
                continue
            old = sums.read_bytes().decode("utf-8").splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            continue  # no checksum file here (or not one we wrote): nothing to keep true
        hashes = {
            relative_name(path, folder): hashlib.sha256(data).hexdigest()
            for path, data in files.items()
            if path.parent == folder
        }
        lines = []
        for line in old:
            digest, separator, name = line.partition("  ")
            bare = name.rstrip("\n")
            if separator and bare in hashes and len(digest) == 64:
                line = f"{hashes[bare]}  {name}"
            lines.append(line)
        if lines != old:
            updated[sums] = "".join(lines).encode("utf-8")
    return updated


@contextlib.contextmanager
def _locked(folders: Iterable[Path]) -> Iterator[None]:
    """Hold an exclusive lock on each of `folders` (created as needed), taken in a fixed order.

    The lock is flock(2) on the folder itself, so no lock file is left among the products and
    a killed writer's lock goes with its process.
    """
    with contextlib.ExitStack() as stack:
        for folder in sorted({Path(os.path.abspath(f)) for f in folders}):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                if fcntl is None:
                    continue
                handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            except OSError as exc:
                raise UsageError(f"cannot write to {folder}: {_reason(exc)}") from None
            stack.callback(os.close, handle)
            # Released when the handle closes. A file system without locks (some network ones)
            # leaves writers unserialized rather than refusing to write.
            with contextlib.suppress(OSError):
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def refuse_unsafe_target(path: Path, protect: Iterable[Path] = ()) -> None:
    """Raise `UsageError` unless `path` is absent or a regular file (or a link to one)."""
    try:
        status = os.stat(path)  # follows a symbolic link to what it names
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UsageError(f"{path}: cannot write here: {_reason(exc)}") from None
    if not stat.S_ISREG(status.st_mode):
        kind = _KINDS.get(stat.S_IFMT(status.st_mode), "something that is not a regular file")
        via = " (through a symbolic link)" if path.is_symlink() else ""
        raise UsageError(f"{path}: refusing to replace {kind}{via}; name a regular file to write")
    for kept in protect:
        with contextlib.suppress(OSError):
            if os.path.samefile(path, kept):
                raise UsageError(
                    f"{path}: refusing to replace the content file itself; "
                    "name another file to write"
                )


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
}


def _remove_stale_temporaries(folder: Path) -> None:
    """Delete the temporaries a killed writer left in `folder` (we hold its lock: none is live)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if _TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _replace_all(targets: Mapping[Path, bytes]) -> None:
    """Write every temporary, then rename them in order; on any failure, restore the old set."""
    fresh: dict[Path, str] = {}  # target -> its new content, written beside it
    kept: dict[Path, str | None] = {}  # target -> its old content kept for restoring (None: absent)
    done: list[Path] = []
    path = next(iter(targets))
    try:
        for path, data in targets.items():
            fresh[path] = _write_temporary(path, data)
        for path in targets:
            kept[path] = _keep_old(path)
        for path in targets:
            os.replace(fresh[path], path)
            del fresh[path]
            done.append(path)
    except BaseException as exc:
        for renamed in reversed(done):
            with contextlib.suppress(OSError):
                old = kept.pop(renamed)
                if old is None:
                    os.unlink(renamed)
                else:
                    os.replace(old, renamed)
        _discard([*fresh.values(), *(old for old in kept.values() if old)])
        if isinstance(exc, OSError):
            raise UsageError(
                f"cannot write {path}: {_reason(exc)}; the earlier files are kept as they were"
            ) from None
        raise
    _discard([old for old in kept.values() if old])
    for folder in {path.parent for path in targets}:
        _sync_folder(folder)


def _write_temporary(path: Path, data: bytes) -> str:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_NEW, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except BaseException:
        _discard([temporary])
        raise
    return temporary


def _keep_old(path: Path) -> str | None:
    """Return a second name for the current `path` (a hard link), or None if there is none."""
    if not os.path.lexists(path):
        return None
    name = tempfile.mktemp(prefix=f".{path.name}.", suffix=_OLD, dir=path.parent)
    try:
        os.link(path, name, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: keep a copy instead.
        with open(path, "rb") as source:
            data = source.read()
        name = _write_temporary(path, data)
    return name


def _discard(paths: Iterable[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _sync_folder(folder: Path) -> None:
    """Flush `folder`'s entries, so the renames survive a power cut."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
