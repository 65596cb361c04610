"""Draw a laid-out deck with python-pptx: every box where the layout put it; nothing decided."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from alliancedeck.draw.package import normalize_zip
from alliancedeck.layout.boxes import (
    ChartBox,
    DeckLayout,
    Paragraph,
    PictureBox,
    Rect,
    Slide,
    TableBox,
    TextBox,
)
from alliancedeck.theme import hex_to_rgb
from alliancedeck.units import emu

if TYPE_CHECKING:
    from pptx.shapes.autoshape import Shape
    from pptx.text.text import TextFrame

    from alliancedeck.document import Document

_ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
_ANCHOR = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}
TITLE_ONLY_LAYOUT = 5  # in python-pptx's default template


def draw_deck(deck: DeckLayout, doc: Document, build_time: int) -> bytes:
    """Return the .pptx bytes of `deck`, with `doc`'s metadata, dated `build_time`."""
    presentation = Presentation()
    _fast_partnames(presentation.part.package)
    _fast_relationships(presentation.part.rels)
    presentation.slide_width = Emu(emu(deck.width))
    presentation.slide_height = Emu(emu(deck.height))
    layout = presentation.slide_layouts[TITLE_ONLY_LAYOUT]
    for slide_geometry in deck.slides:
        _draw_slide(presentation.slides.add_slide(layout), slide_geometry, deck.language)
    _set_properties(presentation, doc, build_time)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return normalize_zip(buffer.getvalue(), build_time)


def _fast_partnames(package) -> None:
    """Give `package` a next-partname lookup that does not rescan every part each time.

    python-pptx walks the whole package for each new slide or notes page, which makes a deck
    of hundreds of slides quadratic. The names it hands out are remembered instead.
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

    package.next_partname = next_partname


def _fast_relationships(rels) -> None:
    """Give the presentation part's relationships an index, instead of a scan per new slide.

    Each new slide relates the presentation to it; python-pptx first scans every existing
    relationship for a match, which makes a deck of hundreds of slides quadratic.
    """
    index = {
        (rel.reltype, id(rel.target_part)): rId for rId, rel in rels.items() if not rel.is_external
    }
    add = rels._add_relationship

    def get_or_add(reltype: str, target_part) -> str:
        key = (reltype, id(target_part))
        if key not in index:
            index[key] = add(reltype, target_part)
        return index[key]

    rels.get_or_add = get_or_add


def _draw_slide(slide, geometry: Slide, language: str) -> None:
    title_box = geometry.title_box
    tree = slide.shapes._spTree
    last_id = max(int(i) for i in tree.xpath("//@id"))
    for box in geometry.boxes:
        if box is title_box:
            shape = slide.shapes.title
            _place(shape, box)
            _fill_text(shape.text_frame, box, language)
        elif isinstance(box, TextBox | Rect):
            # Written as XML: python-pptx looks up the slide's largest id for every shape it
            # adds, which is what made large decks slow.
            last_id += 1
            tree.append(_shape_element(box, last_id, language, slide.part))
        else:
            if isinstance(box, ChartBox):
                shape = _draw_chart(
                    slide, box, language, show_title=box.chart.title != geometry.title
                )
            elif isinstance(box, TableBox):
                shape = _draw_table(slide, box, language)
            else:
                shape = _draw_picture(slide, box)
            last_id = max(last_id, shape.shape_id)
    if geometry.notes:
        slide.notes_slide.notes_text_frame.text = geometry.notes


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _shape_element(box: TextBox | Rect, shape_id: int, language: str, part):
    """Return a `p:sp` for a text box or a filled rectangle, in schema order."""
    shape = etree.Element(f"{_P}sp")
    names = etree.SubElement(shape, f"{_P}nvSpPr")
    described = {"id": str(shape_id), "name": box.name}
    if box.alt:
        described["descr"] = box.alt
    etree.SubElement(names, f"{_P}cNvPr", described)
    etree.SubElement(names, f"{_P}cNvSpPr", {"txBox": "1"} if isinstance(box, TextBox) else {})
    etree.SubElement(names, f"{_P}nvPr")
    properties = etree.SubElement(shape, f"{_P}spPr")
    transform = etree.SubElement(properties, f"{_A}xfrm")
    etree.SubElement(transform, f"{_A}off", {"x": str(emu(box.x)), "y": str(emu(box.y))})
    etree.SubElement(transform, f"{_A}ext", {"cx": str(emu(box.w)), "cy": str(emu(box.h))})
    geometry = etree.SubElement(properties, f"{_A}prstGeom", {"prst": "rect"})
    etree.SubElement(geometry, f"{_A}avLst")
    if box.fill:
        fill = etree.SubElement(properties, f"{_A}solidFill")
        etree.SubElement(fill, f"{_A}srgbClr", {"val": box.fill.lstrip("#").upper()})
    else:
        etree.SubElement(properties, f"{_A}noFill")
    etree.SubElement(etree.SubElement(properties, f"{_A}ln"), f"{_A}noFill")
    if isinstance(box, TextBox):
        body = etree.SubElement(shape, f"{_P}txBody")
        etree.SubElement(body, f"{_A}bodyPr")
        etree.SubElement(body, f"{_A}lstStyle")
        _write_body(body, box, language, part)
    return shape


_CHART_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked": XL_CHART_TYPE.COLUMN_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "pie": XL_CHART_TYPE.PIE,
}
NUMBER_FORMAT = "#,##0.##"


def _frame(box: ChartBox | TableBox | PictureBox) -> tuple[Emu, Emu, Emu, Emu]:
    return Emu(emu(box.x)), Emu(emu(box.y)), Emu(emu(box.w)), Emu(emu(box.h))


def _draw_chart(slide, box: ChartBox, language: str, *, show_title: bool):
    """Add a native chart (its data in the embedded workbook, so it stays editable)."""
    from pptx.chart.data import CategoryChartData  # brings in XlsxWriter: only for charts

    info = box.chart
    data = CategoryChartData(number_format=NUMBER_FORMAT)
    data.categories = list(info.categories)
    for name, values in info.series:
        data.add_series(name, list(values))
    frame = slide.shapes.add_chart(_CHART_TYPES[info.type], *_frame(box), data)
    frame.name = box.name
    _renumber_axes(frame.chart)
    _describe(frame, box.alt)
    chart = frame.chart
    font = box.font
    chart.font.size = Pt(font.size)
    chart.font.name = font.deck_name
    chart.font.color.rgb = RGBColor(*hex_to_rgb(font.color))
    chart.has_title = bool(show_title and info.title)
    if chart.has_title:
        chart.chart_title.text_frame.text = info.title or ""
    chart.has_legend = info.type == "pie" or len(info.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    plot = chart.plots[0]
    if info.type == "pie":
        for index, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor(*hex_to_rgb(_pick(box.palette, index)))
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = "0%"
        labels.number_format_is_linked = False
        labels.show_value = False
        labels.show_percentage = True
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(font.size)
        labels.font.color.rgb = RGBColor(*hex_to_rgb(font.color))
        return frame
    for index, series in enumerate(plot.series):
        rgb = RGBColor(*hex_to_rgb(_pick(box.palette, index)))
        if info.type == "line":
            series.format.line.color.rgb = rgb
            series.format.line.width = Pt(2.25)
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = rgb
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = rgb
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.tick_labels.number_format = "#,##0"
    value_axis.tick_labels.number_format_is_linked = False
    if info.unit:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = info.unit
    if info.type == "bar":
        # First category at the top, as written, with the value axis kept at the bottom.
        chart.category_axis.reverse_order = True
        chart.category_axis.crosses = XL_AXIS_CROSSES.MAXIMUM
    return frame


def _renumber_axes(chart) -> None:
    """Give the chart's axes small positive ids in order.

    python-pptx draws random (often negative) axis ids; the Open XML SDK refuses negative ones
    (they are unsignedInt), and random ones would make every build's bytes differ.
    """
    space = chart._chartSpace
    ids: dict[str, str] = {}
    for element in space.iter(qn("c:axId"), qn("c:crossAx")):
        value = element.get("val")
        ids.setdefault(value, str(50_000_001 + len(ids)))
        element.set("val", ids[value])


def _pick(palette: tuple[str, ...], index: int) -> str:
    return palette[index % len(palette)]


def _draw_table(slide, box: TableBox, language: str):
    """Add a native table with the measured column widths and row heights."""
    rows, columns = len(box.cells), len(box.widths)
    frame = slide.shapes.add_table(rows, columns, *_frame(box))
    frame.name = box.name
    _describe(frame, box.alt)
    table = frame.table
    table.first_row = True
    table.horz_banding = False
    for index, width in enumerate(box.widths):
        table.columns[index].width = Emu(emu(width))
    for r, height in enumerate(box.heights):
        table.rows[r].height = Emu(emu(height))
        for c, paragraph in enumerate(box.cells[r]):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Emu(emu(box.padding))
            cell.margin_top = cell.margin_bottom = Emu(emu(box.padding))
            cell.vertical_anchor = MSO_ANCHOR.TOP
            fill = box.header_fill if r == 0 else (box.stripe_fill if r % 2 == 0 else "#FFFFFF")
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor(*hex_to_rgb(fill))
            _write_paragraphs(cell._tc.get_or_add_txBody(), (paragraph,), language, slide.part)
    return frame


def _draw_picture(slide, box: PictureBox):
    """Add the picture (an SVG as a sharp bitmap; the PDFs keep its vectors)."""
    image = box.image
    if image.format == "svg":
        from alliancedeck.draw.images import svg_bitmap

        source = io.BytesIO(svg_bitmap(image.path, image.location, box.w))
    else:
        source = str(image.path)
    picture = slide.shapes.add_picture(source, *_frame(box))
    picture.name = box.name
    _describe(picture, box.alt)
    return picture


def _place(shape: Shape, box: TextBox) -> None:
    # All four must be set: a placeholder given only some of them keeps zero for the rest.
    shape.left, shape.top = Emu(emu(box.x)), Emu(emu(box.y))
    shape.width, shape.height = Emu(emu(box.w)), Emu(emu(box.h))


def _solid(shape: Shape, color: str) -> None:
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor(*hex_to_rgb(color))
    shape.line.fill.background()


def _describe(shape: Shape, text: str) -> None:
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ANCHOR_CODES = {"top": "t", "middle": "ctr", "bottom": "b"}
_ALIGN_CODES = {"left": "l", "center": "ctr", "right": "r"}
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def _fill_text(frame: TextFrame, box: TextBox, language: str) -> None:
    """Write the frame's body: no insets, no autofit, the layout's paragraphs as they are."""
    _write_body(frame._txBody, box, language, frame.part)


def _write_body(body, box: TextBox, language: str, part) -> None:
    """Write a text body's properties and paragraphs directly as XML, in schema order."""
    body_properties = body.find(f"{_A}bodyPr")
    body_properties.attrib.clear()
    for child in list(body_properties):
        body_properties.remove(child)
    body_properties.attrib.update(
        {
            "wrap": "square",
            "lIns": "0",
            "tIns": "0",
            "rIns": "0",
            "bIns": "0",
            "rtlCol": "0",
            "anchor": _ANCHOR_CODES[box.anchor],
        }
    )
    etree.SubElement(body_properties, f"{_A}noAutofit")
    _write_paragraphs(body, box.paragraphs, language, part)


def _write_paragraphs(body, paragraphs, language: str, part) -> None:
    """Replace the paragraphs of the text body `body` with `paragraphs`."""
    for old in body.findall(f"{_A}p"):
        body.remove(old)
    for index, paragraph in enumerate(paragraphs):
        body.append(_paragraph_element(paragraph, language, index == 0, part))


def _points(value: float) -> str:
    return str(round(value * 100))


def _paragraph_element(paragraph: Paragraph, language: str, first: bool, part):
    font = paragraph.font
    element = etree.Element(f"{_A}p")
    properties = etree.SubElement(
        element,
        f"{_A}pPr",
        {
            "marL": str(emu(paragraph.indent)),
            "indent": str(emu(paragraph.bullet_indent - paragraph.indent)),
            "algn": _ALIGN_CODES[paragraph.align],
        },
    )
    spacing = etree.SubElement(etree.SubElement(properties, f"{_A}lnSpc"), f"{_A}spcPts")
    spacing.set("val", _points(paragraph.leading))
    before = etree.SubElement(etree.SubElement(properties, f"{_A}spcBef"), f"{_A}spcPts")
    before.set("val", _points(0 if first else paragraph.space_before))
    etree.SubElement(etree.SubElement(properties, f"{_A}spcAft"), f"{_A}spcPts").set("val", "0")
    if paragraph.bullet:
        etree.SubElement(properties, f"{_A}buFont", {"typeface": font.deck_name})
        etree.SubElement(properties, f"{_A}buChar", {"char": paragraph.bullet})
    else:
        etree.SubElement(properties, f"{_A}buNone")
    run = etree.SubElement(element, f"{_A}r")
    attributes = {
        "lang": language,
        "sz": _points(font.size),
        "b": "1" if font.bold else "0",
        "i": "1" if font.italic else "0",
        "dirty": "0",
    }
    run_properties = etree.SubElement(run, f"{_A}rPr", attributes)
    fill = etree.SubElement(run_properties, f"{_A}solidFill")
    etree.SubElement(fill, f"{_A}srgbClr", {"val": font.color.lstrip("#").upper()})
    etree.SubElement(run_properties, f"{_A}latin", {"typeface": font.deck_name})
    if font.east_asian:
        etree.SubElement(run_properties, f"{_A}ea", {"typeface": font.east_asian})
    if paragraph.link:
        relationship = part.relate_to(paragraph.link, _HYPERLINK, is_external=True)
        etree.SubElement(run_properties, f"{_A}hlinkClick", {_R_ID: relationship})
    etree.SubElement(run, f"{_A}t").text = paragraph.text
    return element


#: Core property -> element name in docProps/core.xml (python-pptx caps values at 255
#: characters, which OPC does not; long titles and statements are written directly).
_CORE_ELEMENTS = {
    "title": "title",
    "subject": "subject",
    "author": "creator",
    "last_modified_by": "lastModifiedBy",
    "keywords": "keywords",
    "language": "language",
    "category": "category",
    "comments": "description",
    "identifier": "identifier",
}


def _set_properties(presentation, doc: Document, build_time: int) -> None:
    meta = doc.meta
    moment = dt.datetime.fromtimestamp(build_time, tz=dt.UTC).replace(tzinfo=None)
    properties = presentation.core_properties
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
    for name, value in values.items():
        properties._element._get_or_add(_CORE_ELEMENTS[name]).text = value
    properties.revision = 1
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment
