"""Draw the HTML handout: the brief as one self-contained, screen-reader friendly web page."""

from __future__ import annotations

import base64
import itertools
import math
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from alliancedeck.compose import rules
from alliancedeck.document import (
    ChartInfo,
    ImageInfo,
    TableInfo,
    TimelineInfo,
    chart_kind,
    format_number,
)

if TYPE_CHECKING:
    from alliancedeck.design import Design, TextStyle
    from alliancedeck.document import Block, Document, PointInfo, SectionInfo
    from alliancedeck.markup import Run

#: The chart's drawing box (SVG user units; it scales with the page).
CHART_WIDTH, CHART_HEIGHT = 640.0, 340.0
#: The MIME type of each picture format alliancedeck accepts.
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def text(value: object) -> str:
    """Return `value` as HTML text (markup characters escaped, quotes too)."""
    return escape(str(value), quote=True)


def styled(plain: str, runs: Sequence[Run]) -> str:
    """Return a text as HTML: `runs` with their emphasis (`strong`, `em`) and links (`a`),
    every character of the text escaped; `plain` escaped when it has no runs."""
    if not runs:
        return text(plain)
    parts = []
    for href, group in itertools.groupby(runs, key=lambda run: run.href):
        inner = ""
        for run in group:
            piece = text(run.text)
            if run.italic:
                piece = f"<em>{piece}</em>"
            if run.bold:
                piece = f"<strong>{piece}</strong>"
            inner += piece
        parts.append(f'<a href="{text(href)}">{inner}</a>' if href else inner)
    return "".join(parts)


def draw_handout(doc: Document, theme: Design) -> bytes:
    """Return the UTF-8 bytes of the handout of `doc`, styled by `theme`."""
    return "\n".join(Handout(doc, theme).page()).encode("utf-8")


class Handout:
    """The parts of one handout, each a list of HTML lines."""

    def __init__(self, doc: Document, theme: Design):
        self.doc = doc
        self.theme = theme
        self.labels = doc.labels
        self._charts = 0

    # ----- the page ------------------------------------------------------------------------

    def page(self) -> list[str]:
        meta = self.doc.meta
        lines = [
            "<!DOCTYPE html>",
            f'<html lang="{text(meta.language)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{text(meta.title)}</title>",
            '<meta name="generator" content="alliancedeck">',
        ]
        if meta.byline:
            lines.append(f'<meta name="author" content="{text(meta.byline)}">')
        if meta.distribution:
            lines.append(f'<meta name="description" content="{text(meta.distribution)}">')
        lines += ["<style>", self.stylesheet(), "</style>", "</head>", "<body>"]
        lines += self.banner("top")
        lines += self.header()
        lines.append('<main id="main">')
        lines += self.key_figures()
        for index, section in enumerate(self.doc.main_sections):
            lines += self.section(section, f"section-{index + 1}")
        for number, section in enumerate(self.doc.backup_sections, start=1):
            lines += self.section(section, f"backup-{number}", backup=number)
        lines += self.sources()
        lines.append("</main>")
        lines += self.footer()
        lines += self.banner("bottom")
        lines += ["</body>", "</html>", ""]
        return lines

    def banner(self, where: str) -> list[str]:
        """Return the classification banner (top and bottom, as on every page of the brief)."""
        meta = self.doc.meta
        if not meta.classification:
            return []
        # Read once, at the top; the bottom banner repeats it for the eye only.
        hidden = ' aria-hidden="true"' if where == "bottom" else ""
        return [
            f'<p class="banner banner-{where}"{hidden}>'
            f'<span class="visually-hidden">Classification: </span>{text(meta.classification)}</p>'
        ]

    def header(self) -> list[str]:
        meta = self.doc.meta
        kicker = " · ".join(
            t for t in (meta.organization, self.labels.as_of(meta.date), meta.product_id) if t
        )
        byline = " · ".join(
            t
            for t in (
                ", ".join(meta.authors) or None,
                *rules.poc_lines(meta, self.labels, one_line=True),
            )
            if t
        )
        lines = ["<header>"]
        if kicker:
            lines.append(f'<p class="kicker">{text(kicker)}</p>')
        lines.append(f"<h1>{text(meta.title)}</h1>")
        if meta.subtitle:
            lines.append(f'<p class="subtitle">{text(meta.subtitle)}</p>')
        if byline:
            lines.append(f'<p class="byline">{text(byline)}</p>')
        lines.append("</header>")
        return lines

    def key_figures(self) -> list[str]:
        figures = self.doc.key_figures
        if not figures:
            return []
        lines = [
            '<section class="figures" aria-labelledby="key-figures">',
            f'<h2 id="key-figures">{text(self.labels.key_figures)}</h2>',
            "<ul>",
        ]
        for figure in figures:
            lines.append(
                f'<li><span class="value">{text(figure.display)}</span> '
                f'<span class="label">{text(figure.label)}</span></li>'
            )
        return [*lines, "</ul>", "</section>"]

    def section(self, section: SectionInfo, anchor: str, backup: int = 0) -> list[str]:
        title = (
            self.labels.say("backup", n=backup, title=section.title) if backup else section.title
        )
        lines = [
            f'<section id="{anchor}" aria-labelledby="{anchor}-title">',
            f'<h2 id="{anchor}-title">{text(section.portion(title))}</h2>',
        ]
        if section.lead:
            lead = styled(section.portion(section.lead), section.portion_runs(section.lead_runs))
            lines.append(f'<p class="lead">{lead}</p>')
        if section.points:
            lines += self.points(section.points, section, level=0)
        for block in section.blocks:
            lines += self.block(block)
        return [*lines, "</section>"]

    def points(self, points: tuple[PointInfo, ...], section: SectionInfo, level: int) -> list[str]:
        lines = ["<ul>"]
        for point in points:
            label = section.portion(point.text) if level == 0 else point.text
            runs = section.portion_runs(point.runs) if level == 0 else point.runs
            if point.children:
                lines.append(f"<li>{styled(label, runs)}")
                lines += self.points(point.children, section, level + 1)
                lines.append("</li>")
            else:
                lines.append(f"<li>{styled(label, runs)}</li>")
        return [*lines, "</ul>"]

    def sources(self) -> list[str]:
        entries = self.doc.all_sources
        if not entries:
            return []
        lines = [
            '<section class="sources" aria-labelledby="sources">',
            f'<h2 id="sources">{text(self.labels.sources)}</h2>',
            "<ul>",
        ]
        for section, source in entries:
            item = f"{text(section.title)}: {text(source.text)}"
            if source.url:
                item += f' <a href="{text(source.url)}">{text(source.url)}</a>'
            lines.append(f"<li>{item}</li>")
        return [*lines, "</ul>", "</section>"]

    def footer(self) -> list[str]:
        """Return the distribution statement and CUI designation block, as at the foot of page 1."""
        meta = self.doc.meta
        if not (meta.distribution or meta.cui or meta.short_title):
            return []
        lines = ["<footer>"]
        if meta.cui:
            lines.append('<p class="cui">' + "<br>".join(text(line) for line in meta.cui) + "</p>")
        if meta.distribution:
            lines.append(f'<p class="statement">{text(meta.distribution)}</p>')
        closing = " · ".join(t for t in (meta.short_title, self.labels.as_of(meta.date)) if t)
        lines.append(f'<p class="closing">{text(closing)}</p>')
        return [*lines, "</footer>"]

    # ----- blocks --------------------------------------------------------------------------

    def block(self, block: Block) -> list[str]:
        if isinstance(block, ChartInfo):
            return self.chart(block)
        if isinstance(block, TableInfo):
            return self.table(block)
        if isinstance(block, ImageInfo):
            return self.image(block)
        if isinstance(block, TimelineInfo):
            return self.timeline(block)
        return []

    def source_note(self, source: str | None) -> list[str]:
        if not source:
            return []
        return [f'<p class="source">{text(self.labels.say("source", source=source))}</p>']

    def table(self, table: TableInfo) -> list[str]:
        table = rules.uniform_decimals(table)
        lines = ['<div class="table">', "<table>"]
        if table.caption:
            lines.append(f"<caption>{text(table.caption)}</caption>")
        lines.append("<thead><tr>")
        for index, column in enumerate(table.columns):
            lines.append(f'<th scope="col"{_numeric(table.numeric[index])}>{text(column)}</th>')
        lines += ["</tr></thead>", "<tbody>"]
        for row in table.rows:
            cells = []
            for index, cell in enumerate(row):
                if index == 0:  # the first column names the row
                    cells.append(f'<th scope="row"{_numeric(table.numeric[0])}>{text(cell)}</th>')
                else:
                    cells.append(f"<td{_numeric(table.numeric[index])}>{text(cell)}</td>")
            lines.append("<tr>" + "".join(cells) + "</tr>")
        lines += ["</tbody>", "</table>", *self.source_note(table.source), "</div>"]
        return lines

    def image(self, image: ImageInfo) -> list[str]:
        from alliancedeck.pictures import file_for_products

        raw, kind = file_for_products(image.path, image.location)  # as checked, not re-read raw
        data = base64.b64encode(raw).decode("ascii")
        # An SVG shown through <img> runs no script and loads nothing from outside the page.
        lines = ["<figure>"]
        lines.append(f'<img src="data:{IMAGE_TYPES[kind]};base64,{data}" alt="{text(image.alt)}">')
        if image.caption:
            lines.append(f"<figcaption>{text(image.caption)}</figcaption>")
        return [*lines, *self.source_note(image.source), "</figure>"]

    def timeline(self, timeline: TimelineInfo) -> list[str]:
        lines = ['<ol class="timeline">']
        for date, event in timeline.entries:
            lines.append(f'<li><span class="date">{text(date)}</span> {text(event)}</li>')
        return [*lines, "</ol>"]

    def chart(self, chart: ChartInfo) -> list[str]:
        self._charts += 1
        key = f"chart-{self._charts}"
        lines = [f'<figure class="chart" aria-labelledby="{key}-caption">']
        caption = chart.title or chart_kind(chart.type)
        lines.append(f'<figcaption id="{key}-caption">{text(caption)}</figcaption>')
        lines.append(chart_svg(chart, key, self.theme))
        lines += chart_table(chart)
        return [*lines, *self.source_note(chart.source), "</figure>"]

    # ----- style ---------------------------------------------------------------------------

    def stylesheet(self) -> str:
        """Return the page's CSS: the layout's brief fonts, sizes and colours (in pt)."""
        theme = self.theme
        colors = theme.colors
        banner = theme.banner_colors(self.doc.meta.banner_level or "")

        def font(role: str) -> str:
            style: TextStyle = theme.brief[role]
            family = theme.fonts[style.font]
            fallback = theme.fonts.get(family.fallback or "")
            names = [family.deck, family.pdf]
            if family.east_asian:
                names.append(family.east_asian)
            if fallback is not None:
                names += [fallback.deck, fallback.pdf]
            stack = ", ".join(f'"{name}"' for name in dict.fromkeys(names)) + ", sans-serif"
            weight = "bold" if style.bold else "normal"
            slant = "italic" if style.italic else "normal"
            color = colors.get(style.color, style.color)
            # The brief's sizes, a quarter larger: a page read on screen, not at arm's length.
            size = round(style.size * 1.25, 2)
            return (
                f"font-family: {stack}; font-size: {size}pt; font-weight: {weight}; "
                f"font-style: {slant}; color: {color}; line-height: {style.leading};"
            )

        return "\n".join(
            [
                f"body {{ margin: 0 auto; max-width: 46em; padding: 0 1.2em; "
                f"background: {colors['background']}; {font('body')} }}",
                f".banner {{ margin: 0 -1.2em; padding: 0.3em; text-align: center; "
                f"background: {banner.fill}; {font('banner')} color: {banner.text}; }}",
                ".banner-top { position: sticky; top: 0; }",
                f"h1 {{ {font('title')} margin: 0.6em 0 0.2em; }}",
                f".subtitle {{ {font('subtitle')} margin: 0; }}",
                f".kicker, .byline {{ {font('byline')} margin: 0.2em 0; }}",
                f"header {{ border-bottom: 2px solid {colors['primary']}; padding: 0.8em 0; }}",
                f"h2 {{ {font('heading')} margin: 1.4em 0 0.3em; }}",
                f".lead {{ {font('lead')} }}",
                ".figures ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; "
                "gap: 0.6em; }",
                f".figures li {{ flex: 1 1 10em; background: {colors['card']}; "
                f"border-left: 4px solid {colors['primary']}; padding: 0.5em 0.7em; }}",
                f".figures .value {{ display: block; {font('figure_value')} }}",
                f".figures .label {{ {font('figure_label')} }}",
                "figure { margin: 1em 0; }",
                f"figcaption {{ {font('heading')} font-size: 1em; margin-bottom: 0.3em; }}",
                "figure img, figure svg { max-width: 100%; height: auto; }",
                f"table {{ border-collapse: collapse; {font('table')} margin: 0.5em 0; }}",
                f"caption {{ {font('heading')} font-size: 1em; text-align: left; "
                "padding-bottom: 0.3em; }",
                f"thead th {{ {font('table_header')} background: {colors['primary']}; }}",
                "th, td { padding: 0.25em 0.5em; text-align: left; vertical-align: top; }",
                f"tbody tr {{ border-bottom: 1px solid {colors['rule']}; }}",
                f"tbody tr:nth-child(even) {{ background: {colors['card']}; }}",
                "tbody th { font-weight: normal; }",
                ".num { text-align: right; font-variant-numeric: tabular-nums; }",
                f".source, .closing {{ {font('source')} }}",
                f".timeline {{ list-style: none; padding-left: 0.8em; "
                f"border-left: 3px solid {colors['primary']}; }}",
                f".timeline .date {{ {font('timeline_date')} margin-right: 0.5em; }}",
                f"a {{ color: {colors['link']}; }}",
                f"footer {{ border-top: 1px solid {colors['rule']}; margin-top: 2em; "
                f"padding: 0.5em 0; {font('statement')} }}",
                ".visually-hidden { position: absolute; width: 1px; height: 1px; "
                "overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }",
                "@media print { .banner-top { position: static; } "
                ".chart, .table, figure { break-inside: avoid; } }",
            ]
        )


def _numeric(numeric: bool) -> str:
    return ' class="num"' if numeric else ""


def chart_table(chart: ChartInfo) -> list[str]:
    """Return the chart's data as a table: a row per category, a column per series."""
    unit = f" ({chart.unit})" if chart.unit else ""
    lines = [
        '<table class="chart-data">',
        f"<caption>Data{text(unit)}</caption>",
        '<thead><tr><th scope="col"><span class="visually-hidden">Category</span></th>',
    ]
    for name, _ in chart.series:
        lines.append(f'<th scope="col" class="num">{text(name or "Value")}</th>')
    lines += ["</tr></thead>", "<tbody>"]
    for index, category in enumerate(chart.categories):
        cells = "".join(
            f'<td class="num">{text(format_number(values[index]))}</td>'
            for _, values in chart.series
        )
        lines.append(f'<tr><th scope="row">{text(category)}</th>{cells}</tr>')
    return [*lines, "</tbody>", "</table>"]


def chart_svg(chart: ChartInfo, key: str, theme: Design) -> str:
    """Return `chart` as an inline SVG image: the axis both other products draw, the palette."""
    style = theme.brief["chart"]
    family = theme.fonts[style.font]
    color = theme.colors.get(style.color, style.color)
    svg = _Svg(tuple(theme.palette), theme.colors["rule"], color)
    if chart.type == "pie":
        svg.pie(chart)
    else:
        svg.axes_chart(chart)
    size = style.size * 1.6  # in the chart's own units, which scale with the page
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {CHART_WIDTH:g} '
        f'{CHART_HEIGHT:g}" width="{CHART_WIDTH:g}" height="{CHART_HEIGHT:g}" '
        f'aria-labelledby="{key}-title {key}-desc" '
        f'font-family="{text(family.deck)}, {text(family.pdf)}, sans-serif" '
        f'font-size="{size:g}" fill="{color}">'
        f'<title id="{key}-title">{text(chart.title or chart_kind(chart.type))}</title>'
        f'<desc id="{key}-desc">{text(chart.alt)}</desc>' + "".join(svg.parts) + "</svg>"
    )


class _Svg:
    """The marks of one chart, as SVG elements."""

    def __init__(self, palette: tuple[str, ...], rule: str, ink: str):
        self.palette = palette
        self.rule = rule
        self.ink = ink
        self.parts: list[str] = []

    def color(self, index: int) -> str:
        return self.palette[index % len(self.palette)]

    def label(self, x: float, y: float, value: str, anchor: str = "middle") -> None:
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{text(value)}</text>'
        )

    def legend(self, names: list[str], top: float) -> None:
        x = 60.0
        for index, name in enumerate(names):
            self.parts.append(
                f'<rect x="{x:.1f}" y="{top - 9:.1f}" width="10" height="10" '
                f'fill="{self.color(index)}"/>'
            )
            self.label(x + 14, top, name, "start")
            x += 24 + 7.5 * len(name)

    def axes_chart(self, chart: ChartInfo) -> None:
        """Draw a bar, column, stacked or line chart on the chart's value scale."""
        scale = chart.value_scale()
        legend = chart.has_legend
        left, right = 60.0, CHART_WIDTH - 16
        top, bottom = 14.0, CHART_HEIGHT - (52 if legend else 30)
        horizontal = chart.type == "bar"
        if horizontal:
            left = 16 + min(160.0, 7.0 * max(len(c) for c in chart.categories))
        span = scale.high - scale.low

        def position(value: float) -> float:
            share = (value - scale.low) / span
            return left + share * (right - left) if horizontal else bottom - share * (bottom - top)

        ticks = round(span / scale.step)
        for tick in range(ticks + 1):
            value = scale.low + tick * scale.step
            at = position(value)
            if horizontal:
                self.parts.append(
                    f'<line x1="{at:.1f}" y1="{top}" x2="{at:.1f}" y2="{bottom}" '
                    f'stroke="{self.rule}" stroke-width="0.6"/>'
                )
                self.label(at, bottom + 14, scale.label(value))
            else:
                self.parts.append(
                    f'<line x1="{left}" y1="{at:.1f}" x2="{right}" y2="{at:.1f}" '
                    f'stroke="{self.rule}" stroke-width="0.6"/>'
                )
                self.label(left - 6, at + 4, scale.label(value), "end")
        zero = position(0.0)
        count = len(chart.categories)
        band = ((bottom - top) if horizontal else (right - left)) / count
        series = chart.series
        for index, category in enumerate(chart.categories):
            start = (top if horizontal else left) + band * index
            if horizontal:
                self.label(left - 6, start + band / 2 + 4, category, "end")
            else:
                self.label(start + band / 2, bottom + 14, category)
            if chart.type == "line":
                continue
            if chart.type == "stacked":
                above = below = 0.0
                for number, (_, values) in enumerate(series):
                    value = values[index]
                    base = above if value >= 0 else below
                    end = base + value
                    if value >= 0:
                        above = end
                    else:
                        below = end
                    self._bar(start + band * 0.2, band * 0.6, position(base), position(end), number)
                continue
            width = band * 0.7 / len(series)
            for number, (_, values) in enumerate(series):
                offset = start + band * 0.15 + width * number
                if horizontal:
                    self._hbar(offset, width, zero, position(values[index]), number)
                else:
                    self._bar(offset, width, zero, position(values[index]), number)
        if chart.type == "line":
            for number, (_, values) in enumerate(series):
                points = " ".join(
                    f"{left + band * (i + 0.5):.1f},{position(v):.1f}" for i, v in enumerate(values)
                )
                self.parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{self.color(number)}" '
                    'stroke-width="2.5"/>'
                )
                for i, v in enumerate(values):
                    self.parts.append(
                        f'<circle cx="{left + band * (i + 0.5):.1f}" cy="{position(v):.1f}" '
                        f'r="3.5" fill="{self.color(number)}"/>'
                    )
        axis = (
            f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{bottom}"'
            if horizontal
            else f'<line x1="{left}" y1="{zero:.1f}" x2="{right}" y2="{zero:.1f}"'
        )
        self.parts.append(f'{axis} stroke="{self.ink}" stroke-width="1"/>')
        if legend:
            self.legend([name for name, _ in series], CHART_HEIGHT - 10)

    def _bar(self, x: float, width: float, y_from: float, y_to: float, number: int) -> None:
        y, height = min(y_from, y_to), abs(y_to - y_from)
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill="{self.color(number)}"/>'
        )

    def _hbar(self, y: float, height: float, x_from: float, x_to: float, number: int) -> None:
        x, width = min(x_from, x_to), abs(x_to - x_from)
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill="{self.color(number)}"/>'
        )

    def pie(self, chart: ChartInfo) -> None:
        """Draw a pie of the chart's one series, slices clockwise from twelve o'clock."""
        values = chart.series[0][1]
        total = sum(v for v in values if v > 0) or 1.0
        cx, cy, radius = CHART_HEIGHT / 2, CHART_HEIGHT / 2, CHART_HEIGHT / 2 - 16
        angle = -math.pi / 2
        for index, value in enumerate(values):
            if value <= 0:
                continue
            sweep = 2 * math.pi * value / total
            if sweep >= 2 * math.pi - 1e-9:
                self.parts.append(
                    f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{self.color(index)}"/>'
                )
            else:
                x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
                x2 = cx + radius * math.cos(angle + sweep)
                y2 = cy + radius * math.sin(angle + sweep)
                large = 1 if sweep > math.pi else 0
                self.parts.append(
                    f'<path d="M{cx},{cy} L{x1:.2f},{y1:.2f} A{radius},{radius} 0 {large} 1 '
                    f'{x2:.2f},{y2:.2f} Z" fill="{self.color(index)}" stroke="#FFFFFF" '
                    'stroke-width="1"/>'
                )
            angle += sweep
        x, y = CHART_HEIGHT + 20, 40.0
        for index, category in enumerate(chart.categories):
            share = 100 * max(values[index], 0) / total
            self.parts.append(
                f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" '
                f'fill="{self.color(index)}"/>'
            )
            self.label(x + 18, y, f"{category} ({share:.0f}%)", "start")
            y += 22
