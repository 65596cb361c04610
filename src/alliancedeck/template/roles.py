"""Mapping the deck's slide roles to a template's layouts by what the layouts hold."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from alliancedeck.errors import Location, Problem, did_you_mean, known_list
from alliancedeck.template.inspect import CONTENT, TITLES, LayoutInfo, TemplateInfo
from alliancedeck.template.package import template_prefix

#: The roles the deck needs, in the order `template check` lists them, with what each holds.
ROLES: dict[str, str] = {
    "title": "title slide: a (centred) title and a subtitle",
    "section": "section slide: a title and one small text placeholder",
    "content": "title and content: a title and one large content placeholder",
    "two_content": "two content: a title and two content placeholders side by side",
    "title_only": "title only: a title and no content placeholder",
    "closing": "blank/closing: no title and no content placeholder",
}
#: Roles that fall back on another role's layout when the template has none of their own.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "section": ("title", "title_only"),
    "closing": ("title_only",),
}
#: Largest share of the slide a section slide's text placeholder may cover.
SECTION_BODY_SHARE = 0.3


@dataclass(frozen=True)
class RoleChoice:
    """The layout chosen for one role, and why."""

    role: str
    layout: LayoutInfo
    how: str


@dataclass(frozen=True)
class BandClash:
    """A placeholder of a chosen layout that reaches into a classification banner band."""

    role: str
    layout: LayoutInfo
    placeholder: str
    kind: str
    band: str  # "top" or "bottom" (a banner band), or "footer" (our footer line's band)
    depth: float  # points it reaches into the band


@dataclass
class RoleMap:
    """The result of mapping: a choice per role found, the roles missing, and problems."""

    choices: dict[str, RoleChoice] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    clashes: list[BandClash] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _usable(layout: LayoutInfo) -> bool:
    """Return whether no text of `layout` runs vertically (such layouts fit no role)."""
    return not any(
        p.vertical and p.kind not in {"dt", "ftr", "sldNum"} for p in layout.placeholders
    )


def _score_title(layout: LayoutInfo, info: TemplateInfo) -> float | None:
    centred, subtitles = layout.of("ctrTitle"), layout.of("subTitle")
    titles = layout.of("title")
    if layout.of(*CONTENT, "pic") or not (centred or (titles and subtitles)):
        return None
    if len(centred) + len(titles) != 1:
        return None
    return 2.0 * bool(centred) + bool(subtitles)


def _score_section(layout: LayoutInfo, info: TemplateInfo) -> float | None:
    titles, bodies = layout.of(*TITLES), layout.of("body")
    if len(titles) != 1 or len(bodies) != 1 or layout.of("subTitle", "pic", *(CONTENT - {"body"})):
        return None
    body = bodies[0].box
    slide_area = info.slide_width * info.slide_height
    if body is None or body.area > SECTION_BODY_SHARE * slide_area:
        return None
    return 1.0 + (titles[0].kind == "title")


def _score_content(layout: LayoutInfo, info: TemplateInfo) -> float | None:
    titles, contents = layout.of(*TITLES), layout.of(*CONTENT)
    if len(titles) != 1 or len(contents) != 1 or layout.of("subTitle", "pic"):
        return None
    box = contents[0].box
    if box is None:
        return None
    # A content placeholder ("obj") beats a text one ("body", as section headers have); then
    # the larger wins.
    share = box.area / (info.slide_width * info.slide_height)
    return 1.0 + 2 * (contents[0].kind == "obj") + (titles[0].kind == "title") + share


def _side_by_side(a, b) -> bool:
    if a is None or b is None:
        return False
    left, right = (a, b) if a.left <= b.left else (b, a)
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return left.right <= right.left + 1 and overlap >= 0.5 * min(a.height, b.height)


def _score_two_content(layout: LayoutInfo, info: TemplateInfo) -> float | None:
    titles, contents = layout.of(*TITLES), layout.of(*CONTENT)
    if len(titles) != 1 or len(contents) != 2 or layout.of("subTitle", "pic"):
        return None
    first, second, title = contents[0].box, contents[1].box, titles[0].box
    if not _side_by_side(first, second) or title is None:
        return None
    # Two columns under the title, of like widths: not a caption beside a picture or object.
    if title.bottom > min(first.top, second.top) + 1:
        return None
    if min(first.width, second.width) < 0.7 * max(first.width, second.width):
        return None
    return 1.0 + all(c.kind == "obj" for c in contents) + (titles[0].kind == "title")


def _score_title_only(layout: LayoutInfo, info: TemplateInfo) -> float | None:
    titles = layout.of(*TITLES)
    if len(titles) != 1 or layout.of(*CONTENT, "subTitle", "pic"):
        return None
    return 1.0 + (titles[0].kind == "title")


def _score_closing(layout: LayoutInfo, info: TemplateInfo) -> float | None:
    if layout.of(*TITLES, *CONTENT, "subTitle", "pic"):
        return None
    return 1.0


_SCORES: dict[str, Callable[[LayoutInfo, TemplateInfo], float | None]] = {
    "title": _score_title,
    "section": _score_section,
    "content": _score_content,
    "two_content": _score_two_content,
    "title_only": _score_title_only,
    "closing": _score_closing,
}


def best_layout(role: str, info: TemplateInfo) -> LayoutInfo | None:
    """Return the layout that best fits `role` by its placeholders, or `None`.

    Layouts of the master the template's sample slides use for such a slide come first (a
    title master for the title slide, another for content, as LibreOffice's templates have
    them); without such a sample, the primary master's (the first sample slide's). Then the
    best score; then the first layout.
    """
    scored = {}
    for layout in info.layouts:
        score = _SCORES[role](layout, info) if _usable(layout) else None
        if score is not None:
            scored[(layout.master, layout.index)] = (score, layout)
    preferred = next(
        (master for master, index in info.sample_layouts if (master, index) in scored),
        info.primary_master,
    )
    ranked = []
    for score, layout in scored.values():
        ranked.append((layout.master != preferred, -score, layout.master, layout))
    if not ranked:
        return None
    ranked.sort(key=lambda item: (*item[:3], item[3].index))
    return ranked[0][3]


def _named(info: TemplateInfo, name: str) -> LayoutInfo | None:
    matches = [layout for layout in info.layouts if layout.name == name]
    matches.sort(key=lambda layout: (layout.master != info.primary_master, layout.master))
    return matches[0] if matches else None


def map_roles(
    info: TemplateInfo,
    location: Location,
    overrides: Mapping[str, str] | None = None,
    overrides_at: Location | None = None,
    band: float = 0.0,
    footer: float = 0.0,
) -> RoleMap:
    """Map each deck role to a layout of `info`; report missing roles and band clashes.

    `overrides` is the layout file's `slide.template_layouts` (role -> layout name), reported
    at `overrides_at`; `band` is the height (points) of the top and bottom banner bands;
    `footer` (when not 0) the height of our footer line above the bottom one.
    """
    result = RoleMap()
    at = overrides_at or location
    names = sorted({layout.name for layout in info.layouts})
    refused: set[str] = set()  # roles whose named layout is wrong: not guessed as well
    for role, layout_name in (overrides or {}).items():
        if role not in ROLES:
            result.problems.append(
                Problem(
                    at,
                    f'template_layouts: unknown role "{role}"{did_you_mean(role, ROLES)}; '
                    f"the roles are {known_list(ROLES)}",
                )
            )
            continue
        layout = _named(info, layout_name)
        if layout is None:
            result.problems.append(
                Problem(
                    at,
                    f'template_layouts: {role}: template "{info.name}" has no layout named '
                    f'"{layout_name}"{did_you_mean(layout_name, names)}; its layouts are '
                    f"{known_list(names, limit=12)}",
                )
            )
            refused.add(role)
            continue
        result.choices[role] = RoleChoice(role, layout, "named in template_layouts")
    for role, description in ROLES.items():
        if role in result.choices or role in refused:
            continue
        layout = best_layout(role, info)
        if layout is not None:
            result.choices[role] = RoleChoice(role, layout, "by its placeholders")
            continue
        for other in FALLBACKS.get(role, ()):
            layout = result.choices[other].layout if other in result.choices else None
            if layout is not None:
                how = f"no {role} layout, so the {other} layout is used"
                result.choices[role] = RoleChoice(role, layout, how)
                result.problems.append(
                    Problem(
                        location,
                        template_prefix(info.name, location) + f"{_no_layout(role)} "
                        f'({description}); using the {other} layout "{layout.name}"',
                        "warning",
                    )
                )
                break
        else:
            result.missing.append(role)
            result.problems.append(
                Problem(
                    location,
                    template_prefix(info.name, location) + f"{_no_layout(role)} ({description}); "
                    f"add such a layout to the template, or name one in the layout file's "
                    f'slide.template_layouts (e.g. {role}: "{names[0] if names else "Layout"}")',
                )
            )
    if band > 0:
        result.clashes = band_clashes(result.choices, info, band)
    if footer > 0:
        result.clashes += footer_clashes(result.choices, info, band, footer)
    return result


def _no_layout(role: str) -> str:
    return f"no layout fits the {role} role"


def about_roles(problem: Problem, roles: set[str]) -> bool:
    """Return whether `problem` is about a role other than `roles` (a fallback the deck, which
    uses only those, never meets)."""
    return any(_no_layout(role) in problem.message for role in set(ROLES) - roles)


def band_clashes(
    choices: Mapping[str, RoleChoice], info: TemplateInfo, band: float
) -> list[BandClash]:
    """Return the placeholders of the chosen layouts that reach into a banner band."""
    clashes: list[BandClash] = []
    bottom_band = info.slide_height - band
    for role, choice in choices.items():
        for holder in choice.layout.placeholders:
            box = holder.box
            if box is None:
                continue
            if box.top < band:
                clashes.append(
                    BandClash(role, choice.layout, holder.name, holder.kind, "top", band - box.top)
                )
            if box.bottom > bottom_band:
                depth = box.bottom - bottom_band
                clashes.append(
                    BandClash(role, choice.layout, holder.name, holder.kind, "bottom", depth)
                )
    return clashes


#: The placeholders that hold a slide's body text, which end above our footer's band.
BODY_HOLDERS = (*sorted(CONTENT), "subTitle")


def footer_clashes(
    choices: Mapping[str, RoleChoice], info: TemplateInfo, band: float, footer: float
) -> list[BandClash]:
    """Return the body placeholders of the chosen layouts that reach into the band our footer
    line (`footer` points high, above the bottom banner `band`) keeps: the deck ends its text
    above it, as `frame.template_frame` does, so they are shrunk."""
    from alliancedeck.template.frame import CLEARANCE

    # As template_frame: the footer line above the bottom band, the body ending above it.
    bottom = info.slide_height - band - footer - 3 * CLEARANCE
    clashes: list[BandClash] = []
    for role, choice in choices.items():
        for holder in choice.layout.of(*BODY_HOLDERS):
            box = holder.box
            if box is not None and box.bottom > bottom and box.top < bottom:
                depth = box.bottom - bottom
                clashes.append(
                    BandClash(role, choice.layout, holder.name, holder.kind, "footer", depth)
                )
    return clashes
