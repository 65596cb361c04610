"""Design rules both products follow, written once: footers, titles, sources, markings, tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliancedeck.layout.boxes import Paragraph, TextBox

if TYPE_CHECKING:
    from alliancedeck.design import Theme
    from alliancedeck.document import MetaInfo, SectionInfo, SourceInfo
    from alliancedeck.labels import Labels

#: Indent of a bullet point per nesting level, in ems of its type size.
BULLET_INDENT_EM = 1.1
#: Padding inside a table cell, in ems of the table's type size.
CELL_PADDING_EM = 0.375
#: The CUI designation indicator takes this part of the content width, at most CUI_BLOCK_MAX.
CUI_BLOCK_SHARE = 0.4
CUI_BLOCK_MAX = 320.0
#: Separator of the parts of a footer or a masthead line.
SEPARATOR = " \u00b7 "


def bullet_indent(size: float) -> float:
    """Return the indent of one bullet level for text of `size` points."""
    return round(size * BULLET_INDENT_EM, 2)


def cell_padding(size: float) -> float:
    """Return the padding inside a table cell whose text is `size` points."""
    return round(size * CELL_PADDING_EM, 2)


def cui_block_width(content_width: float) -> float:
    """Return the width of the CUI designation indicator beside the distribution statement."""
    return min(CUI_BLOCK_MAX, content_width * CUI_BLOCK_SHARE)


def banner_height(theme: Theme) -> float:
    """Return the height of a classification banner band, in both products."""
    return theme.markings.banner_height


def banner_band(
    paragraph: Paragraph, x: float, y: float, width: float, height: float, fill: str, name: str
) -> TextBox:
    """Return a classification banner: a band of `fill` with `paragraph` centred in it."""
    return TextBox(
        x, y, width, height, (paragraph,), role="banner", name=name, anchor="middle", fill=fill
    )


def backup_title(labels: Labels, number: int, title: str) -> str:
    """Return the title of backup section `number`: "Backup 1: ..."."""
    return labels.say("backup", n=number, title=title)


def source_line(section: SectionInfo, source: SourceInfo) -> str:
    """Return one entry of a Sources list: the section, the source and its link."""
    return f"{section.title}: {source.text}" + (f" <{source.url}>" if source.url else "")


def footer_left(meta: MetaInfo, labels: Labels) -> str:
    """Return the left part of every footer: the short title and the "As of" date."""
    return SEPARATOR.join(t for t in (meta.short_title, labels.as_of(meta.date)) if t)


def footer_right(
    meta: MetaInfo, labels: Labels, number: int, total: int, *, printed: bool = False
) -> str:
    """Return the right part of a footer: the page (or slide) number of `total`.

    A `printed` product (the brief) also names its product id and `meta.url` before the page.
    """
    if not printed:
        return labels.say("slide_number", n=number, total=total)
    page = labels.say("page_number", n=number, total=total)
    return SEPARATOR.join(t for t in (meta.product_id, meta.url, page) if t)
