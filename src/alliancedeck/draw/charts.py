"""Charts as reportlab vector drawings: the PDF brief and the deck PDF draw the same data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker

from alliancedeck.draw.pdf_common import color

if TYPE_CHECKING:
    from alliancedeck.document import ChartInfo
    from alliancedeck.fonts import FontBook


@dataclass(frozen=True)
class ChartStyle:
    """How a chart's text and marks look: one font and size, the theme's colours."""

    font: str
    size: float
    text_color: str
    palette: tuple[str, ...]
    rule: str
    book: FontBook

    def series_color(self, index: int) -> Any:
        """Return the reportlab colour of series (or slice) `index`."""
        return color(self.palette[index % len(self.palette)])

    def font_for(self, texts: list[str]) -> str:
        """Return the font for a chart label holding `texts`: the layout's fallback font
        (Japanese, say) when they have characters the main font lacks.

        A label is drawn in one font, so the fallback draws all of it. Characters no layout
        font has are recorded for the missing-glyph warning.
        """
        used = {name for t in texts for _, name in self.book.segments(t, self.font)}
        return next((name for name in sorted(used) if name != self.font), self.font)

    def width(self, texts: list[str]) -> float:
        """Return the width of the widest of `texts`, each in the font it is drawn in."""
        return max((self.book.width(t, self.font_for([t]), self.size) for t in texts), default=0.0)


def chart_drawing(
    chart: ChartInfo, width: float, height: float, style: ChartStyle, *, show_title: bool = False
) -> Drawing:
    """Return `chart` drawn in a `width` x `height` box (points), vectors only."""
    drawing = Drawing(width, height)
    drawing.initialFontName = style.font  # not Helvetica, which the PDFs do not embed
    drawing.initialFontSize = style.size
    size = style.size
    top = height
    headings = [(chart.title, size * 1.1)] if show_title and chart.title else []
    if chart.unit and chart.type != "pie":
        headings.append((chart.unit, size))
    for text, text_size in headings:
        top -= size * 1.4
        drawing.add(
            String(
                0,
                top + size * 0.3,
                text,
                fontName=style.font_for([text]),
                fontSize=text_size,
                fillColor=color(style.text_color),
            )
        )
    if chart.has_legend:
        names = list(chart.categories) if chart.type == "pie" else [n for n, _ in chart.series]
        drawing.add(_legend(names, style, top - size * 0.3))
        top -= size * 1.9
    height = max(top - size * 0.6, size * 4)
    if chart.type == "pie":
        drawing.add(_pie(chart, width, height, style))
    else:
        drawing.add(_axes_plot(chart, width, height, style))
    return drawing


def _legend(names: list[str], style: ChartStyle, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = 0, y
    legend.alignment = "right"
    legend.fontName = style.font_for(names)
    legend.fontSize = style.size
    legend.fillColor = color(style.text_color)
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1
    legend.dx = legend.dy = style.size * 0.8
    legend.deltax = style.width(names) + style.size * 2.5
    legend.dxTextSpace = style.size * 0.4
    legend.colorNamePairs = [(style.series_color(i), n) for i, n in enumerate(names)]
    legend.strokeWidth = 0
    legend.strokeColor = None
    return legend


def _axes_plot(chart: ChartInfo, width: float, height: float, style: ChartStyle) -> Any:
    """Return a bar, column, stacked column or line plot with its axes, in the box's area."""
    size = style.size
    stacked = chart.type == "stacked"
    scale = chart.value_scale()
    if chart.type == "bar":
        plot = HorizontalBarChart()
        left = style.width(list(chart.categories)) + size
        plot.y, plot.height = size * 2, height - size * 2.5
        plot.categoryAxis.reverseDirection = 1  # first category at the top, as written
    else:
        plot = HorizontalLineChart() if chart.type == "line" else VerticalBarChart()
        left = style.width([scale.label(scale.low), scale.label(scale.high)]) * 1.3 + size
        plot.y, plot.height = size * 2.2, height - size * 2.7
    plot.x, plot.width = left, width - left - size
    plot.data = [list(values) for _, values in chart.series]
    plot.categoryAxis.categoryNames = list(chart.categories)
    plot.valueAxis.valueMin = scale.low
    plot.valueAxis.valueMax = scale.high
    plot.valueAxis.valueStep = scale.step
    for index, name in enumerate(chart.categories):
        plot.categoryAxis.labels[index].fontName = style.font_for([name])
    for axis in (plot.categoryAxis, plot.valueAxis):
        axis.labels.fontName = style.font
        axis.labels.fontSize = size
        axis.labels.fillColor = color(style.text_color)
        axis.strokeColor = color(style.rule)
    plot.valueAxis.labelTextFormat = scale.label
    plot.valueAxis.visibleGrid = True
    plot.valueAxis.gridStrokeColor = color(style.rule)
    plot.valueAxis.gridStrokeWidth = 0.4
    if chart.type == "line":
        for index in range(len(chart.series)):
            line = plot.lines[index]
            line.strokeColor = style.series_color(index)
            line.strokeWidth = max(1.5, size * 0.18)
            line.symbol = makeMarker("FilledCircle")
            line.symbol.fillColor = style.series_color(index)
            line.symbol.size = size * 0.5
        return plot
    if stacked:
        plot.categoryAxis.style = "stacked"
    plot.barSpacing = 1
    plot.groupSpacing = size * 0.8
    for index in range(len(chart.series)):
        plot.bars[index].fillColor = style.series_color(index)
        plot.bars[index].strokeColor = None
    return plot


def _pie(chart: ChartInfo, width: float, height: float, style: ChartStyle) -> Pie:
    values = list(chart.series[0][1])
    total = sum(values) or 1.0
    pie = Pie()
    diameter = min(width * 0.5, height - style.size * 5)
    pie.x = (width - diameter) / 2
    pie.y = (height - diameter) / 2
    pie.width = pie.height = diameter
    pie.data = values
    pie.labels = [f"{v / total:.0%}" for v in values]
    pie.slices.fontName = style.font
    pie.slices.fontSize = style.size
    pie.slices.strokeColor = color("#FFFFFF")
    pie.slices.strokeWidth = 1
    # Plain labels just outside each slice (side labels would reorder the slices).
    pie.simpleLabels = 1
    pie.slices.labelRadius = 1.18
    pie.startAngle = 90
    pie.direction = "clockwise"
    for index in range(len(values)):
        pie.slices[index].fillColor = style.series_color(index)
    return pie
