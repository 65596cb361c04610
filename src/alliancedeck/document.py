"""The resolved brief: every text rendered and every figure formatted, ready for layout."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from alliancedeck.errors import Location
from alliancedeck.labels import Labels, labels_for
from alliancedeck.markup import Run, prefixed


@dataclass(frozen=True)
class FigureInfo:
    """A key figure as readers see it: `display` is the formatted number."""

    id: str
    value: float
    display: str
    label: str
    unit: str | None
    source: str | None
    location: Location


@dataclass(frozen=True)
class PointInfo:
    """A bullet point and its sub-points."""

    text: str  # as readers see it: emphasis markup read, not printed
    location: Location
    children: tuple[PointInfo, ...] = ()
    runs: tuple[Run, ...] = ()  # `text` in styled runs, when it has emphasis or links


@dataclass(frozen=True)
class SourceInfo:
    """A source line, with an optional link."""

    text: str
    url: str | None
    location: Location


#: Charts with more points than this are not labelled value by value (labels would collide).
MAX_LABELLED_POINTS = 12


@dataclass(frozen=True)
class ChartInfo:
    """A chart's data, as both products draw it."""

    type: str  # bar | column | stacked | line | pie
    title: str | None
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (name, values) in content order
    unit: str | None
    source: str | None
    alt: str  # the author's, or one generated from the data
    location: Location
    labels: bool = True  # `labels: false` turns the value labels off

    @property
    def has_data_labels(self) -> bool:
        """Whether each value is labelled: charts of at most 12 points (not opted out)."""
        points = len(self.categories) * len(self.series)
        return self.labels and points <= MAX_LABELLED_POINTS

    @property
    def value_decimals(self) -> int:
        """Return the decimals the chart's values need (at most 2), for every label of them."""
        return max(
            (len(f"{v:.2f}".rstrip("0").split(".")[1]) for _, vs in self.series for v in vs),
            default=0,
        )

    def value_label(self, value: float) -> str:
        """Return `value` as its data label: thousands separators, the chart's decimals."""
        return f"{value:,.{self.value_decimals}f}"

    @property
    def has_legend(self) -> bool:
        """Whether the chart needs a legend: a pie's slices, or more than one series."""
        return self.type == "pie" or len(self.series) > 1

    def value_scale(self) -> AxisScale:
        """Return the value axis both products draw: same ends, same ticks, same numbers."""
        if self.type == "stacked":
            columns = list(zip(*(values for _, values in self.series), strict=True))
            low = min(0.0, *(sum(v for v in column if v < 0) for column in columns))
            high = max(0.0, *(sum(v for v in column if v > 0) for column in columns))
        else:
            values = [v for _, series in self.series for v in series]
            low, high = min(0.0, *values), max(0.0, *values)
        return AxisScale.around(low, high)


@dataclass(frozen=True)
class AxisScale:
    """A value axis from `low` to `high` with a tick every `step` (a 1, 2 or 5 times 10^k)."""

    low: float
    high: float
    step: float

    @classmethod
    def around(cls, low: float, high: float, ticks: int = 5) -> AxisScale:
        """Return the scale with about `ticks` intervals that holds `low` to `high`."""
        span = (high - low) or abs(high) or 1.0
        rough = span / ticks
        power = 10 ** math.floor(math.log10(rough))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
        bottom = math.floor(low / step + 1e-9) * step
        top = (math.floor(high / step + 1e-9) + 1) * step  # room above the highest value
        return cls(round(bottom, 12), round(top, 12), step)

    @property
    def decimals(self) -> int:
        """Return the decimals a tick label needs (0 for whole steps)."""
        return max(0, -math.floor(math.log10(self.step) + 1e-9))

    def label(self, value: float) -> str:
        """Return the tick label of `value`: thousands separators, the step's decimals."""
        return f"{value:,.{self.decimals}f}"

    @property
    def number_format(self) -> str:
        """Return the spreadsheet number format that prints ticks as `label` does."""
        return "#,##0" + ("." + "0" * self.decimals if self.decimals else "")


@dataclass(frozen=True)
class TableInfo:
    """A table: texts as printed; numeric columns are right-aligned."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    caption: str | None
    source: str | None
    location: Location


@dataclass(frozen=True)
class ImageInfo:
    """A picture from a file inside the content's folder, checked by its content."""

    path: Path
    format: str  # png | jpeg | svg
    alt: str
    caption: str | None
    source: str | None
    location: Location


@dataclass(frozen=True)
class TimelineInfo:
    """Dated events in content order."""

    entries: tuple[tuple[str, str], ...]  # (date as written, text)
    location: Location


Block = ChartInfo | TableInfo | ImageInfo | TimelineInfo


@dataclass(frozen=True)
class SectionInfo:
    """A section of the brief (one or more slides in the deck)."""

    title: str
    lead: str | None
    points: tuple[PointInfo, ...]
    figures: tuple[FigureInfo, ...]
    notes: str | None
    marking: str | None
    sources: tuple[SourceInfo, ...]
    location: Location
    backup: bool = False
    blocks: tuple[Block, ...] = ()
    bluf: bool = False  # the bottom line up front: right after the deck's title slide
    closing: bool = False  # the deck's closing slide
    lead_runs: tuple[Run, ...] = ()  # the lead in styled runs, when it has emphasis or links

    def portion(self, text: str) -> str:
        """Return `text` preceded by this section's portion mark, if it has one."""
        return f"({self.marking}) {text}" if self.marking else text

    def portion_runs(self, runs: tuple[Run, ...]) -> tuple[Run, ...]:
        """Return styled `runs` preceded by this section's portion mark (none stay none)."""
        if not runs:
            return ()
        return prefixed(self.portion(""), runs)


@dataclass(frozen=True)
class MetaInfo:
    """The brief's front matter, rendered."""

    title: str
    subtitle: str | None
    short_title: str
    authors: tuple[str, ...]
    organization: str | None
    date: dt.date | None
    product_id: str | None
    classification: str | None  # the banner text, in capitals
    banner_level: str | None  # UNCLASSIFIED, CUI, ... (picks the banner colours)
    distribution: str | None  # the full statement
    poc: str | None
    language: str
    layout: str
    cui: tuple[str, ...] = ()  # lines of the CUI designation indicator
    author_titles: tuple[str | None, ...] = ()  # each author's title, beside `authors`
    url: str | None = None  # where the product is published (printed in the brief's footer)
    location: Location | None = None  # of the `meta` mapping

    @property
    def poc_lines(self) -> tuple[str, ...]:
        """Return the point of contact's lines (name, office, phone, email as given)."""
        return tuple(line for line in (self.poc or "").split("\n") if line.strip())

    @property
    def byline(self) -> str | None:
        """Return the authors, or else the organization, as one line."""
        if self.authors:
            return ", ".join(self.authors)
        return self.organization


@dataclass(frozen=True)
class Document:
    """Everything the layouts need, independent of any output format."""

    meta: MetaInfo
    figures: dict[str, FigureInfo]
    sections: tuple[SectionInfo, ...]
    source_file: str
    warnings: tuple[object, ...] = field(default=())
    labels: Labels = field(default_factory=lambda: labels_for("en"))

    @property
    def main_sections(self) -> tuple[SectionInfo, ...]:
        """Return the sections of the briefing proper (not backup), in content order."""
        return tuple(s for s in self.sections if not s.backup)

    @property
    def backup_sections(self) -> tuple[SectionInfo, ...]:
        """Return the sections flagged `backup: true`, in content order."""
        return tuple(s for s in self.sections if s.backup)

    @property
    def key_figures(self) -> tuple[FigureInfo, ...]:
        """Return every figure in the order the content defines them."""
        return tuple(self.figures.values())

    @property
    def all_sources(self) -> tuple[tuple[SectionInfo, SourceInfo], ...]:
        """Return each section's sources, in content order, with the section they belong to."""
        return tuple((s, src) for s in self.sections for src in s.sources)

    def paragraph_count(self) -> int:
        """Return about how many paragraphs the sections hold: titles, leads, points and
        sub-points, figures, table rows and list entries (a block counts five besides)."""
        total = 0
        for section in self.sections:
            total += 2 + _count_points(section.points) + len(section.figures)
            for block in section.blocks:
                total += len(getattr(block, "rows", ())) + len(getattr(block, "entries", ())) + 5
        return total


def _count_points(points: tuple) -> int:
    """Return how many points and sub-points `points` hold."""
    return sum(1 + _count_points(point.children) for point in points)


def format_date(value: dt.date) -> str:
    """Return `value` as `31 May 2024` (day month year, no leading zero)."""
    return f"{value.day} {value:%B %Y}"


#: A chart's kind in words, as a text equivalent starts.
CHART_KINDS = {
    "bar": "Bar chart",
    "column": "Column chart",
    "stacked": "Stacked column chart",
    "line": "Line chart",
    "pie": "Pie chart",
}
#: The most values a text equivalent lists one by one (beyond that, the summary alone).
DESCRIBED_VALUES = 12


def chart_kind(chart_type: str) -> str:
    """Return the kind of chart `chart_type` in words: "Column chart"."""
    return CHART_KINDS[chart_type]


def chart_description(
    chart_type: str,
    title: str | None,
    categories: tuple[str, ...],
    series: tuple[tuple[str, tuple[float, ...]], ...],
    unit: str | None,
) -> str:
    """Return a text equivalent of a chart, generated from its data, that reads well aloud.

    The kind, title, unit and (for a chart over years or a line chart) the span of its
    categories; then what each series does (rises from ... to ..., highest ..., lowest ...);
    then its data, category by category, as a table would give it, where that is short
    enough to follow by ear: at most `DESCRIBED_VALUES` values, and not more numbers than
    words (a run of figures heard one after another is lost; the data stays in the deck's
    workbook and the handout's table). Every reader of the chart gets this one text: the
    PDFs' `/Alt`, the deck's `descr` and the handout's description.
    """
    ordered = chart_type == "line" or (bool(categories) and all(map(_is_number, categories)))
    head = chart_kind(chart_type) + (f" of {title}" if title else "")
    if unit:
        head += f", {unit}"
    if ordered and len(categories) > 1:
        head += f", {categories[0]} to {categories[-1]}"
    named = [(name, values[: len(categories)]) for name, values in series]
    if chart_type == "pie":
        slices = _pie_slices(categories, named[0][1] if named else ())
        return f"{head}: {slices}." if slices else f"{head}."
    if chart_type == "stacked" and len(named) > 1:
        totals = tuple(sum(values) for values in zip(*(v for _, v in named), strict=False))
        named_for_summary = [("total", totals), *named]
    else:
        named_for_summary = named
    several = len(named_for_summary) > 1
    summaries = []
    for name, values in named_for_summary:
        said = _trend(categories, values) if ordered else _extremes(categories, values)
        if several and name:
            said = f"{name} {said}" if ordered else f"{name}: {said}"
        summaries.append(said)
    text = f"{head}: {'; '.join(summaries)}."
    count = sum(len(values) for _, values in named)
    if count > DESCRIBED_VALUES or (ordered and len(named) == 1 and len(categories) <= 2):
        return text  # too long to hear in full, or the summary already gave every value
    if len(named) == 1:
        rows = [_pair(c, v) for c, v in zip(categories, named[0][1], strict=False)]
        data = f"{text} Data: {', '.join(rows)}."
    else:
        rows = [
            f"{category}: " + ", ".join(_pair(name, values[index]) for name, values in named)
            for index, category in enumerate(categories)
        ]
        data = f"{text} Data: {'; '.join(rows)}."
    return data if reads_as_words(data) else text


def reads_as_words(text: str) -> bool:
    """Return whether at least half of `text`'s characters are letters (it reads as language,
    not as a list of figures)."""
    return 2 * sum(character.isalpha() for character in text) >= len(text)


def _is_number(text: str) -> bool:
    """Return whether `text` is written as a number (a year, a count): 2019, 3.5."""
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _pair(label: str, value: float) -> str:
    """Return a value with what it belongs to, as said aloud: "1.6 in 2019", "Unit A 72"."""
    if _is_number(label):  # two numbers side by side would run together when heard
        return f"{format_number(value)} in {label}"
    return f"{label} {format_number(value)}"


def _where(categories: tuple[str, ...], values: tuple[float, ...], value: float) -> str:
    """Return the categories at which `values` takes `value`: "2020", "2022 and 2023"."""
    places = [c for c, v in zip(categories, values, strict=False) if v == value]
    return places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]


def _trend(categories: tuple[str, ...], values: tuple[float, ...]) -> str:
    """Return what a series over ordered categories does, from its first value to its last,
    with its highest and lowest where they fall between."""
    if not values:
        return "has no values"
    first, last = values[0], values[-1]
    start, end = categories[0], categories[len(values) - 1]
    if len(values) == 1:
        return f"is {format_number(first)} in {start}"
    high, low = max(values), min(values)
    if high == low:
        return f"stays at {format_number(first)} from {start} to {end}"
    # Every step the same way: "rises steadily", which the first and last alone do not say.
    steps = [b - a for a, b in itertools.pairwise(values)]
    steadily = " steadily" if len(steps) > 1 and (min(steps) > 0 or max(steps) < 0) else ""
    if last > first:
        peak = "a high of " if last == high and not steadily else ""
        said = f"rises{steadily} from {format_number(first)} in {start} to {peak}"
        said += f"{format_number(last)} in {end}"
    elif last < first:
        floor = "a low of " if last == low and not steadily else ""
        said = f"falls{steadily} from {format_number(first)} in {start} to {floor}"
        said += f"{format_number(last)} in {end}"
    else:
        said = f"is {format_number(first)} in both {start} and {end}"
    inner = values[1:-1]
    if high in inner and high not in (first, last):
        said += f", highest {format_number(high)} in {_where(categories, values, high)}"
    if low in inner and low not in (first, last):
        said += f", lowest {format_number(low)} in {_where(categories, values, low)}"
    return said


def _extremes(categories: tuple[str, ...], values: tuple[float, ...]) -> str:
    """Return the highest and lowest of a series over unordered categories."""
    if not values:
        return "has no values"
    high, low = max(values), min(values)
    if high == low:
        return f"{format_number(high)} for every category"
    return (
        f"highest {_where(categories, values, high)} at {format_number(high)}, "
        f"lowest {_where(categories, values, low)} at {format_number(low)}"
    )


def _pie_slices(categories: tuple[str, ...], values: tuple[float, ...]) -> str:
    """Return a pie's slices in order, each with its share of the whole (and its value, unless
    the values are already percentages)."""
    total = sum(values)
    if not values or total <= 0:
        return ""
    if math.isclose(total, 100):
        return ", ".join(
            f"{c} {format_number(v)}%" for c, v in zip(categories, values, strict=False)
        )
    return "; ".join(
        f"{c} {format_number(v)}, or {round(100 * v / total)}%"
        for c, v in zip(categories, values, strict=False)
    )


#: Whole numbers a table column holds only of are years: printed as written (2020, not 2,020).
YEARS = range(1800, 2200)


def is_year_column(values: Sequence[object]) -> bool:
    """Return whether a table column of `values` holds years: whole numbers in `YEARS` and
    nothing else but empty cells (a column of counts such as 1,250 and 12,000 is not)."""
    numbers = [v for v in values if v is not None]
    return bool(numbers) and all(
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and float(v).is_integer()
        and int(v) in YEARS
        for v in numbers
    )


def format_cell(value: float, *, year: bool) -> str:
    """Return a number of a table as printed: a year as written, else with every decimal it
    was written with (`format_written_number`), never rounded."""
    return str(int(value)) if year else format_written_number(value)


def format_written_number(value: float) -> str:
    """Return `value` with thousands separators and every decimal it was written with
    (1234.125 -> 1,234.125): a table cell, which is printed as written, never rounded."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{Decimal(repr(float(value))):,f}"


def format_number(value: float) -> str:
    """Return `value` with thousands separators: 54000 -> 54,000; 2.5 -> 2.5."""
    if float(value).is_integer():
        return f"{int(value):,}"
    decimals = 2
    if abs(value) < 0.01:  # two significant digits, where two decimals would print 0
        decimals = min(8, 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
