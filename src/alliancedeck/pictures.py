"""Pictures: checked whole and within budget before anything draws them, measured, and reduced.

Every picture a brief names passes `check_picture` once per file version: its format is judged
by content, its size and pixel count are held to budgets before any decoding, a PNG or JPEG is
then decoded once in full (so a truncated or corrupt file is refused here, never embedded), and
an SVG is parsed with a bounded parser, must be self-contained (no reference to another file)
and stay within an element and `<use>`-expansion budget. Measuring (`picture_aspect`) needs
neither svglib nor reportlab, so laying out a deck loads no drawing library.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import math
import os
import re
import struct
import warnings
import zlib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancedeck.characters import RIGHT_TO_LEFT
from alliancedeck.errors import ContentError, Location
from alliancedeck.paths import PathRefused, read_bounded

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from reportlab.graphics.shapes import Drawing

    from alliancedeck.document import ImageInfo

#: Largest picture file read, in bytes.
MAX_PICTURE_BYTES = 50 * 1024 * 1024
#: Largest SVG file read, in bytes (an SVG is text; more is a data dump, not a figure).
MAX_SVG_BYTES = 5 * 1024 * 1024
#: Most pixels a PNG or JPEG may have (6,000 × 4,000 is a 24-megapixel photograph).
MAX_PIXELS = 25_000_000
#: Most bytes a decoded PNG or JPEG may take in memory (4 bytes a pixel at most).
MAX_DECODED_BYTES = 4 * MAX_PIXELS
#: Pixels an inch the products show a raster at: PowerPoint's own default for pictures (its
#: "print" resolution), and what the deck's bitmaps of SVG pictures are made at. A raster with
#: more than its largest possible frame needs at this resolution is scaled down to that.
PRODUCT_PPI = 220
#: Longest side, in pixels, a product raster can have: a picture is never drawn larger than
#: its slide or page, the largest of which is the 16:9 slide, 13.3 in wide.
MAX_PRODUCT_SIDE = 2_933
#: Widest ratio of the longer to the shorter side (a thinner picture draws as a hairline).
MAX_ASPECT = 50.0
#: Most elements an SVG may hold, and may expand to once every `<use>` is followed: svglib
#: spends about 0.2 ms on each, and a build draws an SVG up to four times (check, brief, deck
#: PDF, deck bitmap), so 4,000 keep a picture under two seconds of CPU.
MAX_SVG_ELEMENTS = 2_000
MAX_SVG_EXPANDED = 4_000
#: Most numbers in an SVG's path data and point lists, and most characters of its text: svglib
#: turns each into Python objects (400,000 coordinates took 4 s and 260 MB a process).
MAX_SVG_NUMBERS = 20_000
MAX_SVG_TEXT = 50_000
#: Most attributes on one SVG element, and longest `style` attribute: svglib looks attributes
#: and style declarations up one by one for every property (100,000 ran for minutes).
MAX_SVG_ATTRIBUTES = 64
MAX_SVG_STYLE = 2_000
#: Most attributes in a whole SVG (style text counts with the text budget above).
MAX_SVG_ALL_ATTRIBUTES = 20_000
#: Most pixels all the PNG and JPEG images embedded in one SVG may hold together: reportlab
#: draws each as an inline image, decoded and encoded again in every product (ten of 25 million
#: pixels in a 1 MB SVG took 20 s and 1.3 GB). Each 2,000 pixels count as an element towards
#: the `<use>` expansion budget, so a use cannot draw one many times.
MAX_SVG_RASTER_PIXELS = 4_000_000
#: Most bytes of PNG and JPEG data one SVG may embed (decoded from base64): each product
#: decodes and compresses them again, and 3.6 MB of noise cost 1.8 s of CPU in a build.
MAX_SVG_RASTER_BYTES = 1024 * 1024
SVG_PIXELS_PER_ELEMENT = 2_000
#: Deepest nesting of SVG elements.
MAX_SVG_DEPTH = 64
#: The SVG size in points must lie between these (NaN and infinity are refused).
SVG_POINTS = (0.5, 100_000.0)

_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_NUMBER = re.compile(r"[-+]?(?:\d*\.\d+|\d+\.?)(?:[eE][-+]?\d+)?")
#: A `url(...)` anywhere in an attribute or a style sheet, with what it points at.
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
#: An SVG length: a number and an absolute unit (user units, px, pt, pc, mm, cm, in) or %.
_LENGTH = re.compile(
    r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|pt|pc|mm|cm|in|%)?\s*$"
)
#: User units (CSS pixels) per unit.
_USER_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_USER_UNITS["in"] = 96.0
#: Points per user unit.
_PX_TO_PT = 72 / 96
_SCALE_DOWN = (
    f"scale it down (about {MAX_PRODUCT_SIDE:,} pixels on the longer side is sharp in both "
    "products)"
)
#: Embedded raster data as svglib recognises it: case-sensitive, as svglib's own pattern is;
#: svglib reads "DATA:image/png;base64,..." as a file name (unchecked), so that is refused.
_RASTER_DATA = re.compile(r"^data:image/(png|jpe?g);base64,")


@dataclass(frozen=True)
class Picture:
    """A picture that passed every check: its format and its size (pixels, or points for SVG)."""

    format: str  # png | jpeg | svg
    width: float
    height: float
    #: What drawing it costs: pixels for a PNG or JPEG, elements (once every `<use>` is
    #: followed, long path data and text counting extra) for an SVG.
    work: int = 0

    @property
    def aspect(self) -> float:
        return self.width / self.height


def _version(path: Path) -> tuple[str, int, int, int]:
    """Return what identifies this version of the file at `path` (a cache key)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise PathRefused(f"cannot read the image: {exc.strerror or exc}") from None
    return str(path), info.st_ino, info.st_size, info.st_mtime_ns


def check_picture(path: Path) -> Picture:
    """Return the checked `Picture` at `path`, or raise `PathRefused` saying what is wrong.

    This is the full check: a PNG or JPEG is decoded once in full (and made into what the
    products embed) and an SVG drawn once. The result is what the products of this build draw
    (see `checked_pictures`): the file is not read again.
    """
    version = _version(path)
    picture = _measured(*version)
    _within_brief_budget(str(path), picture)
    _CHECKED[str(path)] = Checked(picture, _drawable(*version, picture))
    return picture


#: Most pixels all the PNG and JPEG pictures of one build may hold together (20 at the
#: 25-megapixel cap, 41 twelve-megapixel photographs), and most SVG elements all its SVGs may
#: draw (10 at the cap): each picture is budgeted, and so is the brief, so that a folder of
#: small files that decode large, or one file under many names, cannot cost minutes.
MAX_BRIEF_PIXELS = 500_000_000
MAX_BRIEF_SVG_ELEMENTS = 10 * MAX_SVG_EXPANDED


def _within_brief_budget(key: str, picture: Picture) -> None:
    """Refuse `picture` if with the other pictures checked in this build it passes a budget."""
    svg = picture.format == "svg"
    total = picture.work + sum(
        checked.picture.work
        for other, checked in _CHECKED.items()
        if other != key and (checked.picture.format == "svg") == svg
    )
    limit = MAX_BRIEF_SVG_ELEMENTS if svg else MAX_BRIEF_PIXELS
    if total > limit:
        what = "SVG elements" if svg else "pixels"
        raise PathRefused(
            f"with the pictures before it, this brief's pictures hold more than {limit:,} "
            f"{what} together; scale them down or use fewer"
        )


def measure_picture(path: Path) -> Picture:
    """Return the `Picture` at `path` from its header (budgets checked, nothing decoded)."""
    checked = _CHECKED.get(str(path))
    if checked is not None:
        return checked.picture
    return _measured(*_version(path))


@lru_cache(maxsize=64)
def _measured(name: str, inode: int, size: int, mtime: int) -> Picture:
    raw = _read(Path(name))
    kind = sniff(raw)
    if kind == "svg":
        tree, work = _svg_checked(raw)
        width, height = _svg_size(tree.getroot())
        return Picture("svg", width, height, work)
    width, height = raster_size(raw, decode=False)
    return Picture(kind, width, height, width * height)


@lru_cache(maxsize=64)
def _drawable(
    name: str, inode: int, size: int, mtime: int, picture: Picture
) -> ProductRaster | None:
    if picture.format == "svg":
        _drawing(name, inode, size, mtime, "Helvetica", picture.aspect)
        return None
    # What the products will embed, made here: check and build agree on every file.
    return _product_raster(name, inode, size, mtime)


def _read(path: Path) -> bytes:
    return read_bounded(path, MAX_PICTURE_BYTES, what="image file")


def sniff(head: bytes) -> str:
    """Return `png`, `jpeg` or `svg` from a file's first bytes (not its name), or refuse it."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    text = head[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<?xml", "<svg", "<!--", "<!doctype svg")) and "<svg" in text:
        return "svg"
    raise PathRefused("not a PNG, JPEG or SVG image (judged by its content, not its name)")


# ----- PNG and JPEG ----------------------------------------------------------------------------


def raster_size(raw: bytes, *, decode: bool = True) -> tuple[int, int]:
    """Return the pixel size of the PNG or JPEG `raw`, within the budgets.

    The pixel count and decoded size are checked from the header, before any decoding; with
    `decode`, the whole image is then decoded once, so a truncated or corrupt file is refused.
    """
    from PIL import Image, UnidentifiedImageError

    _count_parts(raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns of bombs and odd chunks; we judge below
        try:
            with Image.open(io.BytesIO(raw), formats=("PNG", "JPEG")) as image:
                width, height = image.size
                _within_budget(width, height)
                if decode:
                    if image.format == "JPEG":  # every block is still read, at 1/8 the pixels
                        image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                    image.load()  # decode the whole stream once: a broken one raises here
        except PathRefused:
            raise
        except Image.DecompressionBombError:  # Pillow's own, larger limit, met at open
            raise PathRefused(
                f"the image has more pixels than the limit of {MAX_PIXELS:,}; {_SCALE_DOWN}"
            ) from None
        except UnidentifiedImageError:
            raise PathRefused("cannot read this image: it is not a readable PNG or JPEG") from None
        except Exception as exc:  # Pillow raises many kinds (OSError, SyntaxError, zlib...)
            raise PathRefused(f"cannot read this image: {_reason(exc)}") from None
    return width, height


#: Most chunks a PNG may have: Pillow reads each in Python (a million empty ones in 12 MB took
#: 8 s). libpng writes 8 KiB image-data chunks, so a 50 MiB PNG has about 6,400.
MAX_PNG_CHUNKS = 20_000
#: Most marker segments a JPEG may have (Pillow reads each in Python; files hold a few dozen),
#: and most scans: every scan is a pass over all the image's blocks, so a progressive JPEG
#: repeating one scan 1,000 times (125 KB) took over a minute. libjpeg writes 10 at most.
MAX_JPEG_SEGMENTS = 1_000
MAX_JPEG_SCANS = 32
#: Where a JPEG's entropy-coded data ends: a marker (0xFF then neither a stuffed 0x00, a
#: restart marker nor a fill byte).
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _count_parts(raw: bytes) -> None:
    """Refuse a PNG or JPEG with more chunks, segments or scans than the budgets allow.

    The file's structure is walked before any decoder reads it, and the walk stops at the
    first part past a budget, so it costs at most a few thousand steps.
    """
    if raw.startswith(_PNG_SIGNATURE):
        at, chunks = len(_PNG_SIGNATURE), 0
        while at + 8 <= len(raw):
            chunks += 1
            if chunks > MAX_PNG_CHUNKS:
                raise PathRefused(
                    f"the PNG has more than {MAX_PNG_CHUNKS:,} chunks; save it again with an "
                    "image editor"
                )
            (length,) = struct.unpack_from(">I", raw, at)
            if raw[at + 4 : at + 8] == b"IEND":
                return
            at += 12 + length
        return
    at, segments, scans = 2, 0, 0
    while at + 4 <= len(raw):
        if raw[at] != 0xFF:
            return  # not a marker: the decoder says what is wrong
        marker = raw[at + 1]
        if marker == 0xFF:  # a fill byte before a marker
            at += 1
            continue
        if marker == 0xD9:  # end of image
            return
        segments += 1
        if segments > MAX_JPEG_SEGMENTS:
            raise PathRefused(
                f"the JPEG has more than {MAX_JPEG_SEGMENTS:,} marker segments; save it again "
                "with an image editor"
            )
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            at += 2
            continue
        at += 2 + int.from_bytes(raw[at + 2 : at + 4], "big")
        if marker == 0xDA:  # a scan: its entropy-coded data runs to the next marker
            scans += 1
            if scans > MAX_JPEG_SCANS:
                raise PathRefused(
                    f"the JPEG has more than {MAX_JPEG_SCANS} scans (a progressive JPEG has about "
                    "10); save it again with an image editor"
                )
            found = _JPEG_MARKER.search(raw, at)
            if found is None:
                return
            at = found.start()


def _reason(exc: BaseException) -> str:
    """Return a short reason for a decoder's exception, never the file's bytes."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "truncated" in text.lower():
        return "the file is cut short (truncated)"
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text[:120] + ("..." if len(text) > 120 else "")


def _within_budget(width: int, height: int) -> None:
    """Refuse a raster of `width` × `height` pixels that the budgets do not allow."""
    if width <= 0 or height <= 0:
        raise PathRefused("the image has no pixels")
    pixels = width * height
    if pixels > MAX_PIXELS or pixels * 4 > MAX_DECODED_BYTES:
        raise PathRefused(
            f"the image is {width:,} × {height:,} pixels, more than the limit of "
            f"{MAX_PIXELS:,} pixels; {_SCALE_DOWN}"
        )
    _not_too_thin(width, height)


def _not_too_thin(width: float, height: float) -> None:
    ratio = max(width / height, height / width)
    if ratio > MAX_ASPECT:
        raise PathRefused(
            f"the image is {ratio:,.0f} times longer than it is wide, more than the limit of "
            f"{MAX_ASPECT:,.0f}; crop it"
        )


@dataclass(frozen=True, eq=False)
class ProductRaster:
    """A PNG or JPEG as every product embeds it, made once from the checked pixels.

    `data` is the file the deck (and the handout) embeds. The PDFs embed the same compressed
    pixels, never compressed again: a JPEG as it is, a PNG's rows with their filter bytes (a
    PDF reads them through its PNG predictor) and, for a picture with transparency, the colour
    and the alpha channel as two streams of their own (`stream`, `alpha`; a PDF keeps them
    apart).
    """

    data: bytes
    format: str  # png | jpeg
    width: int
    height: int
    colors: int  # 1 grey, 3 RGB, 4 CMYK
    stream: bytes | None = None  # the colour rows when they differ from the PNG's own
    alpha: bytes | None = None

    @property
    def pdf_stream(self) -> bytes:
        """Return the image stream a PDF draws: the JPEG, or the compressed rows of colour."""
        if self.format == "jpeg":
            return self.data
        return self.stream if self.stream is not None else _png_rows(self.data)

    @cached_property
    def digest(self) -> str:
        """Return a name for these pixels (equal pictures share one image in a PDF)."""
        return hashlib.sha256(self.data).hexdigest()[:32]


def product_raster(path: Path) -> ProductRaster:
    """Return the raster at `path` as every product embeds it (see `ProductRaster`).

    A PNG is always made again from its decoded pixels (in RGB, RGBA, L or LA), so no checksum,
    palette or chunk of the file itself reaches a product (Pillow never checks an IDAT checksum,
    PowerPoint refuses a PNG with a wrong one). A JPEG no larger than the products need is
    embedded as it is, after a full decode; any raster larger than its largest frame needs at
    `PRODUCT_PPI` is scaled down to that first, so no product carries (or decodes) more pixels
    than it can show.
    """
    return _product_raster(*_version(path))


def product_size(width: int, height: int) -> tuple[int, int]:
    """Return the pixel size the products need for a raster of `width` × `height` pixels.

    That is its largest possible frame at `PRODUCT_PPI`: a picture is drawn at most as large as
    its slide or page (every size a layout can choose), keeping its proportions; a raster with
    fewer pixels keeps its own.
    """
    from alliancedeck.design import PAGE_SIZES, SLIDE_SIZES

    aspect = width / height
    widest = max(min(w, h * aspect) for w, h in (*PAGE_SIZES.values(), *SLIDE_SIZES.values()))
    needed = widest / 72 * PRODUCT_PPI
    if width <= needed:
        return width, height
    return max(1, round(needed)), max(1, round(needed / aspect))


@lru_cache(maxsize=8)
def _product_raster(name: str, inode: int, size: int, mtime: int) -> ProductRaster:
    raw = _read(Path(name))
    kind = sniff(raw)
    if kind == "svg":
        raise PathRefused("an SVG is drawn as vectors, not embedded as a raster")
    width, height = raster_size(raw, decode=False)  # the budgets, from the bytes read here
    if kind == "jpeg" and product_size(width, height) == (width, height):
        raster_size(raw, decode=True)  # decoded once in full: a broken file is refused
        return _jpeg_raster(raw)
    try:
        return _made_again(raw, kind)  # decoding it in full checks it too
    except PathRefused:
        raise
    except Exception as exc:  # Pillow raises many kinds (OSError, SyntaxError, zlib...)
        raise PathRefused(f"cannot read this image: {_reason(exc)}") from None


#: Colour channels of each mode a product raster can have.
_CHANNELS = {"L": 1, "LA": 1, "RGB": 3, "RGBA": 3, "CMYK": 4}


def _jpeg_raster(raw: bytes) -> ProductRaster:
    """Return the checked JPEG `raw` as a product raster, embedded as it is everywhere."""
    from PIL import Image

    with Image.open(io.BytesIO(raw), formats=("JPEG",)) as image:
        if image.mode not in _CHANNELS or "A" in image.mode:
            raise PathRefused(f"cannot read this image: a JPEG in {image.mode} mode")
        return ProductRaster(raw, "jpeg", image.width, image.height, _CHANNELS[image.mode])


def _made_again(raw: bytes, kind: str) -> ProductRaster:
    """Return the raster `raw` decoded, scaled down to what the products need, encoded again."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(raw), formats=("PNG", "JPEG")) as decoded:
            target = product_size(*decoded.size)
            if kind == "jpeg":  # decode at 1/2, 1/4 or 1/8 where that still gives enough pixels
                decoded.draft("RGB", target)
            decoded.load()
            image = _product_mode(decoded)
            if image.size != target:
                # reducing_gap: a fast box reduction first, then bicubic over the last factor
                # (as sharp as Lanczos at these ratios, at two thirds of its time)
                image = image.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)
            if image is not decoded:
                decoded.close()  # its pixels are freed now, not after the encoding
            if kind == "jpeg" and image.mode in ("RGB", "L", "CMYK"):
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=90)
                return _jpeg_raster(buffer.getvalue())
            return _png_raster(image)


# ----- PNG made here ---------------------------------------------------------------------------
#
# Pillow's PNG encoder tries five row filters on every row and cannot be told otherwise: for
# a noise-like picture that, and deflate's search for repeats that are not there, took two
# seconds. Here every row gets the "up" filter (the difference from the row above, computed by
# Pillow in C), and deflate gets the effort a sample of the rows shows it pays (`_deflate`).

#: PNG colour type of each mode.
_PNG_COLOR_TYPE = {"L": 0, "RGB": 2, "LA": 4, "RGBA": 6}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: The PNG row filter used for every row: "up".
_UP = b"\x02"


def encode_png(image: Any) -> bytes:
    """Return `image` as a PNG file (RGB, RGBA, L or LA), quickly whatever its pixels."""
    if image.mode not in _PNG_COLOR_TYPE:
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return _png_and_bands(image)[0]


def _png_and_bands(image: Any) -> tuple[bytes, list[Any]]:
    """Return `image` as a PNG file, and its channels with the "up" filter applied."""
    from PIL import Image

    bands = [_up_filtered(band) for band in image.split()]
    width, height = image.size
    rows = _deflate(_with_filter_bytes(Image.merge(image.mode, bands).tobytes(), height))
    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOR_TYPE[image.mode], 0, 0, 0)
    png = b"".join(
        (_PNG_SIGNATURE, _chunk(b"IHDR", header), _chunk(b"IDAT", rows), _chunk(b"IEND", b""))
    )
    return png, bands


def _png_raster(image: Any) -> ProductRaster:
    """Return `image` (RGB, RGBA, L or LA) as a PNG and the PDF streams of the same rows."""
    from PIL import Image

    png, bands = _png_and_bands(image)
    width, height = image.size
    colors = _CHANNELS[image.mode]
    if "A" not in image.mode:
        return ProductRaster(png, "png", width, height, colors)
    color = bands[0] if colors == 1 else Image.merge("RGB", bands[:3])
    return ProductRaster(
        png,
        "png",
        width,
        height,
        colors,
        stream=_deflate(_with_filter_bytes(color.tobytes(), height)),
        alpha=_deflate(_with_filter_bytes(bands[-1].tobytes(), height)),
    )


def _up_filtered(band: Any) -> Any:
    """Return the one-channel image `band` minus the row above each row (modulo 256)."""
    from PIL import Image, ImageChops

    above = Image.new("L", band.size, 0)
    above.paste(band.crop((0, 0, band.width, band.height - 1)), (0, 1))
    return ImageChops.subtract_modulo(band, above)


def _with_filter_bytes(pixels: bytes, height: int) -> bytes:
    """Return the rows of `pixels` each led by the filter byte PNG and PDF read."""
    stride = len(pixels) // height
    return b"".join(_UP + pixels[at : at + stride] for at in range(0, len(pixels), stride))


#: A sample compressing to more than this share of its size is noise: it is stored as it is.
_STORE_ABOVE = 0.9
#: A sample compressing to less than this share is line art, whose long repeats deflate finds
#: fast; between the two, a photograph's filtered rows, only runs are looked for.
_RUNS_ABOVE = 0.2


def _deflate(data: bytes) -> bytes:
    """Return `data` as a zlib stream, with the effort a sample of it shows compression pays.

    Deflate looking for repeats in noise costs a second for 30 MB and saves nothing; run-length
    matching (Z_RLE) is as small as full deflate on a photograph's filtered rows at a third of
    the time. The sample is 32 slices of 8 KiB spread through `data` (all of a smaller one).
    """
    slices, size = 32, 8192
    sample = data
    if len(data) > slices * size:
        step = len(data) // slices
        sample = b"".join(data[at : at + size] for at in range(0, slices * step, step))
    ratio = len(zlib.compress(sample, 1)) / max(1, len(sample))
    if ratio > _STORE_ABOVE:
        return zlib.compress(data, 0)
    strategy = zlib.Z_RLE if ratio > _RUNS_ABOVE else zlib.Z_DEFAULT_STRATEGY
    compressor = zlib.compressobj(1, zlib.DEFLATED, 15, 9, strategy)
    return compressor.compress(data) + compressor.flush()


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(data, zlib.crc32(kind))  # no copy of `data` made
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def _png_rows(png: bytes) -> bytes:
    """Return the compressed rows of a PNG made by `_png_raster` (its one IDAT chunk)."""
    at = len(_PNG_SIGNATURE) + 12 + 13  # after the signature and IHDR
    (length,) = struct.unpack(">I", png[at : at + 4])
    return png[at + 8 : at + 8 + length]


def _product_mode(image: Any) -> Any:
    """Return `image` in a mode every product draws as it is (RGB, RGBA, L, LA; CMYK JPEG).

    A palette becomes its colours here, so a transparency table that does not fit the palette
    is refused by the check, not met by a product's own conversion.
    """
    if image.mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return image
    if image.mode.startswith("I"):  # 16-bit grey: keep the top 8 bits, as a viewer shows it
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "PA" or (image.mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    if image.mode == "1":
        return image.convert("L")
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")


# ----- SVG -------------------------------------------------------------------------------------


def _svg_tree(raw: bytes) -> Any:
    """Return the parsed SVG `raw` after every structural check, or refuse it."""
    return _svg_checked(raw)[0]


def _svg_checked(raw: bytes) -> tuple[Any, int]:
    """Return the parsed SVG `raw` after every structural check, and the elements it draws."""
    from lxml import etree

    if len(raw) > MAX_SVG_BYTES:
        raise PathRefused(
            f"the SVG is {len(raw):,} bytes, more than the limit of {MAX_SVG_BYTES:,}; "
            "simplify it or export it as a PNG"
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        tree = etree.parse(io.BytesIO(raw), parser)
    except etree.XMLSyntaxError as exc:
        line = f" on line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise PathRefused(f"cannot read this SVG{line}: {_reason(exc)}") from None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise PathRefused("the SVG declares XML entities (<!ENTITY ...>); remove them")
    root = tree.getroot()
    if not isinstance(root.tag, str) or etree.QName(root).localname != "svg":
        raise PathRefused("not an SVG image: its outermost element is not <svg>")
    return tree, _check_svg_elements(root)


def _shown(text: str, limit: int) -> str:
    """Return `text` from an SVG as a message may quote it: at most `limit` characters, and
    none a terminal would act on or display out of order (controls, direction marks)."""
    text = "".join(c if c.isprintable() else "?" for c in text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(element: Any) -> str:
    line = getattr(element, "sourceline", None)
    return f" (line {line} of the SVG)" if line else ""


def _check_svg_elements(root: Any) -> int:
    """Refuse an SVG too large, too deep, or referring to anything outside itself; return the
    elements it draws, every `<use>` followed (long path data and text counting extra)."""
    from lxml import etree

    count = numbers = characters = attributes = 0
    embedded = {"pixels": 0, "bytes": 0}  # of the rasters embedded so far
    weights: dict[Any, int] = {}
    ids: dict[str, Any] = {}
    uses: list[tuple[Any, str]] = []
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if not isinstance(element.tag, str):  # processing instructions, entities
            continue
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise PathRefused(
                f"the SVG has more than {MAX_SVG_ELEMENTS:,} elements; simplify it "
                "or export it as a PNG"
            )
        if depth > MAX_SVG_DEPTH:
            raise PathRefused(
                f"the SVG nests elements deeper than {MAX_SVG_DEPTH} levels{_where(element)}"
            )
        name = etree.QName(element).localname
        # What drawing this element costs: one, plus its coordinates and its text.
        own_numbers = sum(
            len(_NUMBER.findall(element.get(key) or "")) for key in ("d", "points", "x", "y")
        )
        own_characters = len(element.text or "") + len(element.tail or "")
        rtl = RIGHT_TO_LEFT.search((element.text or "") + (element.tail or ""))
        if rtl:  # the content's rule: drawn unordered, it would read reversed
            raise PathRefused(
                f"the SVG holds right-to-left text (U+{ord(rtl.group()):04X}){_where(element)}, "
                "which neither product can set; write it in a left-to-right language"
            )
        own_characters += len(element.get("style") or "")
        numbers, characters = numbers + own_numbers, characters + own_characters
        attributes += len(element.attrib)
        if attributes > MAX_SVG_ALL_ATTRIBUTES:
            raise PathRefused(
                f"the SVG has more than {MAX_SVG_ALL_ATTRIBUTES:,} attributes; simplify it or "
                "export it as a PNG"
            )
        if numbers > MAX_SVG_NUMBERS or characters > MAX_SVG_TEXT:
            what = (
                "numbers in path data"
                if numbers > MAX_SVG_NUMBERS
                else "characters of text or style"
            )
            limit = MAX_SVG_NUMBERS if numbers > MAX_SVG_NUMBERS else MAX_SVG_TEXT
            raise PathRefused(
                f"the SVG holds more than {limit:,} {what}; simplify it or export it as a PNG"
            )
        weights[element] = 1 + own_numbers // 4 + own_characters // 100 + len(element.attrib) // 8
        if name in ("script", "foreignObject"):
            raise PathRefused(f"the SVG holds a <{name}> element{_where(element)}; remove it")
        if element.get("id"):
            ids.setdefault(element.get("id"), element)
        if len(element.attrib) > MAX_SVG_ATTRIBUTES:
            raise PathRefused(
                f"the SVG has an element with more than {MAX_SVG_ATTRIBUTES} attributes"
                f"{_where(element)}; simplify it"
            )
        if len(element.get("style") or "") > MAX_SVG_STYLE:
            raise PathRefused(
                f"the SVG has a style attribute longer than {MAX_SVG_STYLE:,} characters"
                f"{_where(element)}; simplify it"
            )
        for attribute, value in element.attrib.items():
            pixels = _check_reference(name, str(attribute), value, element, embedded)
            weights[element] += pixels // SVG_PIXELS_PER_ELEMENT
        if name == "style" and element.text:
            _check_css(element.text, element)
        if name == "use":
            target = element.get(_XLINK_HREF) or element.get("href") or ""
            uses.append((element, target[1:]))
        stack.extend((child, depth + 1) for child in element)
    if uses:
        return _check_use_expansion(root, ids, weights)
    return sum(weights.values())


def _check_reference(
    element_name: str, attribute: str, value: str, element: Any, embedded: dict[str, int]
) -> int:
    """Refuse an attribute of `element` that refers to a file or a page outside the SVG.

    Return the pixels of a raster it embeds (added to the totals in `embedded`), else 0.
    """
    if attribute in (_XLINK_HREF, "href"):
        if element_name == "a":  # a link is printed, never followed while drawing
            return 0
        if value.startswith("#"):
            return 0
        if element_name == "image" and _RASTER_DATA.match(value):
            return _check_embedded_raster(value, element, embedded)
        shown = _shown(value, 60)
        raise PathRefused(
            f'the SVG refers to "{shown}"{_where(element)}; an SVG picture must be '
            "self-contained: put what it shows inside it (embedded PNG or JPEG data is "
            "accepted) or export it as a PNG"
        )
    if "url(" in value.lower() or attribute == "style":
        _check_css(value, element)
    return 0


def _check_css(text: str, element: Any) -> None:
    """Refuse style text that imports a sheet or points `url()` outside the SVG."""
    if "@import" in text.lower():
        raise PathRefused(f"the SVG's style imports another file{_where(element)}; remove it")
    for match in _CSS_URL.finditer(text):
        target = match.group(1)
        if not target.startswith("#"):
            shown = _shown(target, 60)
            raise PathRefused(
                f'the SVG\'s style refers to "{shown}"{_where(element)}; only url(#id) '
                "references inside the SVG are accepted"
            )


def _check_embedded_raster(value: str, element: Any, embedded: dict[str, int]) -> int:
    """Refuse PNG or JPEG data embedded in an SVG that the raster budgets do not allow, alone
    or with the rasters before it (the totals in `embedded`, updated); return its pixels."""
    payload = value[value.index(",") + 1 :]
    try:
        raw = base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        raise PathRefused(
            f"the SVG's embedded image is not valid base64{_where(element)}"
        ) from None
    try:
        sniff(raw[:16])
        width, height = raster_size(raw, decode=False)
        embedded["pixels"] += width * height
        embedded["bytes"] += len(raw)
        if embedded["pixels"] > MAX_SVG_RASTER_PIXELS:  # judged from the header, before decoding
            raise PathRefused(
                f"with the images before it, the SVG's embedded images hold more than "
                f"{MAX_SVG_RASTER_PIXELS:,} pixels together; export the picture as a PNG"
            )
        if embedded["bytes"] > MAX_SVG_RASTER_BYTES:
            raise PathRefused(
                f"with the images before it, the SVG's embedded images are more than "
                f"{MAX_SVG_RASTER_BYTES:,} bytes together; export the picture as a PNG"
            )
        raster_size(raw, decode=True)
    except PathRefused as exc:
        raise PathRefused(f"the SVG's embedded image{_where(element)}: {exc}") from None
    return width * height


def _check_use_expansion(root: Any, ids: dict[str, Any], weights: dict[Any, int]) -> int:
    """Refuse an SVG whose `<use>` elements, followed, would draw too many elements; return
    how many it draws.

    The cost of an element is its own weight (one, more for long path data or text) plus its
    children's and, for `<use>`, its target's; costs are summed bottom-up once per element, so a
    chain of uses is measured, not expanded.
    """
    cost: dict[Any, int] = {}
    visiting: set[Any] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        if done:
            visiting.discard(element)
            children = (child for child in element if isinstance(child.tag, str))
            total = weights.get(element, 1) + sum(cost.get(child, 0) for child in children)
            target = _use_target(element, ids)
            if target is not None:
                total += cost.get(target, 0)
            cost[element] = min(total, MAX_SVG_EXPANDED + 1)
            continue
        if element in cost:
            continue
        if element in visiting:
            raise PathRefused(
                f"the SVG's <use> elements refer to each other in a circle{_where(element)}"
            )
        visiting.add(element)
        stack.append((element, True))
        children = [child for child in element if isinstance(child.tag, str)]
        target = _use_target(element, ids)
        if target is not None:
            if target in visiting:
                raise PathRefused(
                    f"the SVG's <use> elements refer to each other in a circle{_where(element)}"
                )
            children.append(target)
        stack.extend((child, False) for child in children if child not in cost)
    if cost[root] > MAX_SVG_EXPANDED:
        raise PathRefused(
            f"the SVG's <use> elements expand to more than {MAX_SVG_EXPANDED:,} elements; "
            "simplify it or export it as a PNG"
        )
    return cost[root]


def _use_target(element: Any, ids: dict[str, Any]) -> Any:
    if not isinstance(element.tag, str) or not element.tag.endswith("use"):
        return None
    href = element.get(_XLINK_HREF) or element.get("href") or ""
    return ids.get(href[1:]) if href.startswith("#") else None


def _length(text: str | None, whole: float | None) -> float | None:
    """Return the SVG length `text` in user units (`%` of `whole`), None if absent or unusable."""
    if text is None or not text.strip():
        return None
    match = _LENGTH.match(text)
    if match is None:
        return None
    number, unit = float(match.group(1)), match.group(2) or ""
    if unit == "%":
        return None if whole is None else number / 100 * whole
    return number * _USER_UNITS[unit]


def _svg_size(root: Any) -> tuple[float, float]:
    """Return the drawn size of the SVG `root` in points, as svglib sizes its drawing."""
    box: list[float] | None = None
    raw_box = root.get("viewBox")
    if raw_box:
        try:
            values = [float(v) for v in raw_box.replace(",", " ").split()]
        except ValueError:
            values = []
        box = values if len(values) == 4 else None
    width_text, height_text = root.get("width"), root.get("height")
    width = _length(width_text, box[2] if box else None)
    height = _length(height_text, box[3] if box else None)
    for text, value, what in ((width_text, width, "width"), (height_text, height, "height")):
        if value is None and (text or "").strip():
            shown = _shown(text, 30)
            raise PathRefused(
                f'the SVG\'s {what} "{shown}" cannot be used; give it in px, pt, pc, mm, cm or in '
                "(a percentage only with a viewBox)"
            )
    width = box[2] if width is None and box else width
    height = box[3] if height is None and box else height
    if width is None or height is None:
        raise PathRefused(
            "this SVG has no size: give its <svg> element width and height (in px, pt, mm, cm "
            "or in) or a viewBox"
        )
    width, height = width * _PX_TO_PT, height * _PX_TO_PT
    low, high = SVG_POINTS
    for value, what in ((width, "width"), (height, "height")):
        if not (math.isfinite(value) and low <= value <= high):
            raise PathRefused(
                f"the SVG's {what} is {value:g} points; give a size between {low:g} and "
                f"{high:,.0f} points (in px, pt, mm, cm or in) or a viewBox"
            )
    _not_too_thin(width, height)
    return width, height


@lru_cache(maxsize=16)
def _drawing(name: str, inode: int, size: int, mtime: int, font: str, aspect: float) -> Drawing:
    """Return the SVG file `name` (this version of it) as a reportlab Drawing, text in `font`.

    svglib draws the tree checked above (it never reads the file again, nor any other file);
    its log lines are kept off the terminal, and its fonts come from a map that answers every
    family with `font`, so it never starts `fc-match` for a family it does not know.
    """
    from svglib.fonts import FontMap
    from svglib.svglib import SvgRenderer

    class LayoutFonts(FontMap):
        def find_font(
            self, font_name: str, weight: str = "normal", style: str = "normal"
        ) -> tuple[str, bool]:
            return font, True

    tree = _svg_tree(_read(Path(name)))
    renderer = SvgRenderer(
        name, font_map=LayoutFonts(), external_reference_root=str(Path(name).parent)
    )
    import logging

    from reportlab import rl_config

    svglib_log = logging.getLogger("svglib.svglib")
    quiet, svglib_log.propagate = svglib_log.propagate, False
    handler = logging.NullHandler()
    svglib_log.addHandler(handler)
    # Shape attribute checking costs a sixth of svglib's time; svglib sets only valid values.
    checking, rl_config.shapeChecking = rl_config.shapeChecking, 0
    try:
        drawing = renderer.render(tree.getroot())
    except Exception as exc:  # svglib raises many kinds for odd input
        raise PathRefused(f"cannot draw this SVG: {_reason(exc)}") from None
    finally:
        rl_config.shapeChecking = checking
        svglib_log.removeHandler(handler)
        svglib_log.propagate = quiet
    _check_drawn_numbers(drawing)
    _set_text_in_fonts_with_its_characters(drawing, font)
    _check_renders(drawing)
    width, height = drawing.width, drawing.height
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise PathRefused("this SVG has no usable size (width, height or viewBox)")
    if abs(width / height - aspect) > 0.005 * aspect:
        raise PathRefused(
            "this SVG's size cannot be read plainly; give its <svg> element width and height "
            "in px, pt, mm, cm or in, or a viewBox"
        )
    return drawing


def _check_renders(drawing: Any) -> None:
    """Refuse a drawing reportlab cannot write, as both products would draw it (once, here).

    svglib passes on values reportlab's PDF writer refuses (dashes of length zero, a transform
    of zeros it cannot invert); found at check, they are a content error, not a crash.
    """
    from reportlab.graphics import renderPDF

    from alliancedeck.draw.pdf_common import inline_images_as_text

    try:
        with inline_images_as_text():
            renderPDF.drawToString(drawing)
    except Exception as exc:  # reportlab raises many kinds for odd drawings
        raise PathRefused(
            f"cannot draw this SVG ({_reason(exc)}); save it again from a drawing program "
            "or export it as a PNG"
        ) from None


#: Largest coordinate, size or scale a drawn SVG may hold: reportlab cannot write a number past
#: 1e20 into a PDF, and nothing a page shows needs more than a few thousand.
MAX_DRAWN_NUMBER = 1e12


def _check_drawn_numbers(drawing: Any) -> None:
    """Refuse a drawing holding NaN, infinity or a number no PDF can write, anywhere in it."""
    stack = [drawing]
    while stack:
        node = stack.pop()
        for value in vars(node).values():
            numbers = value if isinstance(value, list | tuple) else (value,)
            for number in numbers:
                if not isinstance(number, float | int) or isinstance(number, bool):
                    continue
                if not (math.isfinite(number) and abs(number) <= MAX_DRAWN_NUMBER):
                    raise PathRefused(
                        f"the SVG holds the number {number:g} (a coordinate, size or scale); "
                        f"use numbers no larger than {MAX_DRAWN_NUMBER:g}"
                    )
        stack.extend(getattr(node, "contents", ()))


def _set_text_in_fonts_with_its_characters(drawing: Any, font: str) -> None:
    """Set each text of `drawing` whose characters `font` lacks in a registered font that has them.

    The layout registers its fallback fonts (IPAex Gothic for Japanese) while measuring; a text
    no registered font covers stays in `font`. Candidates are tried by name, so the choice does
    not depend on the order fonts were registered in.
    """
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    def covers(name: str, text: str) -> bool:
        face = pdfmetrics.getFont(name)
        if not isinstance(face, TTFont):
            return all(ord(c) < 256 for c in text)
        return all(ord(c) in face.face.charToGlyph for c in text if not c.isspace())

    candidates: list[str] | None = None
    stack = [drawing]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "contents", ()))
        if not isinstance(node, String) or covers(font, node.text):
            continue
        if candidates is None:
            candidates = sorted(
                n
                for n in pdfmetrics.getRegisteredFontNames()
                if isinstance(pdfmetrics.getFont(n), TTFont)
            )
        node.fontName = next((n for n in candidates if covers(n, node.text)), font)


# ----- what the stages call --------------------------------------------------------------------


def _refuse(location: Location, exc: PathRefused) -> ContentError:
    return ContentError.at(location, f"image: {exc}")


def picture_aspect(path: Path, location: Location) -> float:
    """Return width / height of the picture at `path` (no drawing library is loaded for SVG)."""
    try:
        return measure_picture(path).aspect
    except PathRefused as exc:
        raise _refuse(location, exc) from None


def version_of(path: Path, location: Location) -> tuple[str, int, int, int]:
    """Return what identifies this version of the file at `path` (for caches keyed by it)."""
    try:
        return _version(path)
    except PathRefused as exc:
        raise _refuse(location, exc) from None


def image_aspect(path: Path, kind: str, location: Location) -> float:
    """Return width / height of the picture at `path` (`kind` is judged again from the file)."""
    return picture_aspect(path, location)


def svg_drawing(path: Path, location: Location, font: str = "Helvetica") -> Drawing:
    """Return the SVG at `path` as a reportlab Drawing whose texts are set in `font`."""
    try:
        version = _version(path)
        picture = _measured(*version)
        if picture.format != "svg":
            raise PathRefused("not an SVG image")
        return _drawing(*version, font, picture.aspect)
    except PathRefused as exc:
        raise _refuse(location, exc) from None


def raster_for_products(path: Path, location: Location) -> ProductRaster:
    """Return the PNG or JPEG at `path` as the products embed it (checked in this build)."""
    checked = _CHECKED.get(str(path))
    if checked is not None and checked.raster is not None:
        return checked.raster
    try:
        return product_raster(path)
    except PathRefused as exc:
        raise _refuse(location, exc) from None


def file_for_products(path: Path, location: Location) -> tuple[bytes, str]:
    """Return the bytes and format (`png`, `jpeg`, `svg`) of a picture embedded as a file.

    A PNG or JPEG is the product raster; an SVG is its text, read within its cap and checked
    again as it is read.
    """
    checked = _CHECKED.get(str(path))
    if checked is not None and checked.raster is not None:
        return checked.raster.data, checked.raster.format
    try:
        raw = _read(path)
        if sniff(raw) != "svg":
            raster = product_raster(path)
            return raster.data, raster.format
        _svg_tree(raw)
        return raw, "svg"
    except PathRefused as exc:
        raise _refuse(location, exc) from None


@dataclass(frozen=True)
class Checked:
    """A picture as one build checked it: its measure and, for a PNG or JPEG, what is embedded."""

    picture: Picture
    raster: ProductRaster | None


#: The pictures of this build as checked, by path: what its products draw. Filled by
#: `check_picture`, and in a renderer process by `drawing_checked`; emptied by `forget`.
_CHECKED: dict[str, Checked] = {}


def checked_pictures(images: Iterable[ImageInfo]) -> dict[str, Checked]:
    """Return each of `images` as this build checked it (`check_picture`), by path.

    No file is read again: the products draw what was checked, even if a file changed since.
    A picture not checked yet (a document made by other means) is checked now.
    """
    result = {}
    for image in images:
        key = str(image.path)
        if key not in _CHECKED:
            try:
                check_picture(image.path)
            except PathRefused as exc:
                raise _refuse(image.location, exc) from None
        result[key] = _CHECKED[key]
    return result


@contextlib.contextmanager
def drawing_checked(checked: Mapping[str, Checked]) -> Iterator[None]:
    """Let the products draw the pictures of `checked` while in this block.

    A renderer process gets them with its job: it reads no picture file again (a PNG or JPEG
    is decoded and encoded once a build, in the check), and draws what was checked even if a
    file changed since.
    """
    saved = dict(_CHECKED)
    _CHECKED.update(checked)
    try:
        yield
    finally:
        _CHECKED.clear()
        _CHECKED.update(saved)


def forget() -> None:
    """Drop every cached and checked picture: the next build reads and checks them again."""
    _CHECKED.clear()
    _measured.cache_clear()
    _drawable.cache_clear()
    _drawing.cache_clear()
    _product_raster.cache_clear()
