"""The `pdf` backend: the printable brief, planned by `compose.brief` and drawn by reportlab."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Design
    from alliancedeck.document import Document


class BriefPdfBackend:
    """The PDF brief in the manner of a two-page "In Focus"."""

    name: ClassVar[str] = "pdf"
    description: ClassVar[str] = "the printable PDF brief (two columns, key-figure band)"
    weight: ClassVar[int] = 2  # relative rendering cost, for parallel builds
    default_output: ClassVar[str] = "brief.pdf"

    def warm(self) -> None:
        """Import the drawing libraries (before parallel rendering forks)."""
        import alliancedeck.draw.pdf_brief  # noqa: F401

    def render(self, doc: Document, theme: Design, context: RenderContext) -> bytes:
        """Return the PDF bytes of the brief of `doc`; a brief past its page target warns."""
        from alliancedeck.compose.brief import compose_brief
        from alliancedeck.draw.pdf_brief import draw_brief
        from alliancedeck.fonts import font_book, missing_glyph_problems

        book = font_book(theme, context.content_dir)
        plan = compose_brief(doc, theme, book)
        data = draw_brief(plan, doc, book, context.build_time)
        context.warnings.extend(p for p in plan.warnings if p not in context.warnings)
        context.warnings.extend(
            p for p in missing_glyph_problems(book, doc.source_file) if p not in context.warnings
        )
        return data
