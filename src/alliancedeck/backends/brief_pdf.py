"""The `pdf` backend: the printable brief, flowed in two columns by reportlab platypus."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Theme
    from alliancedeck.document import Document


#: Pages a brief should fill at most; more is a warning (an error with --strict).
BRIEF_PAGES = 2


class BriefPdfBackend:
    """The PDF brief in the manner of a two-page "In Focus"."""

    name: ClassVar[str] = "pdf"
    description: ClassVar[str] = "the printable PDF brief (two columns, key-figure band)"
    weight: ClassVar[int] = 2  # relative rendering cost, for parallel builds
    default_output: ClassVar[str] = "brief.pdf"

    def warm(self) -> None:
        """Import the drawing libraries (before parallel rendering forks)."""
        import alliancedeck.draw.pdf_brief  # noqa: F401

    def render(self, doc: Document, theme: Theme, context: RenderContext) -> bytes:
        """Return the PDF bytes of the brief of `doc`."""
        from reportlab.platypus.doctemplate import LayoutError

        from alliancedeck.draw.pdf_brief import draw_brief
        from alliancedeck.errors import ContentError, Location, Problem
        from alliancedeck.fonts import font_book, missing_glyph_problems

        book = font_book(theme, context.content_dir)
        try:
            data, pages = draw_brief(doc, theme, book, context.build_time)
        except LayoutError:
            raise ContentError.at(
                Location(doc.source_file, 1, 1),
                "the brief cannot be laid out: something (the title block, a table row or a "
                "picture) is taller than a page; shorten the title or subtitle, or split it",
            ) from None
        context.warnings.extend(
            p for p in missing_glyph_problems(book, doc.source_file) if p not in context.warnings
        )
        if pages > BRIEF_PAGES:
            # At the last section: the first to shorten, cut or move to a handout of its own.
            last = doc.sections[-1].location if doc.sections else Location(doc.source_file, 1, 1)
            context.warnings.append(
                Problem(
                    last,
                    f"the brief runs to {pages} pages; a brief is at most {BRIEF_PAGES}: "
                    "shorten or cut sections (this is the last one)",
                    "warning",
                )
            )
        return data
