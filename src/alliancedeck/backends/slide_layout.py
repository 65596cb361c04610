"""What the deck's two backends share: the slide layout, made once per run in the context."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.compose.deck import ComposedDeck
    from alliancedeck.design import Design
    from alliancedeck.document import Document


class SharesSlideLayout:
    """A deck backend (`slides`, `deck-pdf`): it draws the slide layout in `context.cache`."""

    name: ClassVar[str]
    shares: ClassVar[str] = "deck"  # render with the other deck backend, in one process

    def share(self, doc: Document, theme: Design, context: RenderContext) -> None:
        """Lay out the slides into `context.cache`, for the products that share them."""
        from alliancedeck.compose.deck import deck_geometry

        deck_geometry(doc, theme, context)

    def slide_layout(
        self, doc: Document, theme: Design, context: RenderContext
    ) -> tuple[ComposedDeck, bool]:
        """Return the slide layout of `doc`, and whether this backend consumes it: named the
        last to read it (`context.consume`), it takes it out of the cache and lets each slide
        go once drawn (a later reader would lay the deck out again)."""
        from alliancedeck.compose.deck import deck_geometry

        deck = deck_geometry(doc, theme, context)
        consume = context.consume == self.name
        if consume:
            context.cache.pop("deck", None)
        return deck, consume
