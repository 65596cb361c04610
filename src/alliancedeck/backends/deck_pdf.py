"""The `deck-pdf` backend: the deck as a PDF, drawn from the same slide geometry as the .pptx."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from alliancedeck.backends.slide_layout import SharesSlideLayout

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Design
    from alliancedeck.document import Document


class DeckPdfBackend(SharesSlideLayout):
    """The deck as PDF slides, for recipients without PowerPoint."""

    name: ClassVar[str] = "deck-pdf"
    description: ClassVar[str] = "the deck as PDF pages, from the same geometry as the .pptx"
    weight: ClassVar[int] = 3  # relative rendering cost, for parallel builds
    default_output: ClassVar[str] = "deck.pdf"

    def warm(self) -> None:
        """Import the drawing libraries (before parallel rendering forks)."""
        import alliancedeck.draw.pdf_deck  # noqa: F401

    def render(self, doc: Document, theme: Design, context: RenderContext) -> bytes:
        """Return the PDF bytes of the deck of `doc`."""
        from alliancedeck.draw.pdf_deck import draw_deck_pdf
        from alliancedeck.fonts import font_book

        deck, consume = self.slide_layout(doc, theme, context)
        if theme.template is not None:
            from alliancedeck.template.pdf import undrawn_artwork

            context.warnings.extend(undrawn_artwork(theme.template))
        book = font_book(theme, context.content_dir)
        return draw_deck_pdf(deck, doc, book, context.build_time, theme.template, consume=consume)
