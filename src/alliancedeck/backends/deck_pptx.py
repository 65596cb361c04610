"""The `slides` backend: the deck as a PowerPoint file, drawn from the measured slide layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Design
    from alliancedeck.document import Document


class DeckPptxBackend:
    """PowerPoint deck (.pptx), editable in PowerPoint and LibreOffice."""

    name: ClassVar[str] = "slides"
    description: ClassVar[str] = "PowerPoint deck (.pptx) from the measured slide layout"
    weight: ClassVar[int] = 1  # relative rendering cost, for parallel builds
    shares: ClassVar[str] = "deck"  # the slide layout in context.cache: render with "deck-pdf"
    default_output: ClassVar[str] = "deck.pptx"

    def warm(self) -> None:
        """Import the drawing libraries (before parallel rendering forks)."""
        import alliancedeck.draw.pptx_deck  # noqa: F401

    def share(self, doc: Document, theme: Design, context: RenderContext) -> None:
        """Lay out the slides into `context.cache`, for the products that share them."""
        from alliancedeck.compose.deck import deck_geometry

        deck_geometry(doc, theme, context)

    def render(self, doc: Document, theme: Design, context: RenderContext) -> bytes:
        """Return the .pptx bytes of `doc`."""
        from alliancedeck.compose.deck import deck_geometry
        from alliancedeck.draw.pptx_deck import draw_deck

        deck = deck_geometry(doc, theme, context)
        consume = context.consume == self.name  # the last to use the slide layout
        if consume:  # each slide goes once written: a later reader would lay it out again
            context.cache.pop("deck", None)
        return draw_deck(deck, doc, context.build_time, theme.template, consume=consume)
