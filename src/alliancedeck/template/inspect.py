"""Reading a template with python-pptx: its layouts' placeholders, geometry, fonts and colours."""

from __future__ import annotations

from dataclasses import dataclass, field

from alliancedeck.template.package import R_NS, TemplatePackage, _xml_parser
from alliancedeck.units import EMU_PER_POINT

#: Placeholder types that carry the slide's furniture rather than its content.
FURNITURE = frozenset({"dt", "ftr", "sldNum", "hdr"})
#: Placeholder types that hold a slide's title.
TITLES = frozenset({"title", "ctrTitle"})
#: Placeholder types that hold content (text, tables, charts, objects).
CONTENT = frozenset({"obj", "body", "tbl", "chart", "dgm", "media", "clipArt"})
#: The colour scheme's slots, in the order PowerPoint shows them.
COLOUR_SLOTS = (
    "dk1",
    "lt1",
    "dk2",
    "lt2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
)
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in points from the top left corner."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def area(self) -> float:
        return self.width * self.height

    def __str__(self) -> str:
        return f"at {self.left:.1f}, {self.top:.1f} pt, {self.width:.1f} x {self.height:.1f} pt"


@dataclass(frozen=True)
class Artwork:
    """A picture or simple shape a master or layout draws on every slide (a logo, a band)."""

    kind: str  # "background", "picture" or "shape" (else "other": only its box is known)
    box: Box
    name: str = ""
    image: bytes = b""
    image_type: str = ""  # the picture's content type (image/png, image/x-emf...)
    fill: str = ""  # a shape's solid fill, #RRGGBB ("" when none or not simple)


@dataclass(frozen=True)
class PlaceholderInfo:
    """One placeholder of a layout: its type (`ph@type`, `obj` when absent), index and box."""

    kind: str
    idx: int
    name: str
    box: Box | None
    vertical: bool = False


@dataclass(frozen=True)
class LayoutInfo:
    """One slide layout: its name, which master (0-based) and position it has, its placeholders."""

    name: str
    master: int
    index: int
    placeholders: tuple[PlaceholderInfo, ...]
    shows_master: bool = True  # false: the master's own artwork is hidden on this layout
    artwork: tuple[Artwork, ...] = ()  # the layout's own pictures and shapes
    title_colour: str = ""  # #RRGGBB its titles are set in, when the template says
    body_colour: str = ""  # #RRGGBB its body text is set in, when the template says

    def of(self, *kinds: str) -> list[PlaceholderInfo]:
        """Return the placeholders whose type is one of `kinds`."""
        return [p for p in self.placeholders if p.kind in kinds]

    @property
    def furniture(self) -> list[PlaceholderInfo]:
        return [p for p in self.placeholders if p.kind in FURNITURE]


@dataclass(frozen=True)
class ThemeInfo:
    """A master's theme: major (headings) and minor (body) fonts by script, and colour scheme."""

    name: str = ""
    major_font: str = ""
    minor_font: str = ""
    major_east_asian: str = ""
    minor_east_asian: str = ""
    major_japanese: str = ""
    minor_japanese: str = ""
    colours: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TextStyles:
    """A master's text sizes (points) and typefaces for titles and body levels 1 to 9.

    `source` says where they come from: "styles" (the master's `p:txStyles`, as PowerPoint
    writes them) or "sample text" (the master placeholders' own runs, as LibreOffice writes
    them); "" when neither says.
    """

    title_size: float | None = None
    title_typeface: str = ""
    body_sizes: tuple[float | None, ...] = ()
    body_typeface: str = ""
    source: str = ""


@dataclass(frozen=True)
class TemplateInfo:
    """What a template holds, as the role mapping and `template check` need it."""

    name: str
    slide_width: float
    slide_height: float
    layouts: tuple[LayoutInfo, ...]
    themes: tuple[ThemeInfo, ...]
    primary_master: int
    sample_slides: int
    text_styles: tuple[TextStyles, ...] = ()
    #: Each master's colour map: colour role (tx1, bg1, accent1...) -> scheme slot (dk1...).
    colour_maps: tuple[dict[str, str], ...] = ()
    #: Each master's own pictures and shapes, drawn under every slide of its layouts.
    master_artwork: tuple[tuple[Artwork, ...], ...] = ()
    #: The (master, layout) each sample slide uses, in order: what the author meant each for.
    sample_layouts: tuple[tuple[int, int], ...] = ()

    @property
    def theme(self) -> ThemeInfo:
        """Return the theme of the master the deck builds on."""
        return self.themes[self.primary_master] if self.themes else ThemeInfo()


def _points(value: int | None) -> float | None:
    return None if value is None else value / EMU_PER_POINT


def _box(shape) -> Box | None:
    values = [_points(v) for v in (shape.left, shape.top, shape.width, shape.height)]
    if any(v is None for v in values):
        return None
    left, top, width, height = values
    return Box(left, top, width, height)


def _placeholder(shape) -> PlaceholderInfo:
    ph = shape._element.ph
    kind = ph.get("type", "obj")
    vertical = ph.get("orient") == "vert"
    return PlaceholderInfo(kind, int(ph.get("idx", "0")), shape.name, _box(shape), vertical)


def read_theme(blob: bytes) -> ThemeInfo:
    """Return the fonts and colours a theme part (`a:theme` XML) names."""
    from lxml import etree

    root = etree.fromstring(blob, _xml_parser())
    ns = {"a": _A}

    def typeface(path: str) -> str:
        found = root.find(path, ns)
        return "" if found is None else found.get("typeface", "")

    colours: dict[str, str] = {}
    scheme = root.find("a:themeElements/a:clrScheme", ns)
    if scheme is not None:
        for slot in COLOUR_SLOTS:
            colour = scheme.find(f"a:{slot}/*", ns)
            if colour is None:
                continue
            value = colour.get("val") if etree.QName(colour).localname == "srgbClr" else None
            value = value or colour.get("lastClr") or colour.get("val", "")
            colours[slot] = f"#{value.upper()}" if len(value) == 6 else value
    fonts = "a:themeElements/a:fontScheme"
    return ThemeInfo(
        name=root.get("name", ""),
        major_font=typeface(f"{fonts}/a:majorFont/a:latin"),
        minor_font=typeface(f"{fonts}/a:minorFont/a:latin"),
        major_east_asian=typeface(f"{fonts}/a:majorFont/a:ea"),
        minor_east_asian=typeface(f"{fonts}/a:minorFont/a:ea"),
        major_japanese=typeface(f"{fonts}/a:majorFont/a:font[@script='Jpan']"),
        minor_japanese=typeface(f"{fonts}/a:minorFont/a:font[@script='Jpan']"),
        colours=colours,
    )


def _size(element) -> float | None:
    value = None if element is None else element.get("sz")
    return int(value) / 100 if value and value.isdigit() else None


def _typeface(element) -> str:
    latin = None if element is None else element.find(f"{{{_A}}}latin")
    return "" if latin is None else latin.get("typeface", "")


def read_text_styles(master) -> TextStyles:
    """Return the title and body text sizes a slide master (a python-pptx one) sets."""
    ns = {"a": _A, "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
    root = master._element
    styles = root.find("p:txStyles", ns)
    if styles is not None:
        title = styles.find("p:titleStyle/a:lvl1pPr/a:defRPr", ns)
        body = [styles.find(f"p:bodyStyle/a:lvl{n}pPr/a:defRPr", ns) for n in range(1, 10)]
        sizes = tuple(_size(level) for level in body)
        if _size(title) is not None or any(sizes):
            return TextStyles(_size(title), _typeface(title), sizes, _typeface(body[0]), "styles")
    # No styles: LibreOffice sets the look on the master placeholders' sample paragraphs.
    found: dict[str, list] = {"title": [], "body": []}
    for shape in master.placeholders:
        kind = shape._element.ph.get("type", "obj")
        group = "title" if kind in TITLES else "body" if kind in CONTENT else None
        if group and not found[group]:
            found[group] = [None] * 9
            for paragraph in shape._element.findall("p:txBody/a:p", ns):
                level = paragraph.find("a:pPr", ns)
                raw = "0" if level is None else level.get("lvl", "0")
                index = int(raw) if raw.isdigit() else 0
                run = paragraph.find("a:r/a:rPr", ns)
                run = run if run is not None else paragraph.find("a:endParaRPr", ns)
                if 0 <= index < 9 and found[group][index] is None:
                    found[group][index] = run
    title = found["title"][0] if found["title"] else None
    sizes = tuple(_size(run) for run in found["body"])
    if _size(title) is None and not any(sizes):
        return TextStyles()
    body_face = _typeface(found["body"][0]) if found["body"] else ""
    return TextStyles(_size(title), _typeface(title), sizes, body_face, "sample text")


def inspect_template(package: TemplatePackage) -> TemplateInfo:
    """Return what the checked template `package` holds; raise a `ContentError` if unreadable."""
    from lxml import etree

    from alliancedeck.errors import ContentError
    from alliancedeck.template.package import template_prefix

    try:
        return _inspect(package)
    except (KeyError, ValueError, IndexError, TypeError, AttributeError, etree.LxmlError) as exc:
        # A package whose parts are well-formed but do not hang together (a layout without its
        # master, a number that is not one): python-pptx fails on it in its own ways.
        raise ContentError.at(
            package.location,
            template_prefix(package.name, package.location)
            + f"cannot be read as a presentation ({type(exc).__name__}: {str(exc)[:120]}); "
            "save it again from PowerPoint",
        ) from None


def _inspect(package: TemplatePackage) -> TemplateInfo:
    """Return what `package` holds (opens it with python-pptx)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    prs = package.open()
    size = Box(0.0, 0.0, prs.slide_width / EMU_PER_POINT, prs.slide_height / EMU_PER_POINT)
    masters = list(prs.slide_masters)
    layouts: list[LayoutInfo] = []
    themes: list[ThemeInfo] = []
    text_styles = tuple(read_text_styles(master) for master in masters)
    colour_maps = tuple(_colour_map(master) for master in masters)
    for m, master in enumerate(masters):
        try:
            themes.append(read_theme(master.part.part_related_by(RT.THEME).blob))
        except KeyError:
            themes.append(ThemeInfo())
        for i, layout in enumerate(master.slide_layouts):
            holders = tuple(_placeholder(shape) for shape in layout.placeholders)
            shows = layout._element.get("showMasterSp", "1") not in ("0", "false")
            art = _artwork(layout, themes[-1], colour_maps[m], size)
            colour = _title_colour(layout, master, themes[-1], colour_maps[m])
            body = _text_colour(layout, master, themes[-1], colour_maps[m], BODY_TEXT, "body")
            layouts.append(LayoutInfo(layout.name, m, i, holders, shows, art, colour, body))
    slides = list(prs.slides)
    sample_layouts = []
    for slide in slides:
        layout = slide.slide_layout
        m = next((m for m, master in enumerate(masters) if master == layout.slide_master), 0)
        index = next((i for i, own in enumerate(masters[m].slide_layouts) if own == layout), 0)
        sample_layouts.append((m, index))
    primary = 0
    if slides:  # the sample slides show which master the template's author meant
        first_master = slides[0].slide_layout.slide_master
        primary = next((m for m, master in enumerate(masters) if master == first_master), 0)
    return TemplateInfo(
        name=package.name,
        slide_width=prs.slide_width / EMU_PER_POINT,
        slide_height=prs.slide_height / EMU_PER_POINT,
        layouts=tuple(layouts),
        themes=tuple(themes),
        primary_master=primary,
        sample_slides=len(slides),
        text_styles=text_styles,
        colour_maps=colour_maps,
        sample_layouts=tuple(sample_layouts),
        master_artwork=tuple(
            _artwork(master, themes[m], colour_maps[m], size) for m, master in enumerate(masters)
        ),
    )


def _artwork(
    owner, theme: ThemeInfo, colour_map: dict[str, str], slide: Box
) -> tuple[Artwork, ...]:
    """Return the background, pictures and shapes (not placeholders) of a master or layout."""
    found = []
    background = _background(owner, theme, colour_map, slide)
    if background is not None:
        found.append(background)
    for shape in owner.shapes:
        if shape.is_placeholder:
            continue
        box = _box(shape)
        if box is None or box.width <= 0 or box.height <= 0:
            continue
        tag = shape._element.tag.rsplit("}", 1)[-1]
        if tag == "pic":
            try:  # the type the package declares (python-pptx's own guess reads the bytes)
                image = shape.part.related_part(shape._element.blip_rId)
                blob, image_type = image.blob, image.content_type
            except (KeyError, AttributeError, ValueError):  # a linked or missing picture
                blob, image_type = b"", ""
            found.append(Artwork("picture", box, shape.name, blob, image_type))
        elif tag == "sp":
            fill = _solid_fill(shape._element, theme, colour_map)
            found.append(Artwork("shape", box, shape.name, fill=fill))
        else:
            found.append(Artwork("other", box, shape.name))
    return tuple(found)


def _background(owner, theme: ThemeInfo, colour_map: dict[str, str], slide: Box):
    """Return the background a master or layout sets (`p:bg`), as artwork over the slide."""
    ns = {"a": _A, "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
    element = owner._element.find("p:cSld/p:bg", ns)
    if element is None:
        return None
    blip = element.find("p:bgPr/a:blipFill/a:blip", ns)
    if blip is not None:
        rid = blip.get(f"{{{R_NS}}}embed", "")
        try:
            part = owner.part.related_part(rid)
        except KeyError:
            return Artwork("background", slide, "Background")
        return Artwork("background", slide, "Background", part.blob, part.content_type)
    colour = None
    for path in (
        "p:bgPr/a:solidFill/*",
        "p:bgPr/a:pattFill/a:bgClr/*",
        "p:bgPr/a:gradFill/a:gsLst/a:gs/*",
        "p:bgRef/*",
    ):
        colour = element.find(path, ns)
        if colour is not None:
            break
    fill = "" if colour is None else _colour_value(colour, theme, colour_map)
    return Artwork("background", slide, "Background", fill=fill)


#: The placeholder types whose text says what colour a layout's body text is set in.
BODY_TEXT = frozenset({"subTitle", "body", "obj"})


def _title_colour(layout, master, theme: ThemeInfo, colour_map: dict[str, str]) -> str:
    """Return the colour a layout's titles are set in: its title placeholder's, its master's,
    or the master's title style's (the first that names one); "" when none does."""
    return _text_colour(layout, master, theme, colour_map, TITLES, "title")


def _text_colour(layout, master, theme: ThemeInfo, colour_map, kinds, style: str) -> str:
    """Return the colour a layout's text of placeholders of `kinds` is set in: its own such
    placeholder's, its master's, or the master's `style` text style's (the first that names
    one); "" when none does."""
    ns = {"a": _A, "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
    places = []
    for owner in (layout, master):
        for shape in owner.placeholders:
            if shape._element.ph.get("type", "obj") in kinds:
                # A run's colour or the list style's (an empty paragraph's end mark says
                # nothing: LibreOffice writes stale ones on layouts).
                text = shape._element.find("p:txBody", ns)
                if text is not None:
                    places += text.findall("a:lstStyle//a:defRPr/a:solidFill", ns)[:1]
                    places += text.findall("a:p/a:r/a:rPr/a:solidFill", ns)[:1]
                break
    places += master._element.findall(f"p:txStyles/p:{style}Style/a:lvl1pPr//a:solidFill", ns)[:1]
    for fill in places:
        colour = fill[0] if len(fill) else None
        if colour is None:
            continue
        value = _colour_value(colour, theme, colour_map)
        if value:
            return value
    return ""


def _colour_value(colour, theme: ThemeInfo, colour_map: dict[str, str]) -> str:
    """Return the `#RRGGBB` of a plain `a:srgbClr` or `a:schemeClr` (tints ignored)."""
    kind = colour.tag.rsplit("}", 1)[-1]
    if kind == "srgbClr":
        value = colour.get("val", "")
        return f"#{value.upper()}" if len(value) == 6 else ""
    if kind == "schemeClr":
        slot = colour_map.get(colour.get("val", ""), colour.get("val", ""))
        return theme.colours.get(slot, "")
    return ""


def _solid_fill(element, theme: ThemeInfo, colour_map: dict[str, str]) -> str:
    """Return the `#RRGGBB` solid fill of a plain rectangle shape, or "" if it is not one."""
    ns = {"a": _A, "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
    geometry = element.find("p:spPr/a:prstGeom", ns)
    if geometry is None or geometry.get("prst") != "rect":
        return ""
    # A solid fill; a pattern's background or a gradient's first stop stands for the others
    # (the deck PDF draws the band, not its texture).
    colour = element.find("p:spPr/a:solidFill/*", ns)
    if colour is None:
        colour = element.find("p:spPr/a:pattFill/a:bgClr/*", ns)
    if colour is None:
        colour = element.find("p:spPr/a:gradFill/a:gsLst/a:gs/*", ns)
    if colour is None or len(colour):  # none, or tinted/shaded: not simple
        return ""
    return _colour_value(colour, theme, colour_map)


#: The colour map PowerPoint assumes when a master has none (light background, dark text).
DEFAULT_COLOUR_MAP = {
    "bg1": "lt1",
    "tx1": "dk1",
    "bg2": "lt2",
    "tx2": "dk2",
    **{f"accent{n}": f"accent{n}" for n in range(1, 7)},
    "hlink": "hlink",
    "folHlink": "folHlink",
}


def _colour_map(master) -> dict[str, str]:
    """Return the colour map (`p:clrMap`) of a python-pptx slide master."""
    found = master._element.find(
        "{http://schemas.openxmlformats.org/presentationml/2006/main}clrMap"
    )
    mapping = dict(DEFAULT_COLOUR_MAP)
    if found is not None:
        mapping.update({key: value for key, value in found.attrib.items() if key in mapping})
    return mapping
