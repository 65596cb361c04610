"""Where a template lets the deck put its boxes: per slide role, clear of bands and logos."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from alliancedeck.compose.boxes import Region
from alliancedeck.errors import ContentError
from alliancedeck.template.inspect import CONTENT, TITLES
from alliancedeck.template.package import template_prefix

if TYPE_CHECKING:
    from alliancedeck.template import OrgTemplate
    from alliancedeck.template.inspect import Artwork, Box, LayoutInfo

#: The template role each kind of slide the deck composes is built on.
ROLE_OF_KIND = {"title": "title", "closing": "closing"}
#: The roles the deck's slides are built on.
DECK_ROLES = {"title", "content", "closing"}
#: A picture of the master or layout smaller than this share of the slide is a logo or seal,
#: which our boxes keep clear of; a larger one is a background, which text may cover.
LOGO_SHARE = 0.15
#: A template band is at least this share of the slide wide, at most this share of it tall,
#: and within EDGE points of its top or bottom edge.
BAND_WIDTH = 0.6
BAND_HEIGHT = 0.45
EDGE = 2.0
#: A picture or group of the master or layout covering at least LOGO_SHARE and less than this
#: share of the slide, other than a band, is an illustration (a drawing beside the text, a
#: cluster of shapes): titles and bodies keep clear of it where room is left; a larger one is
#: a background, which text may cover.
ILLUSTRATION_SHARE = 0.5
#: The smallest body area (points) a layout may leave the deck's text.
MIN_BODY = (144.0, 72.0)
#: Space kept between a banner band or logo and our boxes.
CLEARANCE = 4.0


def _luminance(colour: str) -> float:
    """Return the relative luminance (0 black to 1 white) of `#RRGGBB`, -1 if it is none."""
    if len(colour) != 7 or not colour.startswith("#"):
        return -1.0
    try:
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    except ValueError:
        return -1.0
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _picture_luminance(art: Artwork) -> float:
    """Return the mean luminance (0 to 1) of a picture artwork's opaque pixels, decoded at a
    reduced size; -1 if it cannot be read."""
    from alliancedeck.template.artwork import decoded_picture

    if art.image_type not in ("image/png", "image/jpeg", "image/gif", "image/bmp"):
        return -1.0
    picture = decoded_picture(art.image, fit=64)
    if picture is None:
        return -1.0
    data = picture.convert("RGBA").tobytes()
    pixels = (data[i : i + 4] for i in range(0, len(data), 4))
    seen = [(r, g, b) for r, g, b, a in pixels if a >= 128]
    if not seen:
        return -1.0
    total = sum(0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in seen)
    return total / len(seen) / 255


def _dark_behind(template: OrgTemplate, layout: LayoutInfo) -> bool:
    """Return whether what slides of `layout` show behind their text is dark: the topmost
    background, shape of known colour or picture covering most of the slide (a layout's own
    artwork is drawn over its master's)."""
    area = template.info.slide_width * template.info.slide_height
    masters = template.info.master_artwork
    master = list(masters[layout.master]) if masters else []
    own = list(layout.artwork)
    # Bottom to top: the background (the layout's own, else its master's), then the master's
    # shapes where the layout shows them, then the layout's.
    backgrounds = [a for a in own if a.kind == "background"] or [
        a for a in master if a.kind == "background"
    ]
    shown = backgrounds[-1:]
    if layout.shows_master:
        shown += [a for a in master if a.kind != "background"]
    shown += [a for a in own if a.kind != "background"]
    for art in reversed(shown):
        if art.box.area < 0.6 * area:
            continue
        if art.fill:
            return 0 <= _luminance(art.fill) < 0.4
        if art.kind == "picture" and art.image:
            return 0 <= _picture_luminance(art) < 0.4
    return False


def role_of(kind: str) -> str:
    """Return the template role (title, content, closing) a slide of `kind` is built on."""
    return ROLE_OF_KIND.get(kind, "content")


@dataclass(frozen=True)
class RoleFrame:
    """One role's layout as the deck uses it: its title area and its body area (points)."""

    title: Region
    body: Region
    title_type: str = "title"  # the title placeholder's type: title or ctrTitle
    title_color: str = ""  # the colour the template sets for this layout's titles ("": none)
    #: The layout's footer and slide-number placeholders (ftr, sldNum) our footer text goes
    #: into, moved up out of the bottom band; those that would meet the body are left out.
    slots: dict[str, Region] = field(default_factory=dict)
    #: The colour the template sets this layout's body text in, when it is light where the
    #: theme's text is dark (a dark cover or closing page): "" otherwise.
    light_text: str = ""


@dataclass(frozen=True)
class TemplateFrame:
    """The slide size and, per role, where the title and the body go."""

    width: float
    height: float
    roles: dict[str, RoleFrame] = field(default_factory=dict)
    #: Our footer line: above the bottom band, clear of logos.
    footer: Region = field(default_factory=lambda: Region(0, 0, 0, 0))
    logos: tuple[Region, ...] = ()

    def role(self, kind: str) -> RoleFrame:
        """Return the frame of the role a slide of `kind` is built on."""
        return self.roles[role_of(kind)]


def _region(box: Box) -> Region:
    return Region(box.left, box.top, box.width, box.height)


def _clamp(region: Region, top: float, bottom: float, width: float) -> Region:
    """Return `region` inside the slide's width and between `top` and `bottom`."""
    x = max(region.x, 0.0)
    right = min(region.x + region.w, width)
    y = max(region.y, top)
    end = min(region.bottom, bottom)
    return Region(x, y, max(right - x, 0.0), max(end - y, 0.0))


def _overlap(a: Region, b: Region) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.bottom and b.y < a.bottom


def _clear_of(region: Region, logo: Region) -> Region:
    """Return the largest part of `region` left, right, above or below `logo`."""
    if not _overlap(region, logo):
        return region
    pad = CLEARANCE
    options = [
        Region(region.x, region.y, logo.x - pad - region.x, region.h),
        Region(
            logo.x + logo.w + pad, region.y, region.x + region.w - logo.x - logo.w - pad, region.h
        ),
        Region(region.x, region.y, region.w, logo.y - pad - region.y),
        Region(region.x, logo.bottom + pad, region.w, region.bottom - logo.bottom - pad),
    ]
    return max(options, key=lambda r: max(r.w, 0) * max(r.h, 0))


def _artwork(template: OrgTemplate, layout: LayoutInfo) -> list[Artwork]:
    """Return the pictures and shapes under slides of `layout`: its own and its master's."""
    info = template.info
    art = list(layout.artwork)
    if layout.shows_master and info.master_artwork:
        art += info.master_artwork[layout.master]
    return art


def _logos(template: OrgTemplate, layout: LayoutInfo) -> list[Region]:
    """Return the small pictures (logos, seals) under slides of `layout`."""
    info = template.info
    area = info.slide_width * info.slide_height
    return [
        _region(a.box)
        for a in _artwork(template, layout)
        if a.kind == "picture" and a.box.area < LOGO_SHARE * area
    ]


def _illustrations(template: OrgTemplate, layout: LayoutInfo, bands: list[Region]) -> list[Region]:
    """Return the illustrations under slides of `layout`: pictures and groups neither logos,
    backgrounds nor bands."""
    info = template.info
    area = info.slide_width * info.slide_height
    return [
        _region(a.box)
        for a in _artwork(template, layout)
        if a.kind in ("picture", "other")
        and LOGO_SHARE * area <= a.box.area < ILLUSTRATION_SHARE * area
        and _region(a.box) not in bands
    ]


def _bands(template: OrgTemplate, layout: LayoutInfo) -> list[Region]:
    """Return the bands of artwork across the top or foot of slides of `layout`.

    A shape or picture as wide as most of the slide, touching its top or bottom edge and not
    covering most of it, is the template's own band (a title bar, a coloured foot): body text
    keeps off it, while the layout's title may sit on it, as the template's author meant.
    """
    info = template.info
    width, height = info.slide_width, info.slide_height
    found = []
    for art in _artwork(template, layout):
        box = art.box
        wide = box.width >= BAND_WIDTH * width and box.height <= BAND_HEIGHT * height
        if wide and (box.top <= EDGE or box.bottom >= height - EDGE):
            found.append(_region(box))
    return found


def template_frame(template: OrgTemplate, band: float, footer_height: float) -> TemplateFrame:
    """Return where the deck's boxes go on `template`, clear of the `band` at the top and
    bottom (banners; 0 without) and of the master's logos; `footer_height` is our footer's.
    """
    info = template.info
    width, height = info.slide_width, info.slide_height
    top = band + CLEARANCE if band else 0.0
    # Our footer sits just above the bottom band; bodies end above it.
    footer_y = height - band - footer_height - CLEARANCE
    bottom = footer_y - 2 * CLEARANCE
    roles: dict[str, RoleFrame] = {}
    content = template.roles.choices["content"].layout
    all_logos: list[Region] = []
    for role in ("title", "content", "closing"):
        layout = template.roles.choices[role].layout
        logos = _logos(template, layout)
        all_logos += [logo for logo in logos if logo not in all_logos]
        titles = layout.of(*TITLES) or content.of(*TITLES)
        title = _region(titles[0].box) if titles and titles[0].box else Region(0, top, width, 0)
        holders = [
            p.box
            for p in (layout.of(*CONTENT, "subTitle") or content.of(*CONTENT))
            if p.box is not None
        ]
        if holders:
            left = min(b.left for b in holders)
            right = max(b.right for b in holders)
            body = Region(
                left, min(b.top for b in holders), right - left, max(b.bottom for b in holders)
            )
            body = Region(body.x, body.y, body.w, body.h - body.y)
        else:
            body = Region(title.x, title.bottom, title.w, bottom - title.bottom)
        if role == "closing" and not layout.of(*TITLES, *CONTENT):
            # A blank layout: the content layout's title and body areas, as one.
            body = Region(body.x, title.y, body.w, body.bottom - title.y)
        title = _clamp(title, top, bottom, width)
        body = _clamp(body, top, bottom, width)
        for logo in logos:
            title = _clear_of(title, logo)
            body = _clear_of(body, logo)
        bands = _bands(template, layout)
        for band_art in bands:
            body = _clear_of(body, band_art)
        for art in _illustrations(template, layout, bands):
            # Text over a drawing is lost in it: keep clear where that leaves room enough.
            cleared = _clear_of(body, art)
            if cleared.w >= MIN_BODY[0] and cleared.h >= MIN_BODY[1]:
                body = cleared
            cleared = _clear_of(title, art)
            if cleared.w >= MIN_BODY[0] and cleared.h >= min(title.h, 36.0):
                title = cleared
        if role == "closing" and not layout.of(*TITLES) and any(_overlap(title, b) for b in bands):
            # A blank layout's title area is the content layout's: where this layout draws a
            # band, the closing word starts its stack at the top of the area clear of it.
            title = Region(body.x, body.y, body.w, min(title.h, body.h))
        kind = titles[0].kind if titles else "title"
        slots = {}
        for holder in layout.of("ftr", "sldNum"):
            if holder.box is None:
                continue
            slot = _region(holder.box)
            slot = Region(slot.x, min(slot.y, height - band - slot.h), slot.w, slot.h)
            clear = all(not _overlap(slot, logo) for logo in logos)
            if clear and slot.y >= body.bottom + CLEARANCE and slot.x >= 0 and slot.w > 0:
                slots[holder.kind] = slot
        light = ""
        text = info.theme.colours.get(template.colour_map().get("tx1", "dk1"), "")
        light_body = _luminance(layout.body_colour) > 0.6
        if light_body and 0 <= _luminance(text) < 0.4 and _dark_behind(template, layout):
            light = layout.body_colour
        roles[role] = RoleFrame(title, body, kind, layout.title_colour, slots, light)
    for role, frame in roles.items():
        body = frame.body
        if body.w < MIN_BODY[0] or body.h < MIN_BODY[1]:
            layout = template.roles.choices[role].layout
            package = template.package
            raise ContentError.at(
                package.location,
                template_prefix(package.name, package.location)
                + f'layout "{layout.name}" ({role} slides) leaves {max(body.w, 0):.0f} x '
                f"{max(body.h, 0):.0f} pt for text clear of the banners, footer, bands and "
                f"logos, less than {MIN_BODY[0]:.0f} x {MIN_BODY[1]:.0f} pt; name another layout "
                f'in slide.template_layouts (e.g. {role}: "...")',
            )
    footer = Region(roles["content"].body.x, footer_y, roles["content"].body.w, footer_height)
    for logo in all_logos:
        footer = _clear_of(footer, logo)
    return TemplateFrame(width, height, roles, footer, tuple(all_logos))
