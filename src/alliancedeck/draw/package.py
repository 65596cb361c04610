"""Reproducible zip packages: fixed entry times and order, so equal input gives equal bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile


def zip_time(epoch_seconds: int) -> tuple[int, int, int, int, int, int]:
    """Return `epoch_seconds` as a zip entry time (UTC, clamped to 1980, even seconds)."""
    moment = dt.datetime.fromtimestamp(max(epoch_seconds, 315532800), tz=dt.UTC)
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


def normalize_zip(data: bytes, epoch_seconds: int) -> bytes:
    """Return the zip `data` rewritten with every entry dated `epoch_seconds`, in the same order."""
    stamp = zip_time(epoch_seconds)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            entry.create_system = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
