"""Design rules both products follow, written once: footers, titles, sources, markings, tables."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from alliancedeck.compose.boxes import Paragraph, TextBox
from alliancedeck.document import TimelineInfo

if TYPE_CHECKING:
    from alliancedeck.design import Design
    from alliancedeck.document import Block, MetaInfo, SectionInfo, SourceInfo, TableInfo
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


def banner_height(theme: Design) -> float:
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


def source_entry(text: str, url: str | None) -> str:
    """Return a source as a Sources list prints it: its text and its link."""
    return text + (f" <{url}>" if url else "")


def source_line(section: SectionInfo, source: SourceInfo) -> str:
    """Return one entry of a flat Sources list: the section, the source and its link."""
    return f"{section.title}: {source_entry(source.text, source.url)}"


def block_source(block: Block) -> str | None:
    """Return the source printed under a block, if it has one (a timeline has none)."""
    return None if isinstance(block, TimelineInfo) else block.source


def section_sources(section: SectionInfo) -> list[tuple[str, str | None]]:
    """Return the sources a section's group of a Sources list names, each once: its own
    sources, then those printed under its blocks (a timeline has none)."""
    entries = [(s.text, s.url) for s in section.sources]
    entries += [(source, None) for b in section.blocks if (source := block_source(b))]
    return list(dict.fromkeys(entries))


def poc_lines(meta: MetaInfo, labels: Labels, *, one_line: bool = False) -> tuple[str, ...]:
    """Return the point of contact as printed under a title: "POC: name", then the office,
    phone and email each on its own line (or all on one line, `one_line`)."""
    lines = meta.poc_lines
    if not lines:
        return ()
    if one_line:
        lines = (SEPARATOR.join(lines),)
    return (labels.say("poc", poc=lines[0]), *lines[1:])


#: A number as a table prints it: a sign, a currency symbol, digits (thousands grouped with
#: commas, or not), decimals, and a percent sign or a unit of thousands, millions, billions or
#: trillions ("28%", "$1.2B", "€950 M", "-4.5", "12,400").
NUMBER = re.compile(
    r"(?P<before>[-+\u2212]?(?:[$\u20ac\u00a3\u00a5]\s?)?[-\u2212]?)"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)"
    r"(?:\.(?P<fraction>\d+))?"
    r"(?P<after>\s?(?:%|[kKMBT]|bn|tn|m))?"
)
#: What a numeric column may hold where it has no number.
NO_NUMBER = {"", "-", "\u2013", "\u2014", "n/a", "N/A"}


def numeric_columns(table: TableInfo) -> tuple[bool, ...]:
    """Return for each column of `table` whether it is numeric: every cell that holds
    something is a number as NUMBER reads it (units and currency included), and one does."""
    result = []
    for column in range(len(table.columns)):
        cells = [row[column].strip() for row in table.rows if row[column].strip() not in NO_NUMBER]
        result.append(bool(cells) and all(NUMBER.fullmatch(cell) for cell in cells))
    return tuple(result)


def uniform_decimals(table: TableInfo) -> TableInfo:
    """Return `table` as both products print it: its numeric columns (by `numeric_columns`)
    marked, each printed with one number of decimals, as many as its most precise value has
    (12.5 and 11 become 12.5 and 11.0; 28% and 2.5% become 28.0% and 2.5%).

    Values are only padded with zeros, never rounded or regrouped: what the author wrote stays.
    """
    numeric = tuple(
        given or found for given, found in zip(table.numeric, numeric_columns(table), strict=True)
    )
    rows = [list(row) for row in table.rows]
    for column, is_numeric in enumerate(numeric):
        if not is_numeric:
            continue
        found = [(row, NUMBER.fullmatch(row[column].strip())) for row in rows]
        decimals = max((len(m["fraction"] or "") for _, m in found if m), default=0)
        for row, match in found:
            if match is None or len(match["fraction"] or "") == decimals:
                continue
            fraction = (match["fraction"] or "").ljust(decimals, "0")
            row[column] = f"{match['before']}{match['whole']}.{fraction}{match['after'] or ''}"
    return replace(table, rows=tuple(tuple(row) for row in rows), numeric=numeric)


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
