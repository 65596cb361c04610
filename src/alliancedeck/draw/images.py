"""Images: sizes, and the bitmap the deck shows for an SVG (the PDFs draw SVG as vectors)."""

from __future__ import annotations

import io
import warnings
from functools import cache
from pathlib import Path

from alliancedeck.errors import ContentError, Location

#: Resolution the deck's bitmap of an SVG is made at (sharp on a projector and in print).
SVG_BITMAP_DPI = 220


def _refuse(location: Location, message: str) -> ContentError:
    return ContentError.at(location, f"image: {message}")


@cache
def bitmap_size(path: Path, location: Location) -> tuple[int, int]:
    """Return the pixel size of a PNG or JPEG, refusing decompression bombs and broken files."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                image.verify()
            with Image.open(path) as image:
                return image.size
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _refuse(location, "too many pixels (a decompression bomb?)") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise _refuse(location, f"cannot read this image: {exc}") from None


@cache
def svg_drawing(path: Path, location: Location):
    """Return the SVG at `path` as a reportlab Drawing (vectors), or refuse it."""
    from svglib.svglib import svg2rlg

    try:
        drawing = svg2rlg(str(path))
    except Exception as exc:  # svglib raises many kinds for bad input
        raise _refuse(location, f"cannot read this SVG: {exc}") from None
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise _refuse(location, "this SVG has no size (width, height or viewBox)")
    return drawing


def image_aspect(path: Path, kind: str, location: Location) -> float:
    """Return width / height of the image."""
    if kind == "svg":
        drawing = svg_drawing(path, location)
        return drawing.width / drawing.height
    width, height = bitmap_size(path, location)
    return width / height


@cache
def svg_bitmap(path: Path, location: Location, width_points: float) -> bytes:
    """Return a PNG of the SVG at `path`, as wide as `width_points` at SVG_BITMAP_DPI."""
    import pypdfium2
    from reportlab.graphics import renderPDF

    drawing = svg_drawing(path, location)
    pdf = renderPDF.drawToString(drawing)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width_points / drawing.width * SVG_BITMAP_DPI / 72  # bigger or smaller
        bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 0)).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    bitmap.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
