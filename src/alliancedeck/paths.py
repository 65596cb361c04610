"""Paths named by the content: kept inside the content's folder, and files checked by content."""

from __future__ import annotations

from pathlib import Path

#: Largest image file we read, in bytes.
MAX_IMAGE_BYTES = 50 * 1024 * 1024


class PathRefused(Exception):
    """A path leads outside the allowed folders, or the file is not what it claims to be."""


def resolve_inside(name: str, base: Path, allowed: tuple[Path, ...] = ()) -> Path:
    """Return the file `name` resolved against `base`, refusing anything outside it.

    Absolute paths, `..` escapes and symbolic links that lead outside `base` are refused
    unless they lead inside one of `allowed` (from --allow-outside).
    """
    raw = Path(name)
    candidate = raw if raw.is_absolute() else base / raw
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        raise PathRefused(f'file not found: "{name}" (looked for {candidate.absolute()})') from None
    except (OSError, RuntimeError) as exc:
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


def sniff_image(path: Path) -> str:
    """Return `png`, `jpeg` or `svg` from the file's first bytes (not its name), or refuse it."""
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise PathRefused(f"image is {size:,} bytes, more than the limit of {MAX_IMAGE_BYTES:,}")
    with path.open("rb") as stream:
        head = stream.read(4096)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<?xml", "<svg", "<!--", "<!doctype svg")) and "<svg" in text:
        return "svg"
    raise PathRefused("not a PNG, JPEG or SVG image (judged by its content, not its name)")
