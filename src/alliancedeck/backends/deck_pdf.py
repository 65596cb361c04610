"""The `deck-pdf` backend: the deck as a PDF, drawn from the same slide geometry as the .pptx."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Design
    from alliancedeck.document import Document


class DeckPdfBackend:
    """The deck as PDF slides, for recipients without PowerPoint."""

    name: ClassVar[str] = "deck-pdf"
    description: ClassVar[str] = "the deck as PDF pages, from the same geometry as the .pptx"
    weight: ClassVar[int] = 3  # relative rendering cost, for parallel builds
    shares: ClassVar[str] = "deck"  # the slide layout in context.cache: render with "slides"
    default_output: ClassVar[str] = "deck.pdf"

    def warm(self) -> None:
        """Import the drawing libraries (before parallel rendering forks)."""
        import alliancedeck.draw.pdf_deck  # noqa: F401

    def share(self, doc: Document, theme: Design, context: RenderContext) -> None:
        """Lay out the slides into `context.cache`, for the products that share them."""
        from alliancedeck.compose.deck import deck_geometry

        deck_geometry(doc, theme, context)

    def render(self, doc: Document, theme: Design, context: RenderContext) -> bytes:
        """Return the PDF bytes of the deck of `doc`."""
        from alliancedeck.compose.deck import deck_geometry
        from alliancedeck.draw.pdf_deck import draw_deck_pdf
        from alliancedeck.fonts import font_book

        deck = deck_geometry(doc, theme, context)
        consume = context.consume == self.name  # the last to use the slide layout
        if consume:  # each slide goes once drawn: a later reader would lay it out again
            context.cache.pop("deck", None)
        if theme.template is not None:
            from alliancedeck.template.pdf import undrawn_artwork

            context.warnings.extend(undrawn_artwork(theme.template))
        book = font_book(theme, context.content_dir)
        return draw_deck_pdf(deck, doc, book, context.build_time, theme.template, consume=consume)
