"""The static text of a template's master and layout shapes (an agency name, a marking), drawn
in the deck PDF in its typeface's metric twin, size, weight and colour."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from alliancedeck.template.artwork import NS, Item, _emu, _int

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

#: The family drawn for a typeface without a known metric twin (shipped with alliancedeck).
FALLBACK = "liberation sans"
DEFAULT_SIZE = 18.0
INSETS = (7.2, 3.6, 7.2, 3.6)  # left, top, right, bottom: PowerPoint's default, in points


@lru_cache(maxsize=64)
def font_name(typeface: str, bold: bool) -> str:
    """Return the reportlab name of the metric twin of `typeface` (registered on first use)."""
    from reportlab.pdfbase import pdfmetrics

    from alliancedeck.draw.ttf_face import Face
    from alliancedeck.errors import ContentError
    from alliancedeck.fonts import find_font_file
    from alliancedeck.template.design import METRIC_TWINS

    style = "bold" if bold else "regular"
    for key in (typeface.casefold(), FALLBACK):
        twin = METRIC_TWINS.get(key)
        if twin is None:
            continue
        family, files, _ = twin
        try:
            path = find_font_file(files[style])
        except ContentError:
            continue
        name = f"TemplateArt-{family.replace(' ', '')}-{style}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(Face(name, str(path)))
        return name
    return "Helvetica-Bold" if bold else "Helvetica"


@dataclass
class Run:
    text: str
    font: str
    size: float
    colour: tuple[float, float, float, float]


def _runs(paragraph, item: Item, default_colour, default_face: str) -> list[Run]:
    reader = item.reader
    assert reader is not None
    theme = reader.theme
    level_style = item.text.find("a:lstStyle/a:lvl1pPr/a:defRPr", NS)
    runs = []
    for run in paragraph.findall("a:r", NS):
        props = run.find("a:rPr", NS)
        sources = [p for p in (props, level_style) if p is not None]
        size = next((_int(s.get("sz")) / 100 for s in sources if s.get("sz")), DEFAULT_SIZE)
        bold = next((s.get("b") in ("1", "true") for s in sources if s.get("b")), False)
        face = next(
            (
                s.find("a:latin", NS).get("typeface", "")
                for s in sources
                if s.find("a:latin", NS) is not None
            ),
            default_face,
        )
        if face in ("+mn-lt", "+mj-lt"):
            face = theme.minor_font if face == "+mn-lt" else theme.major_font
        colour = default_colour
        for source in sources:
            fill = source.find("a:solidFill", NS)
            if fill is not None and len(fill):
                colour = theme.colour(fill[0]) or colour
                break
        text = "".join(t.text or "" for t in run.findall("a:t", NS))
        if source_caps(sources):
            text = text.upper()
        runs.append(Run(text, font_name(face or theme.minor_font, bold), size, colour))
    return runs


def source_caps(sources) -> bool:
    return any(s.get("cap") == "all" for s in sources)


def draw_text(canvas: Canvas, item: Item) -> None:
    """Draw the text of `item` in its box (the canvas already placed at its top left, y down)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    reader = item.reader
    assert reader is not None
    theme = reader.theme
    body = item.text
    properties = body.find("a:bodyPr", NS)
    get = properties.get if properties is not None else (lambda key, default=None: default)
    left, top, right, bottom = (
        _emu(get(key), default)
        for key, default in zip(("lIns", "tIns", "rIns", "bIns"), INSETS, strict=True)
    )
    wrap = get("wrap", "square") != "none"
    anchor = get("anchor", "t")
    style = item.text.getparent().find("p:style/a:fontRef", NS)
    default_colour = (0.0, 0.0, 0.0, 1.0)
    if style is not None and len(style):
        default_colour = theme.colour(style[0]) or default_colour
    else:
        tx1 = theme.colour_map.get("tx1", "dk1")
        from alliancedeck.template.artwork import _hex

        found = _hex(theme.colours.get(tx1, ""))
        default_colour = (*found, 1.0) if found else default_colour
    default_face = theme.major_font if style is not None and style.get("idx") == "major" else ""
    room = max(1.0, item.w - left - right)
    lines: list[tuple[str, list[Run], float]] = []  # alignment, runs, height
    for paragraph in body.findall("a:p", NS):
        runs = [r for r in _runs(paragraph, item, default_colour, default_face) if r.text]
        align_source = paragraph.find("a:pPr", NS)
        align = align_source.get("algn", "l") if align_source is not None else "l"
        if not runs:
            end = paragraph.find("a:endParaRPr", NS)
            size = _int(end.get("sz")) / 100 if end is not None and end.get("sz") else DEFAULT_SIZE
            lines.append((align, [], size * 1.2))
            continue
        current: list[Run] = []
        used = 0.0
        for run in runs:
            for word in _words(run.text):
                width = stringWidth(word, run.font, run.size)
                if wrap and current and used + width > room and word.strip():
                    lines.append((align, current, max(r.size for r in current) * 1.2))
                    current, used = [], 0.0
                    word = word.lstrip()
                    width = stringWidth(word, run.font, run.size)
                current.append(Run(word, run.font, run.size, run.colour))
                used += width
        if current:
            lines.append((align, current, max(r.size for r in current) * 1.2))
    total = sum(height for _, _, height in lines)
    room_h = item.h - top - bottom
    y = top + {"ctr": (room_h - total) / 2, "b": room_h - total}.get(anchor, 0.0)
    canvas.transform(1, 0, 0, -1, 0, 0)  # text upright: y up, baselines at negative y
    for align, runs, height in lines:
        baseline = y + height / 1.2 * 0.9  # ascent of a typical face: 0.9 of the size
        width = sum(stringWidth(r.text, r.font, r.size) for r in runs)
        x = left + {"ctr": (room - width) / 2, "r": room - width}.get(align, 0.0)
        for run in runs:
            canvas.setFillColorRGB(*run.colour[:3])
            canvas.setFillAlpha(run.colour[3])
            canvas.setFont(run.font, run.size)
            canvas.drawString(x, -baseline, run.text)
            x += stringWidth(run.text, run.font, run.size)
        y += height


def _words(text: str) -> list[str]:
    """Split `text` into words, each keeping the spaces before it."""
    words, current = [], ""
    for char in text:
        if char == " " and current.strip():
            words.append(current)
            current = ""
        current += char
    return [*words, current] if current else words
