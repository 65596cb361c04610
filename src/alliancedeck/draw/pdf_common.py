"""What both PDF products share: a canvas stamped with the build time, metadata, banners."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

if TYPE_CHECKING:
    from alliancedeck.document import Document


# Binary streams stay binary: ASCII85 armour only makes files larger and slower to write.
rl_config.useA85 = 0


def document_info(doc: Document, *, kind: str) -> dict[str, Any]:
    """Return the metadata keywords a reportlab canvas or document template takes."""
    meta = doc.meta
    subject = " - ".join(t for t in (meta.subtitle, meta.distribution) if t)
    return {
        "title": meta.title,
        "author": meta.byline or "",
        "subject": subject or kind,
        "keywords": [s.title for s in doc.sections]
        + ([meta.classification] if meta.classification else []),
        "creator": "alliancedeck",
        "producer": "alliancedeck (ReportLab)",
        "lang": meta.language,
        "invariant": 1,
        "pageCompression": 1,
    }


def stamped_canvas_class(build_time: int) -> type[Canvas]:
    """Return a Canvas class whose document dates are `build_time` (UTC) and whose ids are fixed."""

    class StampedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            kwargs.setdefault("invariant", 1)
            super().__init__(*args, **kwargs)
            stamp = self._doc._timeStamp
            moment = time.gmtime(build_time)
            stamp.t = build_time
            stamp.lt = moment
            stamp.YMDhms = tuple(moment)[:6]
            stamp.dhh = stamp.dmm = 0
            self.setViewerPreference("DisplayDocTitle", "true")

    return StampedCanvas


def color(value: str) -> HexColor:
    """Return the reportlab colour of `#RRGGBB`."""
    return HexColor(value)


def default_drawing_font(font_name: str, doc: Document) -> None:
    """Make `font_name` the font reportlab graphics (charts, SVG) start from.

    reportlab's drawings otherwise select Helvetica before any text is drawn, which leaves a
    reference to a font that is not embedded. Briefs without drawings skip the import.
    """
    from alliancedeck.document import ChartInfo, ImageInfo

    if not any(
        isinstance(b, ChartInfo) or (isinstance(b, ImageInfo) and b.format == "svg")
        for section in doc.sections
        for b in section.blocks
    ):
        return
    from reportlab.graphics.shapes import STATE_DEFAULTS

    STATE_DEFAULTS["fontName"] = font_name


def draw_segments(
    canvas: Canvas, book: Any, x: float, y: float, text: str, font: str, size: float
) -> None:
    """Draw `text` from (x, y), each run in the first layout font that has its characters."""
    for segment, name in book.segments(text, font):
        canvas.setFont(name, size)
        canvas.drawString(x, y, segment)
        x += book.width(segment, name, size)
    canvas.setFont(font, size)
