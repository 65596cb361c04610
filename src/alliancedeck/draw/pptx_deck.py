"""Draw a laid-out deck as a .pptx: every box where the layout put it; nothing decided.

python-pptx supplies what it is good at: native charts with their workbooks, and the start of a
deck on an organisation template. The slides themselves are written here, each as one XML
string stored as a plain part: python-pptx builds slides shape by shape through lxml and scans
the whole deck for each new slide, which made decks of hundreds of slides slow. The package is
then zipped here in one pass with fixed dates. A deck with neither a chart nor a template does
not import python-pptx at all (its import was most of a small build's start-up):
`alliancedeck.draw.pptx_package` writes the same package, byte for byte, from python-pptx's
default template.

Private python-pptx internals used (python-pptx is pinned to 1.x in pyproject.toml; checked
against 1.0.2): `_Relationships._add_relationship` (to relate a new slide without a scan of
every existing relationship), `OpcPackage._rels` (the package's relationships, for
`_rels/.rels`), `pptx.opc.serialized._ContentTypesItem` (for `[Content_Types].xml`) and the
`_element` of the presentation part, the chart and the core properties (their XML).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import pickle
import re
from typing import TYPE_CHECKING

from alliancedeck.compose.boxes import (
    Box,
    ChartBox,
    ComposedDeck,
    Font,
    Group,
    Paragraph,
    PictureBox,
    Rect,
    Slide,
    TableBox,
    TextBox,
)
from alliancedeck.compose.text import written_lines
from alliancedeck.design import hex_to_rgb
from alliancedeck.draw.package import Packed, stampable, write_zip
from alliancedeck.draw.pptx_package import CT, PICTURE_TYPES, RT, DeckPackage, relationships_xml
from alliancedeck.fonts import japanese_language, script_runs
from alliancedeck.markup import Run, joined
from alliancedeck.units import emu

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pptx.opc.package import OpcPackage, Part
    from pptx.parts.chart import ChartPart

    from alliancedeck.document import ChartInfo, Document
    from alliancedeck.template import OrgTemplate

TITLE_ONLY_LAYOUT = 5  # in python-pptx's default template
FIRST_SLIDE_ID = 256  # the smallest id PresentationML allows in p:sldIdLst


def draw_deck(
    deck: ComposedDeck,
    doc: Document,
    build_time: int,
    template: OrgTemplate | None = None,
    *,
    consume: bool = False,
) -> bytes:
    """Return the .pptx bytes of `deck`, with `doc`'s metadata, dated `build_time`.

    With `template`, the deck is built on the organisation's template (see `_TemplateHook`).
    A deck with neither a chart nor a template is packaged without python-pptx (see
    `alliancedeck.draw.pptx_package`), in the same bytes. With `consume` (nothing uses `deck`
    afterwards), each slide is emptied of its boxes once written, so that the package's parts
    take the memory the layout held.
    """
    hook = _TemplateHook(template)
    if _needs_python_pptx(deck, template):
        parts: DeckPackage | _PythonPptxPackage = _PythonPptxPackage(hook, deck, template)
    else:
        parts = DeckPackage(emu(deck.width), emu(deck.height))
    writer = _SlideWriter(parts, deck.language, hook)
    for geometry in deck.slides:
        writer.add_slide(geometry)
        if consume:
            geometry.boxes = []
    _set_properties(parts, doc, build_time)
    try:
        return write_zip(parts.members(), build_time)
    finally:
        parts.close()


def _needs_python_pptx(deck: ComposedDeck, template: OrgTemplate | None) -> bool:
    """Whether `deck` is built on python-pptx: for a native chart or an organisation template."""
    if template is not None:
        return True
    return any(isinstance(box, ChartBox) for slide in deck.slides for box in slide.boxes)


class _PythonPptxPackage:
    """The deck's package on python-pptx: its default template or an organisation's, charts.

    The same calls as `DeckPackage`, which writes the package of other decks without it.
    """

    def __init__(
        self, hook: _TemplateHook, deck: ComposedDeck, template: OrgTemplate | None
    ) -> None:
        from pptx import Presentation
        from pptx.util import Emu

        presentation = hook.presentation() or Presentation()
        if template is None:
            presentation.slide_width = Emu(emu(deck.width))
            presentation.slide_height = Emu(emu(deck.height))
        self.presentation = presentation
        self.package = presentation.part.package
        _fast_partnames(self.package)
        self._part = presentation.part
        self.layout = presentation.slide_layouts[TITLE_ONLY_LAYOUT].part
        self._slide_ids = self._part._element.get_or_add_sldIdLst()

    def new_part(self, partname: str, content_type: str, blob: bytes = b"") -> Part:
        from pptx.opc.package import Part
        from pptx.opc.packuri import PackURI

        return Part(PackURI(partname), content_type, self.package, blob)

    def image_part(self, partname: str, content_type: str, blob: bytes) -> Part:
        from pptx.opc.packuri import PackURI
        from pptx.parts.image import ImagePart

        name = PackURI(partname)
        return ImagePart(name, content_type, self.package, blob, f"image.{name.ext}")

    def add_slide(self, slide: Part, slide_id: int) -> None:
        from lxml import etree
        from pptx.oxml.ns import qn

        # A new slide cannot match an existing relationship, so skip python-pptx's search of
        # every relationship of the presentation (private API, see the module docstring).
        rid = self._part.rels._add_relationship(RT.SLIDE, slide)
        etree.SubElement(self._slide_ids, qn("p:sldId"), {"id": str(slide_id), qn("r:id"): rid})

    def notes_master(self) -> Part:
        return self._part.notes_master_part

    def set_core_properties(self, values: dict[str, str], moment: dt.datetime) -> None:
        properties = self.presentation.core_properties
        for name, value in values.items():
            properties._element._get_or_add(name.partition(":")[2]).text = value
        properties.revision = 1
        properties.created = moment
        properties.modified = moment
        properties.last_printed = moment

    def members(self) -> Iterator[tuple[str, bytes]]:
        return _package_members(self.package)

    def close(self) -> None:
        """Nothing to let go of by hand: python-pptx's parts and package refer to one another,
        and only the cycle collector frees them (see `parallel.cycle_free`)."""


def _package_members(package: OpcPackage) -> Iterator[tuple[str, bytes]]:
    """Yield (zip name, bytes) of every item of `package`, in python-pptx's own save order.

    Content types first, then the package relationships, then each part followed by its
    relationships: the order `presentation.save` writes, one part serialised at a time.
    """
    from pptx.opc.oxml import serialize_part_xml
    from pptx.opc.serialized import _ContentTypesItem

    parts = tuple(package.iter_parts())
    yield "[Content_Types].xml", serialize_part_xml(_ContentTypesItem.xml_for(parts))
    yield "_rels/.rels", relationships_xml(package._rels)  # private: no public accessor
    for part in parts:
        yield part.partname.membername, part.blob
        if part.rels:
            yield part.partname.rels_uri.membername, relationships_xml(part.rels)


def _fast_partnames(package: OpcPackage) -> None:
    """Give `package` a next-partname lookup that does not rescan every part each time.

    python-pptx walks the whole package for each new chart and its workbook, which makes a deck
    of hundreds of charts quadratic. The names it hands out are remembered instead.
    """
    from pptx.opc.packuri import PackURI

    taken: dict[str, set[str]] = {}

    def next_partname(tmpl: str) -> PackURI:
        prefix = tmpl[: (tmpl % 42).find("42")]
        if prefix not in taken:
            taken[prefix] = {
                str(p.partname) for p in package.iter_parts() if str(p.partname).startswith(prefix)
            }
        names = taken[prefix]
        number = len(names) + 1
        while tmpl % number in names:
            number += 1
        names.add(tmpl % number)
        return PackURI(tmpl % number)

    package.next_partname = next_partname  # type: ignore[method-assign]


class _SlideWriter:
    """Add slides (and their notes pages) to a package as ready-made XML parts.

    Each slide is numbered, named and related here by counting, so adding one costs the same
    whatever the size of the deck.
    """

    def __init__(
        self, parts: DeckPackage | _PythonPptxPackage, language: str, hook: _TemplateHook
    ) -> None:
        from alliancedeck import session

        self._hook = hook
        self._parts = parts
        # Outside a watch session (which keeps each slide's XML) the slides of the package
        # alliancedeck writes itself wait deflated until the zip is written (`Packed`).
        self._packed = isinstance(parts, DeckPackage) and not session.active()
        self._language = language
        self._slides = 0
        self._notes = 0
        self._images: dict[str, Part] = {}  # by SHA-1: one part per distinct image

    def add_slide(self, geometry: Slide) -> None:
        """Append the slide `geometry` (and its notes page, if it has notes)."""
        self._slides += 1
        part = self._parts.new_part(f"/ppt/slides/slide{self._slides}.xml", CT.SLIDE)
        layout, title_type = self._hook.layout(geometry.kind) or (self._parts.layout, "title")
        part.relate_to(layout, RT.SLIDE_LAYOUT)
        xml = self._hook.slide_xml(self._kept_slide_xml(geometry, part, title_type), geometry.kind)
        part.blob = Packed(xml.encode()) if self._packed else xml.encode()
        self._parts.add_slide(part, FIRST_SLIDE_ID + self._slides - 1)
        if geometry.notes:
            self._add_notes(part, geometry.notes)

    def _kept_slide_xml(self, geometry: Slide, part: Part, title_type: str) -> str:
        """Return `_slide_xml`, kept between the rebuilds of a watch session (see
        `alliancedeck.session.kept`) when it relates no other part to the slide."""
        from alliancedeck.session import boxes_digest, kept

        related = len(part.rels)
        return kept(
            "slide-xml",
            lambda: (
                # The deck PDF's pages take the same digests (see draw/pdf_replay.py).
                boxes_digest("deck", geometry.boxes),
                pickle.dumps(
                    (_slide_fields(geometry), self._language, title_type), pickle.HIGHEST_PROTOCOL
                ),
            ),
            lambda: self._slide_xml(geometry, part, title_type),
            keep=lambda _xml: len(part.rels) == related,
        )

    def _slide_xml(self, geometry: Slide, part: Part, title_type: str = "title") -> str:
        """Return the slide's XML: the title placeholder first, then every box in order.

        The shape tree's order is the order a screen reader reads (and PowerPoint's Reading
        Order pane shows): the layout's box order, which is content order with the footers and
        banners last; the title goes first whatever its place among the boxes. Consecutive
        boxes of one `Group` (a figure card) become one group shape.
        """
        title = geometry.title_box
        self._hook.start_slide(geometry)
        shapes = [_title_xml(title, self._language, part, title_type)]
        ids = itertools.count(3)  # 1 is the shape tree itself, 2 the title
        rest = (box for box in geometry.boxes if box is not title)
        for group, run in itertools.groupby(rest, key=_group_of):
            boxes = list(run)
            if group is None:
                shapes.extend(self._box_xml(box, next(ids), part) for box in boxes)
            else:
                group_id = next(ids)
                members = [self._box_xml(box, next(ids), part) for box in boxes]
                shapes.append(_group_xml(group, members, boxes, group_id))
        return f"{_DECLARATION}<p:sld {_NAMESPACES}>{_tree_xml(''.join(shapes))}{_CLR_MAP}</p:sld>"

    def _box_xml(self, box: Box, shape_id: int, part: Part) -> str:
        """Return the shape of `box` on the slide `part`, relating its chart or picture."""
        if isinstance(box, TextBox | Rect):
            slot = self._hook.body_slot(box)
            if slot is not None:
                return _placeholder_xml(box, shape_id, self._language, part, slot)
            return _shape_xml(box, shape_id, self._language, part)
        if isinstance(box, TableBox):
            return _table_xml(box, shape_id, self._language, part)
        if isinstance(box, ChartBox):
            rid = part.relate_to(_chart_part(self._parts.package, box), RT.CHART)
            return _chart_frame_xml(box, shape_id, rid)
        rid = part.relate_to(self._image_part(box), RT.IMAGE)
        return _picture_xml(box, shape_id, rid)

    def _image_part(self, box: PictureBox) -> Part:
        """Return the image part of `box`'s picture, shared by every slide that shows it.

        The picture is the PNG or JPEG the products embed (an SVG as a PNG drawn at the box's
        size), as its bytes: nothing decodes it again here.
        """
        image = box.image
        if image.format == "svg":
            from alliancedeck.draw.images import svg_bitmap

            blob, picture_format = (
                svg_bitmap(image.path, image.location, box.w, box.h, box.font),
                "png",
            )
        else:
            from alliancedeck.pictures import raster_for_products

            raster = raster_for_products(image.path, image.location)
            blob, picture_format = raster.data, raster.format
        sha1 = hashlib.sha1(blob).hexdigest()
        part = self._images.get(sha1)
        if part is None:
            extension, content_type = PICTURE_TYPES[picture_format]
            number = len(self._images) + 1
            while not self._hook.claim_media(f"/ppt/media/image{number}.{extension}"):
                number += 1  # a template's own pictures keep their names
            partname = f"/ppt/media/image{number}.{extension}"
            part = self._parts.image_part(partname, content_type, blob)
            self._images[sha1] = part
        return part

    def _add_notes(self, slide: Part, notes: str) -> None:
        """Add a notes page showing `notes`, related to `slide` and the notes master both ways.

        The notes master (and its theme) is made once, when the first notes page needs it.
        """
        self._notes += 1
        partname = f"/ppt/notesSlides/notesSlide{self._notes}.xml"
        xml = _notes_xml(notes).encode()
        part = self._parts.new_part(partname, CT.NOTES_SLIDE, Packed(xml) if self._packed else xml)
        part.relate_to(self._parts.notes_master(), RT.NOTES_MASTER)
        part.relate_to(slide, RT.SLIDE)
        slide.relate_to(part, RT.NOTES_SLIDE)


# --- organisation template hook -------------------------------------------------------------


class _TemplateHook:
    """The deck's start on an organisation template (all of it in `alliancedeck.template.deck`);
    without one it changes nothing, and python-pptx's default template is used."""

    def __init__(self, template: OrgTemplate | None) -> None:
        self._template = template
        self._layouts = None
        self._media: set[str] = set()
        self._free: list[tuple[str, int, str]] = []  # the slide's unused body placeholders
        self._titles: list[str] = []  # the deck's slide titles, as they are written

    def presentation(self):
        """Return the template's presentation (its sample slides gone), or None without one."""
        if self._template is None:
            return None
        from alliancedeck.template.deck import start_on_template

        presentation, self._layouts = start_on_template(self._template, self._titles)
        package = presentation.part.package
        self._media = {str(p.partname) for p in package.iter_parts()}
        return presentation

    def layout(self, kind: str):
        """Return the layout part and title placeholder type for a slide of `kind`, or None."""
        return None if self._layouts is None else self._layouts(kind)

    def slide_xml(self, xml: str, kind: str) -> str:
        """Return a slide's `xml` with our footer in the template's footer placeholders."""
        if self._template is None:
            return xml
        from alliancedeck.template.deck import with_slots

        return with_slots(self._template, xml, kind)

    def start_slide(self, geometry: Slide) -> None:
        """Begin the slide `geometry`: its layout's body placeholders are all free again, and
        its title is one of the deck's in docProps/app.xml."""
        if self._template is None:
            return
        from alliancedeck.template.deck import body_slots

        self._free = body_slots(self._template, geometry.kind)
        self._titles.append(geometry.title)

    def body_slot(self, box: TextBox | Rect) -> tuple[str, int, str] | None:
        """Return the body placeholder (type, idx, kinds it takes) `box` is written into, or
        None: our own shape (no template, not a body text, or no placeholder left for it)."""
        if self._template is None or not isinstance(box, TextBox) or box.group is not None:
            return None
        from alliancedeck.template.deck import takes_body

        for index, slot in enumerate(self._free):
            if takes_body(slot, box):
                del self._free[index]  # each idx at most once per slide
                return slot
        return None

    def claim_media(self, partname: str) -> bool:
        """Take `partname` for a new picture; return False if the template has it (or it is
        taken already)."""
        if partname in self._media:
            return False
        self._media.add(partname)
        return True


# --- XML text -------------------------------------------------------------------------------

_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_NAMESPACES = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_CLR_MAP = "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr>"
_ANCHOR_CODES = {"top": "t", "middle": "ctr", "bottom": "b"}
_ALIGN_CODES = {"left": "l", "center": "ctr", "right": "r"}


_TEXT_SPECIALS = re.compile("[&<>\r]")
_ATTRIBUTE_SPECIALS = re.compile('[&<>\r"\n\t]')


def _text(value: str) -> str:
    """Return `value` escaped for XML character data (as lxml writes it)."""
    if _TEXT_SPECIALS.search(value) is None:  # the usual case: one scan, no copies
        return value
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attr(value: str) -> str:
    """Return `value` escaped for a double-quoted XML attribute (as lxml writes it)."""
    if _ATTRIBUTE_SPECIALS.search(value) is None:
        return value
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _tree_xml(shapes: str, group_properties: str = "<p:grpSpPr/>") -> str:
    """Return a `p:cSld` whose shape tree holds the XML `shapes`."""
    return (
        '<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/>'
        f"</p:nvGrpSpPr>{group_properties}{shapes}</p:spTree></p:cSld>"
    )


#: Office 2019's mark for a decorative shape (PowerPoint's "Mark as decorative"): screen
#: readers skip it. An extension in `a:extLst`, which every OOXML reader may ignore.
_DECORATIVE = (
    '<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" '
    'val="1"/></a:ext></a:extLst>'
)


def _names_xml(shape_id: int, name: str, alt: str | None, decorative: bool = False) -> str:
    """Return the `p:cNvPr` of a shape: its id, its name and its alternative text, or the mark
    of a `decorative` shape, which has none."""
    described = f' descr="{_attr(alt)}"' if alt and not decorative else ""
    opening = f'<p:cNvPr id="{shape_id}" name="{_attr(name)}"{described}'
    return f"{opening}>{_DECORATIVE}</p:cNvPr>" if decorative else f"{opening}/>"


def _group_of(box: Box) -> Group | None:
    return box.group if isinstance(box, TextBox | Rect) else None


def _group_xml(group: Group, members: list[str], boxes: list[Box], shape_id: int) -> str:
    """Return a `p:grpSp` holding the shapes `members` (of `boxes`), described as `group`.

    The group's child space is its own frame (no scaling): the members keep their positions.
    """
    left, top = min(b.x for b in boxes), min(b.y for b in boxes)
    width = max(b.x + b.w for b in boxes) - left
    height = max(b.y + b.h for b in boxes) - top
    frame = (
        f'<a:off x="{emu(left)}" y="{emu(top)}"/><a:ext cx="{emu(width)}" cy="{emu(height)}"/>'
        f'<a:chOff x="{emu(left)}" y="{emu(top)}"/><a:chExt cx="{emu(width)}" cy="{emu(height)}"/>'
    )
    return (
        f"<p:grpSp><p:nvGrpSpPr>{_names_xml(shape_id, group.name, group.alt)}<p:cNvGrpSpPr/>"
        f"<p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm>{frame}</a:xfrm></p:grpSpPr>"
        f"{''.join(members)}</p:grpSp>"
    )


def _offset_xml(box: TextBox | Rect | ChartBox | TableBox | PictureBox) -> str:
    """Return the `a:off` and `a:ext` of `box`: all four values, in EMU."""
    return f'<a:off x="{emu(box.x)}" y="{emu(box.y)}"/><a:ext cx="{emu(box.w)}" cy="{emu(box.h)}"/>'


def _title_xml(box: TextBox, language: str, part: Part, title_type: str = "title") -> str:
    """Return the title placeholder as python-pptx's clone of the title-only layout writes it.

    Its `p:ph type="title"` keeps `slide.shapes.title` (and PowerPoint's outline) finding it; its
    position, size and text are the layout's, so nothing is inherited but the placeholder role.
    """
    return (
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr><a:spLocks noGrp="1"/>'
        f'</p:cNvSpPr><p:nvPr><p:ph type="{title_type}"/></p:nvPr></p:nvSpPr>'
        f"<p:spPr><a:xfrm>{_offset_xml(box)}</a:xfrm></p:spPr>"
        f"{_body_xml(box, language, part)}</p:sp>"
    )


def _shape_xml(box: TextBox | Rect, shape_id: int, language: str, part: Part) -> str:
    """Return a `p:sp` for a text box or a filled rectangle, in schema order."""
    is_text = isinstance(box, TextBox)
    kind = '<p:cNvSpPr txBox="1"/>' if is_text else "<p:cNvSpPr/>"
    if box.fill:
        fill = f'<a:solidFill><a:srgbClr val="{_color(box.fill)}"/></a:solidFill>'
    else:
        fill = "<a:noFill/>"
    # A rectangle is only a fill (a rule, a band, a card's background): decoration. A text
    # box is read as its text, and a group says what its card shows.
    names = _names_xml(shape_id, box.name, None if box.group else box.alt, not is_text)
    return (
        f"<p:sp><p:nvSpPr>{names}{kind}<p:nvPr/></p:nvSpPr>"
        f'<p:spPr><a:xfrm>{_offset_xml(box)}</a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        f"</a:prstGeom>{fill}<a:ln><a:noFill/></a:ln></p:spPr>"
        f"{_body_xml(box, language, part) if is_text else ''}</p:sp>"
    )


def _placeholder_xml(
    box: TextBox, shape_id: int, language: str, part: Part, slot: tuple[str, int, str]
) -> str:
    """Return `box` as the slide's body placeholder `slot` (its type and idx on the layout).

    PowerPoint's outline and screen readers take a slide's text from its title and body
    placeholders. The shape keeps our place and size (its own `a:xfrm`), and its text body
    says everything we measured, so the template's outline levels change nothing.
    """
    ph_type, idx, _ = slot
    typed = "" if ph_type == "obj" else f' type="{ph_type}"'
    return (
        f"<p:sp><p:nvSpPr>{_names_xml(shape_id, box.name, box.alt)}"
        '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f'<p:nvPr><p:ph{typed} idx="{idx}"/></p:nvPr></p:nvSpPr>'
        f'<p:spPr><a:xfrm>{_offset_xml(box)}</a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></p:spPr>"
        f"{_body_xml(box, language, part, placeholder=True)}</p:sp>"
    )


#: What a placeholder's paragraphs and runs say beyond our text boxes' (which inherit from the
#: master's other-text style): the template's outline levels set these too.
_PLACEHOLDER_RUN = '<a:rPr cap="none" spc="0" baseline="0" strike="noStrike" '
_PLACEHOLDER_BULLET = '</a:buClr><a:buSzPct val="100000"/>'


def _placeholder_paragraph(xml: str, paragraph: Paragraph) -> str:
    """Return a paragraph's `xml` with its outline level and the settings an outline level of
    the template could otherwise change (bullet size, right margin, capitals, spacing)."""
    level = min(paragraph.level, 8)
    xml = xml.replace("<a:pPr ", f'<a:pPr lvl="{level}" marR="0" rtl="0" ', 1)
    return xml.replace("</a:buClr>", _PLACEHOLDER_BULLET, 1).replace("<a:rPr ", _PLACEHOLDER_RUN)


def _body_xml(box: TextBox, language: str, part: Part, placeholder: bool = False) -> str:
    """Return a text body: no insets, no autofit, the layout's paragraphs as they are.

    A `placeholder`'s body also sets what the template's body style could change: horizontal
    text in one column, each paragraph's level, bullet size and run settings.
    """
    if placeholder:
        paragraphs = "".join(
            _placeholder_paragraph(_paragraph_xml(p, language, index == 0, part), p)
            for index, p in enumerate(box.paragraphs)
        )
        return (
            '<p:txBody><a:bodyPr vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
            f'numCol="1" rtlCol="0" anchor="{_ANCHOR_CODES[box.anchor]}" anchorCtr="0">'
            f"<a:noAutofit/></a:bodyPr><a:lstStyle/>{paragraphs}</p:txBody>"
        )
    paragraphs = "".join(
        _paragraph_xml(p, language, index == 0, part) for index, p in enumerate(box.paragraphs)
    )
    return (
        '<p:txBody><a:bodyPr wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" rtlCol="0" '
        f'anchor="{_ANCHOR_CODES[box.anchor]}"><a:noAutofit/></a:bodyPr><a:lstStyle/>'
        f"{paragraphs}</p:txBody>"
    )


def _points(value: float) -> str:
    return str(round(value * 100))


def _color(value: str) -> str:
    return value.lstrip("#").upper()


def _paragraph_xml(paragraph: Paragraph, language: str, first: bool, part: Part) -> str:
    """Return an `a:p` with exact spacing, its bullet (if any) and its text.

    The text is one run, or one per script where it mixes Japanese with other text: Japanese
    runs carry a Japanese `lang` and are never italic (see `east_asian_bold`). Japanese
    paragraphs keep the layout's line breaks (see `written_lines`).
    """
    start = _paragraph_start_xml(
        paragraph.font,
        paragraph.indent,
        paragraph.bullet_indent,
        paragraph.align,
        paragraph.leading,
        0.0 if first else paragraph.space_before,
        paragraph.bullet,
    )
    if paragraph.link:
        rid = part.relate_to(paragraph.link, RT.HYPERLINK, is_external=True)
        link = f'<a:hlinkClick r:id="{rid}"/>'
    else:
        link = ""
    line_break = (
        f'<a:br><a:rPr lang="{_attr(language)}" sz="{_points(paragraph.font.size)}" '
        'dirty="0"/></a:br>'
    )
    written = written_lines(paragraph.text, paragraph.lines)
    if paragraph.runs:
        styled = paragraph.runs if len(written) > 1 else (joined(paragraph.text, paragraph.runs),)
        runs = line_break.join(
            "".join(_styled_run_xml(paragraph, run, language, part) for run in script_runs(line))
            for line in styled
        )
        return f"{start}{runs}</a:p>"
    runs = line_break.join(
        "".join(
            f"{_run_start_xml(paragraph.font, language, run.japanese)}{link}</a:rPr>"
            f"<a:t>{_text(run.text)}</a:t></a:r>"
            for run in script_runs(line) or [Run("")]
        )
        for line in written
    )
    return f"{start}{runs}</a:p>"


def _styled_run_xml(paragraph: Paragraph, run: Run, language: str, part: Part) -> str:
    """Return an `a:r` of an emphasised run: its face's weight and slant; a link's run is
    underlined and clicks through to its address (an external relationship of the slide)."""
    font = paragraph.font_of(run)
    link = ""
    if run.href:
        rid = part.relate_to(run.href, RT.HYPERLINK, is_external=True)
        link = f'<a:hlinkClick r:id="{rid}"/>'
    start = _run_start_xml(font, language, run.japanese)
    if run.href:
        start = start.replace(' dirty="0">', ' u="sng" dirty="0">', 1)
    return f"{start}{link}</a:rPr><a:t>{_text(run.text)}</a:t></a:r>"


@functools.lru_cache(maxsize=4096)
def _paragraph_start_xml(
    font: Font,
    indent: float,
    bullet_indent: float,
    align: str,
    leading: float,
    space_before: float,
    bullet: str | None,
) -> str:
    """Return an `a:p` up to its first run.

    Cached: a deck has a few dozen paragraph styles, repeated on every slide.
    """
    # The bullet's own colour: else it takes the first run's (a point that opens with a link
    # would get a link-coloured bullet), where the deck PDF draws it in the text's colour.
    colour = f'<a:buClr><a:srgbClr val="{_color(font.color)}"/></a:buClr>'
    if bullet and bullet[:-1].isdigit() and bullet.endswith("."):  # a numbered item: "3."
        bullet_xml = (
            f'{colour}<a:buFont typeface="{_attr(font.deck_name)}"/>'
            f'<a:buAutoNum type="arabicPeriod" startAt="{bullet[:-1]}"/>'
        )
    elif bullet:
        bullet_xml = (
            f'{colour}<a:buFont typeface="{_attr(font.deck_name)}"/>'
            f'<a:buChar char="{_attr(bullet)}"/>'
        )
    else:
        bullet_xml = "<a:buNone/>"
    return (
        f'<a:p><a:pPr marL="{emu(indent)}" indent="{emu(bullet_indent - indent)}" '
        f'algn="{_ALIGN_CODES[align]}"><a:lnSpc><a:spcPts val="{_points(leading)}"/></a:lnSpc>'
        f'<a:spcBef><a:spcPts val="{_points(space_before)}"/></a:spcBef>'
        f'<a:spcAft><a:spcPts val="0"/></a:spcAft>{bullet_xml}</a:pPr>'
    )


@functools.lru_cache(maxsize=4096)
def _run_start_xml(font: Font, language: str, japanese: bool) -> str:
    """Return an `a:r` up to the fonts of its properties (a link and the text follow)."""
    east_asian = f'<a:ea typeface="{_attr(font.east_asian)}"/>' if font.east_asian else ""
    if japanese:
        language = japanese_language(language)
        bold = font.bold if font.east_asian_bold is None else font.east_asian_bold
    else:
        bold = font.bold
    italic = font.italic and not japanese  # no synthetic slant on Japanese
    return (
        f'<a:r><a:rPr lang="{_attr(language)}" sz="{_points(font.size)}" '
        f'b="{"1" if bold else "0"}" i="{"1" if italic else "0"}" dirty="0">'
        f'<a:solidFill><a:srgbClr val="{_color(font.color)}"/></a:solidFill>'
        f'<a:latin typeface="{_attr(font.deck_name)}"/>{east_asian}'
    )


def _frame_xml(shape_id: int, name: str, alt: str, x: int, y: int, cx: int, cy: int) -> str:
    """Return the opening of a `p:graphicFrame` (up to its `a:graphic`), as python-pptx's."""
    return (
        f"<p:graphicFrame><p:nvGraphicFramePr>{_names_xml(shape_id, name, alt)}"
        '<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/>'
        f'</p:nvGraphicFramePr><p:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/>'
        "</p:xfrm>"
    )


def _line_xml(tag: str, width: float, fill: str | None) -> str:
    """Return a cell border `a:lnL`/`a:lnR`/`a:lnT`/`a:lnB`: a solid rule, or none."""
    if fill is None:
        return f'<a:{tag} w="0"><a:noFill/></a:{tag}>'
    return (
        f'<a:{tag} w="{emu(width)}" cap="flat" cmpd="sng" algn="ctr"><a:solidFill>'
        f'<a:srgbClr val="{_color(fill)}"/></a:solidFill><a:prstDash val="solid"/></a:{tag}>'
    )


def _table_xml(box: TableBox, shape_id: int, language: str, part: Part) -> str:
    """Return a native table with the measured column widths and row heights.

    Styled explicitly, as the deck PDF draws it, so that no client's built-in table style
    decides: each row's fill, a rule under every row, no vertical rules; no table style id.
    """
    widths = [emu(w) for w in box.widths]
    heights = [emu(h) for h in box.heights]
    margin = emu(box.padding)
    cell_properties = f'marL="{margin}" marR="{margin}" marT="{margin}" marB="{margin}" anchor="t"'
    no_line = _line_xml("lnL", 0, None) + _line_xml("lnR", 0, None)
    rule_below = _line_xml("lnB", box.rule_width, box.rule)
    rows = []
    for r, height in enumerate(heights):
        fill = _color(box.row_fill(r))
        above = _line_xml("lnT", box.rule_width, box.rule if r else None)
        cells = "".join(
            "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>"
            f"{_paragraph_xml(paragraph, language, True, part)}</a:txBody>"
            f"<a:tcPr {cell_properties}>{no_line}{above}{rule_below}"
            f'<a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></a:tcPr></a:tc>'
            for paragraph in box.cells[r]
        )
        rows.append(f'<a:tr h="{height}">{cells}</a:tr>')
    grid = "".join(f'<a:gridCol w="{w}"/>' for w in widths)
    return (
        _frame_xml(shape_id, box.name, box.alt, emu(box.x), emu(box.y), sum(widths), sum(heights))
        + '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table">'
        '<a:tbl><a:tblPr firstRow="1" bandRow="0"/>'
        f"<a:tblGrid>{grid}</a:tblGrid>{''.join(rows)}</a:tbl></a:graphicData></a:graphic>"
        "</p:graphicFrame>"
    )


def _chart_frame_xml(box: ChartBox, shape_id: int, rid: str) -> str:
    """Return the `p:graphicFrame` showing the chart part related to the slide as `rid`."""
    return (
        _frame_xml(shape_id, box.name, box.alt, emu(box.x), emu(box.y), emu(box.w), emu(box.h))
        + '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        f'r:id="{rid}"/></a:graphicData></a:graphic></p:graphicFrame>'
    )


def _picture_xml(box: PictureBox, shape_id: int, rid: str) -> str:
    """Return a `p:pic` filling the box with the image related as `rid`, as `add_picture` would.

    The layout already sized the box to the image's aspect, so stretching it distorts nothing.
    """
    return (
        f"<p:pic><p:nvPicPr>{_names_xml(shape_id, box.name, box.alt)}"
        '<p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>'
        f'<p:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>'
        f'<p:spPr><a:xfrm>{_offset_xml(box)}</a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></p:spPr></p:pic>"
    )


_NOTES_GROUP = (
    '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
    '<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>'
)
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")


def _notes_xml(notes: str) -> str:
    """Return a notes page with `notes` in its body, as python-pptx writes one.

    python-pptx clones the notes master's slide image, notes body and slide number
    placeholders; they are written here as it leaves them, without parsing the master each time.

    As python-pptx's `text_frame.text`: a paragraph per line, a line break per vertical tab,
    other control characters written as `_xHHHH_`.
    """
    paragraphs = []
    for line in notes.split("\n"):
        pieces = [
            f"<a:r><a:t>{_text(_CONTROL.sub(_escape_control, piece))}</a:t></a:r>" if piece else ""
            for piece in line.split("\v")
        ]
        content = "<a:br/>".join(pieces)
        paragraphs.append(f"<a:p>{content}</a:p>" if content else "<a:p/>")
    shapes = (
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide Image Placeholder 1"/><p:cNvSpPr>'
        '<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldImg" idx="2"/></p:nvPr>'
        "</p:nvSpPr><p:spPr/></p:sp>"
        '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes Placeholder 2"/><p:cNvSpPr>'
        '<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="body" idx="3" sz="quarter"/>'
        "</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>"
        f"{''.join(paragraphs)}</p:txBody></p:sp>"
        '<p:sp><p:nvSpPr><p:cNvPr id="4" name="Slide Number Placeholder 3"/><p:cNvSpPr>'
        '<a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldNum" idx="5" sz="quarter"/>'
        "</p:nvPr></p:nvSpPr><p:spPr/></p:sp>"
    )
    tree = _tree_xml(shapes, _NOTES_GROUP)
    return f"{_DECLARATION}<p:notes {_NAMESPACES}>{tree}{_CLR_MAP}</p:notes>"


def _escape_control(match: re.Match[str]) -> str:
    return f"_x{ord(match.group()):04X}_"


# --- charts ---------------------------------------------------------------------------------

#: python-pptx's chart type (an `XL_CHART_TYPE` member) for each of ours.
_CHART_TYPES = {
    "bar": "BAR_CLUSTERED",
    "column": "COLUMN_CLUSTERED",
    "stacked": "COLUMN_STACKED",
    "line": "LINE_MARKERS",
    "pie": "PIE",
}


def _data_format(info: ChartInfo) -> str:
    """Return the number format of the chart's data: as many decimals as its values have (<= 2).

    ("#,##0.##" would print whole numbers with a trailing point in Excel: "5.")
    """
    decimals = info.value_decimals
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _chart_part(package: OpcPackage, box: ChartBox) -> ChartPart:
    """Return a new native chart part (its data in the embedded workbook, so it stays editable)."""
    from pptx.chart.data import CategoryChartData  # brings in XlsxWriter: only for charts
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.parts.chart import ChartPart

    info = box.chart
    data = CategoryChartData(number_format=_data_format(box.chart))
    categories, series = list(info.categories), list(info.series)
    if info.type == "bar":
        # Written bottom-up, categories and series both, on an axis that is not reversed:
        # the first category, and the first series of each group, are then on top, and the
        # legend lists the series as the bars read, in PowerPoint (which orders an unstacked
        # bar chart's legend as its bars appear) and LibreOffice (which lists it in reverse
        # plotting order whatever the axis, so a reversed axis reads backwards there). The
        # workbook behind the chart holds the data bottom-up too.
        categories.reverse()
        series = [(name, tuple(reversed(values))) for name, values in reversed(series)]
    data.categories = categories
    for name, values in series:
        data.add_series(name, list(values))
    part = ChartPart.new(getattr(XL_CHART_TYPE, _CHART_TYPES[info.type]), data, package)
    _style_chart(part.chart, box)
    return part


#: Width of gridlines and axis lines, in points (the deck PDF draws the same).
GRID_WIDTH = 0.75


def _style_chart(chart, box: ChartBox) -> None:
    """Give `chart` the layout's font, palette, legend, labels, gridlines and axes, each set
    explicitly (nothing left to the client's defaults), as the deck PDF draws them."""
    from lxml import etree
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    info = box.chart
    _renumber_axes(chart)
    font = box.font
    chart.font.size = Pt(font.size)
    chart.font.name = font.deck_name
    if font.east_asian:  # Japanese labels in the family the PDFs embed
        east_asian = etree.SubElement(chart.font._rPr, qn("a:ea"), typeface=font.east_asian)
        chart.font._rPr.find(qn("a:latin")).addnext(east_asian)  # schema order: after latin
    chart.font.color.rgb = RGBColor(*hex_to_rgb(font.color))
    chart.has_title = bool(box.show_title and info.title)
    if chart.has_title:
        chart.chart_title.text_frame.text = info.title or ""
    chart.has_legend = info.has_legend
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(font.size)
    plot = chart.plots[0]
    rule = RGBColor(*hex_to_rgb(box.rule))
    if info.type == "pie":
        if info.unit:  # no value axis to title: the unit heads the chart, as in the deck PDF
            _pie_unit_title(chart, info.unit, font.size)
        for index, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor(*hex_to_rgb(_pick(box.palette, index)))
            point.format.line.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)  # as the deck PDF parts them
            point.format.line.width = Pt(1)
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = "0%"
        labels.number_format_is_linked = False
        labels.show_value = False
        labels.show_category_name = True
        labels.show_percentage = True
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(font.size)
        labels.font.color.rgb = RGBColor(*hex_to_rgb(font.color))
        _label_separator(labels._element, " ")
        return
    count = len(plot.series)
    for index, series in enumerate(plot.series):
        written = count - 1 - index if info.type == "bar" else index  # bars are written reversed
        rgb = RGBColor(*hex_to_rgb(_pick(box.palette, written)))
        if info.type == "line":
            series.format.line.color.rgb = rgb
            series.format.line.width = Pt(2.25)
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.size = 7
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = rgb
            series.marker.format.line.color.rgb = rgb
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = rgb
    if info.has_data_labels:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = _data_format(info)
        labels.number_format_is_linked = False
        labels.show_value = True
        labels.font.size = Pt(font.size)
        labels.font.color.rgb = RGBColor(*hex_to_rgb(font.color))
        labels.position = {
            "line": XL_LABEL_POSITION.ABOVE,
            "stacked": XL_LABEL_POSITION.CENTER,
        }.get(info.type, XL_LABEL_POSITION.OUTSIDE_END)
        if info.type == "stacked":  # inside the bars: the colour's white
            labels.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    gridlines = value_axis.major_gridlines.format.line
    gridlines.color.rgb = rule
    gridlines.width = Pt(GRID_WIDTH)
    for axis in (value_axis, chart.category_axis):
        axis.format.line.color.rgb = rule
        axis.format.line.width = Pt(GRID_WIDTH)
        axis.has_minor_gridlines = False
    chart.category_axis.has_major_gridlines = False
    scale = info.value_scale()  # the deck PDF's axis exactly: same ends, ticks and labels
    value_axis.minimum_scale, value_axis.maximum_scale = scale.low, scale.high
    value_axis.major_unit = scale.step
    value_axis.tick_labels.number_format = scale.number_format
    value_axis.tick_labels.number_format_is_linked = False
    if info.unit:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = info.unit
        run_font = value_axis.axis_title.text_frame.paragraphs[0].runs[0].font
        run_font.size = Pt(font.size)
        run_font.bold = False
    # Categories run from the axis origin (a bar chart's are written bottom-up, see
    # _chart_part), and the value axis crosses at the first category: at the bottom of a bar
    # chart, the left of a column chart. Both set, not left to the client.
    # (python-pptx writes minMax by leaving c:orientation out; written here, as it means.)
    chart.category_axis._element.scaling.get_or_add_orientation().set("val", "minMax")
    _set_crosses(chart, "c:valAx", "autoZero")
    _set_crosses(chart, "c:catAx", "autoZero")


def _pie_unit_title(chart, unit: str, size: float) -> None:
    """Set `unit` as the chart title of a pie `chart`, at `size` points, not bold, outside the
    plot (after a title shown in the chart, if any)."""
    from lxml import etree
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    chart.has_title = True
    chart._chartSpace.chart.get_or_add_autoTitleDeleted().val = False
    frame = chart.chart_title.text_frame
    paragraph = frame.add_paragraph() if frame.text else frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = unit
    run.font.size = Pt(size)
    run.font.bold = False
    overlay = chart.chart_title._title.find(qn("c:overlay"))
    if overlay is None:
        overlay = etree.SubElement(chart.chart_title._title, qn("c:overlay"))
    overlay.set("val", "0")


def _set_crosses(chart, axis: str, value: str) -> None:
    """Set where `axis` (`c:valAx` or `c:catAx`) crosses the axis perpendicular to it."""
    from lxml import etree
    from pptx.oxml.ns import qn

    for element in chart._chartSpace.iter(qn(axis)):
        crosses = element.find(qn("c:crosses"))
        if crosses is None:
            crosses = etree.SubElement(element, qn("c:crosses"))
            element.find(qn("c:crossAx")).addnext(crosses)
        crosses.set("val", value)


def _label_separator(data_labels, separator: str) -> None:
    """Give `data_labels` (a `c:dLbls`) the `separator` between category and percent."""
    from lxml import etree
    from pptx.oxml.ns import qn

    element = data_labels.find(qn("c:separator"))
    if element is None:
        element = etree.Element(qn("c:separator"))
        anchor = None
        for name in ("c:showBubbleSize", "c:showPercent", "c:showSerName", "c:showCatName"):
            anchor = data_labels.find(qn(name))
            if anchor is not None:
                break
        anchor.addnext(element)
    element.text = separator


def _renumber_axes(chart) -> None:
    """Give the chart's axes small positive ids in order.

    python-pptx draws random (often negative) axis ids; the Open XML SDK refuses negative ones
    (they are unsignedInt), and random ones would make every build's bytes differ.
    """
    from pptx.oxml.ns import qn

    space = chart._chartSpace
    ids: dict[str, str] = {}
    for element in space.iter(qn("c:axId"), qn("c:crossAx")):
        value = element.get("val")
        ids.setdefault(value, str(50_000_001 + len(ids)))
        element.set("val", ids[value])


def _pick(palette: tuple[str, ...], index: int) -> str:
    return palette[index % len(palette)]


# --- document properties --------------------------------------------------------------------

#: Core property -> element name in docProps/core.xml (python-pptx caps values at 255
#: characters, which OPC does not; long titles and statements are written directly).
_CORE_ELEMENTS = {
    "title": "dc:title",
    "subject": "dc:subject",
    "author": "dc:creator",
    "last_modified_by": "cp:lastModifiedBy",
    "keywords": "cp:keywords",
    "language": "dc:language",
    "category": "cp:category",
    "comments": "dc:description",
    "identifier": "dc:identifier",
}


def _set_properties(
    parts: DeckPackage | _PythonPptxPackage, doc: Document, build_time: int
) -> None:
    """Set the deck's core properties from `doc`'s metadata, every date `build_time`."""
    meta = doc.meta
    moment = dt.datetime.fromtimestamp(stampable(build_time), tz=dt.UTC).replace(tzinfo=None)
    values = {
        "title": meta.title,
        "subject": meta.subtitle or "",
        "author": meta.byline or "",
        "last_modified_by": meta.byline or "alliancedeck",
        "keywords": "; ".join(s.title for s in doc.sections),
        "language": meta.language,
        "category": meta.classification or "",
        "comments": meta.distribution or "",
        "identifier": meta.product_id or "",
    }
    parts.set_core_properties({_CORE_ELEMENTS[k]: v for k, v in values.items()}, moment)


def _slide_fields(slide: Slide) -> tuple[object, ...]:
    """Return what `slide` holds besides its boxes (its kind, title, notes, number...)."""
    from dataclasses import fields

    return tuple(getattr(slide, f.name) for f in fields(slide) if f.name != "boxes")
