"""The bitmap the deck shows for an SVG picture (the PDFs draw SVG as vectors)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from alliancedeck import pictures
from alliancedeck.errors import Location

#: Resolution the deck's bitmap of an SVG is made at (sharp on a projector and in print).
SVG_BITMAP_DPI = 220


def svg_bitmap(
    path: Path,
    location: Location,
    width_points: float,
    height_points: float | None = None,
    font: str = "Helvetica",
) -> bytes:
    """Return a PNG of the SVG at `path`, `width_points` wide at SVG_BITMAP_DPI.

    With `height_points`, the bitmap has exactly the box's proportions (the layout measured
    the SVG without drawing it, to within half a percent). Text is set in `font` (a registered
    reportlab font), or a registered font that has its characters.
    """
    drawing = pictures.svg_drawing(path, location, font)
    return _bitmap(pictures.version_of(path, location), width_points, height_points, drawing)


@lru_cache(maxsize=16)
def _bitmap(
    version: tuple[str, int, int, int],
    width_points: float,
    height_points: float | None,
    drawing: object,
) -> bytes:
    import pypdfium2
    from reportlab.graphics import renderPDF

    from alliancedeck.draw.pdf_common import inline_images_as_text

    with inline_images_as_text():
        pdf = renderPDF.drawToString(drawing)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width_points / drawing.width * SVG_BITMAP_DPI / 72  # type: ignore[attr-defined]
        bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 0)).to_pil()
    finally:
        document.close()
    if height_points is not None:
        size = (
            max(1, round(width_points * SVG_BITMAP_DPI / 72)),
            max(1, round(height_points * SVG_BITMAP_DPI / 72)),
        )
        if size != bitmap.size:
            bitmap = bitmap.resize(size)
    buffer = io.BytesIO()
    bitmap.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class _ForgetPictures:
    """Stands for the image caches `alliancedeck.watch` clears between builds."""

    @staticmethod
    def cache_clear() -> None:
        pictures.forget()
        _bitmap.cache_clear()


# Caches are keyed by file version, so clearing them only frees memory.
bitmap_size = svg_drawing = _ForgetPictures
svg_bitmap.cache_clear = _ForgetPictures.cache_clear  # type: ignore[attr-defined]
