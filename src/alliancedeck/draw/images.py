"""Pictures drawn: a PNG or JPEG into a PDF as it was checked, and the deck's bitmap of an SVG."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancedeck import pictures
from alliancedeck.errors import Location

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from alliancedeck.pictures import ProductRaster

#: Resolution the deck's bitmap of an SVG is made at (sharp on a projector and in print).
SVG_BITMAP_DPI = pictures.PRODUCT_PPI


def draw_raster(
    canvas: Canvas, raster: ProductRaster, x: float, y: float, w: float, h: float
) -> None:
    """Draw `raster` as large as the box (x, y, w, h) allows, centred, keeping its proportions.

    The PDF gets the compressed pixels the check made (`ProductRaster`), as they are: reportlab's
    own `drawImage` would decode the picture again, digest its pixels and deflate them anew.
    """
    from reportlab.lib.boxstuff import aspectRatioFix

    name = raster.digest
    registered = canvas._doc.getXObjectName(name)
    if registered not in canvas._doc.idToObject:
        image = _pdf_image(name, raster.width, raster.height, raster.colors, raster.pdf_stream)
        image.jpeg = raster.format == "jpeg"
        canvas._setXObjects(image)
        canvas._doc.Reference(image, registered)
        canvas._doc.addForm(name, image)
        if raster.alpha is not None:
            mask = _pdf_image(name + "a", raster.width, raster.height, 1, raster.alpha)
            canvas._setXObjects(mask)
            image.smask = canvas._doc.Reference(mask, canvas._doc.getXObjectName(mask.name))
    x, y, w, h, _ = aspectRatioFix(True, "c", x, y, w, h, raster.width, raster.height)
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(w, h)
    canvas._code.append(f"/{registered} Do")
    canvas.restoreState()
    canvas._formsinuse.append(name)


def _pdf_image(name: str, width: int, height: int, colors: int, stream: bytes) -> Any:
    """Return a PDF image object of `stream` (see `_PdfImage`), made on first use."""
    global _PdfImage
    if _PdfImage is None:
        _PdfImage = _pdf_image_class()
    return _PdfImage(name, width, height, colors, stream)


_PdfImage: Any = None


def _pdf_image_class() -> type:
    """Return the class of a PDF image whose stream is compressed already (reportlab loaded)."""
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFStream

    class PdfImage(PDFObject):
        """An image XObject: a JPEG as it is, or deflated rows read through the PNG predictor."""

        def __init__(self, name: str, width: int, height: int, colors: int, stream: bytes):
            self.name, self.width, self.height = name, width, height
            self.colors, self.stream = colors, stream
            self.jpeg = False
            self.smask = None

        def format(self, document: Any) -> bytes:
            space = {1: "DeviceGray", 3: "DeviceRGB", 4: "DeviceCMYK"}[self.colors]
            stream = PDFStream(content=self.stream, filters=())
            entries = stream.dictionary
            entries["Type"] = PDFName("XObject")
            entries["Subtype"] = PDFName("Image")
            entries["Width"] = self.width
            entries["Height"] = self.height
            entries["BitsPerComponent"] = 8
            entries["ColorSpace"] = PDFName(space)
            if self.jpeg:
                entries["Filter"] = PDFName("DCTDecode")
                if self.colors == 4:  # Adobe's CMYK JPEGs store their inks inverted
                    entries["Decode"] = PDFArray([1, 0, 1, 0, 1, 0, 1, 0])
            else:
                # One filter, named alone: its parameters are then one dictionary, not an array
                entries["Filter"] = PDFName("FlateDecode")
                entries["DecodeParms"] = PDFDictionary(
                    {
                        "Predictor": 15,
                        "Colors": self.colors,
                        "BitsPerComponent": 8,
                        "Columns": self.width,
                    }
                )
            if self.smask is not None:
                entries["SMask"] = self.smask
            return stream.format(document)

    return PdfImage


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
    # Pillow's own encoder tries five filters on every row: a second for an SVG holding noise.
    return pictures.encode_png(bitmap)


class _ForgetPictures:
    """Stands for the image caches `alliancedeck.watch` clears between builds."""

    @staticmethod
    def cache_clear() -> None:
        pictures.forget()
        _bitmap.cache_clear()


# Caches are keyed by file version, so clearing them only frees memory.
bitmap_size = svg_drawing = _ForgetPictures
svg_bitmap.cache_clear = _ForgetPictures.cache_clear  # type: ignore[attr-defined]
