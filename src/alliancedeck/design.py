"""The design tokens every backend reads, declared once: plain frozen values that are the schema.

`alliancedeck.layout_files` validates a layout file against these dataclasses with pydantic
(which reads the constraints in their `Annotated` types) and hands back these values. This
module does not import pydantic, so a renderer process never loads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from annotated_types import Ge, Gt, Le, Len

from alliancedeck.units import inches, millimetres, parse_length

PACKAGE_LAYOUTS = Path(__file__).parent / "layouts"

PAGE_SIZES = {"letter": (inches(8.5), inches(11)), "a4": (millimetres(210), millimetres(297))}
# 16:9 is 13.333 x 7.5 in (12,192,000 x 6,858,000 EMU); 4:3 is 10 x 7.5 in.
SLIDE_SIZES = {"16:9": (960.0, 540.0), "4:3": (720.0, 540.0)}

FontStyle = Literal["regular", "bold", "italic", "bold_italic"]
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
#: What every layout file is checked with: no unknown keys, no NaN or infinite numbers.
SCHEMA_CONFIG = {"extra": "forbid", "allow_inf_nan": False}


class _LengthInput:
    """Schema note for pydantic: a length may be written `0.5in`, `12mm`, `10pt` or a number,
    and is never negative.

    The bound is part of the number's own schema (not an `annotated_types.Ge` beside this
    note): the check and its message are the same, and pydantic builds the layout's schema in
    two thirds of the time (every build checks its layout).
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def convert(value: Any) -> Any:
            try:
                return parse_length(value) if isinstance(value, str | int | float) else value
            except ValueError:
                return value  # the float schema reports it

        written = core_schema.union_schema([core_schema.float_schema(), core_schema.str_schema()])
        return core_schema.no_info_before_validator_function(
            convert, core_schema.float_schema(ge=0), json_schema_input_schema=written
        )

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        # An editor checks the file as written: a number of points, or a length with its unit.
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^\s*[0-9.]+\s*(in|mm|cm|pt)?\s*$"},
            ]
        }


class _Pattern:
    """Schema note for pydantic: a text matching `pattern`."""

    def __init__(self, pattern: str):
        self.pattern = pattern

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(pattern=self.pattern)


class _LayoutText:
    """Schema note for pydantic: a text of 1 to `longest` characters that a document can store.

    The content's own rule (no control or XML-illegal characters, no right-to-left text) holds
    for a layout's texts too. A typeface name (`typeface`) is a name only: letters, digits,
    spaces and - _ . + & ( ), since it reaches the deck's XML and the handout's style sheet.
    """

    def __init__(self, longest: int, *, typeface: bool = False, shortest: int = 1):
        self.longest = longest
        self.typeface = typeface
        self.shortest = shortest

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        from alliancedeck.model import _check_characters  # the one character rule

        check = _check_typeface if self.typeface else _check_characters
        return core_schema.no_info_after_validator_function(
            check, core_schema.str_schema(min_length=self.shortest, max_length=self.longest)
        )


def _check_typeface(value: str) -> str:
    """Refuse a typeface name with a character no font name needs (quotes, <, ;, { ...)."""
    from pydantic_core import PydanticCustomError

    from alliancedeck.model import _check_characters

    _check_characters(value)
    bad = next((c for c in value if not (c.isalnum() or c in TYPEFACE_PUNCTUATION)), None)
    if bad is not None:
        raise PydanticCustomError(
            "typeface_name",
            "a typeface name holds only letters, digits, spaces and {allowed}; found {found}",
            {"allowed": " ".join(TYPEFACE_PUNCTUATION.strip()), "found": repr(bad)},
        )
    return value


#: A length in points, never negative.
Length = Annotated[float, _LengthInput()]
Color = Annotated[str, _Pattern(HEX_COLOR.pattern)]
#: Characters a typeface name may hold besides letters and digits.
TYPEFACE_PUNCTUATION = " -_.+&()"
#: A typeface name, a layout name, and a printed label (as long as a content title).
Typeface = Annotated[str, _LayoutText(100, typeface=True)]
Name = Annotated[str, _LayoutText(100)]
Label = Annotated[str, _LayoutText(400)]
#: A label a layout may also set empty ("": none).
OptionalLabel = Annotated[str, _LayoutText(400, shortest=0)]


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    """Return `#RRGGBB` as an (r, g, b) triple of 0-255 integers."""
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


@dataclass(frozen=True)
class Margins:
    __pydantic_config__ = SCHEMA_CONFIG

    top: Length
    bottom: Length
    left: Length
    right: Length


@dataclass(frozen=True)
class PageTokens:
    """The PDF brief's page, and how the brief is composed on it."""

    __pydantic_config__ = SCHEMA_CONFIG

    margins: Margins
    size: Literal["letter", "a4"] = "letter"
    columns: Literal[1, 2] = 2
    gutter: Length = 21.6  # 0.3 in
    #: Pages the brief should fill at most (None: as many as it needs); more is a warning.
    max_pages: Annotated[int, Ge(1)] | None = None
    #: The masthead's label when the content names no organization (None: the word "Brief"
    #: in the content's language, from labels.yaml; "": none).
    product_label: OptionalLabel | None = None
    #: Space between blocks in a column, and between the key-figure cards.
    gap: Length = 8.0
    #: How far the spacing may tighten, as a share of `gap` and of the text roles' spacing.
    min_spacing: Annotated[float, Gt(0), Le(1)] = 0.6
    #: Charts and pictures are never narrower than this when composed to the page limit.
    min_figure_width: Length = 158.4  # 2.2 in
    #: A chart's height as a share of its width.
    chart_aspect: Annotated[float, Gt(0.1), Le(2)] = 0.66
    #: A picture is never taller than this share of the page.
    max_picture_height: Annotated[float, Gt(0.05), Le(1)] = 0.4
    #: Key figures shown as cards at the top (more go in the columns), at most this many a row.
    band_figures: Annotated[int, Ge(0)] = 8
    cards_per_row: Annotated[int, Ge(1), Le(6)] = 4
    #: Banner text keeps at least this distance from every paper edge (printers clip it).
    banner_clearance: Length = 18.0  # 0.25 in
    masthead_height: Length = 21.6  # 0.3 in
    footer_height: Length = 14.0
    #: A cover block (title and key figures) on a page of its own.
    cover: bool = False

    @property
    def width(self) -> float:
        return PAGE_SIZES[self.size][0]

    @property
    def height(self) -> float:
        return PAGE_SIZES[self.size][1]


@dataclass(frozen=True)
class SlideTokens:
    """The deck's slide."""

    __pydantic_config__ = SCHEMA_CONFIG

    margins: Margins
    footer_height: Length
    gap: Length
    card_column: Length
    size: Literal["16:9", "4:3"] = "16:9"
    titles: Literal["topic", "message"] = "topic"  # message: the lead titles a section's slide
    #: An organisation PowerPoint template (.pptx or .potx) the deck is built on, relative to
    #: the layout file (or the content); its slide size replaces `size`.
    template: Annotated[str, _LayoutText(1000)] | None = None
    #: Layouts of the template named for deck roles whose layout cannot be told by its shape.
    template_layouts: dict[str, Name] | None = None
    #: true: text takes the template's theme fonts and colours; false: this layout's own.
    template_theme: bool = True

    @property
    def width(self) -> float:
        return SLIDE_SIZES[self.size][0]

    @property
    def height(self) -> float:
        return SLIDE_SIZES[self.size][1]


@dataclass(frozen=True)
class MarkingTokens:
    """Classification banners, the same in both products."""

    __pydantic_config__ = SCHEMA_CONFIG

    banner_height: Length = 18.0  # 0.25 in


@dataclass(frozen=True, eq=False)
class FontFamily:
    """A typeface as the deck names it and as the PDFs embed it."""

    __pydantic_config__ = SCHEMA_CONFIG

    deck: Typeface  # the typeface the deck asks for (metric-compatible with `files`)
    pdf: Typeface  # the name of the embedded font in the PDF
    files: dict[FontStyle, str]
    east_asian: Typeface | None = None  # the deck's East Asian typeface (a:ea)
    fallback: str | None = None  # family drawn for the characters this one lacks
    # A family with no italic files is never slanted: italic roles set it upright in this weight.
    instead_of_italic: Literal["regular", "bold"] = "regular"


@dataclass(frozen=True)
class TextStyle:
    """A text role: which font, how big, what colour, how tall a line."""

    __pydantic_config__ = SCHEMA_CONFIG

    font: str
    size: Annotated[float, Gt(0), Le(200)]
    style: FontStyle = "regular"
    min: Annotated[float, Gt(0)] | None = None
    color: str = "text"
    leading: Annotated[float, Ge(0.8), Le(3)] = 1.2

    @property
    def min_size(self) -> float:
        return self.min if self.min is not None else self.size

    @property
    def bold(self) -> bool:
        return self.style in ("bold", "bold_italic")

    @property
    def italic(self) -> bool:
        return self.style in ("italic", "bold_italic")


@dataclass(frozen=True)
class BannerColors:
    __pydantic_config__ = SCHEMA_CONFIG

    text: Color
    fill: Color


@dataclass(frozen=True, eq=False)
class Design:
    """A checked layout: the single source of sizes, fonts and colours."""

    __pydantic_config__ = SCHEMA_CONFIG

    name: Name
    page: PageTokens
    slide: SlideTokens
    fonts: dict[str, FontFamily]
    colors: dict[str, Color]
    palette: Annotated[list[Color], Len(1)]
    banners: dict[str, BannerColors]
    brief: dict[str, TextStyle]
    deck: dict[str, TextStyle]
    markings: MarkingTokens = field(default_factory=MarkingTokens)
    path: str = field(default="")
    #: The organisation template the deck is built on (an `OrgTemplate`), set by
    #: `alliancedeck.template.design.design_on_template`, never written in a layout file.
    template: Any = field(default=None)

    def banner_colors(self, level: str) -> BannerColors:
        """Return the banner colours for the classification `level` (UNCLASSIFIED, CUI...)."""
        return self.banners.get(level.upper()) or self.banners["default"]
