"""The `slides` backend: the deck as a PowerPoint file, drawn from the measured slide layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from alliancedeck.backends.slide_layout import SharesSlideLayout

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Design
    from alliancedeck.document import Document


class DeckPptxBackend(SharesSlideLayout):
    """PowerPoint deck (.pptx), editable in PowerPoint and LibreOffice."""

    name: ClassVar[str] = "slides"
    description: ClassVar[str] = "PowerPoint deck (.pptx) from the measured slide layout"
    weight: ClassVar[int] = 1  # relative rendering cost, for parallel builds
    default_output: ClassVar[str] = "deck.pptx"

    def warm(self) -> None:
        """Import the drawing libraries (before parallel rendering forks)."""
        import alliancedeck.draw.pptx_deck  # noqa: F401

    def render(self, doc: Document, theme: Design, context: RenderContext) -> bytes:
        """Return the .pptx bytes of `doc`."""
        from alliancedeck.draw.pptx_deck import draw_deck

        deck, consume = self.slide_layout(doc, theme, context)
        return draw_deck(deck, doc, context.build_time, theme.template, consume=consume)
