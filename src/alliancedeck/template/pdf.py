"""The template's artwork in the deck PDF: the master's and layout's pictures and plain shapes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from alliancedeck.errors import Problem
from alliancedeck.template.frame import role_of
from alliancedeck.template.package import template_prefix

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

    from alliancedeck.template import OrgTemplate
    from alliancedeck.template.inspect import Artwork

#: Picture types the deck PDF draws (what Pillow reads); EMF, WMF and SVG are not among them.
DRAWN_PICTURES = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff"})
ROLES = ("title", "content", "closing")


def artwork_for(template: OrgTemplate, kind: str) -> list[Artwork]:
    """Return the artwork under a slide of `kind`, bottom first: the master's, then the layout's."""
    info = template.info
    layout = template.roles.choices[role_of(kind)].layout
    art = list(info.master_artwork[layout.master]) if layout.shows_master else []
    if any(a.kind == "background" for a in layout.artwork):  # the layout's replaces the master's
        art = [a for a in art if a.kind != "background"]
    elif not layout.shows_master:  # the master's background shows even where its shapes do not
        art = [a for a in info.master_artwork[layout.master] if a.kind == "background"]
    return art + list(layout.artwork)


def drawable(art: Artwork) -> bool:
    """Return whether the deck PDF can draw `art` (a raster picture, or a filled rectangle)."""
    if art.image:
        return art.image_type in DRAWN_PICTURES
    return art.kind in ("shape", "background") and bool(art.fill)


def undrawn_artwork(template: OrgTemplate) -> list[Problem]:
    """Return a warning naming the master and layout artwork the deck PDF leaves out, if any."""
    missed: dict[str, None] = {}
    for role in ROLES:
        kind = "section" if role == "content" else role
        for art in artwork_for(template, kind):
            if drawable(art):
                continue
            if art.kind == "background" and not art.image:
                continue  # a plain background left out is white, as the slide's own default
            if art.kind in ("picture", "background"):
                what = f"picture {art.name!r} ({art.image_type or 'linked'})"
            else:
                what = f"shape {art.name!r}" if art.name else "an unnamed shape"
                what += " (not a plain filled rectangle)"
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
    """Draw on `canvas` the master's and layout's pictures and plain shapes under a slide of
    `kind` (the caller marks them as artifacts: they are the template's, not the content)."""
    from reportlab.lib.utils import ImageReader

    from alliancedeck.draw.pdf_common import color

    for art in artwork_for(template, kind):
        if not drawable(art):
            continue
        box = art.box
        y = page_height - box.top - box.height
        if art.image:
            from PIL import Image

            with Image.open(io.BytesIO(art.image)) as picture:
                picture.load()
                reader = ImageReader(picture.convert("RGBA") if picture.mode == "P" else picture)
                canvas.drawImage(reader, box.left, y, box.width, box.height, mask="auto")
        else:
            canvas.setFillColor(color(art.fill))
            canvas.rect(box.left, y, box.width, box.height, stroke=0, fill=1)
