"""A layout's design tokens on an organisation template: its theme fonts, colours and sizes."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

from alliancedeck.errors import ContentError, Location
from alliancedeck.template.package import template_prefix

if TYPE_CHECKING:
    from collections.abc import Sequence

    from alliancedeck.design import Design, FontFamily, TextStyle
    from alliancedeck.template import OrgTemplate

#: The smallest size of the deck's body text and leads on a template, whatever its styles say.
BODY_FLOOR = 18.0
STYLES = ("regular", "bold", "italic", "bold_italic")
_FILE_SUFFIX = {
    "regular": "Regular",
    "bold": "Bold",
    "italic": "Italic",
    "bold_italic": "BoldItalic",
}
_DEJAVU_SUFFIX = {
    "regular": "",
    "bold": "-Bold",
    "italic": "-Oblique",
    "bold_italic": "-BoldOblique",
}


def _files(stem: str) -> dict[str, str]:
    return {style: f"{stem}-{_FILE_SUFFIX[style]}.ttf" for style in STYLES}


#: Typefaces a theme may name -> the metric-compatible (same advance widths) family whose files
#: measure and embed them, and the Debian package that holds those files. Calibri Light has
#: Calibri's widths to within a few per cent; Carlito is the closest open match there is.
METRIC_TWINS: dict[str, tuple[str, dict[str, str], str]] = {
    "calibri": ("Carlito", _files("Carlito"), "fonts-crosextra-carlito"),
    "calibri light": ("Carlito", _files("Carlito"), "fonts-crosextra-carlito"),
    "carlito": ("Carlito", _files("Carlito"), "fonts-crosextra-carlito"),
    "cambria": ("Caladea", _files("Caladea"), "fonts-crosextra-caladea"),
    "caladea": ("Caladea", _files("Caladea"), "fonts-crosextra-caladea"),
    "arial": ("Liberation Sans", _files("LiberationSans"), "(shipped)"),
    "helvetica": ("Liberation Sans", _files("LiberationSans"), "(shipped)"),
    "liberation sans": ("Liberation Sans", _files("LiberationSans"), "(shipped)"),
    "arimo": ("Liberation Sans", _files("LiberationSans"), "(shipped)"),
    "times new roman": ("Liberation Serif", _files("LiberationSerif"), "fonts-liberation2"),
    "liberation serif": ("Liberation Serif", _files("LiberationSerif"), "fonts-liberation2"),
    "courier new": ("Liberation Mono", _files("LiberationMono"), "fonts-liberation2"),
    "liberation mono": ("Liberation Mono", _files("LiberationMono"), "fonts-liberation2"),
    "dejavu sans": (
        "DejaVu Sans",
        {style: f"DejaVuSans{_DEJAVU_SUFFIX[style]}.ttf" for style in STYLES},
        "fonts-dejavu-core",
    ),
}
#: Deck and brief roles set in the theme's major (headings) font; the rest take the minor.
MAJOR_ROLES = frozenset({"title_slide", "title", "heading"})
#: Layout colour -> the master's colour role (through its colour map) that replaces it.
COLOUR_ROLES = {
    "text": "tx1",
    "primary": "tx2",
    "background": "bg1",
    "card": "bg2",
    "accent": "accent2",
    "link": "hlink",
}


def design_on_template(design: Design, template: OrgTemplate, content_dir: Path | None) -> Design:
    """Return `design` carrying `template`: its slide size for the deck, and (unless the layout
    sets `slide.template_theme: false`) its theme fonts, colours and text sizes for both products.
    """
    if not design.slide.template_theme:
        return dataclasses.replace(design, template=template)
    info = template.info
    theme = info.theme
    fonts = dict(design.fonts)
    where = template.package.location
    name = template.package.name
    base = design.deck["body"].font
    keys = {}
    for slot, typeface in (("major", theme.major_font), ("minor", theme.minor_font)):
        family = _family_for(typeface, design.fonts[base], where, name, content_dir, design.path)
        if family is None:
            keys[slot] = base
            continue
        keys[slot] = f"template_{slot}"
        fonts[keys[slot]] = family
    colors = dict(design.colors)
    scheme = _scheme_colours(template)
    for token, role in COLOUR_ROLES.items():
        if scheme.get(role):
            colors[token] = scheme[role]
    palette = [scheme[f"accent{n}"] for n in range(1, 7) if scheme.get(f"accent{n}")]
    styles = info.text_styles[info.primary_master] if info.text_styles else None
    deck = {
        role: _restyled(role, style, keys, styles, deck=True) for role, style in design.deck.items()
    }
    brief = {
        role: _restyled(role, style, keys, None, deck=False) for role, style in design.brief.items()
    }
    return dataclasses.replace(
        design,
        fonts=fonts,
        colors=colors,
        palette=palette or design.palette,
        deck=deck,
        brief=brief,
        template=template,
    )


def _restyled(
    role: str, style: TextStyle, keys: dict[str, str], styles, *, deck: bool
) -> TextStyle:
    """Return `style` in the theme's font for `role`, at the template's size where it sets one."""
    font = keys["major" if role in MAJOR_ROLES else "minor"]
    changed = dataclasses.replace(style, font=font)
    if not deck or styles is None:
        return changed
    size = None
    if role in ("title", "title_slide"):
        size = styles.title_size
    elif role in ("body", "lead") and styles.body_sizes:
        size = styles.body_sizes[0]
        if size is not None:
            # Our rule wins where it collides with the template's: never below the floor.
            size = max(size, BODY_FLOOR)
            return dataclasses.replace(changed, size=size, min=max(BODY_FLOOR, style.min_size))
    if size is None:
        return changed
    return dataclasses.replace(changed, size=size, min=min(style.min_size, size))


def _family_for(
    typeface: str,
    like: FontFamily,
    where: Location,
    name: str,
    content_dir: Path | None,
    layout_path: str,
) -> FontFamily | None:
    """Return a layout font family that asks for `typeface` and measures with its twin's files.

    A typeface we know no twin of is looked up by its own file names (`Foo Bar` as
    FooBar-Regular.ttf...); one found nowhere is a located error naming it.
    """
    from alliancedeck.design import FontFamily
    from alliancedeck.fonts import find_font_file

    if not typeface or typeface.startswith("+"):
        return None
    twin = METRIC_TWINS.get(typeface.casefold())
    if twin is not None:
        pdf, files, package = twin
    else:
        pdf, files, package = typeface, _files(typeface.replace(" ", "")), ""
    found: dict[str, str] = {}
    for style, file_name in files.items():
        try:
            find_font_file(file_name, content_dir)
        except ContentError:
            continue
        found[style] = file_name
    if "regular" not in found:
        how = (
            f"install its metric twin {pdf} (apt-get install {package})"
            if twin is not None
            else f"put {files['regular']} (and its bold and italic files) in the content's "
            "fonts/ folder, or a folder named by ALLIANCEDECK_FONT_PATH"
        )
        raise ContentError.at(
            where,
            template_prefix(name, where) + f'its theme font "{typeface}" cannot be measured: '
            f"{how}; or set slide.template_theme: false to use the layout's fonts",
        )
    return FontFamily(
        deck=typeface,
        pdf=pdf,
        files=found,
        east_asian=like.east_asian,
        fallback=like.fallback,
        instead_of_italic=like.instead_of_italic,
    )


def _scheme_colours(template: OrgTemplate) -> dict[str, str]:
    """Return the primary master's colours by role (tx1, bg1, accent1...), through its map."""
    info = template.info
    scheme = info.theme.colours
    mapping = template.colour_map()
    colours = {role: scheme.get(slot, "") for role, slot in mapping.items()}
    for slot in ("accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink"):
        colours.setdefault(slot, scheme.get(slot, ""))
    return {role: value for role, value in colours.items() if value.startswith("#")}


def resolve_template_path(
    name: str,
    layout_path: str,
    content_dir: Path | None,
    where: Location,
    allowed: Sequence[Path] | None,
) -> Path:
    """Return the template file `name` (relative to the layout file, else the content).

    With `allowed` (the layout was named by the content), the file must be inside the layout's
    folder, the content's, or one of `allowed` (--allow-outside), like every file a content names.
    """
    from alliancedeck.paths import PathRefused, resolve_inside

    bases = [Path(layout_path).parent] if layout_path else []
    if content_dir is not None:
        bases.append(content_dir)
    candidates = [base for base in bases if os.path.lexists(base / name)] or bases[:1]
    base = candidates[0] if candidates else Path(".")
    if allowed is None:
        return base / name
    try:
        return resolve_inside(name, base, (*bases, *allowed))
    except PathRefused as exc:
        raise ContentError.at(where, f"slide.template: {exc}") from None


def theme_on_template(
    design: Design,
    option: str | os.PathLike[str] | None,
    content_dir: Path | None,
    inside: Sequence[Path] | None,
    classified: bool,
) -> tuple[Design, list]:
    """Return `design` on its template (`option`, from --template, or `slide.template`) and the
    template's warnings; raise a located `ContentError` if it cannot be used.

    `inside` confines a template the layout names (None: the layout came from the command line);
    `classified` says whether the deck has banner bands.
    """
    from alliancedeck.compose.rules import banner_height
    from alliancedeck.layout_files import layout_location
    from alliancedeck.template import open_template

    overrides = design.slide.template_layouts
    overrides_at = layout_location(design, ("slide", "template_layouts")) if overrides else None
    if option is not None:
        where = Location("--template")
        path = Path(option)
    else:
        name = design.slide.template or ""
        where = layout_location(design, ("slide", "template"))
        allowed = None if inside is None else tuple(inside)
        path = resolve_template_path(name, design.path, content_dir, where, allowed)
    band = banner_height(design) if classified else 0.0
    from alliancedeck.template.frame import DECK_ROLES, template_frame
    from alliancedeck.template.roles import about_roles

    template = open_template(path, where, overrides, overrides_at, band, DECK_ROLES)
    # `template check` shows every role; a build warns only about the roles its slides use.
    warnings = [w for w in template.warnings if not about_roles(w, DECK_ROLES)]
    template_frame(template, band, design.slide.footer_height)  # a layout with no room: now
    return design_on_template(design, template, content_dir), warnings
