"""Reproducible zip packages: fixed entry times and order, so equal input gives equal bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
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
    written: a long deck's slides wait as 3 MB rather than 18 MB of XML. Their checksum and
    size are taken as they are deflated: nothing is deflated twice, or inflated again."""

    __slots__ = ("crc", "data", "size")

    def __init__(self, content: bytes):
        self.data = _deflate(content)
        self.crc = zlib.crc32(content)
        self.size = len(content)


#: Write zips with `_ZipWriter`; tests turn it off to compare with zipfile's own writing.
FAST = True


def write_zip(members: Iterable[tuple[str, bytes | Packed]], epoch_seconds: int) -> bytes:
    """Return the zip of `members` (name, bytes), in their order, every entry dated `epoch_seconds`.

    Workbooks (`.xlsx`, embedded in charts) are normalised the same way and the dates in
    `docProps/core.xml` become `epoch_seconds`: equal members give equal bytes, whenever built.
    A `Packed` member is written from its deflated bytes (the same bytes).

    The bytes are those `zipfile` writes for these entries (a test compares them), written by
    `_ZipWriter`: a long deck has some 3,500 entries, and zipfile's writing of each (its
    entry object, a file-like writer, a checksum of the bytes, the header written twice) took
    more time than the deflating that a watch session keeps from one rebuild to the next.
    """
    stamp = zip_time(epoch_seconds)
    target = _ZipWriter(stamp) if FAST else _ZipfileWriter(stamp)
    for name, held in members:
        if isinstance(held, Packed):
            target.add(name, True, held.crc, held.size, held.data)
            continue
        content = held
        # Pictures are compressed already: deflating them again costs time, saves nothing.
        if name.endswith(_COMPRESSED_MEDIA):
            target.add(name, False, zlib.crc32(content), len(content), content)
            continue
        if name.endswith(".xlsx"):
            content = normalize_zip(content, epoch_seconds)
        elif name == "docProps/core.xml":
            content = _fixed_core_dates(content, epoch_seconds)
        crc, deflated = _deflated(content)
        target.add(name, True, crc, len(content), deflated)
    return target.close()


def _deflate(content: bytes) -> bytes:
    """Return `content` deflated as zipfile deflates an entry (default level, raw stream)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


def _deflated(content: bytes) -> tuple[int, bytes]:
    """Return the checksum of `content` and `content` deflated. Within a watch session both
    are kept between rebuilds (by the entry's bytes), so only entries that changed are
    compressed again."""
    from alliancedeck import session

    return session.kept(
        "zip-deflate", lambda: content, lambda: (zlib.crc32(content), _deflate(content))
    )


#: The version of the zip format an entry needs and was made by (2.0: deflate), and the
#: system it was made on (0: MS-DOS, so no Unix owner or mode is implied).
_VERSION, _SYSTEM = 20, 0
#: Each entry's permissions (rw-------), in the external attributes as zipfile puts them.
_ATTRIBUTES = 0o600 << 16
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
#: The largest size or offset a zip without its 64-bit extension holds.
_ZIP64_LIMIT = (1 << 31) - 1


class _ZipWriter:
    """A zip made in memory from entries compressed before: for each a local header and its
    bytes, written as the entry comes, then the central directory and its end record, as
    `zipfile` writes them into a seekable file (no data descriptor, no extra field, no
    comment). A zip that would need the 64-bit extension (an entry or an offset past 2 GB, more
    than 65,535 entries) is left to zipfile, its entries read back from what was written."""

    def __init__(self, stamp: tuple[int, int, int, int, int, int]):
        self._stamp = stamp
        year, month, day, hour, minute, second = stamp
        self._date = (year - 1980) << 9 | month << 5 | day
        self._time = hour << 11 | minute << 5 | second // 2
        self._out = io.BytesIO()
        # Per entry: its name, whether deflated, checksum, size, where its bytes start and end.
        self._entries: list[tuple[str, bool, int, int, int, int]] = []
        self._directory: list[bytes] = []
        self._too_large = False

    def add(self, name: str, deflate: bool, crc: int, size: int, data: bytes) -> None:
        """Add the entry `name` of `size` bytes (checksum `crc`), held as `data`: deflated, or
        stored as it is."""
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800  # the name is UTF-8
        offset = self._out.tell()
        # zipfile turns to the extension for an entry within 5 % of the limit.
        if size * 1.05 > _ZIP64_LIMIT or len(data) > _ZIP64_LIMIT or offset > _ZIP64_LIMIT:
            self._too_large = True
        method = _DEFLATED if deflate else _STORED
        common = (flags, method, self._time, self._date, crc, len(data), size, len(encoded))
        self._out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", _VERSION, 0, *common, 0))
        self._out.write(encoded)
        begins = self._out.tell()
        self._out.write(data)
        self._entries.append((name, deflate, crc, size, begins, self._out.tell()))
        self._directory.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\x01\x02",
                _VERSION,
                _SYSTEM,
                _VERSION,
                0,
                *common,
                0,  # extra field
                0,  # comment
                0,  # disk
                0,  # internal attributes
                _ATTRIBUTES,
                offset,
            )
            + encoded
        )

    def close(self) -> bytes:
        """Return the zip's bytes."""
        start = self._out.tell()
        directory = b"".join(self._directory)
        count = len(self._directory)
        if self._too_large or count > 0xFFFF or max(start, len(directory)) > _ZIP64_LIMIT:
            return self._by_zipfile()
        self._out.write(directory)
        end = (count, count, len(directory), start, 0)  # entries on this disk and in all
        self._out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, *end))
        return self._out.getvalue()

    def _by_zipfile(self) -> bytes:
        writer = _ZipfileWriter(self._stamp)
        written = self._out.getbuffer()
        for name, deflate, crc, size, begins, ends in self._entries:
            writer.add(name, deflate, crc, size, bytes(written[begins:ends]))
        del written
        return writer.close()


class _ZipfileWriter:
    """The same entries written by `zipfile` itself (the reference the tests compare with)."""

    def __init__(self, stamp: tuple[int, int, int, int, int, int]):
        self._stamp = stamp
        self._out = io.BytesIO()
        self._zip = zipfile.ZipFile(self._out, "w", zipfile.ZIP_DEFLATED)

    def add(self, name: str, deflate: bool, crc: int, size: int, data: bytes) -> None:
        entry = zipfile.ZipInfo(name, date_time=self._stamp)
        entry.external_attr = 0o600 << 16  # rw-------
        entry.create_system = 0  # MS-DOS: no Unix owner or mode implied
        entry.compress_type = _DEFLATED if deflate else _STORED
        content = zlib.decompress(data, -15) if deflate else data
        assert zlib.crc32(content) == crc and len(content) == size, name
        self._zip.writestr(entry, content)

    def close(self) -> bytes:
        self._zip.close()
        return self._out.getvalue()


def normalize_zip(data: bytes, epoch_seconds: int) -> bytes:
    """Return the zip `data` rewritten by `write_zip`, in the same order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = ((info.filename, source.read(info)) for info in source.infolist())
        return write_zip(members, epoch_seconds)
