"""The `html` backend: the brief as one self-contained web page, a handout for screen readers."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Design
    from alliancedeck.document import Document


class HtmlBackend:
    """The HTML handout: one file, pictures inside it, charts as SVG with their data."""

    name: ClassVar[str] = "html"
    description: ClassVar[str] = (
        "an HTML handout of the brief: one self-contained file, read well by screen readers"
    )
    weight: ClassVar[int] = 1  # relative rendering cost, for parallel builds
    default_output: ClassVar[str] = "brief.html"

    def render(self, doc: Document, theme: Design, context: RenderContext) -> bytes:
        """Return the HTML bytes of the handout of `doc`."""
        from alliancedeck.draw.html_handout import draw_handout

        return draw_handout(doc, theme)
