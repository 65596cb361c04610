"""Design tokens: load a layout file and turn its tokens into the values every backend reads."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from alliancedeck.errors import ContentError, Location, Problem, did_you_mean
from alliancedeck.source import SourceMap, load_yaml_file
from alliancedeck.units import inches, millimetres, parse_length

PACKAGE_LAYOUTS = Path(__file__).parent / "layouts"
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")

PAGE_SIZES = {"letter": (inches(8.5), inches(11)), "a4": (millimetres(210), millimetres(297))}
# 16:9 is 13.333 x 7.5 in (12,192,000 x 6,858,000 EMU); 4:3 is 10 x 7.5 in.
SLIDE_SIZES = {"16:9": (960.0, 540.0), "4:3": (720.0, 540.0)}


def _length(value: Any) -> Any:
    try:
        return parse_length(value) if isinstance(value, str | int | float) else value
    except ValueError:
        return value


Length = Annotated[float, BeforeValidator(_length)]
Color = Annotated[str, Field(pattern=HEX_COLOR.pattern)]
FontStyle = Literal["regular", "bold", "italic", "bold_italic"]


class _Tokens(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Margins(_Tokens):
    top: Length
    bottom: Length
    left: Length
    right: Length


class PageTokens(_Tokens):
    size: Literal["letter", "a4"] = "letter"
    margins: Margins
    columns: Literal[1, 2] = 2
    gutter: Length = inches(0.3)

    @property
    def width(self) -> float:
        return PAGE_SIZES[self.size][0]

    @property
    def height(self) -> float:
        return PAGE_SIZES[self.size][1]


class SlideTokens(_Tokens):
    size: Literal["16:9", "4:3"] = "16:9"
    margins: Margins
    banner_height: Length
    footer_height: Length
    gap: Length
    card_column: Length

    @property
    def width(self) -> float:
        return SLIDE_SIZES[self.size][0]

    @property
    def height(self) -> float:
        return SLIDE_SIZES[self.size][1]


class FontFamily(_Tokens):
    deck: str  # the typeface the deck asks for (metric-compatible with `files`)
    pdf: str  # the name of the embedded font in the PDF
    east_asian: str | None = None  # the deck's East Asian typeface (a:ea)
    fallback: str | None = None  # family drawn for the characters this one lacks
    files: dict[FontStyle, str]


class TextStyle(_Tokens):
    """A text role: which font, how big, what colour, how tall a line."""

    font: str
    style: FontStyle = "regular"
    size: float = Field(gt=0, le=200)
    min: float | None = Field(default=None, gt=0)
    color: str = "text"
    leading: float = Field(default=1.2, ge=0.8, le=3)

    @property
    def min_size(self) -> float:
        return self.min if self.min is not None else self.size

    @property
    def bold(self) -> bool:
        return self.style in ("bold", "bold_italic")

    @property
    def italic(self) -> bool:
        return self.style in ("italic", "bold_italic")


class BannerColors(_Tokens):
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


class Theme(_Tokens):
    """A parsed layout: the single source of sizes, fonts and colours."""

    name: str
    page: PageTokens
    slide: SlideTokens
    fonts: dict[str, FontFamily]
    colors: dict[str, Color]
    palette: Annotated[list[Color], Field(min_length=1)]
    banners: dict[str, BannerColors]
    brief: dict[str, TextStyle]
    deck: dict[str, TextStyle]
    path: str = ""

    def rgb(self, name: str) -> tuple[int, int, int]:
        """Return the colour token `name` (or a literal #RRGGBB) as an (r, g, b) triple."""
        value = self.colors.get(name, name)
        return hex_to_rgb(value)

    def banner_colors(self, level: str) -> BannerColors:
        """Return the banner colours for the classification `level` (UNCLASSIFIED, CUI...)."""
        return self.banners.get(level.upper()) or self.banners["default"]

    def family(self, style: TextStyle) -> FontFamily:
        """Return the font family a text style names."""
        return self.fonts[style.font]


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    """Return `#RRGGBB` as an (r, g, b) triple of 0-255 integers."""
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


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
        theme = Theme.model_validate({**loaded.data, "path": str(path)})
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
