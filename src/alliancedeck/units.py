"""Units of length: points are the unit of every layout; inches and EMU convert here only."""

from __future__ import annotations

POINTS_PER_INCH = 72.0
EMU_PER_POINT = 12700
MM_PER_INCH = 25.4


def inches(value: float) -> float:
    """Return `value` inches in points."""
    return value * POINTS_PER_INCH


def millimetres(value: float) -> float:
    """Return `value` millimetres in points."""
    return value * POINTS_PER_INCH / MM_PER_INCH


def emu(points: float) -> int:
    """Return `points` as whole English Metric Units (what OOXML stores)."""
    return round(points * EMU_PER_POINT)


def parse_length(text: str | float | int) -> float:
    """Return a length such as `0.5in`, `12mm`, `10pt` or a bare number of points, in points."""
    if isinstance(text, int | float):
        return float(text)
    raw = text.strip().lower()
    for suffix, factor in (
        ("in", POINTS_PER_INCH),
        ("mm", POINTS_PER_INCH / MM_PER_INCH),
        ("cm", 10 * POINTS_PER_INCH / MM_PER_INCH),
        ("pt", 1.0),
    ):
        if raw.endswith(suffix):
            return float(raw[: -len(suffix)].strip()) * factor
    return float(raw)
