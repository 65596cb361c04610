"""Reproducible zip packages: fixed entry times and order, so equal input gives equal bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
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


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fixed_core_dates(xml: bytes, epoch_seconds: int) -> bytes:
    moment = dt.datetime.fromtimestamp(epoch_seconds, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _W3CDTF.sub(rb"\g<1>" + moment.encode() + rb"\g<2>", xml)


def normalize_zip(data: bytes, epoch_seconds: int) -> bytes:
    """Return the zip `data` rewritten with every entry dated `epoch_seconds`, in the same order.

    Workbooks embedded in charts get the same treatment, their creation dates included.
    """
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
            content = source.read(info.filename)
            if info.filename.endswith(".xlsx"):
                content = normalize_zip(content, epoch_seconds)
            elif info.filename == "docProps/core.xml":
                content = _fixed_core_dates(content, epoch_seconds)
            target.writestr(entry, content)
    return out.getvalue()
