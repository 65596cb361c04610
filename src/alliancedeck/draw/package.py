"""Reproducible zip packages: fixed entry times and order, so equal input gives equal bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


#: The first and last moments a zip entry time can hold (1980-01-01, 2107-12-31 23:59:58 UTC).
ZIP_FIRST, ZIP_LAST = 315532800, 4354819198
#: The last moment a W3CDTF date (four-digit year) can hold: 9999-12-31 23:59:59 UTC.
LAST_STAMP = 253402300799


def stampable(epoch_seconds: int) -> int:
    """Return `epoch_seconds` within what a document date can hold (1970 to the year 9999)."""
    return min(max(epoch_seconds, 0), LAST_STAMP)


def zip_time(epoch_seconds: int) -> tuple[int, int, int, int, int, int]:
    """Return `epoch_seconds` as a zip entry time (UTC, clamped to 1980-2107, even seconds).

    Outside that range a zip cannot date an entry (zipfile's own `strict_timestamps=False`
    clamps the same way).
    """
    moment = dt.datetime.fromtimestamp(min(max(epoch_seconds, ZIP_FIRST), ZIP_LAST), tz=dt.UTC)
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fixed_core_dates(xml: bytes, epoch_seconds: int) -> bytes:
    moment = dt.datetime.fromtimestamp(stampable(epoch_seconds), tz=dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    return _W3CDTF.sub(rb"\g<1>" + moment.encode() + rb"\g<2>", xml)


#: Members stored as they are: formats that are compressed already.
_COMPRESSED_MEDIA = (".png", ".jpeg", ".jpg")


class Packed:
    """A zip entry's bytes held deflated, as `write_zip` deflates them, until the zip is
    written: a long deck's slides wait as 3 MB rather than 18 MB of XML. Each is inflated
    again only to be checksummed as it is written; nothing is deflated twice."""

    __slots__ = ("data",)

    def __init__(self, content: bytes):
        self.data = _deflate(content)

    def content(self) -> bytes:
        """Return the bytes it holds."""
        return zlib.decompress(self.data, -15)


def write_zip(members: Iterable[tuple[str, bytes | Packed]], epoch_seconds: int) -> bytes:
    """Return the zip of `members` (name, bytes), in their order, every entry dated `epoch_seconds`.

    Workbooks (`.xlsx`, embedded in charts) are normalised the same way and the dates in
    `docProps/core.xml` become `epoch_seconds`: equal members give equal bytes, whenever built.
    A `Packed` member is written from its deflated bytes (the same bytes).
    """
    stamp = zip_time(epoch_seconds)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, held in members:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o600 << 16
            entry.create_system = 0
            if isinstance(held, Packed):
                _write_deflated(target, entry, held.content(), held.data)
                continue
            content = held
            # Pictures are compressed already: deflating them again costs time, saves nothing.
            entry.compress_type = (
                zipfile.ZIP_STORED if name.endswith(_COMPRESSED_MEDIA) else zipfile.ZIP_DEFLATED
            )
            if name.endswith(".xlsx"):
                content = normalize_zip(content, epoch_seconds)
            elif name == "docProps/core.xml":
                content = _fixed_core_dates(content, epoch_seconds)
            if entry.compress_type == zipfile.ZIP_DEFLATED:
                _write_deflated(target, entry, content)
            else:
                target.writestr(entry, content)
    return out.getvalue()


class _Deflated:
    """A zip entry's compressor that hands out deflate data made before (`_write_deflated`)."""

    def __init__(self, data: bytes):
        self.data = data

    def compress(self, _content: bytes) -> bytes:
        data, self.data = self.data, b""
        return data

    def flush(self) -> bytes:
        return b""


def _deflate(content: bytes) -> bytes:
    """Return `content` deflated as zipfile deflates an entry (default level, raw stream)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


def _write_deflated(
    target: zipfile.ZipFile, entry: zipfile.ZipInfo, content: bytes, deflated: bytes | None = None
) -> None:
    """Write `content` as `entry` of `target`, deflated: the same bytes as `writestr`.

    `deflated` is `content` deflated already (see `Packed`). Within a watch session the
    deflated bytes of an entry are kept between rebuilds (by the entry's bytes), so only
    entries that changed are compressed again. Otherwise this is `writestr`.
    """
    from alliancedeck import session

    if deflated is None:
        if not session.active():
            target.writestr(entry, content)
            return
        deflated = session.kept("zip-deflate", lambda: content, lambda: _deflate(content))
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.file_size = len(content)  # as writestr sets it (it decides on zip64)
    with target.open(entry, mode="w") as member:
        # zipfile has no public way to write data compressed before: its entry writer takes
        # our compressor (private, the same from Python 3.6 to 3.13) and still computes the
        # CRC and both sizes itself.
        member._compressor = _Deflated(deflated)  # type: ignore[attr-defined]
        member.write(content)


def normalize_zip(data: bytes, epoch_seconds: int) -> bytes:
    """Return the zip `data` rewritten by `write_zip`, in the same order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = ((info.filename, source.read(info)) for info in source.infolist())
        return write_zip(members, epoch_seconds)
