"""Validate stage: the content model (pydantic), and problems located at their YAML lines."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
)

from alliancedeck.errors import ContentError, Problem, did_you_mean
from alliancedeck.source import KeyPath, Loaded, SourceMap

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _iso_date(value: Any) -> Any:
    """Accept a YAML date or an ISO `YYYY-MM-DD` string; leave anything else to fail."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), Field(strict=True)]
#: Longest texts accepted, in characters (a point is a few sentences; a title one line).
MAX_TITLE = 400
MAX_TEXT = 5_000
MAX_NOTES = 50_000

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
ShortText = Annotated[str, Field(max_length=MAX_TEXT)]
#: A number written as a number: `54000` or `2.5`, never the text "54000" nor true/false.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class Distribution(_Strict):
    """A DoD distribution statement by letter, with the fields its wording needs."""

    statement: Annotated[str, Field(pattern=r"^\s*[A-Fa-f]\s*$")]
    reason: str | None = None
    date: IsoDate | None = None
    controlling_office: str | None = None


def _distribution_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    return "letter" if isinstance(value, dict) else None


DistributionItem = Annotated[
    Annotated[Text, Tag("text")] | Annotated[Distribution, Tag("letter")],
    Discriminator(_distribution_kind),
]


class CuiBlock(_Strict):
    """The CUI designation indicator printed on the first page and the title slide."""

    controlled_by: Text
    category: Text
    dissemination: str | None = None
    distribution: str | None = None
    poc: Text


class Poc(_Strict):
    """A point of contact as separate lines: name, office, phone, email."""

    name: Text
    office: Text | None = None
    phone: Text | None = None
    email: Text | None = None


def _poc_lines(value: str | Poc | None) -> str | None:
    """Return a point of contact as text, one line per given field (a string stays as it is)."""
    if isinstance(value, Poc):
        fields = (value.name, value.office, value.phone, value.email)
        return "\n".join(f for f in fields if f)
    return value


def _poc_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    return "mapping" if isinstance(value, dict) else None


PocItem = Annotated[
    Annotated[str, Tag("text")] | Annotated[Poc, Tag("mapping")],
    Discriminator(_poc_kind),
]


class Meta(_Strict):
    title: Title
    subtitle: Annotated[str, Field(max_length=MAX_TITLE)] | None = None
    short_title: Annotated[str, Field(max_length=MAX_TITLE)] | None = None
    authors: list[Text] = []
    organization: str | None = None
    date: IsoDate | None = None
    product_id: str | None = None
    classification: str | None = None
    distribution: DistributionItem | None = None
    cui: CuiBlock | None = None
    poc: Annotated[PocItem | None, AfterValidator(_poc_lines)] = None
    language: Annotated[str, Field(pattern=LANGUAGE_TAG.pattern)] = "en-US"
    layout: Text = "default"


class Figure(_Strict):
    value: Number
    label: Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
    display: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    unit: str | None = None
    source: str | None = None


class Point(_Strict):
    text: Text
    points: list[PointItem] = []


def _point_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    return "nested" if isinstance(value, dict) else None


PointItem = Annotated[
    Annotated[Text, Tag("text")] | Annotated[Point, Tag("nested")],
    Discriminator(_point_kind),
]


class SourceLink(_Strict):
    text: Text
    url: str | None = None


def _source_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    return "link" if isinstance(value, dict) else None


SourceItem = Annotated[
    Annotated[Text, Tag("text")] | Annotated[SourceLink, Tag("link")],
    Discriminator(_source_kind),
]


ChartType = Literal["bar", "column", "stacked", "line", "pie"]


def _one_or_many(value: Any) -> Any:
    """Accept one mapping where a list of them is expected (`chart: {...}` or `chart: [...]`)."""
    return [value] if isinstance(value, dict) else value


class Series(_Strict):
    name: Text
    values: list[Number]


class Chart(_Strict):
    """A chart: native in the deck, vector in the PDF, from the same data."""

    type: ChartType
    title: str | None = None
    categories: Annotated[list[Text], Field(min_length=1)]
    series: Annotated[list[Series], Field(min_length=1)]
    unit: str | None = None
    source: str | None = None
    alt: str | None = None
    labels: Annotated[bool, Field(strict=True)] = True  # value labels (charts of <= 12 points)


Cell = (
    Annotated[str, Field(strict=True, max_length=MAX_TITLE)]
    | Annotated[float, Field(strict=True, allow_inf_nan=False)]
    | None
)


class Table(_Strict):
    columns: Annotated[list[Text], Field(min_length=1)]
    rows: Annotated[list[list[Cell]], Field(min_length=1)]
    caption: str | None = None
    source: str | None = None


class Image(_Strict):
    path: Text
    alt: Text
    caption: str | None = None
    source: str | None = None


class TimelineEntry(_Strict):
    date: Annotated[str, Field(min_length=1)] | Annotated[int, Field(strict=True)] | IsoDate
    text: Text


class Section(_Strict):
    title: Title
    lead: ShortText | None = None
    points: list[PointItem] = []
    figures: list[str] = []
    notes: Annotated[str, Field(max_length=MAX_NOTES)] | None = None
    marking: str | None = None
    sources: list[SourceItem] = []
    backup: Annotated[bool, Field(strict=True)] = False
    bluf: Annotated[bool, Field(strict=True)] = False
    closing: Annotated[bool, Field(strict=True)] = False
    chart: Annotated[list[Chart], BeforeValidator(_one_or_many)] = []
    table: Annotated[list[Table], BeforeValidator(_one_or_many)] = []
    image: Annotated[list[Image], BeforeValidator(_one_or_many)] = []
    timeline: list[TimelineEntry] = []


class Brief(_Strict):
    meta: Meta
    figures: dict[str, Figure] = {}
    sections: Annotated[list[Section], Field(min_length=1)]


Point.model_rebuild()

#: Which model describes the mapping found at a key path (for "did you mean" hints).
_FIELDS_BY_MODEL: dict[str, list[str]] = {
    "brief": list(Brief.model_fields),
    "meta": list(Meta.model_fields),
    "figure": list(Figure.model_fields),
    "section": list(Section.model_fields),
    "point": list(Point.model_fields),
    "source": list(SourceLink.model_fields),
    "distribution": list(Distribution.model_fields),
    "chart": list(Chart.model_fields),
    "series": list(Series.model_fields),
    "table": list(Table.model_fields),
    "image": list(Image.model_fields),
    "timeline": list(TimelineEntry.model_fields),
    "cui": list(CuiBlock.model_fields),
}


def _model_at(path: KeyPath) -> str:
    """Return the name of the model whose mapping sits at `path` in the content."""
    if not path:
        return "brief"
    head = path[0]
    if head == "meta":
        if len(path) >= 2 and path[1] in ("distribution", "cui"):
            return str(path[1])
        return "meta"
    if head == "figures":
        return "figure"
    if head == "sections":
        if len(path) <= 2:
            return "section"
        block = str(path[2])
        if block == "chart":
            return "series" if "series" in path else "chart"
        if block in ("table", "image", "timeline"):
            return block
        return "source" if block == "sources" else "point"
    return "brief"


def _dotted(path: KeyPath) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts) or "the top level"


_TYPE_WORDS = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing (empty)",
    dt.date: "a date",
}


def _found(value: Any) -> str:
    word = _TYPE_WORDS.get(type(value), type(value).__name__)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'text "{shown}"'
    if isinstance(value, bool):
        return f"{word} ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"{word} ({value})"
    return word


def _message(error: Any, path: KeyPath) -> str:
    kind = error["type"]
    where = _dotted(path)
    found = _found(error.get("input"))
    if kind in ("string_type",):
        return f"{where}: expected text, found {found}"
    if kind in ("int_type", "float_type", "int_from_float", "float_parsing", "int_parsing"):
        return f"{where}: expected a number, found {found}"
    if kind in ("list_type",):
        return f"{where}: expected a list (lines starting with '- '), found {found}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where}: expected a mapping of keys, found {found}"
    if kind.startswith("date"):
        return f"{where}: expected an ISO date such as 2024-05-31, found {found}"
    if kind in ("too_short", "string_too_short"):
        return f"{where}: must not be empty"
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        size = len(error.get("input") or "")
        return f"{where}: text is {size:,} characters, more than the limit of {limit:,}"
    if kind == "finite_number":
        return f"{where}: expected a finite number, found {found}"
    if kind == "string_pattern_mismatch" and path and path[-1] == "language":
        return f'{where}: "{error.get("input")}" is not a language tag such as en-US or ja-JP'
    if kind == "string_pattern_mismatch" and path and path[-1] == "statement":
        return f'{where}: "{error.get("input")}" is not a distribution statement letter A to F'
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        if "distribution" in path:
            return f"{where}: expected a statement text, or a mapping with statement: (A to F)"
        if path and path[-1] == "poc":
            return f"{where}: expected a name, or a mapping with name:, office:, phone:, email:"
        keys = "text: and url:" if "sources" in path else "text: and points:"
        return f"{where}: expected text, or a mapping with {keys}, found {found}"
    return f"{where}: {error['msg']}"


def _clean_path(loc: tuple[Any, ...]) -> KeyPath:
    """Drop the union tags pydantic adds to error locations ('text', 'nested', 'link'...)."""
    cleaned: list[str | int] = []
    for index, part in enumerate(loc):
        previous = loc[index - 1] if index else None
        if part in ("text", "nested", "link") and isinstance(previous, int):
            continue
        if part in ("text", "letter") and previous == "distribution":
            continue
        if part in ("text", "mapping") and previous == "poc":
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _single_block_path(path: KeyPath, source_map: SourceMap) -> KeyPath:
    """Drop the [0] pydantic adds where the content gave one mapping for a list (`chart: {...}`)."""
    cleaned: list[str | int] = []
    for part in path:
        if (
            part == 0
            and tuple(cleaned) in source_map.values
            and ((*cleaned, 0) not in source_map.values)
        ):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def problems_from_validation(exc: ValidationError, source_map: SourceMap) -> list[Problem]:
    """Return one located problem per pydantic error in `exc`."""
    problems: list[Problem] = []
    for error in exc.errors():
        path = _single_block_path(_clean_path(error["loc"]), source_map)
        kind = error["type"]
        if kind == "extra_forbidden":
            key = str(path[-1])
            model = _model_at(path[:-1])
            choices = _FIELDS_BY_MODEL[model]
            where = _dotted(path[:-1])
            message = f'unknown key "{key}" in {where}{did_you_mean(key, choices)}'
            problems.append(Problem(source_map.locate(path, key=True), message))
        elif kind == "missing":
            parent = path[:-1]
            message = f'{_dotted(parent)}: missing required key "{path[-1]}"'
            problems.append(Problem(source_map.locate(parent, key=True), message))
        else:
            problems.append(Problem(source_map.locate(path), _message(error, path)))
    return problems


def validate(loaded: Loaded) -> Brief:
    """Return the `Brief` in `loaded`, or raise a `ContentError` listing every problem."""
    try:
        brief = Brief.model_validate(loaded.data)
    except ValidationError as exc:
        raise ContentError(problems_from_validation(exc, loaded.source_map)) from None
    problems = _check_references(brief, loaded.source_map)
    if problems:
        raise ContentError(problems)
    return brief


def _check_references(brief: Brief, source_map: SourceMap) -> list[Problem]:
    problems: list[Problem] = []
    for figure_id in brief.figures:
        if not IDENTIFIER.match(figure_id):
            problems.append(
                Problem(
                    source_map.locate(("figures", figure_id), key=True),
                    f'figure id "{figure_id}" must be a word of letters, digits and _ '
                    "(it is used as {{ figures.ID }} in texts)",
                )
            )
    cui = brief.meta.cui
    if cui is not None and not (cui.dissemination or cui.distribution):
        problems.append(
            Problem(
                source_map.locate(("meta", "cui"), key=True),
                "meta.cui needs dissemination (a limited dissemination control) "
                "or distribution (a distribution statement letter)",
            )
        )
    for s_index, section in enumerate(brief.sections):
        problems.extend(_check_blocks(section, ("sections", s_index), source_map))
        for f_index, figure_id in enumerate(section.figures):
            if figure_id not in brief.figures:
                hint = did_you_mean(figure_id, brief.figures)
                problems.append(
                    Problem(
                        source_map.locate(("sections", s_index, "figures", f_index)),
                        f'unknown figure "{figure_id}"{hint}; figures are defined under figures:',
                    )
                )
    return problems


def _block_path(source_map: SourceMap, base: KeyPath, key: str, index: int) -> KeyPath:
    """Return the key path of block `index` under `key` (no index when one mapping was given)."""
    listed = (*base, key, index)
    return listed if listed in source_map.values else (*base, key)


def _check_blocks(section: Section, base: KeyPath, source_map: SourceMap) -> list[Problem]:
    """Return the problems of a section's charts and tables that the types cannot express."""
    problems: list[Problem] = []
    for index, chart in enumerate(section.chart):
        where = _block_path(source_map, base, "chart", index)
        if chart.type == "pie" and len(chart.series) != 1:
            problems.append(
                Problem(
                    source_map.locate((*where, "series")),
                    f"a pie chart takes one series, this one has {len(chart.series)}",
                )
            )
        for s_index, series in enumerate(chart.series):
            if len(series.values) != len(chart.categories):
                problems.append(
                    Problem(
                        source_map.locate((*where, "series", s_index, "values")),
                        f'series "{series.name}" has {len(series.values)} values for '
                        f"{len(chart.categories)} categories; give one value per category",
                    )
                )
            if chart.type == "pie" and any(v < 0 for v in series.values):
                problems.append(
                    Problem(
                        source_map.locate((*where, "series", s_index, "values")),
                        "a pie chart cannot show negative values",
                    )
                )
    for index, table in enumerate(section.table):
        where = _block_path(source_map, base, "table", index)
        for r_index, row in enumerate(table.rows):
            if len(row) != len(table.columns):
                problems.append(
                    Problem(
                        source_map.locate((*where, "rows", r_index)),
                        f"table row {r_index + 1} has {len(row)} cells for {len(table.columns)} "
                        "columns",
                    )
                )
    return problems
