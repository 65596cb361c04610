"""The wording of `template check`: the role mapping, placeholders, fonts and colours as text."""

from __future__ import annotations

from alliancedeck.template.inspect import COLOUR_SLOTS, FURNITURE, TemplateInfo
from alliancedeck.template.package import TemplatePackage
from alliancedeck.template.roles import ROLES, RoleMap

_FURNITURE_NAMES = {"dt": "date", "ftr": "footer", "sldNum": "slide number", "hdr": "header"}


def describe(
    package: TemplatePackage,
    info: TemplateInfo,
    mapping: RoleMap,
    band: float,
    footer: float = 0.0,
) -> str:
    """Return the text `template check` prints for a mapped template (`footer`: the height of
    our footer line above the bottom banner band, 0 not to report it)."""
    kind = ".potx (template)" if package.was_potx else ".pptx"
    masters = len(info.themes)
    lines = [
        f"template: {info.name} ({kind})",
        f"slide: {info.slide_width:.1f} x {info.slide_height:.1f} pt; "
        f"{masters} master(s), {len(info.layouts)} layouts, "
        f"using master {info.primary_master + 1}; "
        f"{info.sample_slides} sample slide(s), left out of decks",
    ]
    theme = info.theme
    fonts = [f"major (headings) {theme.major_font or '(none)'}"]
    fonts.append(f"minor (body) {theme.minor_font or '(none)'}")
    for label, value in (
        ("major east Asian", theme.major_east_asian),
        ("minor east Asian", theme.minor_east_asian),
        ("major Japanese", theme.major_japanese),
        ("minor Japanese", theme.minor_japanese),
    ):
        if value:
            fonts.append(f"{label} {value}")
    lines.append("fonts: " + "; ".join(fonts))
    from alliancedeck.template.design import METRIC_TWINS

    measured = []
    for typeface in dict.fromkeys(f for f in (theme.major_font, theme.minor_font) if f):
        twin = METRIC_TWINS.get(typeface.casefold())
        own = f"its own files ({typeface.replace(' ', '')}-Regular.ttf...)"
        measured.append(f"{typeface} with {twin[0] if twin else own}")
    if measured:
        lines.append("measured: " + "; ".join(measured))
    colours = [f"{slot} {theme.colours[slot]}" for slot in COLOUR_SLOTS if slot in theme.colours]
    lines.append("colours: " + (", ".join(colours) or "(none)"))
    lines.append("text: " + _text_styles(info))
    lines.append("roles:")
    for role in ROLES:
        choice = mapping.choices.get(role)
        if choice is None:
            lines.append(f"  {role}: MISSING")
            continue
        layout = choice.layout
        lines.append(
            f'  {role}: "{layout.name}" (master {layout.master + 1}, layout {layout.index + 1}; '
            f"{choice.how})"
        )
        for holder in layout.placeholders:
            if holder.kind in FURNITURE:
                continue
            where = str(holder.box) if holder.box else "(no geometry)"
            lines.append(f"    {holder.kind} {holder.idx} {where}")
        furniture = [
            f"{_FURNITURE_NAMES[h.kind]} {h.box}" if h.box else _FURNITURE_NAMES[h.kind]
            for h in layout.furniture
        ]
        lines.append("    furniture: " + ("; ".join(furniture) or "none (our own footer is drawn)"))
    lines.append(f"banner bands ({band:.1f} pt at top and bottom):")
    banners = [c for c in mapping.clashes if c.band != "footer"]
    lines += _clash_lines(banners, "to be moved or shrunk") or [
        "  no placeholder reaches into them"
    ]
    if footer > 0:
        lines.append(
            f"footer band (our footer line, {footer:.1f} pt, above the bottom banner band):"
        )
        footers = [c for c in mapping.clashes if c.band == "footer"]
        lines += _clash_lines(footers, "to be shrunk to clear it") or [
            "  no body placeholder reaches into it"
        ]
    lines.append("missing: " + (", ".join(mapping.missing) or "none"))
    return "\n".join(lines)


def _clash_lines(clashes: list, fix: str) -> list[str]:
    """Return one line per placeholder in `clashes`, however many roles use its layout."""
    lines = []
    seen: set[tuple] = set()
    for clash in clashes:
        key = (clash.layout.master, clash.layout.index, clash.placeholder, clash.band)
        if key not in seen:
            seen.add(key)
            lines.append(
                f'  "{clash.layout.name}" {clash.kind} "{clash.placeholder}" reaches '
                f"{clash.depth:.1f} pt into the {clash.band} band: {fix}"
            )
    return lines


def _text_styles(info: TemplateInfo) -> str:
    """Return the primary master's title and body sizes and typefaces as one line."""
    if not info.text_styles:
        return "(no master)"
    styles = info.text_styles[info.primary_master]
    if not styles.source:
        return "the master sets no sizes"
    theme = info.theme
    faces = {"+mj-lt": theme.major_font, "+mn-lt": theme.minor_font}

    def face(name: str) -> str:
        return f"{name} ({faces[name]})" if name in faces else name or "(theme)"

    def size(value: float | None) -> str:
        return "-" if value is None else f"{value:g}"

    levels = list(styles.body_sizes)
    while levels and levels[-1] is None:
        levels.pop()
    body = ", ".join(size(v) for v in levels[:5])
    return (
        f"titles {size(styles.title_size)} pt {face(styles.title_typeface)}; body levels "
        f"{body or '-'} pt {face(styles.body_typeface)} (from the master's {styles.source})"
    )
