"""JSON Schema of the content file and of layout files, generated from their pydantic models."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: The file `init` writes beside a new brief, named by its `# yaml-language-server` line.
SCHEMA_FILE = "content.schema.json"

#: What each key of the content file means, by model (the class name) and field. Shown by YAML
#: editors on hover and in completion lists; a test requires one for every field of every model.
FIELD_HELP: dict[str, dict[str, str]] = {
    "Brief": {
        "meta": "Title, date, markings and other facts about the brief as a whole.",
        "figures": "Key figures by id (letters, digits, _); a text prints one as {{ figures.ID }}.",
        "sections": "The sections, in order: each a heading of the brief and one or more slides.",
    },
    "Meta": {
        "title": "Title of the brief and of the deck.",
        "subtitle": "Line under the title.",
        "short_title": "Title used in footers (default: title).",
        "authors": "Authors, each a name or {name, title}: the brief's author line and the "
        "title slide's byline.",
        "organization": "Shown when there are no authors, and in the brief's header line.",
        "date": "ISO date (2024-05-31); shown as 'As of 31 May 2024' in header and footers.",
        "product_id": "Identifier of the product, such as a report number.",
        "classification": "Banner at the top and bottom of every page and slide: UNCLASSIFIED or "
        "CUI (optionally with // controls); absent = no banner.",
        "distribution": "Distribution statement: free text, or a DoD statement letter (A to F) "
        "with the fields its wording needs.",
        "cui": "The CUI designation indicator (needed when classification is CUI).",
        "poc": "Point of contact: a name, or name: with office:, phone:, email: (each on a "
        "line of its own); title slide, closing slide, brief's header.",
        "url": "Where the product is published; printed in the brief's footer.",
        "language": "BCP 47 language tag such as en-US or ja-JP (default en-US).",
        "layout": "A layout name (a file in layouts/) or a path to a layout file "
        "(default: default).",
    },
    "Author": {
        "name": "The author's name.",
        "title": "The author's title or role, after the name in the brief's author line.",
    },
    "Poc": {
        "name": "Name of the point of contact (required).",
        "office": "Their office.",
        "phone": "Their phone number.",
        "email": "Their email address.",
    },
    "Distribution": {
        "statement": "The DoD distribution statement letter, A to F.",
        "reason": "The reason for the restriction (statements B to E), one of the standard "
        "reasons.",
        "date": "Date of determination (ISO date), for statements B to F.",
        "controlling_office": "The controlling office, for statements B to F.",
    },
    "CuiBlock": {
        "controlled_by": "Who controls the information.",
        "category": "The CUI category.",
        "dissemination": "A limited dissemination control (or give distribution).",
        "distribution": "A distribution statement letter (or give dissemination).",
        "poc": "Point of contact for the CUI.",
    },
    "Figure": {
        "value": 'The number, written as a number: 54000 or 2.5e9, not "54,000".',
        "label": "What the number counts.",
        "display": "How to print it ($2 billion, 35%); default: the value with thousands "
        "separators.",
        "unit": "The unit of value (metadata).",
        "source": "Where the number comes from.",
    },
    "Section": {
        "title": "Heading of the section, title of its slides.",
        "lead": (
            "One-line summary under the heading. **bold**, *italic* and [text](https://...) "
            "links are drawn as such; \\* is a star."
        ),
        "points": (
            "Bullets: each a text, or text: with points: for nested bullets. **bold**, "
            "*italic* and [text](https://...) links are drawn as such; quote a text that "
            "starts with * or [."
        ),
        "figures": "Figure ids to show as big-number cards beside the section's points.",
        "notes": "Speaker notes (deck only).",
        "marking": "Portion marking such as U or CUI, printed as (U) before the title, lead and "
        "each top-level point.",
        "sources": "Texts, or text: with url:, listed at the end of the brief and in the deck's "
        "Sources list.",
        "backup": "true puts the section after the deck's Questions slide, as backup.",
        "bluf": "true: the bottom line up front, right after the deck's title slide with its "
        "cards.",
        "closing": "true: the deck's closing slide (as is a section titled Questions).",
        "chart": "A chart (or a list of them), drawn from the same data in every product.",
        "table": "A table (or a list of them).",
        "image": "A picture (or a list of them): PNG, JPEG or SVG inside the content's folder.",
        "timeline": "Dated events: each date: and text:.",
    },
    "Point": {
        "text": (
            "The bullet's text: **bold**, *italic* and [text](https://...) links are drawn "
            "as such; \\* is a star."
        ),
        "points": "Bullets nested under this one.",
    },
    "SourceLink": {
        "text": "The source as printed.",
        "url": "Its address; a live link in every product.",
    },
    "Chart": {
        "type": "bar, column, stacked, line or pie.",
        "title": "Title above the chart (and of its slide).",
        "categories": "The categories along the axis, such as years; one value per category in "
        "each series.",
        "series": "The data: each name: and values: (one number per category); a pie takes "
        "one series.",
        "unit": "Unit of the values, shown on the value axis.",
        "source": "Where the data comes from.",
        "alt": "Text equivalent; generated from the data when absent.",
        "labels": "false turns off the value labels (on for charts of up to 12 points).",
    },
    "Series": {
        "name": "Name of the series, shown in the legend.",
        "values": "One number per category.",
    },
    "Table": {
        "columns": "Column headings.",
        "rows": "Rows, each a list of one cell per column; numbers are right-aligned.",
        "caption": "Caption above the table (and title of its slide).",
        "source": "Where the data comes from.",
    },
    "Image": {
        "path": "The picture file, relative to the content file's folder.",
        "alt": "Text equivalent of the picture (required).",
        "caption": "Caption under the picture.",
        "source": "Where the picture comes from.",
    },
    "TimelineEntry": {
        "date": "When: a year, an ISO date or a short text such as Late 2012.",
        "text": "What happened.",
    },
}

#: What each key of a layout file means, by checking model (as `FIELD_HELP`).
LAYOUT_HELP: dict[str, dict[str, str]] = {
    "Design": {
        "name": "Name of the layout.",
        "page": "The brief's page: size, margins, columns.",
        "slide": "The deck's slides: size, margins and the heights of its fixed parts.",
        "fonts": "Font families by name: the deck's typeface and the PDF's font files.",
        "colors": "Named colours (#RRGGBB) that text styles refer to.",
        "palette": "Colours of chart series, in order.",
        "banners": "Banner colours by classification level; needs a default entry.",
        "brief": "Text styles of the brief, by role (title, heading, body...).",
        "deck": "Text styles of the deck, by role (title_slide, title, body...).",
        "markings": "Classification banners, the same in both products: their height.",
    },
    "PageTokens": {
        "size": "letter or a4.",
        "margins": "Page margins (lengths such as 0.75in, 18mm or 54pt).",
        "columns": "1 or 2 columns of text.",
        "gutter": "Space between the columns.",
        "max_pages": "Pages the brief should fill at most (absent: as many as it needs); "
        "more is a warning.",
        "product_label": "The masthead's label when the content names no organization "
        '(absent: "Brief" in the content\'s language; "": none).',
        "gap": "Space between blocks in a column, and between the key-figure cards.",
        "min_spacing": "How far spacing may tighten to fit the page target, as a share (0-1).",
        "min_figure_width": "Charts and pictures are never narrower than this.",
        "chart_aspect": "A chart's height as a share of its width.",
        "max_picture_height": "A picture is never taller than this share of the page.",
        "band_figures": "Key figures shown as cards at the top (more go in the columns).",
        "cards_per_row": "Key-figure cards in one row, at most.",
        "banner_clearance": "Least distance of banner text from every paper edge.",
        "masthead_height": "Height of the masthead band.",
        "footer_height": "Height of the footer.",
        "cover": "true: a cover block (title and key figures) on a page of its own.",
    },
    "SlideTokens": {
        "size": "16:9 or 4:3.",
        "margins": "Slide margins.",
        "footer_height": "Height of the footer.",
        "gap": "Space between boxes on a slide.",
        "card_column": "Width of the column of figure cards beside a section's points.",
        "titles": "topic: a section's title titles its slides; message: its lead does "
        "(the section title becomes the kicker above it).",
        "template": "Your organisation's PowerPoint template (.pptx or .potx), relative to this "
        "layout file: the deck is built on its masters, layouts, theme and slide size.",
        "template_layouts": "Template layouts by deck role (title, section, content, "
        "two_content, title_only, closing) for layouts not recognised by their placeholders, "
        'e.g. {title: "My Cover"}.',
        "template_theme": "true: the deck's and brief's text takes the template's theme fonts "
        "and colours; false: this layout's own.",
    },
    "Margins": {side: f"The {side} margin." for side in ("top", "bottom", "left", "right")},
    "FontFamily": {
        "deck": "The typeface the deck asks for (metric-compatible with files).",
        "pdf": "The name of the font embedded in the PDFs.",
        "east_asian": "The deck's East Asian typeface.",
        "fallback": "The family drawn for the characters this one lacks.",
        "files": "TrueType files by style: regular, bold, italic, bold_italic.",
        "instead_of_italic": "The weight set where a role is italic and this family has no "
        "italic (Japanese is never slanted): regular or bold.",
    },
    "TextStyle": {
        "font": "A font family of fonts:.",
        "style": "regular, bold, italic or bold_italic.",
        "size": "Type size in points.",
        "min": "Smallest size the text may shrink to, in points.",
        "color": "A colour name of colors:, or #RRGGBB.",
        "leading": "Line height as a multiple of the size.",
    },
    "MarkingTokens": {"banner_height": "Height of the classification banners."},
    "BannerColors": {"text": "Colour of the banner's text.", "fill": "Colour of the banner."},
}

#: Values the editor offers for keys that take free text but usually one of a few words.
FIELD_EXAMPLES: dict[str, dict[str, list[str]]] = {
    "Meta": {"classification": ["UNCLASSIFIED", "CUI"], "language": ["en-US", "ja-JP"]},
    "Section": {"marking": ["U", "CUI"]},
}


def _describe(
    schema: dict[str, Any], help: dict[str, dict[str, str]], examples: dict[str, dict[str, list]]
) -> None:
    """Add the descriptions (and examples) of `help` to the properties of `schema`'s models."""
    for definition in [schema, *schema.get("$defs", {}).values()]:
        name = definition.get("title", "")
        for key, text in help.get(name, {}).items():
            definition["properties"][key]["description"] = text
        for key, values in examples.get(name, {}).items():
            definition["properties"][key]["examples"] = values


def _any_of(node: Any) -> Any:
    """Return `node` with every `oneOf` made `anyOf`.

    pydantic writes a union it tells apart with a function (a timeline date: a year, an ISO
    date or a text) as `oneOf`; "After 1945" is a valid text and, to an editor that does not
    assert formats, a valid date too, so `oneOf` would reject what alliancedeck accepts.
    """
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _any_of(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_any_of(v) for v in node]
    return node


def content_schema() -> dict[str, Any]:
    """Return the JSON Schema of a content file, with a description on every key."""
    from alliancedeck.model import Brief

    schema = _any_of(Brief.model_json_schema())
    _describe(schema, FIELD_HELP, FIELD_EXAMPLES)
    schema["description"] = "An alliancedeck content file: the key points and figures of one brief."
    return {"$schema": SCHEMA_DIALECT, **schema, "title": "alliancedeck content file"}


def layout_schema() -> dict[str, Any]:
    """Return the JSON Schema of a layout file."""
    from alliancedeck.layout_files import _design_schema

    schema = _design_schema().json_schema()
    for loader_set in ("path", "template"):  # set by the loader, not written in the file
        schema["properties"].pop(loader_set, None)
    _describe(schema, LAYOUT_HELP, {})
    schema["description"] = "An alliancedeck layout file: the design tokens of both products."
    return {"$schema": SCHEMA_DIALECT, **schema, "title": "alliancedeck layout file"}


def keys_at(schema: dict[str, Any], path: tuple[str | int, ...]) -> list[str]:
    """Return the keys `schema` allows in the mapping at `path` (for "did you mean" hints)."""
    definitions = schema.get("$defs", {})

    def follow(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = definitions[node["$ref"].rsplit("/", 1)[-1]]
        for option in node.get("anyOf", ()):  # `X | None`: the mapping side
            if "$ref" in option or option.get("type") == "object":
                return follow(option)
        return node

    node = follow(schema)
    for part in path:
        if isinstance(part, int):
            node = follow(node.get("items", {}))
        elif part in node.get("properties", {}):
            node = follow(node["properties"][part])
        elif isinstance(node.get("additionalProperties"), dict):
            node = follow(node["additionalProperties"])
        else:
            return []
    return list(node.get("properties", {}))


def schema_text(*, layout: bool = False) -> str:
    """Return the schema (of a layout file with `layout`, else of a content file) as JSON text."""
    schema = layout_schema() if layout else content_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
