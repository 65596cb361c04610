"""Layouts: check a layout file and turn its tokens into the values every backend reads.

The checking models here mirror the plain values of `alliancedeck.design` field for field;
`load_theme` validates with them and returns the plain values.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from alliancedeck import design
from alliancedeck.design import PACKAGE_LAYOUTS, FontStyle, Theme, hex_to_rgb
from alliancedeck.errors import ContentError, Location, Problem, did_you_mean
from alliancedeck.source import SourceMap, load_yaml_file
from alliancedeck.units import inches, parse_length

__all__ = ["PACKAGE_LAYOUTS", "Theme", "hex_to_rgb", "load_theme", "theme_for"]

HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _length(value: Any) -> Any:
    try:
        return parse_length(value) if isinstance(value, str | int | float) else value
    except ValueError:
        return value


Length = Annotated[float, BeforeValidator(_length)]
Color = Annotated[str, Field(pattern=HEX_COLOR.pattern)]


class _Tokens(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Margins(_Tokens):
    top: Length
    bottom: Length
    left: Length
    right: Length


class _PageTokens(_Tokens):
    size: Literal["letter", "a4"] = "letter"
    margins: _Margins
    columns: Literal[1, 2] = 2
    gutter: Length = inches(0.3)


class _SlideTokens(_Tokens):
    size: Literal["16:9", "4:3"] = "16:9"
    margins: _Margins
    banner_height: Length
    footer_height: Length
    gap: Length
    card_column: Length
    titles: Literal["topic", "message"] = "topic"


class _FontFamily(_Tokens):
    deck: str  # the typeface the deck asks for (metric-compatible with `files`)
    pdf: str  # the name of the embedded font in the PDF
    east_asian: str | None = None  # the deck's East Asian typeface (a:ea)
    fallback: str | None = None  # family drawn for the characters this one lacks
    files: dict[FontStyle, str]


class _TextStyle(_Tokens):
    font: str
    style: FontStyle = "regular"
    size: float = Field(gt=0, le=200)
    min: float | None = Field(default=None, gt=0)
    color: str = "text"
    leading: float = Field(default=1.2, ge=0.8, le=3)


class _BannerColors(_Tokens):
    text: Color
    fill: Color


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


class _Theme(_Tokens):
    name: str
    page: _PageTokens
    slide: _SlideTokens
    fonts: dict[str, _FontFamily]
    colors: dict[str, Color]
    palette: Annotated[list[Color], Field(min_length=1)]
    banners: dict[str, _BannerColors]
    brief: dict[str, _TextStyle]
    deck: dict[str, _TextStyle]
    path: str = ""


#: Each checking model and the plain value it becomes.
_PLAIN: dict[type[BaseModel], type] = {
    _Margins: design.Margins,
    _PageTokens: design.PageTokens,
    _SlideTokens: design.SlideTokens,
    _FontFamily: design.FontFamily,
    _TextStyle: design.TextStyle,
    _BannerColors: design.BannerColors,
    _Theme: design.Theme,
}


def _plain(value: Any) -> Any:
    """Return a checked model (and everything in it) as the plain values of `design`."""
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return _PLAIN[type(value)](**{name: _plain(getattr(value, name)) for name in fields})
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def find_layout(name: str, content_dir: Path | None) -> Path:
    """Return the layout file `name`: a path, `layouts/NAME.yaml` beside the content, or ours."""
    candidates: list[Path] = []
    if name.endswith((".yaml", ".yml")) or "/" in name:
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
def load_theme(path: Path) -> Theme:
    """Return the `Theme` of the layout file at `path` (parsed once per run), or raise errors."""
    loaded = load_yaml_file(path, what="layout")
    try:
        theme = _plain(_Theme.model_validate({**loaded.data, "path": str(path)}))
    except ValidationError as exc:
        raise ContentError(_layout_problems(exc, loaded.source_map)) from None
    problems = _check_references(theme, loaded.source_map)
    if problems:
        raise ContentError(problems)
    return theme


def _layout_problems(exc: ValidationError, source_map: SourceMap) -> list[Problem]:
    problems = []
    for error in exc.errors():
        path = tuple(error["loc"])
        where = ".".join(str(p) for p in path)
        if error["type"] == "extra_forbidden":
            parent = ".".join(map(str, path[:-1])) or "the top level"
            message = f'unknown layout key "{path[-1]}" in {parent}'
            problems.append(Problem(source_map.locate(path, key=True), message))
        elif error["type"] == "missing":
            problems.append(
                Problem(
                    source_map.locate(path[:-1], key=True),
                    f'layout: missing required key "{where}"',
                )
            )
        else:
            problems.append(Problem(source_map.locate(path), f"layout {where}: {error['msg']}"))
    return problems


def _check_references(theme: Theme, source_map: SourceMap) -> list[Problem]:
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


def theme_for(layout_name: str, content_dir: Path | None, location: Location) -> Theme:
    """Return the theme named by the content (`layout_name`), or raise a located error."""
    try:
        path = find_layout(layout_name, content_dir)
    except LookupError:
        known = ", ".join(available_layouts(content_dir))
        raise ContentError.at(
            location, f'layout "{layout_name}" not found; available: {known}'
        ) from None
    return load_theme(path.resolve())
