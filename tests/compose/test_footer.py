"""The deck's footer: one line on every slide, or a located warning that says to set
`meta.short_title`."""

from __future__ import annotations

from pptx import Presentation

from conftest import write_brief

LONG = (
    "Notional theater logistics review: fuel, munitions and spare parts distribution for the "
    "combined joint task force across three regional hubs during the notional exercise cycle"
)


def _build(folder, short_title: str | None):
    from alliancedeck.api import build

    extra = f"\n          short_title: {short_title}" if short_title else ""
    content = write_brief(
        folder,
        f"""
        meta:
          title: "{LONG}"
          date: 2025-03-14{extra}
        sections:
          - title: Notional hubs
            points: [One notional point.]
        """,
    )
    result = build(content, out_dir=folder / "out", products=("slides",), checksums=False)
    deck = Presentation(str(next(p.path for p in result.products if p.backend == "slides")))
    footers = [
        shape
        for slide in deck.slides
        for shape in slide.shapes
        if shape.name == "Footer" and shape.has_text_frame
    ]
    return result.warnings, footers


def test_a_title_too_long_for_the_footer_is_a_warning_at_the_title(tmp_path):
    warnings, footers = _build(tmp_path, None)
    assert footers and LONG in footers[0].text_frame.text  # the whole title, never cut
    located = [w for w in warnings if "footer" in w.message and "short_title" in w.message]
    assert len(located) == 1, [w.message for w in warnings]
    assert located[0].location.line == 2


def test_a_short_title_keeps_the_footer_on_one_line_without_a_warning(tmp_path):
    warnings, footers = _build(tmp_path, "Notional logistics review")
    assert all("Notional logistics review" in f.text_frame.text for f in footers)
    assert not [w for w in warnings if "footer" in w.message]
