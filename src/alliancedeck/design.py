"""The design tokens every backend reads: plain values, with no validation library behind them.

`alliancedeck.theme` checks a layout file with pydantic and hands back these frozen values.
Drawing code imports only this module, so that a renderer process never loads pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from alliancedeck.units import inches, millimetres

PACKAGE_LAYOUTS = Path(__file__).parent / "layouts"

PAGE_SIZES = {"letter": (inches(8.5), inches(11)), "a4": (millimetres(210), millimetres(297))}
# 16:9 is 13.333 x 7.5 in (12,192,000 x 6,858,000 EMU); 4:3 is 10 x 7.5 in.
SLIDE_SIZES = {"16:9": (960.0, 540.0), "4:3": (720.0, 540.0)}

FontStyle = Literal["regular", "bold", "italic", "bold_italic"]


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    """Return `#RRGGBB` as an (r, g, b) triple of 0-255 integers."""
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    left: float
    right: float


@dataclass(frozen=True)
class PageTokens:
    """The PDF brief's page."""

    margins: Margins
    size: Literal["letter", "a4"] = "letter"
    columns: Literal[1, 2] = 2
    gutter: float = inches(0.3)

    @property
    def width(self) -> float:
        return PAGE_SIZES[self.size][0]

    @property
    def height(self) -> float:
        return PAGE_SIZES[self.size][1]


@dataclass(frozen=True)
class SlideTokens:
    """The deck's slide."""

    margins: Margins
    banner_height: float
    footer_height: float
    gap: float
    card_column: float
    size: Literal["16:9", "4:3"] = "16:9"
    titles: Literal["topic", "message"] = "topic"  # message: the lead titles a section's slide

    @property
    def width(self) -> float:
        return SLIDE_SIZES[self.size][0]

    @property
    def height(self) -> float:
        return SLIDE_SIZES[self.size][1]


@dataclass(frozen=True, eq=False)
class FontFamily:
    """A typeface as the deck names it and as the PDFs embed it."""

    deck: str  # the typeface the deck asks for (metric-compatible with `files`)
    pdf: str  # the name of the embedded font in the PDF
    files: dict[FontStyle, str]
    east_asian: str | None = None  # the deck's East Asian typeface (a:ea)
    fallback: str | None = None  # family drawn for the characters this one lacks


@dataclass(frozen=True)
class TextStyle:
    """A text role: which font, how big, what colour, how tall a line."""

    font: str
    size: float
    style: FontStyle = "regular"
    min: float | None = None
    color: str = "text"
    leading: float = 1.2

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
    text: str
    fill: str


@dataclass(frozen=True, eq=False)
class Theme:
    """A checked layout: the single source of sizes, fonts and colours."""

    name: str
    page: PageTokens
    slide: SlideTokens
    fonts: dict[str, FontFamily]
    colors: dict[str, str]
    palette: list[str]
    banners: dict[str, BannerColors]
    brief: dict[str, TextStyle]
    deck: dict[str, TextStyle]
    path: str = field(default="")

    def banner_colors(self, level: str) -> BannerColors:
        """Return the banner colours for the classification `level` (UNCLASSIFIED, CUI...)."""
        return self.banners.get(level.upper()) or self.banners["default"]
