"""Drawing a template's master and layout artwork with reportlab, as a PPTX client draws it.

The shapes are read from the slide master's and layout's XML: freeforms (`a:custGeom`), the
common preset geometries, groups with their child transforms, rotation and flips; solid,
gradient and picture fills through the theme and the master's colour map; lines; cropped
pictures; and the static text of shapes that are not placeholders. What cannot be drawn
(a metafile, an unknown preset, a chart or table) is named by `walk` so that a warning can say so.
"""

from __future__ import annotations

import colorsys
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from alliancedeck.units import EMU_PER_POINT

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"a": A, "p": P, "r": R}
_A = f"{{{A}}}"
_P = f"{{{P}}}"
#: Picture types drawn (what Pillow reads); EMF, WMF and SVG are not among them.
DRAWN_PICTURES = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff"})
#: Preset geometries drawn; any other is named in the warning.
PRESETS = frozenset(
    {
        "rect",
        "flowChartProcess",
        "roundRect",
        "ellipse",
        "flowChartConnector",
        "line",
        "straightConnector1",
        "bentConnector2",
        "bentConnector3",
        "triangle",
        "flowChartExtract",
        "rtTriangle",
        "parallelogram",
        "trapezoid",
        "chevron",
        "homePlate",
        "diamond",
        "flowChartDecision",
        "flowChartDocument",
    }
)
#: Named preset colours a template may use (`a:prstClr`), the common ones.
PRESET_COLOURS = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "ltGray": (211, 211, 211),
    "dkGray": (169, 169, 169),
    "navy": (0, 0, 128),
    "orange": (255, 165, 0),
}
#: Dash patterns (`a:prstDash`), in multiples of the line width.
DASHES = {
    "dash": (4, 3),
    "sysDash": (3, 1),
    "dot": (1, 3),
    "sysDot": (1, 1),
    "lgDash": (8, 3),
    "dashDot": (4, 3, 1, 3),
    "sysDashDot": (3, 1, 1, 1),
    "lgDashDot": (8, 3, 1, 3),
    "lgDashDotDot": (8, 3, 1, 3, 1, 3),
    "sysDashDotDot": (3, 1, 1, 1, 1, 1),
}

#: The fill elements of a shape's properties.
FILLS = frozenset({"noFill", "solidFill", "gradFill", "pattFill", "blipFill", "grpFill"})

Matrix = tuple[float, float, float, float, float, float]
Colour = tuple[float, float, float, float]  # red, green, blue, alpha: 0 to 1
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """Return the transform that applies `n` first, then `m` (reportlab's a b c d e f)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def placed(x: float, y: float, w: float, h: float, rot: float, flip_h: bool, flip_v: bool):
    """Return the transform from a shape's own box (0..w, 0..h, y down) to its parent's space:
    flipped about the box centre, turned clockwise by `rot` degrees, moved to `x, y`."""
    cos, sin = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    turn = (cos, sin, -sin, cos, x + w / 2, y + h / 2)
    flip = (-1.0 if flip_h else 1.0, 0.0, 0.0, -1.0 if flip_v else 1.0, 0.0, 0.0)
    return multiply(multiply(turn, flip), (1.0, 0.0, 0.0, 1.0, -w / 2, -h / 2))


def _emu(value: str | None, default: float = 0.0) -> float:
    """Return the points of an EMU attribute value."""
    try:
        return int(value) / EMU_PER_POINT if value is not None else default
    except ValueError:
        return default


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


# Colours ----------------------------------------------------------------------------------


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


@dataclass
class Theme:
    """A master's colours (scheme slot -> #RRGGBB), colour map and format scheme."""

    colours: dict[str, str]
    colour_map: dict[str, str]
    fills: list = field(default_factory=list)  # a:fillStyleLst's children
    lines: list = field(default_factory=list)  # a:lnStyleLst's a:ln
    backgrounds: list = field(default_factory=list)  # a:bgFillStyleLst's children
    major_font: str = ""
    minor_font: str = ""

    def colour(self, element, placeholder: Colour | None = None) -> Colour | None:
        """Return the colour an `a:srgbClr`, `a:schemeClr`... element names, modifiers applied."""
        kind = _local(element)
        rgb: tuple[float, float, float] | None = None
        alpha = 1.0
        if kind == "srgbClr":
            rgb = _hex(element.get("val", ""))
        elif kind == "schemeClr":
            slot = element.get("val", "")
            if slot == "phClr":
                if placeholder is None:
                    return None
                rgb, alpha = placeholder[:3], placeholder[3]
            else:
                rgb = _hex(self.colours.get(self.colour_map.get(slot, slot), ""))
        elif kind == "sysClr":
            fallback = "FFFFFF" if element.get("val") == "window" else "000000"
            rgb = _hex(element.get("lastClr", "") or fallback)
        elif kind == "prstClr":
            found = PRESET_COLOURS.get(element.get("val", ""))
            rgb = tuple(v / 255 for v in found) if found else None
        elif kind == "scrgbClr":
            rgb = tuple(_gamma(_int(element.get(k)) / 100000) for k in ("r", "g", "b"))
        elif kind == "hslClr":
            rgb = colorsys.hls_to_rgb(
                _int(element.get("hue")) / 21600000,
                _int(element.get("lum")) / 100000,
                _int(element.get("sat")) / 100000,
            )
        if rgb is None:
            return None
        red, green, blue = rgb
        for modifier in element:
            name, value = _local(modifier), _int(modifier.get("val"), 100000) / 100000
            if name in ("lumMod", "lumOff", "satMod", "satOff", "hueOff", "hueMod"):
                hue, lum, sat = colorsys.rgb_to_hls(red, green, blue)
                if name == "lumMod":
                    lum *= value
                elif name == "lumOff":
                    lum += value
                elif name == "satMod":
                    sat *= value
                elif name == "satOff":
                    sat += value
                elif name == "hueOff":
                    hue += _int(modifier.get("val")) / 21600000
                else:
                    hue *= value
                lum, sat = min(1.0, max(0.0, lum)), min(1.0, max(0.0, sat))
                red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lum, sat)
            elif name == "tint":  # towards white, in linear light (as LibreOffice does)
                red, green, blue = (
                    _gamma(1 - (1 - _linear(c)) * value) for c in (red, green, blue)
                )
            elif name == "shade":  # towards black, in linear light
                red, green, blue = (_gamma(_linear(c) * value) for c in (red, green, blue))
            elif name == "alpha":
                alpha = value
            elif name == "alphaMod":
                alpha *= value
            elif name == "alphaOff":
                alpha += value
            elif name == "inv":
                red, green, blue = 1 - red, 1 - green, 1 - blue
            elif name == "gray":
                red = green = blue = 0.3 * red + 0.59 * green + 0.11 * blue
            elif name == "comp":
                hue, lum, sat = colorsys.rgb_to_hls(red, green, blue)
                red, green, blue = colorsys.hls_to_rgb((hue + 0.5) % 1.0, lum, sat)
        clamp = lambda c: min(1.0, max(0.0, c))  # noqa: E731
        return (clamp(red), clamp(green), clamp(blue), clamp(alpha))


def _hex(value: str) -> tuple[float, float, float] | None:
    value = value.lstrip("#")
    if len(value) != 6:
        return None
    try:
        return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        return None


def read_theme(blob: bytes, colours: dict[str, str], colour_map: dict[str, str]) -> Theme:
    """Return the theme part `blob`'s format scheme with the master's colours and map."""
    from lxml import etree

    from alliancedeck.template.package import _xml_parser

    theme = Theme(dict(colours), dict(colour_map))
    if not blob:
        return theme
    root = etree.fromstring(blob, _xml_parser())
    scheme = root.find("a:themeElements/a:fmtScheme", NS)
    if scheme is not None:
        for key, tag in (
            ("fills", "fillStyleLst"),
            ("lines", "lnStyleLst"),
            ("backgrounds", "bgFillStyleLst"),
        ):
            found = scheme.find(f"a:{tag}", NS)
            setattr(theme, key, [] if found is None else list(found))
    for which in ("major", "minor"):
        font = root.find(f"a:themeElements/a:fontScheme/a:{which}Font/a:latin", NS)
        if font is not None:
            setattr(theme, f"{which}_font", font.get("typeface", ""))
    return theme


# Fills ------------------------------------------------------------------------------------


@dataclass
class Paint:
    """How to fill or stroke: a solid colour, a gradient, or a picture."""

    kind: str  # "solid", "linear", "radial", "picture"
    colour: Colour = (0.0, 0.0, 0.0, 1.0)
    stops: list[tuple[float, Colour]] = field(default_factory=list)
    angle: float = 0.0  # a linear gradient's direction, degrees clockwise from rightwards
    focus: tuple[float, float, float, float] = (0.5, 0.5, 0.5, 0.5)  # fillToRect l t r b
    image: bytes = b""
    crop: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # srcRect l t r b

    def middle(self) -> Colour:
        """Return one colour that stands for this paint (a gradient's middle)."""
        if self.kind in ("linear", "radial") and self.stops:
            return (
                self.stops[len(self.stops) // 2][1]
                if len(self.stops) > 2
                else _mix(self.stops[0][1], self.stops[-1][1])
            )
        return self.colour


def _mix(one: Colour, two: Colour) -> Colour:
    return tuple((a + b) / 2 for a, b in zip(one, two, strict=True))  # type: ignore[return-value]


class Unreadable(ValueError):
    """Raised for artwork the deck PDF cannot draw; its message names what it is."""


class Reader:
    """Turns one master's or layout's XML into paints, paths and transforms."""

    def __init__(self, theme: Theme, part):
        self.theme = theme
        self.part = part

    def fill(self, element, placeholder: Colour | None = None, group: Paint | None = None):
        """Return the `Paint` of a fill element (`a:solidFill`...), `None` for none."""
        kind = _local(element)
        if kind == "noFill":
            return None
        if kind == "solidFill":
            colour = self.theme.colour(element[0], placeholder) if len(element) else None
            return Paint("solid", colour) if colour else None
        if kind == "gradFill":
            stops = []
            for stop in element.findall("a:gsLst/a:gs", NS):
                colour = self.theme.colour(stop[0], placeholder) if len(stop) else None
                if colour:
                    stops.append((_int(stop.get("pos")) / 100000, colour))
            if not stops:
                return None
            stops.sort(key=lambda s: s[0])
            path = element.find("a:path", NS)
            if path is not None:
                rect = path.find("a:fillToRect", NS)
                focus = tuple(
                    _int(rect.get(k)) / 100000 if rect is not None else 0.5 for k in "ltrb"
                )
                return Paint("radial", stops=stops, focus=focus)  # type: ignore[arg-type]
            line = element.find("a:lin", NS)
            angle = _int(line.get("ang")) / 60000 if line is not None else 90.0
            return Paint("linear", stops=stops, angle=angle)
        if kind == "pattFill":  # a texture is drawn as its average colour
            fore = element.find("a:fgClr", NS)
            back = element.find("a:bgClr", NS)
            colours = [
                self.theme.colour(c[0], placeholder)
                for c in (fore, back)
                if c is not None and len(c)
            ]
            colours = [c for c in colours if c]
            if not colours:
                return None
            return Paint("solid", colours[0] if len(colours) == 1 else _mix(*colours))
        if kind == "blipFill":
            return self.picture(element)
        if kind == "grpFill":
            return group
        return None

    def picture(self, blip_fill) -> Paint:
        """Return the picture paint of an `a:blipFill`; raise `Unreadable` for a metafile."""
        blip = blip_fill.find("a:blip", NS)
        rid = blip.get(f"{{{R}}}embed", "") if blip is not None else ""
        try:
            image = self.part.related_part(rid)
        except KeyError:
            raise Unreadable("linked") from None
        if image.content_type not in DRAWN_PICTURES:
            raise Unreadable(image.content_type)
        if not readable_picture(image.blob):
            raise Unreadable(f"{image.content_type} that cannot be read")
        rect = blip_fill.find("a:srcRect", NS)
        crop = tuple(_int(rect.get(k)) / 100000 if rect is not None else 0.0 for k in "ltrb")
        return Paint("picture", image=image.blob, crop=crop)  # type: ignore[arg-type]

    def shape_fill(self, sp, group: Paint | None) -> Paint | None:
        """Return a shape's fill: its own (`p:spPr`), else its style's (`a:fillRef`)."""
        properties = sp.find("p:spPr", NS)
        for child in properties if properties is not None else ():
            if _local(child) in FILLS:
                return self.fill(child, group=group)
        reference = sp.find("p:style/a:fillRef", NS)
        if reference is None:
            return None
        return self.referenced(reference, self.theme.fills, 1)

    def referenced(self, reference, styles: list, first: int) -> Paint | None:
        """Return the theme style `reference` (`a:fillRef`, `a:bgRef`) points at, in its colour."""
        index = _int(reference.get("idx"))
        colour = self.theme.colour(reference[0]) if len(reference) else None
        if index < first or colour is None:
            return None
        style = styles[index - first] if index - first < len(styles) else None
        if style is None:
            return Paint("solid", colour)
        try:
            return self.fill(style, colour) or None
        except Unreadable:
            return Paint("solid", colour)

    def shape_line(self, sp) -> tuple[Paint, float, tuple] | None:
        """Return a shape's line (paint, width in points, dash) or `None` when it has none."""
        line = sp.find("p:spPr/a:ln", NS)
        reference = sp.find("p:style/a:lnRef", NS)
        styled = None
        if reference is not None and _int(reference.get("idx")) > 0:
            index = _int(reference.get("idx")) - 1
            styled = self.theme.lines[index] if index < len(self.theme.lines) else None
        paint = None
        sources = [e for e in (line, styled) if e is not None]
        for source in sources:
            found = next(
                (c for c in source if _local(c) in ("noFill", "solidFill", "gradFill", "pattFill")),
                None,
            )
            if found is not None:
                if source is styled:
                    colour = self.theme.colour(reference[0]) if len(reference) else None
                    paint = self.fill(found, colour)
                else:
                    paint = self.fill(found)
                break
        else:
            if reference is not None and _int(reference.get("idx")) > 0 and len(reference):
                colour = self.theme.colour(reference[0])
                paint = Paint("solid", colour) if colour else None
        if paint is None:
            return None
        width = None
        for source in sources:
            if source.get("w") is not None:
                width = _emu(source.get("w"))
                break
        dash = ()
        for source in sources:
            preset = source.find("a:prstDash", NS)
            if preset is not None:
                dash = DASHES.get(preset.get("val", ""), ())
                break
        return paint, 0.75 if width is None else width, dash


def readable_picture(blob: bytes) -> bool:
    """Return whether Pillow reads the picture `blob` (a damaged file is left out, named)."""
    return decoded_picture(blob) is not None


def decoded_picture(blob: bytes, fit: int = 0) -> PILImage | None:
    """Return the picture `blob` decoded by Pillow (within the pixel cap every picture is held
    to), reduced to fit a `fit`-pixel square if `fit` is given; None if it cannot be read."""
    import warnings

    from PIL import Image

    from alliancedeck.pictures import MAX_PIXELS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns of bombs and odd chunks; judged here
        try:
            with Image.open(io.BytesIO(blob)) as picture:
                if picture.width * picture.height > MAX_PIXELS:
                    return None
                if fit:
                    picture.draft("RGB", (fit, fit))  # a JPEG decodes at a fraction of its size
                    picture.thumbnail((fit, fit))
                else:
                    picture.load()
                return picture  # loaded: closing its file keeps the pixels
        except Exception:  # Pillow raises many kinds (OSError, SyntaxError, zlib...)
            return None


# Geometry ---------------------------------------------------------------------------------

Segment = tuple  # ("M", x, y) | ("L", x, y) | ("C", x1, y1, x2, y2, x, y) | ("Z",)


@dataclass
class SubPath:
    segments: list[Segment]
    fill: bool = True
    stroke: bool = True


def _arc(x: float, y: float, wr: float, hr: float, start: float, sweep: float):
    """Return the end point and cubic segments of an `a:arcTo` from `x, y` (angles in degrees,
    clockwise with y down, measured on the ellipse as PowerPoint does)."""

    def parametric(angle: float) -> float:
        rad = math.radians(angle)
        return math.atan2(wr * math.sin(rad), hr * math.cos(rad))

    t0 = parametric(start)
    t1 = t0 + math.radians(sweep)
    if abs(sweep) < 360:
        end = parametric(start + sweep)
        turns = round((t1 - end) / (2 * math.pi))
        t1 = end + turns * 2 * math.pi
    cx, cy = x - wr * math.cos(t0), y - hr * math.sin(t0)
    parts = max(1, math.ceil(abs(t1 - t0) / (math.pi / 2) - 1e-9))
    step = (t1 - t0) / parts
    k = 4 / 3 * math.tan(step / 4)
    segments = []
    t = t0
    for _ in range(parts):
        a, b = t, t + step
        p0 = (cx + wr * math.cos(a), cy + hr * math.sin(a))
        p3 = (cx + wr * math.cos(b), cy + hr * math.sin(b))
        p1 = (p0[0] - k * wr * math.sin(a), p0[1] + k * hr * math.cos(a))
        p2 = (p3[0] + k * wr * math.sin(b), p3[1] - k * hr * math.cos(b))
        segments.append(("C", *p1, *p2, *p3))
        t = b
    end_point = segments[-1][-2:] if segments else (x, y)
    return end_point, segments


class Guides:
    """The shape guide values of a geometry (`a:avLst`, `a:gdLst`) over a `w` x `h` box."""

    def __init__(self, w: float, h: float, defaults: dict[str, float] | None = None):
        ss = min(w, h)
        self.values = {
            "l": 0.0,
            "t": 0.0,
            "r": w,
            "b": h,
            "w": w,
            "h": h,
            "hc": w / 2,
            "vc": h / 2,
            "wd2": w / 2,
            "hd2": h / 2,
            "wd4": w / 4,
            "hd4": h / 4,
            "ss": ss,
            "ls": max(w, h),
            "ssd2": ss / 2,
            "cd2": 10800000.0,
            "cd4": 5400000.0,
            "3cd4": 16200000.0,
            **(defaults or {}),
        }

    def read(self, elements) -> None:
        for guide in elements:
            self.values[guide.get("name", "")] = self.formula(guide.get("fmla", ""))

    def value(self, token: str) -> float:
        try:
            return float(token)
        except ValueError:
            if token in self.values:
                return self.values[token]
            raise Unreadable(f"guide {token}") from None

    def formula(self, text: str) -> float:
        op, *args = text.split()
        x = [self.value(a) for a in args]
        deg = math.pi / 10800000
        operations: dict[str, Callable[[], float]] = {
            "val": lambda: x[0],
            "*/": lambda: x[0] * x[1] / x[2] if x[2] else 0.0,
            "+-": lambda: x[0] + x[1] - x[2],
            "+/": lambda: (x[0] + x[1]) / x[2] if x[2] else 0.0,
            "?:": lambda: x[1] if x[0] > 0 else x[2],
            "abs": lambda: abs(x[0]),
            "at2": lambda: math.atan2(x[1], x[0]) / deg,
            "cat2": lambda: x[0] * math.cos(math.atan2(x[2], x[1])),
            "sat2": lambda: x[0] * math.sin(math.atan2(x[2], x[1])),
            "cos": lambda: x[0] * math.cos(x[1] * deg),
            "sin": lambda: x[0] * math.sin(x[1] * deg),
            "tan": lambda: x[0] * math.tan(x[1] * deg),
            "max": lambda: max(x[0], x[1]),
            "min": lambda: min(x[0], x[1]),
            "mod": lambda: math.sqrt(x[0] ** 2 + x[1] ** 2 + x[2] ** 2),
            "pin": lambda: min(max(x[1], x[0]), x[2]),
            "sqrt": lambda: math.sqrt(max(0.0, x[0])),
        }
        if op not in operations:
            raise Unreadable(f"formula {op}")
        return operations[op]()


def custom_paths(geometry, w: float, h: float) -> list[SubPath]:
    """Return the paths of an `a:custGeom` over a `w` x `h` box (points, y down)."""
    guides = Guides(w * EMU_PER_POINT, h * EMU_PER_POINT)
    guides.read(geometry.findall("a:avLst/a:gd", NS))
    guides.read(geometry.findall("a:gdLst/a:gd", NS))
    found = []
    for path in geometry.findall("a:pathLst/a:path", NS):
        pw, ph = _int(path.get("w")), _int(path.get("h"))
        sx = w / pw if pw else 1 / EMU_PER_POINT
        sy = h / ph if ph else 1 / EMU_PER_POINT

        def point(pt, sx=sx, sy=sy) -> tuple[float, float]:
            return guides.value(pt.get("x", "0")) * sx, guides.value(pt.get("y", "0")) * sy

        segments: list[Segment] = []
        x = y = 0.0
        for command in path:
            kind = _local(command)
            points = [point(pt) for pt in command.findall("a:pt", NS)]
            if kind == "moveTo" and points:
                x, y = points[0]
                segments.append(("M", x, y))
            elif kind == "lnTo" and points:
                x, y = points[0]
                segments.append(("L", x, y))
            elif kind == "cubicBezTo" and len(points) == 3:
                segments.append(("C", *points[0], *points[1], *points[2]))
                x, y = points[2]
            elif kind == "quadBezTo" and len(points) == 2:
                (qx, qy), (ex, ey) = points
                segments.append(
                    (
                        "C",
                        x + 2 / 3 * (qx - x),
                        y + 2 / 3 * (qy - y),
                        ex + 2 / 3 * (qx - ex),
                        ey + 2 / 3 * (qy - ey),
                        ex,
                        ey,
                    )
                )
                x, y = ex, ey
            elif kind == "arcTo":
                wr = guides.value(command.get("wR", "0")) * sx
                hr = guides.value(command.get("hR", "0")) * sy
                start = guides.value(command.get("stAng", "0")) / 60000
                sweep = guides.value(command.get("swAng", "0")) / 60000
                if not segments:
                    segments.append(("M", x, y))
                (x, y), arc = _arc(x, y, wr, hr, start, sweep)
                segments.extend(arc)
            elif kind == "close":
                segments.append(("Z",))
        if segments:
            found.append(
                SubPath(
                    segments,
                    fill=path.get("fill", "norm") != "none",
                    stroke=path.get("stroke", "1") not in ("0", "false"),
                )
            )
    return found


def _polygon(*points: tuple[float, float], closed: bool = True) -> list[Segment]:
    segments: list[Segment] = [("M", *points[0]), *(("L", *p) for p in points[1:])]
    return [*segments, ("Z",)] if closed else segments


def preset_paths(name: str, adjust: dict[str, float], w: float, h: float) -> list[SubPath]:
    """Return the paths of the preset geometry `name` (adjust values in 1/100000)."""
    ss = min(w, h)

    def adj(key: str, default: float) -> float:
        return adjust.get(key, default) / 100000

    if name in ("rect", "flowChartProcess"):
        return [SubPath(_polygon((0, 0), (w, 0), (w, h), (0, h)))]
    if name == "roundRect":
        r = ss * min(0.5, max(0.0, adj("adj", 16667)))
        k = r * (1 - 0.5523)
        return [
            SubPath(
                [
                    ("M", r, 0),
                    ("L", w - r, 0),
                    ("C", w - k, 0, w, k, w, r),
                    ("L", w, h - r),
                    ("C", w, h - k, w - k, h, w - r, h),
                    ("L", r, h),
                    ("C", k, h, 0, h - k, 0, h - r),
                    ("L", 0, r),
                    ("C", 0, k, k, 0, r, 0),
                    ("Z",),
                ]
            )
        ]
    if name in ("ellipse", "flowChartConnector"):
        _, arc = _arc(w, h / 2, w / 2, h / 2, 0, 360)
        return [SubPath([("M", w, h / 2), *arc, ("Z",)])]
    if name in ("line", "straightConnector1"):
        return [SubPath(_polygon((0, 0), (w, h), closed=False), fill=False)]
    if name == "bentConnector2":
        return [SubPath(_polygon((0, 0), (w, 0), (w, h), closed=False), fill=False)]
    if name == "bentConnector3":
        x1 = w * adj("adj1", 50000)
        return [SubPath(_polygon((0, 0), (x1, 0), (x1, h), (w, h), closed=False), fill=False)]
    if name in ("triangle", "flowChartExtract"):
        apex = w * (adj("adj", 50000) if name == "triangle" else 0.5)
        return [SubPath(_polygon((apex, 0), (w, h), (0, h)))]
    if name == "rtTriangle":
        return [SubPath(_polygon((0, 0), (w, h), (0, h)))]
    if name == "parallelogram":
        x = ss * min(w / ss if ss else 0, adj("adj", 25000))
        return [SubPath(_polygon((x, 0), (w, 0), (w - x, h), (0, h)))]
    if name == "trapezoid":
        x = ss * min(w / 2 / ss if ss else 0, adj("adj", 25000))
        return [SubPath(_polygon((x, 0), (w - x, 0), (w, h), (0, h)))]
    if name in ("chevron", "homePlate"):
        x = ss * min(w / ss if ss else 0, adj("adj", 50000))
        if name == "homePlate":
            return [SubPath(_polygon((0, 0), (w - x, 0), (w, h / 2), (w - x, h), (0, h)))]
        return [SubPath(_polygon((0, 0), (w - x, 0), (w, h / 2), (w - x, h), (0, h), (x, h / 2)))]
    if name == "flowChartDocument":  # a page with a wavy foot
        return [
            SubPath(
                [
                    ("M", 0, 0),
                    ("L", w, 0),
                    ("L", w, h * 17322 / 21600),
                    ("C", w / 2, h * 17322 / 21600, w / 2, h * 23922 / 21600, 0, h * 20172 / 21600),
                    ("Z",),
                ]
            )
        ]
    if name in ("diamond", "flowChartDecision"):
        return [SubPath(_polygon((w / 2, 0), (w, h / 2), (w / 2, h), (0, h / 2)))]
    raise Unreadable(f"preset geometry {name}")


def geometry_paths(sp, w: float, h: float) -> list[SubPath]:
    """Return the paths of a shape's geometry; raise `Unreadable` for one not drawn."""
    custom = sp.find("p:spPr/a:custGeom", NS)
    if custom is not None:
        return custom_paths(custom, w, h)
    preset = sp.find("p:spPr/a:prstGeom", NS)
    if preset is None:
        return preset_paths("rect", {}, w, h)
    adjust = {}
    for guide in preset.findall("a:avLst/a:gd", NS):
        formula = guide.get("fmla", "").split()
        if len(formula) == 2 and formula[0] == "val":
            adjust[guide.get("name", "")] = float(formula[1])
    return preset_paths(preset.get("prst", "rect"), adjust, w, h)


# Walking a shape tree ---------------------------------------------------------------------


@dataclass
class Item:
    """One thing to draw, in its own box (0..w, 0..h, y down) placed by `matrix` on the slide."""

    kind: str  # "path", "picture" or "text"
    name: str
    matrix: Matrix
    w: float
    h: float
    paths: list[SubPath] = field(default_factory=list)
    fill: Paint | None = None
    line: tuple[Paint, float, tuple] | None = None
    text: object = None  # the shape's p:txBody (for "text")
    reader: Reader | None = None


def _transform(properties, group: bool):
    """Return (x, y, w, h, rot, flipH, flipV, child offset/extent) of an `a:xfrm`."""
    xfrm = properties.find("a:xfrm", NS) if properties is not None else None
    if xfrm is None:
        return None
    off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
    if off is None or ext is None:
        return None
    values = (
        _emu(off.get("x")),
        _emu(off.get("y")),
        _emu(ext.get("cx")),
        _emu(ext.get("cy")),
        _int(xfrm.get("rot")) / 60000,
        xfrm.get("flipH") in ("1", "true"),
        xfrm.get("flipV") in ("1", "true"),
    )
    child = None
    if group:
        ch_off, ch_ext = xfrm.find("a:chOff", NS), xfrm.find("a:chExt", NS)
        if ch_off is not None and ch_ext is not None:
            child = (
                _emu(ch_off.get("x")),
                _emu(ch_off.get("y")),
                _emu(ch_ext.get("cx")),
                _emu(ch_ext.get("cy")),
            )
    return values, child


def _name(element) -> str:
    found = element.find("*/p:cNvPr", NS)
    return found.get("name", "") if found is not None else ""


def _hidden(element) -> bool:
    found = element.find("*/p:cNvPr", NS)
    return found is not None and found.get("hidden") in ("1", "true")


def has_text(sp) -> bool:
    """Return whether a shape's text body holds any visible text."""
    return any((t.text or "").strip() for t in sp.findall("p:txBody/a:p/a:r/a:t", NS))


def walk(tree, reader: Reader, matrix: Matrix, group: Paint | None = None) -> Iterator[Item | str]:
    """Yield what a shape tree (`p:spTree` or `p:grpSp`) draws, bottom first: `Item`s, and for
    each shape that cannot be drawn a string naming it."""
    for element in tree:
        kind = _local(element)
        if kind not in ("sp", "pic", "grpSp", "cxnSp", "graphicFrame", "AlternateContent"):
            continue
        name = _name(element)
        label = f" {name!r}" if name else ""
        if kind == "AlternateContent":
            fallback = element.find(
                "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
            )
            if fallback is not None:
                yield from walk(fallback, reader, matrix, group)
            continue
        if element.find("*/p:nvPr/p:ph", NS) is not None or _hidden(element):
            continue  # placeholders hold the slide's own content; hidden shapes show nothing
        if kind == "graphicFrame":
            yield f"graphic frame{label} (a table, chart or embedded object)"
            continue
        properties = element.find("p:grpSpPr" if kind == "grpSp" else "p:spPr", NS)
        placed_at = _transform(properties, kind == "grpSp")
        if placed_at is None:
            continue
        (x, y, w, h, rot, flip_h, flip_v), child = placed_at
        own = multiply(matrix, placed(x, y, w, h, rot, flip_h, flip_v))
        if kind == "grpSp":
            inner = own
            if child is not None:
                cx, cy, cw, ch = child
                scale = (w / cw if cw else 1.0, 0.0, 0.0, h / ch if ch else 1.0, 0.0, 0.0)
                inner = multiply(own, multiply(scale, (1.0, 0.0, 0.0, 1.0, -cx, -cy)))
            fill = None
            for part in properties if properties is not None else ():
                if _local(part) in ("solidFill", "gradFill", "pattFill", "noFill"):
                    fill = reader.fill(part, group=group)
            yield from walk(element, reader, inner, fill or group)
            continue
        try:
            if kind == "pic":
                blip = element.find("p:blipFill", NS)
                if blip is None:
                    continue
                paint = reader.picture(blip)
                paths = geometry_paths(element, w, h)
                yield Item("path", name, own, w, h, paths, paint, reader.shape_line(element))
                continue
            paths = geometry_paths(element, w, h)
            fill = reader.shape_fill(element, group)
            line = reader.shape_line(element)
        except (ValueError, ArithmeticError, IndexError, KeyError, TypeError) as exc:
            # Unreadable, or numbers that do not add up (a guide dividing by zero...)
            what = str(exc) if isinstance(exc, Unreadable) else "geometry that cannot be read"
            if what.startswith("image/") or what == "linked":
                yield f"picture{label} ({what})"
            else:
                yield f"shape{label} ({what})"
            continue
        if (fill is not None or line is not None) and (w > 0 or h > 0):
            yield Item("path", name, own, w, h, paths, fill, line)
        if kind == "sp" and has_text(element):
            yield Item("text", name, own, w, h, text=element.find("p:txBody", NS), reader=reader)
