"""The `pdf` backend: the printable brief, flowed in two columns by reportlab platypus."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from alliancedeck.backends import RenderContext
    from alliancedeck.design import Theme
    from alliancedeck.document import Document
    from alliancedeck.errors import Problem


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
        from alliancedeck.errors import ContentError, Location
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
            context.warnings.append(_too_long(doc, data, pages))
        return data


def _too_long(doc: Document, data: bytes, pages: int) -> Problem:
    """Return the page-count warning, at the first section that starts past the last page a
    brief may have (or, if none does, at the last section, which runs past it)."""
    from alliancedeck.errors import Location, Problem

    sections = (*doc.main_sections, *doc.backup_sections)  # in the order the brief draws them
    starts = _section_pages(data)[: len(sections)]
    late = [s for s, page in zip(sections, starts, strict=False) if page >= BRIEF_PAGES]
    message = f"the brief runs to {pages} pages; a brief is at most {BRIEF_PAGES}: "
    if late:
        where = late[0].location
        message += f"this section and the {len(late) - 1} after it start past page {BRIEF_PAGES}"
        message += "; cut or shorten them or the sections before them"
    elif sections:
        where = sections[-1].location
        message += f"this last section runs past page {BRIEF_PAGES}; shorten it or those before"
    else:
        where = Location(doc.source_file, 1, 1)
        message += "shorten the brief"
    return Problem(where, message, "warning")


def _section_pages(data: bytes) -> list[int]:
    """Return the page (from 0) of each outline entry of the PDF `data`: a section's start."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for bookmark in document.get_toc():
            if hasattr(bookmark, "get_dest"):  # pypdfium2 5
                destination = bookmark.get_dest()
                pages.append(destination.get_index() if destination is not None else -1)
            else:  # pypdfium2 4
                pages.append(bookmark.page_index if bookmark.page_index is not None else -1)
        return pages
    finally:
        document.close()
