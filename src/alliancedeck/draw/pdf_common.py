"""What both PDF products share: a stamped canvas, metadata, and the drawing of composed boxes."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

if TYPE_CHECKING:
    from alliancedeck.compose.boxes import ChartBox, Paragraph, TextBox
    from alliancedeck.document import Document, ImageInfo
    from alliancedeck.fonts import FontBook
    from alliancedeck.markup import Run


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
    }


def set_document_info(canvas: Canvas, info: dict[str, Any]) -> None:
    """Write the metadata of `info` (from `document_info`) into the PDF of `canvas`."""
    canvas.setTitle(info["title"])
    canvas.setAuthor(info["author"])
    canvas.setSubject(info["subject"])
    canvas.setKeywords(info["keywords"])
    canvas.setCreator(info["creator"])
    canvas.setProducer(info["producer"])


def drawing_done() -> None:
    """Forget what only drawing needed, once every page is drawn and before the PDF is saved.

    The widths measured while setting and drawing the text (`fonts.forget_widths`) go, so
    that saving reuses their memory. A watch session keeps them for its next rebuild.
    """
    from alliancedeck import session
    from alliancedeck.fonts import forget_widths

    if not session.active():
        forget_widths()


@functools.lru_cache(maxsize=8)
def stamped_canvas_class(build_time: int) -> type[Canvas]:
    """Return a Canvas class whose document dates are `build_time` (UTC) and whose ids are fixed.

    One class per time, kept: a class refers to itself (through its attributes and method
    resolution order), so one made per product would be left for the cycle collector.
    """
    from alliancedeck.draw.package import stampable

    build_time = stampable(build_time)

    class StampedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            stamp = self._doc._timeStamp
            moment = time.gmtime(build_time)
            stamp.t = build_time
            stamp.lt = moment
            stamp.YMDhms = tuple(moment)[:6]
            stamp.dhh = stamp.dmm = 0
            self.setViewerPreference("DisplayDocTitle", "true")

    return StampedCanvas


@functools.lru_cache(maxsize=256)
def color(value: str) -> HexColor:
    """Return the reportlab colour of `#RRGGBB` (one object per colour: reportlab only reads
    it, and a long deck sets the same few colours tens of thousands of times)."""
    return HexColor(value)


def draw_picture(
    canvas: Canvas, image: ImageInfo, x: float, y: float, w: float, h: float, font: str
) -> None:
    """Draw `image` into the frame whose lower-left corner is (x, y): SVG as vectors.

    Text in an SVG is drawn in `font` (a layout font, embedded) wherever the SVG names a font
    the PDF does not embed.
    """
    if image.format != "svg":
        from alliancedeck.draw.images import draw_raster
        from alliancedeck.pictures import raster_for_products

        draw_raster(canvas, raster_for_products(image.path, image.location), x, y, w, h)
        return
    from reportlab.graphics import renderPDF
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import getFont, getRegisteredFontNames
    from reportlab.pdfbase.ttfonts import TTFont

    from alliancedeck.pictures import svg_drawing

    drawing = svg_drawing(image.path, image.location, font)
    embedded = {n for n in getRegisteredFontNames() if isinstance(getFont(n), TTFont)}
    drawing.initialFontName = font
    for node in _nodes(drawing):
        if isinstance(node, String) and node.fontName not in embedded:
            node.fontName = font
    scale = min(w / drawing.width, h / drawing.height)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(scale, scale)
    with inline_images_as_text():
        renderPDF.draw(drawing, canvas, 0, 0)
    canvas.restoreState()


@contextlib.contextmanager
def inline_images_as_text() -> Iterator[None]:
    """Let reportlab write inline images (a PNG or JPEG inside an SVG) in ASCII85.

    With `useA85` off (set above for image streams), reportlab puts an inline image's raw bytes
    into the page's text content and fails; inline images are small, so armour costs little.
    """
    saved, rl_config.useA85 = rl_config.useA85, 1
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _nodes(group: Any) -> list[Any]:
    """Return every shape inside `group`, nested groups opened."""
    found = []
    for node in getattr(group, "contents", ()):
        found.append(node)
        found.extend(_nodes(node))
    return found


#: Whether text is written as content-stream operators here (`_shown`) rather than through
#: reportlab's text objects. Both write the same bytes (a test builds with it off and compares).
#: Every font a paragraph is drawn in is a TrueType font the font book registered (`_load_ttf`),
#: never shaped (no `ShapedStr`), on a canvas drawn bottom up: the case `_shown` writes.
TEXT_WRITER = True


@functools.lru_cache(maxsize=256)
def _font_size_operators(size: float) -> str:
    """Return what follows a font's name when a text object sets it at `size`: the size and
    the leading reportlab gives it (1.2 times the size)."""
    return f"{fp_str(size)} Tf {fp_str(size * 1.2)} TL"


def _shown(doc: Any, font: str, text: str, size: float) -> str:
    """Return the operators that show `text` in the TrueType font `font` at `size` right after
    a font change in a text object, as reportlab's `PDFTextObject._formatText` writes them:
    each subset named before its first chunk, the font giving characters their codes in `doc`
    as it does (`splitString`)."""
    face = getFont(font)
    parts = []
    current = -1
    for subset, chunk in face.splitString(text, doc):
        if subset != current:
            parts.append(f"{face.getSubsetInternalName(subset, doc)} {_font_size_operators(size)}")
            current = subset
        parts.append(f"({escapePDF(chunk)}) Tj")
    return " ".join(parts)


def draw_string(canvas: Canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """Draw `text` in `font` at `size` from (x, y): the bytes `canvas.drawString` writes after
    `canvas.setFont(font, size)`, one text object, its line ended by T*. With `TEXT_WRITER` on,
    the canvas's own font, size and leading are left as they were (callers set them)."""
    if TEXT_WRITER:
        shown = _shown(canvas._doc, font, text, size)
        canvas._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {shown} T* ET")
    else:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)


def draw_segments(
    canvas: Canvas, book: Any, x: float, y: float, text: str, font: str, size: float
) -> None:
    """Draw `text` from (x, y), each run in the first layout font that has its characters."""
    for segment, name in book.segments(text, font):
        draw_string(canvas, x, y, segment, name, size)
        x += book.width(segment, name, size)
    canvas.setFont(font, size)


class _TextObject:
    """One paragraph's text object, its operators written as reportlab's `PDFTextObject` writes
    them for what `draw_paragraph` does with one (see `TEXT_WRITER`)."""

    __slots__ = ("code", "doc")

    def __init__(self, canvas: Canvas):
        self.doc = canvas._doc
        self.code = ["BT", f"1 0 0 1 {fp_str(0, 0)} Tm"]  # `canvas.beginText()`

    def segments(self, book: Any, x: float, y: float, text: str, font: str, size: float) -> None:
        """Add `text` from (x, y), each run in the first layout font that has its characters,
        placed where the runs before it end, after its font is set."""
        segments = book.segments(text, font)
        last = len(segments) - 1
        for index, (segment, name) in enumerate(segments):
            self.text(x, y, segment, name, size)
            if index < last:  # where the next run starts (most lines are one run)
                x += book.width(segment, name, size)

    def text(self, x: float, y: float, text: str, font: str, size: float) -> None:
        """Add `text` from (x, y) in `font` (the font set just before: `setTextOrigin`, then
        `textOut`)."""
        self.code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        self.code.append(_shown(self.doc, font, text, size))

    def draw(self, canvas: Canvas) -> None:
        """Write the text object into `canvas`'s page (`canvas.drawText`)."""
        self.code.append("ET")
        canvas._code.append(" ".join(self.code))


class _ReportlabTextObject:
    """The same calls as `_TextObject`, made on reportlab's own text object (`TEXT_WRITER`
    off): the reference the written bytes are compared with."""

    __slots__ = ("object",)

    def __init__(self, canvas: Canvas):
        self.object = canvas.beginText()

    def segments(self, book: Any, x: float, y: float, text: str, font: str, size: float) -> None:
        for segment, name in book.segments(text, font):
            self.text(x, y, segment, name, size)
            x += book.width(segment, name, size)

    def text(self, x: float, y: float, text: str, font: str, size: float) -> None:
        self.object.setFont(font, size)
        self.object.setTextOrigin(x, y)
        self.object.textOut(text)

    def draw(self, canvas: Canvas) -> None:
        canvas.drawText(self.object)


def draw_rect(
    canvas: Canvas, page_height: float, x: float, y: float, w: float, h: float, fill: str
) -> None:
    """Fill the rectangle at (`x`, `y`) from the page's top-left corner, `w` by `h`, with `fill`."""
    canvas.setFillColor(color(fill))
    canvas.rect(x, page_height - y - h, w, h, stroke=0, fill=1)


def draw_text_box(canvas: Canvas, page_height: float, box: TextBox, book: FontBook) -> None:
    """Draw the text box `box` (its fill, then its paragraphs where its anchor puts them)."""
    if box.fill:
        draw_rect(canvas, page_height, box.x, box.y, box.w, box.h, box.fill)
    content = box.content_height
    offset = {"top": 0.0, "middle": (box.h - content) / 2, "bottom": box.h - content}[box.anchor]
    y = box.y + offset
    for index, paragraph in enumerate(box.paragraphs):
        if index:
            y += paragraph.space_before
        draw_paragraph(canvas, page_height, box, paragraph, y, book)
        y += paragraph.height


def first_baseline(paragraph: Paragraph, book: FontBook) -> float:
    """Return the distance from a line's top to its baseline with exact line spacing.

    As LibreOffice and PowerPoint do, the line keeps the font's descent below the baseline
    and gives the rest of the exact line height to the ascent.
    """
    return paragraph.leading - book.descent(paragraph.font.pdf_name, paragraph.font.size)


def draw_paragraph(
    canvas: Canvas,
    page_height: float,
    box: TextBox,
    paragraph: Paragraph,
    top: float,
    book: FontBook,
    marker: RunMarker | None = None,
) -> None:
    """Draw `paragraph` of `box` with its first line's top at `top`: lines (each styled run in
    its face), bullet, link. A tagged PDF passes a `marker` to mark each run."""
    font = paragraph.font
    canvas.setFillColor(color(font.color))
    canvas.setFont(font.pdf_name, font.size)
    drop = first_baseline(paragraph, book)
    # A paragraph without styled runs is one text object: every line and font run, its bullet.
    text: _TextObject | _ReportlabTextObject | None = None
    if not paragraph.runs:
        text = _TextObject(canvas) if TEXT_WRITER else _ReportlabTextObject(canvas)
    for line_index, line in enumerate(paragraph.lines):
        baseline = page_height - (top + line_index * paragraph.leading + drop)
        left = box.x + paragraph.indent
        runs = paragraph.line_runs(line_index) if paragraph.runs else ()
        widths = [book.width(r.text, paragraph.font_of(r).pdf_name, font.size) for r in runs]
        if paragraph.align != "left":
            room = box.w - paragraph.indent
            width = sum(widths) if runs else book.width(line, font.pdf_name, font.size)
            # A soft break's trailing space (for text extraction) is drawn, not aligned.
            last = runs[-1].text if runs else line
            spaces = len(last) - len(last.rstrip(" "))
            if spaces:
                face = paragraph.font_of(runs[-1]).pdf_name if runs else font.pdf_name
                width -= book.width(" " * spaces, face, font.size)
            left += room - width if paragraph.align == "right" else (room - width) / 2
        if runs:
            _draw_runs(canvas, book, paragraph, runs, widths, left, baseline, marker)
        elif text is not None:
            text.segments(book, left, baseline, line, font.pdf_name, font.size)
        else:
            draw_segments(canvas, book, left, baseline, line, font.pdf_name, font.size)
        if line_index == 0 and paragraph.bullet:
            bullet_x = box.x + paragraph.bullet_indent
            if text is not None:
                text.text(bullet_x, baseline, paragraph.bullet, font.pdf_name, font.size)
            else:
                draw_string(canvas, bullet_x, baseline, paragraph.bullet, font.pdf_name, font.size)
    if text is not None:
        text.draw(canvas)
    if paragraph.link:
        height = paragraph.height
        y0 = page_height - top - height
        canvas.linkURL(paragraph.link, (box.x, y0, box.x + box.w, y0 + height), relative=0)


class RunMarker(Protocol):
    """What a tagged PDF does around each styled run: mark it, and tag its link."""

    def mark(self, run: Run) -> AbstractContextManager[object]: ...

    def linked(self, run: Run) -> None: ...


#: An underline's depth below the baseline and its thickness, in ems.
UNDERLINE_DEPTH, UNDERLINE_WIDTH = 0.12, 0.06


def _draw_runs(
    canvas: Canvas,
    book: FontBook,
    paragraph: Paragraph,
    runs: tuple[Run, ...],
    widths: list[float],
    left: float,
    baseline: float,
    marker: RunMarker | None,
) -> None:
    """Draw one line's styled runs from `left`, each in its face and colour; links are
    underlined and live (a link annotation over the run)."""
    x = left
    for run, width in zip(runs, widths, strict=True):
        font = paragraph.font_of(run)
        with marker.mark(run) if marker else contextlib.nullcontext():
            canvas.setFillColor(color(font.color))
            draw_segments(canvas, book, x, baseline, run.text, font.pdf_name, font.size)
            if run.href and run.text.strip():
                canvas.setStrokeColor(color(font.color))
                canvas.setLineWidth(font.size * UNDERLINE_WIDTH)
                depth = baseline - font.size * UNDERLINE_DEPTH
                canvas.line(x, depth, x + width, depth)
        if run.href and run.text.strip():
            descent = book.descent(font.pdf_name, font.size)
            area = (x, baseline - descent, x + width, baseline + font.size - descent)
            canvas.linkURL(run.href, area, relative=0)
            if marker:
                marker.linked(run)
        x += width
    canvas.setFillColor(color(paragraph.font.color))
    canvas.setFont(paragraph.font.pdf_name, paragraph.font.size)


def draw_chart(canvas: Canvas, page_height: float, box: ChartBox, book: FontBook) -> None:
    """Draw the chart of `box` as vectors in the box's frame."""
    from reportlab.graphics import renderPDF

    from alliancedeck.draw.charts import ChartStyle, chart_drawing

    font = box.font
    style = ChartStyle(font.pdf_name, font.size, font.color, box.palette, box.rule, book)
    drawing = chart_drawing(box.chart, box.w, box.h, style, show_title=box.show_title)
    renderPDF.draw(drawing, canvas, box.x, page_height - box.y - box.h)
