"""The template's artwork in the deck PDF looks as LibreOffice draws the .pptx built on it.

Both renderings are read back as pixels (pdfium renders the deck PDF and LibreOffice's PDF of
the .pptx at the same size) and compared at points inside and just outside each shape.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
import template_files
from template_files import LIBREOFFICE_TEMPLATES, rewrite

from conftest import REPO
from external import libreoffice_convert_all, missing

libreoffice_templates = template_files.libreoffice_templates  # the session's fixtures
templates = template_files.templates

BRIEF = REPO / "content.yaml"
TOLERANCE = 40  # per channel, of 255: antialiasing and colour management differ a little
#: Notional artwork on the master of python-pptx's default template (720 x 540 pt), in the
#: band between the top banner and the title slide's title: (x, y, w, h) in points.
FREEFORM = (40, 40, 160, 100)
GROUP = (230, 40, 100, 100)
GRADIENT = (360, 40, 160, 100)
TRIANGLE = (550, 40, 140, 100)
CORNER = (580, 340, 100, 80)  # right of the title slide's subtitle
EMU = 12700

NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
)


def _xfrm(box, extra: str = "", child: tuple | None = None) -> str:
    x, y, w, h = (round(v * EMU) for v in box)
    inner = f'<a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/>'
    if child is not None:
        cx, cy, cw, ch = (round(v * EMU) for v in child)
        inner += f'<a:chOff x="{cx}" y="{cy}"/><a:chExt cx="{cw}" cy="{ch}"/>'
    return f"<a:xfrm{extra}>{inner}</a:xfrm>"


def _sp(shape_id: int, name: str, xfrm: str, geometry: str, fill: str, text: str = "") -> str:
    body = text or "<p:txBody><a:bodyPr/><a:lstStyle/><a:p/></p:txBody>"
    return (
        f'<p:sp {NS}><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr/><p:nvPr/>'
        f"</p:nvSpPr><p:spPr>{xfrm}{geometry}{fill}<a:ln><a:noFill/></a:ln></p:spPr>{body}</p:sp>"
    )


#: A dome (a half-circle arc on a stem), a bezier shoulder and a quadratic foot, in a path
#: whose own units (200 x 100) are scaled to the shape's box (160 x 100 pt).
DOME = (
    '<a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/><a:rect l="0" t="0" r="r" b="b"/>'
    '<a:pathLst><a:path w="200" h="100">'
    '<a:moveTo><a:pt x="0" y="100"/></a:moveTo><a:lnTo><a:pt x="0" y="50"/></a:lnTo>'
    '<a:arcTo wR="50" hR="50" stAng="10800000" swAng="10800000"/>'
    '<a:cubicBezTo><a:pt x="130" y="0"/><a:pt x="170" y="0"/><a:pt x="200" y="50"/></a:cubicBezTo>'
    '<a:quadBezTo><a:pt x="200" y="100"/><a:pt x="150" y="100"/></a:quadBezTo>'
    "<a:close/></a:path>"
    '<a:path w="200" h="100" fill="none"><a:moveTo><a:pt x="0" y="0"/></a:moveTo>'
    '<a:lnTo><a:pt x="200" y="100"/></a:lnTo></a:path>'
    "</a:pathLst></a:custGeom>"
)


def _solid(colour: str) -> str:
    return f"<a:solidFill>{colour}</a:solidFill>"


def notional_artwork() -> list[str]:
    """Return the XML of the notional master artwork: a freeform, a group (a scaled ellipse
    and a square in a theme colour darkened by lumMod), a gradient and a turned triangle, and
    a mirrored right triangle in a tint, and a text box (an agency name)."""
    group = (
        f'<p:grpSp {NS}><p:nvGrpSpPr><p:cNvPr id="91" name="Seal"/><p:cNvGrpSpPr/><p:nvPr/>'
        f"</p:nvGrpSpPr><p:grpSpPr>{_xfrm(GROUP, child=(0, 0, 50, 50))}</p:grpSpPr>"
        + _sp(
            92,
            "Seal disc",
            _xfrm((0, 0, 50, 50)),
            '<a:prstGeom prst="ellipse"><a:avLst/></a:prstGeom>',
            _solid('<a:schemeClr val="accent2"><a:lumMod val="75000"/></a:schemeClr>'),
        )
        + "</p:grpSp>"
    )
    gradient = (
        '<a:gradFill rotWithShape="1"><a:gsLst><a:gs pos="0"><a:srgbClr val="FF0000"/></a:gs>'
        '<a:gs pos="100000"><a:srgbClr val="0000FF"/></a:gs></a:gsLst>'
        '<a:lin ang="0" scaled="0"/></a:gradFill>'
    )
    agency = (
        '<p:txBody><a:bodyPr wrap="none" anchor="ctr"/><a:lstStyle/><a:p><a:pPr algn="l"/>'
        '<a:r><a:rPr lang="en-US" sz="1400" b="1"><a:solidFill><a:srgbClr val="7A1F3D"/>'
        '</a:solidFill><a:latin typeface="Arial"/></a:rPr><a:t>NOTIONAL AGENCY</a:t></a:r>'
        "</a:p></p:txBody>"
    )
    return [
        _sp(90, "Dome", _xfrm(FREEFORM), DOME, _solid('<a:srgbClr val="2E7D32"/>')),
        group,
        _sp(
            93,
            "Band",
            _xfrm(GRADIENT),
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>',
            gradient,
        ),
        _sp(
            94,
            "Pennant",
            _xfrm(TRIANGLE, ' rot="10800000"'),
            '<a:prstGeom prst="triangle"><a:avLst/></a:prstGeom>',
            _solid('<a:srgbClr val="F9A825"/>'),
        ),
        _sp(
            98,
            "Corner",
            _xfrm(CORNER, ' flipH="1"'),
            '<a:prstGeom prst="rtTriangle"><a:avLst/></a:prstGeom>',
            _solid('<a:srgbClr val="1F3A93"><a:tint val="50000"/></a:srgbClr>'),
        ),
        _sp(
            95,
            "Agency",
            _xfrm((40, 150, 300, 24)),
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>',
            "<a:noFill/>",
            agency,
        ),
    ]


def notional_template(source: Path, target: Path, extra: list[str] | None = None) -> Path:
    """Save `source` with the notional artwork (and `extra` shapes) on its slide master."""
    from lxml import etree
    from pptx import Presentation

    prs = Presentation(source)
    tree = prs.slide_masters[0].shapes._spTree
    for xml in [*notional_artwork(), *(extra or [])]:
        tree.append(etree.fromstring(xml))
    prs.save(target)
    return target


def render_page(pdf: Path | bytes, number: int, width: int = 720):
    """Return page `number` (1-based) of `pdf` as an RGB image `width` pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        page = document[number - 1]
        scale = width / page.get_size()[0]
        return page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def colour_at(image, x: float, y: float, page_width: float) -> tuple[int, int, int]:
    """Return the colour of `image` at slide point (x, y) (points from the top left)."""
    scale = image.width / page_width
    return image.getpixel((round(x * scale), round(y * scale)))


def close(one, two, tolerance: int = TOLERANCE) -> bool:
    return max(abs(a - b) for a, b in zip(one, two, strict=True)) <= tolerance


@pytest.fixture(scope="module")
def built(templates, tmp_path_factory) -> dict:
    """The default brief on the notional template: its .pptx as LibreOffice renders it, its
    deck PDF, and the warnings."""
    from alliancedeck.api import prepare, render

    folder = tmp_path_factory.mktemp("artwork")
    template = notional_template(templates / "default.pptx", folder / "notional.pptx")
    prepared = prepare(BRIEF, template=template)
    deck = folder / "deck.pptx"
    deck.write_bytes(render(prepared, "slides"))
    pdf = render(prepared, "deck-pdf")
    libreoffice_convert_all([deck], folder, "pdf")
    return {"office": folder / "deck.pdf", "pdf": pdf, "prepared": prepared, "folder": folder}


#: Points in (and just outside) each notional shape, with the colour a reader should see there.
GREEN, WHITE, YELLOW = (0x2E, 0x7D, 0x32), (255, 255, 255), (0xF9, 0xA8, 0x25)
SAMPLES = {
    "inside the dome's arc": ((80, 70), GREEN),
    "under the bezier shoulder": ((170, 110), GREEN),
    "above the dome's arc (the arc is round)": ((44, 45), WHITE),
    "beyond the quadratic foot": ((198, 138), WHITE),
    "in the seal's ellipse (a scaled group)": ((280, 90), None),
    "in the seal's square corner, outside its ellipse": ((236, 46), WHITE),
    "at the band's left end (red)": ((368, 90), (255, 0, 0)),
    "at the band's right end (blue)": ((512, 90), (0, 0, 255)),
    "in the turned pennant's wide top": ((620, 50), YELLOW),
    "where an unturned pennant's foot would be": ((560, 132), WHITE),
    "in the mirrored corner's right angle": ((660, 370), "tinted"),
    "where an unmirrored corner's right angle would be": ((595, 405), WHITE),
}


def test_the_deck_pdf_draws_freeforms_groups_gradients_and_turns_as_libreoffice(built):
    office = render_page(built["office"], 1)
    ours = render_page(built["pdf"], 1)
    accent = built["prepared"].theme.template.info.theme.colours["accent2"]
    red, green, blue = (int(accent[i : i + 2], 16) * 3 // 4 for i in (1, 3, 5))  # lumMod 75%
    for what, ((x, y), expected) in SAMPLES.items():
        seen, drawn = colour_at(office, x, y, 720), colour_at(ours, x, y, 720)
        if expected is None:
            expected = (red, green, blue)
        if expected == "tinted":  # the tint's exact arithmetic is LibreOffice's own
            assert not close(seen, WHITE) and not close(seen, (0x1F, 0x3A, 0x93)), (what, seen)
        else:
            assert close(seen, expected), (what, "LibreOffice", seen, expected)
        assert close(drawn, seen), (what, "deck PDF", drawn, "LibreOffice", seen)


def test_the_gradient_runs_the_same_way_in_both(built):
    office = render_page(built["office"], 1)
    ours = render_page(built["pdf"], 1)
    x0, y0, w, h = GRADIENT
    for step in range(1, 10):
        x = x0 + w * step / 10
        seen, drawn = colour_at(office, x, y0 + h / 2, 720), colour_at(ours, x, y0 + h / 2, 720)
        assert close(seen, drawn), (x, seen, drawn)


def test_the_master_text_is_drawn_in_its_font_size_and_colour_where_libreoffice_sets_it(built):
    def agency(source) -> list[dict]:
        with pdfplumber.open(source) as document:
            words = document.pages[0].extract_words(extra_attrs=["fontname", "size"])
        return [w for w in words if w["text"] in ("NOTIONAL", "AGENCY")]

    ours, office = agency(io.BytesIO(built["pdf"])), agency(built["office"])
    assert [w["text"] for w in ours] == ["NOTIONAL", "AGENCY"] == [w["text"] for w in office]
    for mine, theirs in zip(ours, office, strict=True):
        assert "LiberationSans-Bold" in mine["fontname"], mine["fontname"]  # Arial's twin
        assert mine["size"] == pytest.approx(14, abs=0.1)
        assert mine["x0"] == pytest.approx(theirs["x0"], abs=3)
        assert mine["top"] == pytest.approx(theirs["top"], abs=3)
    with pdfplumber.open(io.BytesIO(built["pdf"])) as document:
        chars = [c for c in document.pages[0].chars if c["text"] == "N"]
    red, green, blue = chars[0]["non_stroking_color"]
    assert (round(red * 255), round(green * 255), round(blue * 255)) == (0x7A, 0x1F, 0x3D)


def test_the_warning_no_longer_names_what_is_drawn(built):
    assert not [w for w in built["prepared"].warnings if "cannot draw" in w.message]


def test_banners_stay_on_top_of_template_artwork(built, templates, tmp_path):
    """A master band across the whole top edge is drawn under the banner, not over it."""
    from alliancedeck.api import prepare, render

    band = _sp(
        96,
        "Top band",
        _xfrm((0, 0, 720, 60)),
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>',
        _solid('<a:srgbClr val="101060"/>'),
    )
    template = notional_template(templates / "default.pptx", tmp_path / "band.pptx", [band])
    pdf = render(prepare(BRIEF, template=template), "deck-pdf")
    page = render_page(pdf, 2)
    banner = colour_at(page, 360, 3, 720)  # the banner band, in its marking colour
    assert not close(banner, (0x10, 0x10, 0x60)), banner
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = document.pages[1].extract_text()
    assert text.splitlines()[0].strip() == "UNCLASSIFIED"


def test_a_layout_that_hides_the_master_shapes_shows_none_of_them(templates, tmp_path):
    from alliancedeck.api import prepare, render

    notional = notional_template(templates / "default.pptx", tmp_path / "notional.pptx")

    def hide(name: str, blob: bytes) -> bytes:  # the title slide layout hides master shapes
        if name == "ppt/slideLayouts/slideLayout1.xml":
            return re.sub(rb"<p:sldLayout ", b'<p:sldLayout showMasterSp="0" ', blob, count=1)
        return blob

    hidden = rewrite(notional, tmp_path / "hidden.pptx", hide)
    prepared = prepare(BRIEF, template=hidden)
    deck = tmp_path / "hidden-deck.pptx"
    deck.write_bytes(render(prepared, "slides"))
    pdf = render(prepared, "deck-pdf")
    libreoffice_convert_all([deck], tmp_path, "pdf")
    for number, shows in ((1, False), (2, True)):
        office, ours = render_page(tmp_path / "hidden-deck.pdf", number), render_page(pdf, number)
        seen, drawn = colour_at(office, 80, 70, 720), colour_at(ours, 80, 70, 720)
        assert close(seen, GREEN) is shows, (number, seen)
        assert close(drawn, seen), (number, drawn, seen)


def test_a_shape_it_cannot_draw_is_named_and_the_rest_still_drawn(templates, tmp_path):
    from alliancedeck.api import prepare, render

    star = _sp(
        97,
        "Star",
        _xfrm((600, 440, 60, 60)),
        '<a:prstGeom prst="star5"><a:avLst/></a:prstGeom>',
        _solid('<a:srgbClr val="000000"/>'),
    )
    template = notional_template(templates / "default.pptx", tmp_path / "star.pptx", [star])
    prepared = prepare(BRIEF, template=template)
    pdf = render(prepared, "deck-pdf")
    (warning,) = [w for w in prepared.warnings if "cannot draw" in w.message]
    assert "shape 'Star' (preset geometry star5)" in warning.message
    assert "Dome" not in warning.message and "Seal" not in warning.message
    assert close(colour_at(render_page(pdf, 1), 80, 70, 720), GREEN)


#: LibreOffice's own templates with freeforms, groups, flips, arcs and gradients on their
#: masters (Beehive: grouped flipped hexagons; Portfolio: arcs and gradient rules; Sunset: a
#: group, a turned frame and a radial gradient; DNA: ellipses, turns and bent connectors).
REAL = ("Beehive", "Portfolio", "Sunset", "DNA")


@pytest.fixture(scope="module")
def real_decks(libreoffice_templates, tmp_path_factory) -> dict:
    from alliancedeck.api import prepare, render

    sources = [LIBREOFFICE_TEMPLATES / f"{name}.otp" for name in REAL]
    if not all(s.is_file() for s in sources):
        missing("LibreOffice's templates are not installed (apt-get install libreoffice-impress)")
    folder = tmp_path_factory.mktemp("real-artwork")
    libreoffice_convert_all(sources, folder, "pptx")
    decks = folder / "decks"
    decks.mkdir()
    built = {}
    for name in REAL:
        prepared = prepare(BRIEF, template=folder / f"{name}.pptx")
        (decks / f"{name}.pptx").write_bytes(render(prepared, "slides"))
        built[name] = {"pdf": render(prepared, "deck-pdf"), "prepared": prepared}
    libreoffice_convert_all([decks / f"{name}.pptx" for name in REAL], decks, "pdf")
    for name in REAL:
        built[name]["office"] = decks / f"{name}.pdf"
    return built


def _cells(image, columns: int = 32, rows: int = 20) -> list[tuple[int, int, int]]:
    """Return the mean colour of each cell of a coarse grid over `image` (text averages out)."""
    from PIL import Image

    small = image.resize((columns, rows), Image.Resampling.BOX)
    return [small.getpixel((x, y)) for y in range(rows) for x in range(columns)]


@pytest.mark.parametrize("name", REAL)
def test_real_template_artwork_looks_as_libreoffice_draws_it(real_decks, name):
    deck = real_decks[name]
    assert not [w for w in deck["prepared"].warnings if "cannot draw" in w.message]
    for number in (1, 3):
        office = _cells(render_page(deck["office"], number, 320))
        ours = _cells(render_page(deck["pdf"], number, 320))
        differ = [i for i, (a, b) in enumerate(zip(office, ours, strict=True)) if not close(a, b)]
        assert len(differ) <= len(office) // 50, (name, number, differ)


def test_a_damaged_picture_and_a_broken_freeform_are_named_not_a_crash(templates, tmp_path):
    from alliancedeck.api import prepare, render

    broken = DOME.replace('x="130"', 'x="missing-guide"')
    odd = _sp(99, "Odd", _xfrm((600, 440, 60, 60)), broken, _solid('<a:srgbClr val="000000"/>'))
    notional = notional_template(templates / "default.pptx", tmp_path / "n.pptx", [odd])
    from pptx import Presentation
    from pptx.oxml.shapes.picture import CT_Picture

    prs = Presentation(notional)
    master = prs.slide_masters[0]
    png = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (40, 20), (0, 90, 0)).save(png, "PNG")
    _, rid = master.part.get_or_add_image_part(png)
    master.shapes._spTree.append(CT_Picture.new_pic(100, "Seal", "Seal", rid, 0, 0, 9, 9))
    prs.save(tmp_path / "pictured.pptx")

    def damage(name: str, blob: bytes) -> bytes:  # the picture's bytes cut short
        return blob[:60] if name.startswith("ppt/media/") else blob

    template = rewrite(tmp_path / "pictured.pptx", tmp_path / "damaged.pptx", damage)
    prepared = prepare(BRIEF, template=template)
    pdf = render(prepared, "deck-pdf")
    (warning,) = [w for w in prepared.warnings if "cannot draw" in w.message]
    assert "picture 'Seal' (image/png that cannot be read)" in warning.message
    assert "shape 'Odd' (guide missing-guide)" in warning.message
    assert close(colour_at(render_page(pdf, 1), 80, 70, 720), GREEN)  # the rest is drawn
