"""Validate stage: the content model (pydantic), and problems located at their YAML lines."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from functools import partial
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
from pydantic_core import PydanticCustomError, core_schema

from alliancedeck.characters import FORBIDDEN, RIGHT_TO_LEFT, UNFIT
from alliancedeck.errors import ContentError, Problem, did_you_mean, literal_choices, not_one_of
from alliancedeck.markup import MAX_URL, WEB_ADDRESS
from alliancedeck.slips import colon_in_text
from alliancedeck.source import ExponentNumber, KeyPath, Loaded, SourceMap

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


class _Schema:
    """Schema note for pydantic: the core schema `build()` returns, given as it is.

    The content model's field types are written as these notes rather than as `Field(...)`
    constraints and `AfterValidator`s in `Annotated` types: pydantic builds the very same
    validators either way, but reading the notes takes it a fraction of the time (the model is
    built by every process that checks content: about 40 ms of a 1x build's CPU otherwise).
    """

    __slots__ = ("build",)

    def __init__(self, build: Any):
        self.build = build

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return self.build()


def _after(schema: Any, *checks: Any) -> Any:
    """Return `schema` followed by each of `checks` (plain after-validators), in order."""
    for check in checks:
        schema = core_schema.no_info_after_validator_function(check, schema)
    return schema


def _date_schema(*checks: Any) -> Any:
    """Return the schema of a date (`IsoDate`), then `checks`."""
    date = core_schema.date_schema(strict=True)
    return _after(core_schema.no_info_before_validator_function(_iso_date, date), *checks)


IsoDate = Annotated[dt.date, _Schema(_date_schema)]
#: A `true` or `false`, never a text or a number that could stand for one.
Switch = Annotated[bool, _Schema(partial(core_schema.bool_schema, strict=True))]
#: Longest texts accepted, in characters (a point is a few sentences; a title one line).
MAX_TITLE = 400
MAX_TEXT = 5_000
MAX_NOTES = 50_000
#: Longest date written as text in a timeline (a URL's cap is markup.MAX_URL).
MAX_DATE_TEXT = 60
#: Smallest and largest size of a non-zero number: beyond them a value cannot be printed
#: exactly (floats hold 15 to 16 significant digits) or rounds to 0 in a figure or an axis.
MIN_MAGNITUDE = 1e-6
MAX_MAGNITUDE = 1e15
#: Most categories and series in a chart, columns and rows in a table, events in a timeline
#: and key figures in a brief: more cannot be read, and each costs layout time in both products
#: (2,000 categories of 20 series ran for minutes).
MAX_CATEGORIES = 200
MAX_SERIES = 20
MAX_COLUMNS = 20
MAX_ROWS = 2_000
MAX_EVENTS = 200
MAX_FIGURES = 200
#: Most sections in a brief, and points (sub-points included) in all its sections: each costs
#: layout time in both products (3,000 sections in 150 KB took 18 s; 20,000 points 15 s; ten
#: tables of MAX_ROWS rows 21 s, so MAX_ROWS holds for all the tables together). The limits
#: admit the benchmark's largest brief (200 copies of content.yaml: 1,200 sections, 4,600
#: points), which builds in about 25 s of CPU; 1,200 one-point sections in 60 KB build in about
#: 8 s, 5,000 points in about 10 s.
MAX_SECTIONS = 1_200
MAX_POINTS = 5_000
#: Last date a product can be stamped with (zip entry times end with 2107).
LAST_DATE = dt.date(2107, 12, 31)


def _check_characters(value: str) -> str:
    """Refuse a text with a character no document can store, or right-to-left text."""
    if UNFIT.search(value) is None:  # almost every text: one search, not two
        return value
    bad = FORBIDDEN.search(value)
    if bad:
        raise PydanticCustomError(
            "text_character",
            "character {code} cannot be stored in a document",
            {"code": f"U+{ord(bad.group()):04X}", "offset": bad.start()},
        )
    rtl = RIGHT_TO_LEFT.search(value)
    if rtl:
        char = rtl.group()
        raise PydanticCustomError(
            "text_right_to_left",
            "right-to-left text is not supported",
            {
                "code": f"U+{ord(char):04X}",
                "name": unicodedata.name(char, "unnamed").title(),
                "offset": rtl.start(),
            },
        )
    return value


def _one_line(value: str) -> str:
    """Refuse a line break in a text that is printed on one line (a date, a figure display)."""
    if any(c in value for c in "\n\r\u2028\u2029"):  # and Unicode's line, paragraph separators
        raise PydanticCustomError("text_line_break", "line break in a one-line text", {})
    return value


def _usable_number(value: float) -> float:
    """Refuse a number too large or too small to be printed as the number it is."""
    if value != 0 and not (MIN_MAGNITUDE <= abs(value) <= MAX_MAGNITUDE):
        raise PydanticCustomError("number_range", "number out of range", {"value": value})
    return value


def _web_address(value: str) -> str:
    """Refuse a source URL that is not a web or mail address (a link is live in both files)."""
    if any(c.isspace() for c in value):
        raise PydanticCustomError("url_space", "space in a URL", {})
    if not WEB_ADDRESS.match(value):  # one rule for source URLs and links in texts
        raise PydanticCustomError("url_scheme", "not a web address", {})
    return value


def _text_schema(max_length: int, min_length: int, strict: bool, checks: tuple[Any, ...]) -> Any:
    """Return the schema of a text of `min_length` to `max_length` storable characters."""
    text = core_schema.str_schema(
        min_length=min_length, max_length=max_length, strict=True if strict else None
    )
    return _after(text, _check_characters, *checks)


def _text(max_length: int, min_length: int = 0, *checks: Any, strict: bool = False) -> Any:
    """Return the type of a text field of at most `max_length` characters, all storable, that
    passes `checks` too (with `strict`, only a text: never a number read as one)."""
    return Annotated[str, _Schema(partial(_text_schema, max_length, min_length, strict, checks))]


Text = _text(MAX_TEXT, 1)
Title = _text(MAX_TITLE, 1)
ShortText = _text(MAX_TEXT)
#: A short text (an organization, a unit, a caption, a source): one title's length at most.
Line = _text(MAX_TITLE)
OneLine = _text(MAX_TITLE, 0, _one_line)
Url = _text(MAX_URL, 1, _web_address)


def _exponent_number(value: Any) -> Any:
    """Read a plain `1.5e9` (text to YAML 1.1) as the number it is to YAML 1.2."""
    return float(value) if isinstance(value, ExponentNumber) else value


#: A number written as a number: `54000`, `2.5` or `1.5e9`, never the text "54000" nor true/false.
def _number_schema() -> Any:
    number = core_schema.float_schema(allow_inf_nan=False, strict=True)
    written = core_schema.no_info_before_validator_function(
        _exponent_number, number, json_schema_input_schema=core_schema.float_schema()
    )
    return _after(written, _usable_number)


Number = Annotated[float, _Schema(_number_schema)]


def _stampable(value: dt.date) -> dt.date:
    if value > LAST_DATE:
        raise PydanticCustomError("stamp_too_late", "date after 2107", {})
    return value


BriefDate = Annotated[dt.date, _Schema(partial(_date_schema, _stampable))]


class Distribution(_Strict):
    """A DoD distribution statement by letter, with the fields its wording needs."""

    statement: Annotated[str, _Schema(partial(core_schema.str_schema, pattern=r"^\s*[A-Fa-f]\s*$"))]
    reason: Line | None = None
    date: IsoDate | None = None
    controlling_office: Line | None = None


#: Marks pydantic's union tags, which it puts in error locations: `_clean_path` drops them.
TAG_MARK = "~"
TEXT, MAPPING = Tag(TAG_MARK + "text"), Tag(TAG_MARK + "mapping")


def _text_or_mapping(value: Any) -> str | None:
    """Return which form a field that takes a text or a mapping was given in (None: neither)."""
    if isinstance(value, str):
        return TAG_MARK + "text"
    return TAG_MARK + "mapping" if isinstance(value, dict) else None


DistributionItem = Annotated[
    Annotated[Text, TEXT] | Annotated[Distribution, MAPPING],
    Discriminator(_text_or_mapping),
]


class CuiBlock(_Strict):
    """The CUI designation indicator printed on the first page and the title slide."""

    controlled_by: Title
    category: Title
    dissemination: Line | None = None
    distribution: Line | None = None
    poc: Title


class Author(_Strict):
    name: Text
    title: Text | None = None


AuthorItem = Annotated[
    Annotated[Text, TEXT] | Annotated[Author, MAPPING],
    Discriminator(_text_or_mapping),
]


class Poc(_Strict):
    """A point of contact as separate lines: name, office, phone, email."""

    name: Line
    office: Line | None = None
    phone: OneLine | None = None
    email: OneLine | None = None


def _poc_lines(value: str | Poc | None) -> str | None:
    """Return a point of contact as text, one line per given field (a string stays as it is)."""
    if isinstance(value, Poc):
        fields = (value.name, value.office, value.phone, value.email)
        return "\n".join(f for f in fields if f)
    return value


PocItem = Annotated[
    Annotated[Line, TEXT] | Annotated[Poc, MAPPING],
    Discriminator(_text_or_mapping),
]


class Meta(_Strict):
    title: Title
    subtitle: Line | None = None
    short_title: Line | None = None
    authors: list[AuthorItem] = []
    organization: Line | None = None
    date: BriefDate | None = None
    product_id: OneLine | None = None
    url: Url | None = None
    classification: OneLine | None = None
    distribution: DistributionItem | None = None
    cui: CuiBlock | None = None
    poc: Annotated[PocItem | None, AfterValidator(_poc_lines)] = None
    language: Annotated[
        str, _Schema(partial(core_schema.str_schema, pattern=LANGUAGE_TAG.pattern, max_length=35))
    ] = "en-US"
    layout: Title = "default"


class Figure(_Strict):
    value: Number
    label: Title
    display: _text(60, 1, _one_line) | None = None
    unit: OneLine | None = None
    source: Line | None = None


class Point(_Strict):
    text: Text
    points: list[PointItem] = []


PointItem = Annotated[
    Annotated[Text, TEXT] | Annotated[Point, MAPPING],
    Discriminator(_text_or_mapping),
]


class SourceLink(_Strict):
    text: Text
    url: Url | None = None


SourceItem = Annotated[
    Annotated[Text, TEXT] | Annotated[SourceLink, MAPPING],
    Discriminator(_text_or_mapping),
]


ChartType = Literal["bar", "column", "stacked", "line", "pie"]


def _one_or_many(value: Any) -> Any:
    """Accept one mapping where a list of them is expected (`chart: {...}` or `chart: [...]`)."""
    return [value] if isinstance(value, dict) else value


class Series(_Strict):
    name: Text
    values: list[Number]


def _category_texts(value: Any) -> Any:
    """Accept numbers as chart categories (years, mostly), as the text they are written as."""
    if not isinstance(value, list):
        return value
    return [_number_text(item) for item in value]


def _number_text(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return str(int(value)) if float(value).is_integer() else repr(value)


class Chart(_Strict):
    """A chart: native in the deck, vector in the PDF, from the same data."""

    type: ChartType
    title: Line | None = None
    categories: Annotated[
        list[Title],
        Field(min_length=1, max_length=MAX_CATEGORIES),
        BeforeValidator(_category_texts, json_schema_input_type=list[str | float]),
    ]
    series: Annotated[list[Series], Field(min_length=1, max_length=MAX_SERIES)]
    unit: OneLine | None = None
    source: Line | None = None
    alt: ShortText | None = None
    labels: Switch = True  # value labels (charts of <= 12 points)


def _cell_kind(value: Any) -> str:
    if isinstance(value, str):
        return TAG_MARK + "text"
    return TAG_MARK + ("empty" if value is None else "number")


Cell = Annotated[
    Annotated[_text(MAX_TITLE, strict=True), TEXT]
    | Annotated[Number, Tag(TAG_MARK + "number")]
    | Annotated[None, Tag(TAG_MARK + "empty")],
    Discriminator(_cell_kind),
]


class Table(_Strict):
    columns: Annotated[list[Text], Field(min_length=1, max_length=MAX_COLUMNS)]
    rows: Annotated[list[list[Cell]], Field(min_length=1, max_length=MAX_ROWS)]
    caption: Line | None = None
    source: Line | None = None


class Image(_Strict):
    path: Title
    alt: Text
    caption: Line | None = None
    source: Line | None = None


def _timeline_date_kind(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return TAG_MARK + "year"
    return TAG_MARK + ("text" if isinstance(value, str) else "date")


def _year_schema() -> Any:
    return core_schema.int_schema(strict=True, ge=-9999, le=9999)


class TimelineEntry(_Strict):
    date: Annotated[
        Annotated[_text(MAX_DATE_TEXT, 1, _one_line), TEXT]
        | Annotated[int, _Schema(_year_schema), Tag(TAG_MARK + "year")]
        | Annotated[IsoDate, Tag(TAG_MARK + "date")],
        Discriminator(_timeline_date_kind),
    ]
    text: Text


def _one_or_many_of(model: type[BaseModel]) -> BeforeValidator:
    """Return the validator that accepts one `model` mapping where a list of them is expected."""
    return BeforeValidator(_one_or_many, json_schema_input_type=model | list[model])


class Section(_Strict):
    title: Title
    lead: ShortText | None = None
    points: list[PointItem] = []
    figures: list[OneLine] = []
    notes: _text(MAX_NOTES) | None = None
    marking: OneLine | None = None
    sources: list[SourceItem] = []
    backup: Switch = False
    bluf: Switch = False
    closing: Switch = False
    chart: Annotated[list[Chart], _one_or_many_of(Chart)] = []
    table: Annotated[list[Table], _one_or_many_of(Table)] = []
    image: Annotated[list[Image], _one_or_many_of(Image)] = []
    timeline: Annotated[list[TimelineEntry], Field(max_length=MAX_EVENTS)] = []


def _count_points(items: list[Any]) -> int:
    """Return how many points `items` holds, sub-points included."""
    return sum(1 + (_count_points(item.points) if isinstance(item, Point) else 0) for item in items)


def _points_in_all(sections: list[Section]) -> list[Section]:
    total = sum(_count_points(section.points) for section in sections)
    if total > MAX_POINTS:
        raise PydanticCustomError(
            "points_in_all",
            "the sections hold {total} points in all, more than the limit of {limit}; "
            "split the brief in two",
            {"total": f"{total:,}", "limit": f"{MAX_POINTS:,}"},
        )
    rows = sum(len(table.rows) for section in sections for table in section.table)
    if rows > MAX_ROWS:  # one table's limit holds for all of them together
        raise PydanticCustomError(
            "rows_in_all",
            "the tables hold {total} rows in all, more than the limit of {limit}; "
            "split the brief in two or shorten the tables",
            {"total": f"{rows:,}", "limit": f"{MAX_ROWS:,}"},
        )
    return sections


class Brief(_Strict):
    meta: Meta
    figures: Annotated[dict[str, Figure], Field(max_length=MAX_FIGURES)] = {}
    sections: Annotated[
        list[Section],
        Field(min_length=1, max_length=MAX_SECTIONS),
        AfterValidator(_points_in_all),
    ]


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


def _dotted(path: KeyPath, first: int = 1) -> str:
    """Return `path` as messages write it: `sections[1].title`, list items counted from `first`
    (1 in a file, as a reader counts them; 0 in a mapping, as Python indexes it)."""
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part + first}]")
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


def _message(error: Any, path: KeyPath, first: int = 1) -> str:
    kind = error["type"]
    where = _dotted(path, first)
    found = _found(error.get("input"))
    if kind in ("string_type",):
        return f"{where}: expected text, found {found}"
    if kind in ("int_type", "float_type", "int_from_float", "float_parsing", "int_parsing"):
        return f"{where}: expected a number, found {found}{_number_hint(error.get('input'))}"
    if kind == "literal_error":
        choices = literal_choices(error)
        return not_one_of(where, error.get("input"), choices)
    if kind in ("bool_type", "bool_parsing"):
        return f"{where}: expected true or false, found {found}; write true or false"
    if kind in ("list_type",):
        return f"{where}: expected a list (lines starting with '- '), found {found}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where}: expected a mapping of keys, found {found}"
    if kind.startswith("date"):
        return f"{where}: expected an ISO date such as 2024-05-31, found {found}"
    if kind == "too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return f"{where}: more than the limit of {limit:,} items; split it or shorten it"
    if kind in ("too_short", "string_too_short"):
        return f"{where}: must not be empty"
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        size = len(error.get("input") or "")
        return f"{where}: text is {size:,} characters, more than the limit of {limit:,}"
    if kind == "finite_number":
        return f"{where}: expected a finite number, found {found}"
    ctx = error.get("ctx") or {}
    if kind == "text_character":
        return f"{where}: character {ctx['code']} cannot be stored in a document; delete it"
    if kind == "text_right_to_left":
        return (
            f"{where}: right-to-left text ({ctx['code']} {ctx['name']}) cannot be set: neither "
            "product can order Hebrew or Arabic, nor draw Arabic; write it in a left-to-right "
            "language"
        )
    if kind == "text_line_break":
        return f"{where}: must be one line; remove the line break"
    if kind == "number_range":
        return (
            f"{where}: {error.get('input')!r} is too large or too small to print as itself; "
            f"a number must be 0 or between {MIN_MAGNITUDE:g} and {MAX_MAGNITUDE:g} in size: "
            "give it in other units (thousands, billions) and say so in its unit or label"
        )
    if kind == "stamp_too_late":
        return f"{where}: a brief cannot be dated after {LAST_DATE.isoformat()}"
    if kind == "url_space":
        return f"{where}: a URL cannot hold spaces or line breaks; write spaces as %20"
    if kind == "url_scheme":
        return f"{where}: expected a web address starting https:// (or http://, mailto:)"
    if kind in ("less_than_equal", "greater_than_equal"):
        return f"{where}: expected a year between -9999 and 9999, found {found}"
    if kind == "string_pattern_mismatch" and path and path[-1] == "language":
        return f'{where}: "{error.get("input")}" is not a language tag such as en-US or ja-JP'
    if kind == "string_pattern_mismatch" and path and path[-1] == "statement":
        return f'{where}: "{error.get("input")}" is not a distribution statement letter A to F'
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        if isinstance(error.get("input"), list) and "distribution" not in path:
            return (
                f'{where}: expected text, found a list; a text that starts with "[" must be '
                'in quotes (YAML reads "[" as the start of a list)'
            )
        if "distribution" in path:
            return f"{where}: expected a statement text, or a mapping with statement: (A to F)"
        if path and path[-1] == "poc":
            return f"{where}: expected a name, or a mapping with name:, office:, phone:, email:"
        keys = "text: and url:" if "sources" in path else "text: and points:"
        return f"{where}: expected text, or a mapping with {keys}, found {found}"
    return f"{where}: {error['msg']}"


_NUMBER_IN_TEXT = re.compile(r"^\s*([-+]?[$€£¥]?)([0-9][0-9,]*(?:\.[0-9]+)?)\s*(%?)\s*$")


def _number_hint(value: Any) -> str:
    """Return what to write instead of a number typed as text ("185,000", "35%"), or ''."""
    if not isinstance(value, str):
        return ""
    match = _NUMBER_IN_TEXT.match(value)
    if match is None:
        return (
            "; write the number alone, such as 54000 or 2e9 (a figure's display: holds the text "
            "to print)"
        )
    number = match.group(2).replace(",", "")
    if match.group(3) or match.group(1).strip("+-"):
        return (
            f'; write {number} and put the sign in unit: (or the whole "{value.strip()}" in a '
            "figure's display:)"
        )
    return f"; write {number}, without commas or quotes (numbers are printed with separators)"


def _clean_path(loc: tuple[Any, ...]) -> KeyPath:
    """Drop the union tags pydantic adds to error locations (each starts with `TAG_MARK`)."""
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith(TAG_MARK)))


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


def _colon_slip(error: Any, path: KeyPath) -> str | None:
    """Return the message for a point or source read as a mapping (`- Note: the thing`), or None.

    `error` is pydantic's "missing text" error, whose input is the mapping YAML made of the line.
    """
    value = error.get("input")
    if error["type"] != "missing" or path[-1:] != ("text",) or not isinstance(value, dict):
        return None
    if _model_at(path[:-1]) not in ("point", "source") or len(value) != 1:
        return None
    ((key, text),) = value.items()
    if isinstance(text, dict | list) or did_you_mean(key, ("text", "points", "url")):
        return None  # a misspelt key (`txt:`), reported as such
    return colon_in_text(key, text)


def problems_from_validation(exc: ValidationError, source_map: SourceMap) -> list[Problem]:
    """Return one located problem per pydantic error in `exc`."""
    problems: list[Problem] = []
    colon_slips: set[KeyPath] = set()  # points read as a key and a value: one message each
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "missing")
    paths = [_single_block_path(_clean_path(e["loc"]), source_map) for e in errors]
    # A misspelt required key (`lable:`) is one slip: its "did you mean" says it all, so the
    # key it stands for is not reported missing as well.
    missing = [p for p, e in zip(paths, errors, strict=True) if e["type"] == "missing"]
    misspelt: set[KeyPath] = set()
    for path, error in zip(paths, errors, strict=True):
        if error["type"] == "extra_forbidden":
            for lost in missing:
                if lost[:-1] == path[:-1] and did_you_mean(str(path[-1]), [str(lost[-1])]):
                    misspelt.add(lost)
    for error, path in zip(errors, paths, strict=True):
        kind = error["type"]
        if path[:-1] in colon_slips or (kind == "missing" and path in misspelt):
            continue
        if kind == "extra_forbidden":
            key = str(path[-1])
            model = _model_at(path[:-1])
            choices = _FIELDS_BY_MODEL[model]
            where = _dotted(path[:-1], source_map.first_index)
            message = f'unknown key "{key}" in {where}{did_you_mean(key, choices)}'
            problems.append(Problem(source_map.locate(path, key=True), message))
        elif (slip := _colon_slip(error, path)) is not None:
            colon_slips.add(path[:-1])
            problems.append(Problem(source_map.locate(path[:-1]), slip))
        elif kind == "missing":
            parent = path[:-1]
            message = (
                f'{_dotted(parent, source_map.first_index)}: missing required key "{path[-1]}"'
            )
            problems.append(Problem(source_map.locate(parent, key=True), message))
        else:
            message = _message(error, path, source_map.first_index)
            problems.append(Problem(source_map.locate(path), message))
    return problems


def validate(loaded: Loaded) -> Brief:
    """Return the `Brief` in `loaded`, or raise a `ContentError` listing every problem.

    A section read as in the last rebuild of a watch session (see `SourceMap.sections`) is
    not checked again: its model then stands in for its data (pydantic takes a model as it
    is). The brief as a whole (the number of sections, points and rows; the figures named)
    is checked every time.
    """
    pieces = loaded.source_map.sections
    data = loaded.data
    if pieces:  # one per item of the sections list
        sections = [
            piece.model if piece is not None and piece.model is not None else raw
            for piece, raw in zip(pieces, data["sections"], strict=True)
        ]
        data = {**data, "sections": sections}
    try:
        brief = Brief.model_validate(data)
    except ValidationError as exc:
        raise ContentError(problems_from_validation(exc, loaded.source_map)) from None
    problems = _check_references(brief, loaded.source_map)
    if problems:
        raise ContentError(problems)
    for piece, section in zip(pieces, brief.sections, strict=False):
        if piece is not None:
            piece.model = section
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


def _split_number_hint(row: list[Any], columns: int) -> str:
    """Return a hint when a comma in a number (`[B, 1,200]`) may have made two cells of it."""
    numbers = [isinstance(cell, int | float) for cell in row]
    if len(row) <= columns or not any(a and b for a, b in itertools.pairwise(numbers)):
        return ""
    return "; in [ ] a comma separates cells: write numbers without commas (1200, not 1,200)"


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
                        f"{_dotted(('table', 'rows', r_index), source_map.first_index)} has "
                        f"{len(row)} cells for {len(table.columns)} "
                        f"columns{_split_number_hint(row, len(table.columns))}",
                    )
                )
    return problems
