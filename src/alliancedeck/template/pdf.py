"""The template's artwork in the deck PDF: what its master and layouts draw under every slide.

Bottom first: the layout's background (else the master's), the master's shapes (unless the
layout hides them with `showMasterSp="0"`), then the layout's; the slide's own boxes, banners
and portion marks are drawn after, so template artwork never covers them. Shapes are read and
drawn by `alliancedeck.template.artwork`; what it cannot draw is named in one warning.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alliancedeck.errors import Problem
from alliancedeck.template.artwork import (
    DRAWN_PICTURES,
    NS,
    Item,
    Paint,
    Reader,
    SubPath,
    Unreadable,
    read_theme,
    walk,
)
from alliancedeck.template.frame import role_of
from alliancedeck.template.package import template_prefix

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from alliancedeck.template import OrgTemplate

__all__ = ["DRAWN_PICTURES", "draw_artwork", "undrawn_artwork"]
ROLES = ("title", "content", "closing")


@dataclass
class Scene:
    """What the template draws under a slide of one layout: bottom first, and what it leaves out."""

    background: Paint | None
    items: list[Item]
    undrawn: list[str]


KEPT = 4  # templates whose scenes are kept at once
_SCENES: dict[tuple[int, int, int], tuple[object, Scene]] = {}
_PRESENTATIONS: dict[int, tuple[object, object]] = {}


def _presentation(template: OrgTemplate):
    """Return the template opened with python-pptx (once per template)."""
    key = id(template)
    held = _PRESENTATIONS.get(key)
    if held is None or held[0] is not template:
        if len(_PRESENTATIONS) >= KEPT:  # a long watch session does not keep every template
            _PRESENTATIONS.clear()
            _SCENES.clear()
        held = (template, template.package.open())
        _PRESENTATIONS[key] = held
    return held[1]


def scene_for(template: OrgTemplate, kind: str) -> Scene:
    """Return the artwork under a slide of `kind` (cached per template and layout)."""
    layout = template.roles.choices[role_of(kind)].layout
    key = (id(template), layout.master, layout.index)
    held = _SCENES.get(key)
    if held is None or held[0] is not template:
        held = (template, _read_scene(template, layout.master, layout.index))
        _SCENES[key] = held
    return held[1]


def _read_scene(template: OrgTemplate, m: int, index: int) -> Scene:
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from alliancedeck.template.inspect import DEFAULT_COLOUR_MAP

    prs = _presentation(template)
    master = prs.slide_masters[m]
    layout = master.slide_layouts[index]
    info = template.info
    colours = info.themes[m].colours if m < len(info.themes) else {}
    colour_map = info.colour_maps[m] if m < len(info.colour_maps) else dict(DEFAULT_COLOUR_MAP)
    try:
        blob = master.part.part_related_by(RT.THEME).blob
    except KeyError:
        blob = b""
    theme = read_theme(blob, colours, colour_map)
    page = (1.0, 0.0, 0.0, -1.0, 0.0, info.slide_height)  # slide points, y down -> PDF
    items: list[Item] = []
    undrawn: list[str] = []
    background = None
    for owner in (layout, master):
        element = owner._element.find("p:cSld/p:bg", NS)
        if element is not None:
            try:
                background = _background(element, Reader(theme, owner.part), theme)
            except Unreadable as exc:
                undrawn.append(f"picture 'Background' ({exc})")
            break
    shows_master = layout._element.get("showMasterSp", "1") not in ("0", "false")
    for owner in (master, layout) if shows_master else (layout,):
        tree = owner._element.find("p:cSld/p:spTree", NS)
        for found in walk(tree, Reader(theme, owner.part), page):
            if isinstance(found, str):
                undrawn.append(found)
            else:
                items.append(found)
    return Scene(background, items, undrawn)


def _background(element, reader: Reader, theme) -> Paint | None:
    """Return the paint of a `p:bg`: its own fill, or the theme style `p:bgRef` points at."""
    properties = element.find("p:bgPr", NS)
    if properties is not None:
        for child in properties:
            if child.tag.rsplit("}", 1)[-1].endswith("Fill"):
                return reader.fill(child)
        return None
    reference = element.find("p:bgRef", NS)
    if reference is None:
        return None
    return reader.referenced(reference, theme.backgrounds, 1001)


def undrawn_artwork(template: OrgTemplate) -> list[Problem]:
    """Return a warning naming the master and layout artwork the deck PDF leaves out, if any."""
    missed: dict[str, None] = {}
    for role in ROLES:
        kind = "section" if role == "content" else role
        for what in scene_for(template, kind).undrawn:
            missed[what] = None
    if not missed:
        return []
    named = list(missed)
    shown = ", ".join(named[:4]) + (f" and {len(named) - 4} more" if len(named) > 4 else "")
    package = template.package
    return [
        Problem(
            package.location,
            template_prefix(package.name, package.location)
            + f"the deck PDF leaves out master artwork it cannot draw: {shown}; the .pptx "
            "keeps it (save EMF or WMF logos as PNG in the template to see them in the PDF)",
            "warning",
        )
    ]


def draw_artwork(canvas: Canvas, template: OrgTemplate, kind: str, page_height: float) -> None:
    """Draw on `canvas` the template's background and master and layout artwork under a slide
    of `kind` (the caller marks them as artifacts: they are the template's, not the content)."""
    scene = scene_for(template, kind)
    width = template.info.slide_width
    if scene.background is not None:
        paint = scene.background
        if paint.kind == "solid":  # one plain rectangle over the page
            _set_fill(canvas, paint.colour)
            canvas.rect(0, 0, width, page_height, stroke=0, fill=1)
            canvas.setFillAlpha(1)
        else:
            canvas.saveState()
            canvas.transform(1, 0, 0, -1, 0, page_height)
            whole = SubPath(
                [
                    ("M", 0, 0),
                    ("L", width, 0),
                    ("L", width, page_height),
                    ("L", 0, page_height),
                    ("Z",),
                ]
            )
            _fill_paths(canvas, [whole], paint, width, page_height)
            canvas.restoreState()
    for item in scene.items:
        canvas.saveState()
        canvas.transform(*item.matrix)
        if item.kind == "text":
            from alliancedeck.template.artwork_text import draw_text

            draw_text(canvas, item)
        else:
            _draw_item(canvas, item)
        canvas.restoreState()


def _set_fill(canvas: Canvas, colour) -> None:
    canvas.setFillColorRGB(*colour[:3])
    canvas.setFillAlpha(colour[3])


def _reportlab_path(canvas: Canvas, paths: list[SubPath], which: str):
    path = canvas.beginPath()
    for sub in paths:
        if not getattr(sub, which):
            continue
        for segment in sub.segments:
            op = segment[0]
            if op == "M":
                path.moveTo(*segment[1:])
            elif op == "L":
                path.lineTo(*segment[1:])
            elif op == "C":
                path.curveTo(*segment[1:])
            else:
                path.close()
    return path


def _draw_item(canvas: Canvas, item: Item) -> None:
    fillable = [p for p in item.paths if p.fill]
    if item.fill is not None and fillable:
        _fill_paths(canvas, item.paths, item.fill, item.w, item.h)
    if item.line is not None and any(p.stroke for p in item.paths):
        paint, width, dash = item.line
        colour = paint.middle()
        canvas.setStrokeColorRGB(*colour[:3])
        canvas.setStrokeAlpha(colour[3])
        canvas.setLineWidth(width)
        canvas.setLineJoin(1)
        if dash and width > 0:
            canvas.setDash([d * width for d in dash])
        canvas.drawPath(_reportlab_path(canvas, item.paths, "stroke"), stroke=1, fill=0)


def _fill_paths(canvas: Canvas, paths: list[SubPath], paint: Paint, w: float, h: float) -> None:
    """Fill `paths` (in a w x h box, y down, the canvas already placed there) with `paint`."""
    path = _reportlab_path(canvas, paths, "fill")
    if paint.kind == "solid":
        _set_fill(canvas, paint.colour)
        canvas.drawPath(path, stroke=0, fill=1, fillMode=0)
        return
    canvas.saveState()
    canvas.clipPath(path, stroke=0, fill=0, fillMode=0)
    if paint.kind == "picture":
        _draw_picture(canvas, paint, w, h)
    else:
        _gradient(canvas, paint, w, h)
    canvas.restoreState()


#: Steps a see-through gradient is drawn in (a PDF shading has a single opacity).
ALPHA_STEPS = 48


def _gradient(canvas: Canvas, paint: Paint, w: float, h: float) -> None:
    """Paint a gradient over the clipped w x h box: a PDF shading where every stop is opaque,
    else bands (linear) or rings (radial), each in its own colour and opacity."""
    from reportlab.lib.colors import Color

    if paint.kind == "linear":
        angle = math.radians(paint.angle)
        dx, dy = math.cos(angle), math.sin(angle)
        half = (abs(w * dx) + abs(h * dy)) / 2
        cx, cy = w / 2, h / 2
    else:
        left, top, right, bottom = paint.focus
        cx, cy = w * (left + 1 - right) / 2, h * (top + 1 - bottom) / 2
        radius = math.hypot(w, h) / 2 or 1.0  # as LibreOffice: half the box's diagonal
    if all(colour[3] >= 1 for _, colour in paint.stops):
        colours = [Color(*c[:3]) for _, c in paint.stops]
        positions = [p for p, _ in paint.stops]
        if len(colours) == 1:
            colours, positions = colours * 2, [0.0, 1.0]
        if paint.kind == "linear":
            x0, y0, x1, y1 = cx - dx * half, cy - dy * half, cx + dx * half, cy + dy * half
            canvas.linearGradient(x0, y0, x1, y1, colours, positions, extend=True)
        else:
            canvas.radialGradient(cx, cy, radius, colours, positions, extend=True)
        return
    reach = max(w, h) * 2
    for step in range(ALPHA_STEPS):
        t0, t1 = step / ALPHA_STEPS, (step + 1) / ALPHA_STEPS
        colour = _colour_at(paint, (t0 + t1) / 2)
        canvas.setFillColorRGB(*colour[:3])
        canvas.setFillAlpha(colour[3])
        path = canvas.beginPath()
        if paint.kind == "linear":  # a band across the gradient line, the ends reaching out
            a = -reach if step == 0 else -half + 2 * half * t0
            b = reach if step == ALPHA_STEPS - 1 else -half + 2 * half * t1
            corners = [(a, -reach), (b, -reach), (b, reach), (a, reach)]
            points = [(cx + dx * u - dy * v, cy + dy * u + dx * v) for u, v in corners]
            path.moveTo(*points[0])
            for point in points[1:]:
                path.lineTo(*point)
            path.close()
        else:  # a ring; the outermost reaches the box's corners
            outer = reach * 2 if step == ALPHA_STEPS - 1 else radius * t1
            path.circle(cx, cy, outer)
            if t0 > 0:
                path.circle(cx, cy, radius * t0)
        canvas.drawPath(path, stroke=0, fill=1, fillMode=0)  # even-odd: rings


def _colour_at(paint: Paint, t: float):
    """Return a gradient's colour (with opacity) at position `t` (0 to 1) along it."""
    stops = paint.stops
    before = [s for s in stops if s[0] <= t] or stops[:1]
    after = [s for s in stops if s[0] >= t] or stops[-1:]
    (p0, c0), (p1, c1) = before[-1], after[0]
    if p1 == p0:
        return c0
    share = (t - p0) / (p1 - p0)
    return tuple(a + (b - a) * share for a, b in zip(c0, c1, strict=True))


def _draw_picture(canvas: Canvas, paint: Paint, w: float, h: float) -> None:
    """Draw a picture stretched over a w x h box, cropped by its `srcRect`."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    left, top, right, bottom = paint.crop
    shown_w, shown_h = 1 - left - right, 1 - top - bottom
    if shown_w <= 0 or shown_h <= 0:
        return
    full_w, full_h = w / shown_w, h / shown_h
    x, y = -left * full_w, -top * full_h
    with Image.open(io.BytesIO(paint.image)) as picture:
        picture.load()
        reader = ImageReader(picture.convert("RGBA") if picture.mode in ("P", "LA") else picture)
        canvas.transform(1, 0, 0, -1, 0, h)  # pictures are drawn upright: y up again
        canvas.drawImage(reader, x, h - y - full_h, full_w, full_h, mask="auto")
