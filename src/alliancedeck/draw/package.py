"""Reproducible zip packages: fixed entry times and order, so equal input gives equal bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
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


def write_zip(members: Iterable[tuple[str, bytes]], epoch_seconds: int) -> bytes:
    """Return the zip of `members` (name, bytes), in their order, every entry dated `epoch_seconds`.

    Workbooks (`.xlsx`, embedded in charts) are normalised the same way and the dates in
    `docProps/core.xml` become `epoch_seconds`: equal members give equal bytes, whenever built.
    """
    stamp = zip_time(epoch_seconds)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            # Pictures are compressed already: deflating them again costs time, saves nothing.
            entry.compress_type = (
                zipfile.ZIP_STORED if name.endswith(_COMPRESSED_MEDIA) else zipfile.ZIP_DEFLATED
            )
            entry.external_attr = 0o600 << 16
            entry.create_system = 0
            if name.endswith(".xlsx"):
                content = normalize_zip(content, epoch_seconds)
            elif name == "docProps/core.xml":
                content = _fixed_core_dates(content, epoch_seconds)
            target.writestr(entry, content)
    return out.getvalue()


def normalize_zip(data: bytes, epoch_seconds: int) -> bytes:
    """Return the zip `data` rewritten by `write_zip`, in the same order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = ((info.filename, source.read(info)) for info in source.infolist())
        return write_zip(members, epoch_seconds)
