"""Charts as reportlab vector drawings: the PDF brief and the deck PDF draw the same data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.pdfbase.pdfmetrics import stringWidth

from alliancedeck.document import format_number
from alliancedeck.draw.pdf_common import color

if TYPE_CHECKING:
    from alliancedeck.document import ChartInfo


def chart_drawing(
    chart: ChartInfo,
    width: float,
    height: float,
    *,
    font: str,
    size: float,
    text_color: str,
    palette: tuple[str, ...],
    rule: str,
    show_title: bool = False,
) -> Drawing:
    """Return `chart` drawn in a `width` x `height` box (points), vectors only."""
    drawing = Drawing(width, height)
    top = height
    if show_title and chart.title:
        top -= size * 1.4
        drawing.add(
            String(
                0,
                top + size * 0.3,
                chart.title,
                fontName=font,
                fontSize=size * 1.1,
                fillColor=color(text_color),
            )
        )
    if chart.unit and chart.type != "pie":
        top -= size * 1.4
        drawing.add(
            String(
                0,
                top + size * 0.3,
                chart.unit,
                fontName=font,
                fontSize=size,
                fillColor=color(text_color),
            )
        )
    legend_names = (
        [name for name, _ in chart.series] if chart.type != "pie" else list(chart.categories)
    )
    show_legend = chart.type == "pie" or len(chart.series) > 1
    if show_legend:
        drawing.add(_legend(legend_names, palette, font, size, text_color, top - size * 0.3))
        top -= size * 1.9
    area_bottom = 0.0
    area_height = max(top - size * 0.6, size * 4)
    if chart.type == "pie":
        _pie(drawing, chart, width, area_bottom, area_height, font, size, palette)
    elif chart.type == "bar":
        _bars(
            drawing,
            chart,
            width,
            area_bottom,
            area_height,
            font,
            size,
            text_color,
            palette,
            rule,
            horizontal=True,
        )
    elif chart.type == "line":
        _line(
            drawing, chart, width, area_bottom, area_height, font, size, text_color, palette, rule
        )
    else:
        _bars(
            drawing,
            chart,
            width,
            area_bottom,
            area_height,
            font,
            size,
            text_color,
            palette,
            rule,
            horizontal=False,
            stacked=chart.type == "stacked",
        )
    return drawing


def _legend(
    names: list[str], palette: tuple[str, ...], font: str, size: float, text_color: str, y: float
) -> Legend:
    legend = Legend()
    legend.x = 0
    legend.y = y
    legend.alignment = "right"
    legend.fontName = font
    legend.fontSize = size
    legend.fillColor = color(text_color)
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1
    legend.dx = legend.dy = size * 0.8
    legend.deltax = max(stringWidth(n, font, size) for n in names) + size * 2.5
    legend.dxTextSpace = size * 0.4
    legend.colorNamePairs = [(color(palette[i % len(palette)]), n) for i, n in enumerate(names)]
    legend.strokeWidth = 0
    legend.strokeColor = None
    return legend


def _value_bounds(chart: ChartInfo, stacked: bool) -> tuple[float, float]:
    if stacked:
        totals = [
            sum(values[i] for _, values in chart.series if values[i] > 0)
            for i in range(len(chart.categories))
        ]
        lows = [
            sum(values[i] for _, values in chart.series if values[i] < 0)
            for i in range(len(chart.categories))
        ]
        return min(0.0, *lows), max(0.0, *totals)
    values = [v for _, series in chart.series for v in series]
    return min(0.0, *values), max(0.0, *values)


def _style_axes(plot: object, font: str, size: float, text_color: str, rule: str) -> None:
    for axis in (plot.categoryAxis, plot.valueAxis):  # type: ignore[attr-defined]
        axis.labels.fontName = font
        axis.labels.fontSize = size
        axis.labels.fillColor = color(text_color)
        axis.strokeColor = color(rule)
    plot.valueAxis.labelTextFormat = format_number  # type: ignore[attr-defined]
    plot.valueAxis.visibleGrid = True  # type: ignore[attr-defined]
    plot.valueAxis.gridStrokeColor = color(rule)  # type: ignore[attr-defined]
    plot.valueAxis.gridStrokeWidth = 0.4  # type: ignore[attr-defined]


def _label_width(texts: list[str], font: str, size: float) -> float:
    return max((stringWidth(t, font, size) for t in texts), default=0.0)


def _bars(
    drawing: Drawing,
    chart: ChartInfo,
    width: float,
    bottom: float,
    height: float,
    font: str,
    size: float,
    text_color: str,
    palette: tuple[str, ...],
    rule: str,
    *,
    horizontal: bool,
    stacked: bool = False,
) -> None:
    low, high = _value_bounds(chart, stacked)
    value_labels = [format_number(low), format_number(high)]
    if horizontal:
        plot = HorizontalBarChart()
        left = _label_width(list(chart.categories), font, size) + size
        plot.x, plot.y = left, bottom + size * 2
        plot.width, plot.height = width - left - size, height - size * 2.5
        plot.categoryAxis.reverseDirection = 1  # first category at the top, as written
    else:
        plot = VerticalBarChart()
        left = _label_width(value_labels, font, size) * 1.3 + size
        plot.x, plot.y = left, bottom + size * 2.2
        plot.width, plot.height = width - left - size * 0.5, height - size * 2.7
    plot.data = [list(values) for _, values in chart.series]
    plot.categoryAxis.categoryNames = list(chart.categories)
    if stacked:
        plot.categoryAxis.style = "stacked"
    plot.valueAxis.valueMin = low
    plot.valueAxis.valueMax = high * 1.08 if high > 0 else high
    plot.barSpacing = 1
    plot.groupSpacing = size * 0.8
    for index in range(len(chart.series)):
        plot.bars[index].fillColor = color(palette[index % len(palette)])
        plot.bars[index].strokeColor = None
    _style_axes(plot, font, size, text_color, rule)
    drawing.add(plot)


def _line(
    drawing: Drawing,
    chart: ChartInfo,
    width: float,
    bottom: float,
    height: float,
    font: str,
    size: float,
    text_color: str,
    palette: tuple[str, ...],
    rule: str,
) -> None:
    low, high = _value_bounds(chart, False)
    plot = HorizontalLineChart()
    left = _label_width([format_number(low), format_number(high)], font, size) * 1.3 + size
    plot.x, plot.y = left, bottom + size * 2.2
    plot.width, plot.height = width - left - size, height - size * 2.7
    plot.data = [list(values) for _, values in chart.series]
    plot.categoryAxis.categoryNames = list(chart.categories)
    plot.valueAxis.valueMin = low
    plot.valueAxis.valueMax = high * 1.08 if high > 0 else high
    for index in range(len(chart.series)):
        line = plot.lines[index]
        line.strokeColor = color(palette[index % len(palette)])
        line.strokeWidth = max(1.5, size * 0.18)
        line.symbol = makeMarker("FilledCircle")
        line.symbol.fillColor = color(palette[index % len(palette)])
        line.symbol.size = size * 0.5
    _style_axes(plot, font, size, text_color, rule)
    drawing.add(plot)


def _pie(
    drawing: Drawing,
    chart: ChartInfo,
    width: float,
    bottom: float,
    height: float,
    font: str,
    size: float,
    palette: tuple[str, ...],
) -> None:
    values = list(chart.series[0][1])
    total = sum(values) or 1.0
    pie = Pie()
    diameter = min(width * 0.5, height - size * 5)
    pie.x = (width - diameter) / 2
    pie.y = bottom + (height - diameter) / 2
    pie.width = pie.height = diameter
    pie.data = values
    pie.labels = [f"{v / total:.0%}" for v in values]
    pie.slices.fontName = font
    pie.slices.fontSize = size
    pie.slices.strokeColor = color("#FFFFFF")
    pie.slices.strokeWidth = 1
    # Plain labels just outside each slice (side labels would reorder the slices).
    pie.simpleLabels = 1
    pie.slices.labelRadius = 1.18
    pie.startAngle = 90
    pie.direction = "clockwise"
    for index in range(len(values)):
        pie.slices[index].fillColor = color(palette[index % len(palette)])
    drawing.add(pie)
