"""Every text colour of the shipped layouts reads against its background (WCAG 4.5:1)."""

from __future__ import annotations

import pytest

from alliancedeck.layout_files import PACKAGE_LAYOUTS, hex_to_rgb, load_design


def _luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in hex_to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """Return the WCAG contrast ratio of two #RRGGBB colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("layout", sorted(p.name for p in PACKAGE_LAYOUTS.glob("*.yaml")))
def test_every_text_against_its_background(layout):
    theme = load_design((PACKAGE_LAYOUTS / layout).resolve())
    background = theme.colors["background"]
    pairs = []
    for group in (theme.brief, theme.deck):
        for role, style in group.items():
            if role == "banner":
                continue
            foreground = theme.colors.get(style.color, style.color)
            # Table headers are set in the background colour on the primary colour.
            ground = theme.colors["primary"] if role == "table_header" else background
            pairs.append((role, foreground, ground))
            if role.startswith("figure"):
                pairs.append((role + " on card", foreground, theme.colors["card"]))
    pairs.append(("link", theme.colors["link"], background))
    pairs.append(("backup tag", theme.colors["accent"], background))
    for index, series in enumerate(theme.palette):  # labels inside bars and pie slices
        pairs.append((f"palette {index + 1}", "#FFFFFF", series))
    for level, colors in theme.banners.items():
        pairs.append((f"banner {level}", colors.text, colors.fill))
    low = [(name, round(contrast(f, b), 2)) for name, f, b in pairs if contrast(f, b) < 4.5]
    assert not low
