"""Layouts: check a layout file against the schema of `alliancedeck.design` and return its tokens.

The schema is declared once, as the dataclasses of `design`; pydantic validates them directly.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from alliancedeck.design import HEX_COLOR, PACKAGE_LAYOUTS, Design, hex_to_rgb
from alliancedeck.errors import (
    ContentError,
    Location,
    Problem,
    did_you_mean,
    literal_choices,
    not_one_of,
)
from alliancedeck.source import SourceMap, load_yaml_file

__all__ = ["PACKAGE_LAYOUTS", "Design", "design_for", "hex_to_rgb", "load_design"]

#: The smallest frame margins may leave on a page or a slide, in points (2 in wide, 3 in tall).
MIN_FRAME = (144.0, 216.0)


@cache
def _design_schema() -> TypeAdapter[Design]:
    return TypeAdapter(Design)


EXTRA_ROLES = ("chart", "table", "table_header", "caption", "timeline_date", "timeline_text")
BRIEF_ROLES = (
    "title",
    "subtitle",
    "byline",
    "heading",
    "lead",
    "body",
    "figure_value",
    "figure_label",
    "source",
    "footer",
    "banner",
    "statement",
    "block_title",
    *EXTRA_ROLES,
)
DECK_ROLES = (
    "title_slide",
    "subtitle",
    "byline",
    "title",
    "lead",
    "body",
    "figure_value",
    "figure_label",
    "source",
    "footer",
    "banner",
    "statement",
    *EXTRA_ROLES,
)


def find_layout(name: str, content_dir: Path | None) -> Path:
    """Return the layout file `name`: a path, `layouts/NAME.yaml` beside the content, or ours."""
    candidates: list[Path] = []
    if _is_path(name):
        candidates.append(Path(name) if content_dir is None else content_dir / name)
    else:
        if content_dir is not None:
            candidates.append(content_dir / "layouts" / f"{name}.yaml")
        candidates.append(PACKAGE_LAYOUTS / f"{name}.yaml")
    for candidate in candidates:
        try:
            found = candidate.is_file()
        except (OSError, ValueError):  # a name too long for a file name, or with a NUL
            found = False
        if found:
            return candidate
    raise LookupError(name)


def available_layouts(content_dir: Path | None) -> list[str]:
    """Return the layout names found beside the content and built in."""
    folders = [PACKAGE_LAYOUTS] + ([content_dir / "layouts"] if content_dir else [])
    return sorted({p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.yaml")})


@cache
def load_design(path: Path) -> Design:
    """Return the `Design` of the layout file at `path` (parsed once per run), or raise errors."""
    loaded = load_yaml_file(path, what="layout")
    try:
        data = loaded.data
        if isinstance(data, dict):
            if "template" in data:  # the loader's own key: the file names one in slide:
                raise ContentError.at(
                    loaded.source_map.locate(("template",), key=True),
                    'unknown layout key "template" in the top level; a template is named '
                    "in slide: (slide.template: org.potx)",
                )
            data = {**data, "path": str(path), "template": None}
        theme = _design_schema().validate_python(data)
    except ValidationError as exc:
        raise ContentError(_layout_problems(exc, loaded.source_map)) from None
    problems = _check_references(theme, loaded.source_map)
    if problems:
        raise ContentError(problems)
    return theme


def _layout_problems(exc: ValidationError, source_map: SourceMap) -> list[Problem]:
    from alliancedeck.schema import keys_at, layout_schema

    problems = []
    for error in exc.errors():
        path = tuple(error["loc"])
        where = ".".join(str(p) for p in path)
        if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            parent = ".".join(map(str, path[:-1])) or "the top level"
            message = f'unknown layout key "{path[-1]}" in {parent}' + did_you_mean(
                str(path[-1]), keys_at(layout_schema(), path[:-1])
            )
            if path == ("slide", "banner_height"):  # where it was before both products shared it
                message += "; the banner height is now markings.banner_height (both products)"
            problems.append(Problem(source_map.locate(path, key=True), message))
        elif error["type"] in ("missing", "missing_argument"):
            problems.append(
                Problem(
                    source_map.locate(path[:-1], key=True),
                    f'layout: missing required key "{where}"',
                )
            )
        elif error["type"] == "literal_error":
            message = not_one_of(f"layout {where}", error["input"], literal_choices(error))
            problems.append(Problem(source_map.locate(path), message))
        else:
            problems.append(Problem(source_map.locate(path), f"layout {where}: {error['msg']}"))
    return problems


def _check_references(theme: Design, source_map: SourceMap) -> list[Problem]:
    problems = []
    for group, roles in (("brief", BRIEF_ROLES), ("deck", DECK_ROLES)):
        styles = getattr(theme, group)
        for role in roles:
            if role not in styles:
                problems.append(
                    Problem(
                        source_map.locate((group,), key=True),
                        f'layout {group}: missing text role "{role}"',
                    )
                )
        for role, style in styles.items():
            where = source_map.locate((group, role))
            if style.font not in theme.fonts:
                problems.append(
                    Problem(
                        where,
                        f"layout {group}.{role}: unknown font family "
                        f'"{style.font}"{did_you_mean(style.font, theme.fonts)}',
                    )
                )
            if style.color not in theme.colors and not HEX_COLOR.match(style.color):
                problems.append(
                    Problem(
                        where,
                        f"layout {group}.{role}: unknown colour "
                        f'"{style.color}"{did_you_mean(style.color, theme.colors)}',
                    )
                )
    problems.extend(_check_sizes(theme, source_map))
    if "default" not in theme.banners:
        problems.append(
            Problem(
                source_map.locate(("banners",), key=True),
                'layout banners: missing the "default" entry',
            )
        )
    for family_name, family in theme.fonts.items():
        if family.fallback and family.fallback not in theme.fonts:
            problems.append(
                Problem(
                    source_map.locate(("fonts", family_name, "fallback")),
                    f'layout fonts.{family_name}: unknown fallback family "{family.fallback}"',
                )
            )
        if "regular" not in family.files:
            problems.append(
                Problem(
                    source_map.locate(("fonts", family_name, "files")),
                    f'layout fonts.{family_name}: needs a "regular" file',
                )
            )
    return problems


def design_for(
    layout_name: str,
    content_dir: Path | None,
    location: Location,
    *,
    inside: tuple[Path, ...] | None = None,
) -> Design:
    """Return the theme named by the content (`layout_name`), or raise a located error.

    With `inside` (the layout is named by the content, not on the command line), a layout given
    as a path must be a file in the content's folder or one of the `inside` folders
    (--allow-outside), like every other file a content names.
    """
    if inside is not None and content_dir is not None:
        from alliancedeck.paths import PathRefused, resolve_inside

        # A name is layouts/NAME.yaml beside the content when that exists (even as a link):
        # the same file rule as a path, so a link from there to elsewhere is never read.
        name = layout_name if _is_path(layout_name) else f"layouts/{layout_name}.yaml"
        try:
            named_here = _is_path(layout_name) or os.path.lexists(content_dir / name)
        except ValueError:  # a NUL in the name: no such file here
            named_here = False
        if named_here:
            try:
                path = resolve_inside(name, content_dir, inside)
            except PathRefused as exc:
                raise ContentError.at(location, f"layout: {exc}") from None
            return load_design(path)
    try:
        path = find_layout(layout_name, content_dir)
    except LookupError:
        known = ", ".join(available_layouts(content_dir))
        hint = did_you_mean(layout_name, available_layouts(content_dir))
        raise ContentError.at(
            location, f'layout "{layout_name}" not found{hint}; available: {known}'
        ) from None
    return load_design(path.resolve())


def _is_path(name: str) -> bool:
    """Return whether a layout `name` is a path rather than the name of a layout."""
    return name.endswith((".yaml", ".yml")) or "/" in name


def _check_sizes(theme: Design, source_map: SourceMap) -> list[Problem]:
    """Return the problems of sizes that are valid one by one but not together."""
    problems = []
    for group in ("brief", "deck"):
        for role, style in getattr(theme, group).items():
            if style.min is not None and style.min > style.size:
                problems.append(
                    Problem(
                        source_map.locate((group, role, "min")),
                        f"layout {group}.{role}: min ({style.min:g} pt) is larger than size "
                        f"({style.size:g} pt); make min at most {style.size:g}",
                    )
                )
    for group, tokens in (("page", theme.page), ("slide", theme.slide)):
        margins = tokens.margins
        frame = (
            tokens.width - margins.left - margins.right,
            tokens.height - margins.top - margins.bottom,
        )
        for length, smallest, sides in zip(
            frame, MIN_FRAME, ("left and right", "top and bottom"), strict=True
        ):
            if length < smallest:
                problems.append(
                    Problem(
                        source_map.locate((group, "margins")),
                        f"layout {group}.margins: the {sides} margins leave "
                        f"{max(length, 0) / 72:.2f} in of the {group}; leave at least "
                        f"{smallest / 72:g} in",
                    )
                )
    page = theme.page
    column = (page.width - page.margins.left - page.margins.right - page.gutter) / page.columns
    if page.columns > 1 and column < page.min_figure_width:
        problems.append(
            Problem(
                source_map.locate(("page", "gutter")),
                f"layout page.gutter: columns of {column / 72:.2f} in are narrower than "
                f"page.min_figure_width; make the gutter or the margins smaller",
            )
        )
    return problems


def layout_location(design: Design, path: tuple[str | int, ...]) -> Location:
    """Return where the key at `path` is written in `design`'s layout file (its start if not)."""
    if not design.path:
        return Location("layout")
    try:
        source_map = load_yaml_file(Path(design.path), what="layout").source_map
    except ContentError:
        return Location(design.path)
    return source_map.locate(path)
