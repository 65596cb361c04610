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
from reportlab.lib.validators import Auto

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


#: Width of gridlines and axis lines, in points (the .pptx sets the same).
GRID_WIDTH = 0.75


def chart_drawing(
    chart: ChartInfo, width: float, height: float, style: ChartStyle, *, show_title: bool = False
) -> Drawing:
    """Return `chart` drawn in a `width` x `height` box (points), vectors only.

    As the .pptx draws it: the legend centred at the top, the unit as the value axis's title,
    values labelled when the chart has few points, pie slices labelled with category and
    percent, the first series of a horizontal bar chart on top (as in the legend).
    """
    drawing = Drawing(width, height)
    drawing.initialFontName = style.font  # not Helvetica, which the PDFs do not embed
    drawing.initialFontSize = style.size
    size = style.size
    top = height
    if show_title and chart.title:
        top -= size * 1.5
        drawing.add(
            String(
                width / 2,
                top + size * 0.3,
                chart.title,
                fontName=style.font_for([chart.title]),
                fontSize=size * 1.1,
                fillColor=color(style.text_color),
                textAnchor="middle",
            )
        )
    if chart.type == "pie" and chart.unit:  # no value axis to title: the unit heads the pie
        top -= size * 1.5
        drawing.add(
            String(
                width / 2,
                top + size * 0.3,
                chart.unit,
                fontName=style.font_for([chart.unit]),
                fontSize=size,
                fillColor=color(style.text_color),
                textAnchor="middle",
            )
        )
    legend_y = top - size * 0.3
    if chart.has_legend:
        top -= size * 1.9
    height = max(top - size * 0.6, size * 4)
    plot = None
    if chart.type == "pie":
        drawing.add(_pie(chart, width, height, style))
    else:
        unit = chart.unit if chart.unit else None
        plot = _axes_plot(chart, width, height, style, unit is not None)
        drawing.add(plot)
        if unit:
            drawing.add(_axis_title(unit, chart, plot, style))
    if chart.has_legend:
        names = list(chart.categories) if chart.type == "pie" else [n for n, _ in chart.series]
        lines = plot if chart.type == "line" else None
        drawing.add(_legend(names, style, legend_y, width, lines))
    return drawing


def _axis_title(unit: str, chart: ChartInfo, plot: Any, style: ChartStyle) -> Any:
    """Return the unit as the value axis's title: under a horizontal axis, else rotated left."""
    from reportlab.graphics.shapes import Group

    font = style.font_for([unit])
    text = String(
        0,
        0,
        unit,
        fontName=font,
        fontSize=style.size,
        fillColor=color(style.text_color),
        textAnchor="middle",
    )
    group = Group(text)
    if chart.type == "bar":
        group.translate(plot.x + plot.width / 2, style.size * 0.3)
    else:
        group.translate(style.size * 1.0, plot.y + plot.height / 2)
        group.rotate(90)
    return group


def _legend(
    names: list[str], style: ChartStyle, y: float, width: float, lines: Any = None
) -> Legend:
    """Return the legend centred at `y`: a square swatch a series, or for the line plot
    `lines` a short line with its marker (as PowerPoint and LibreOffice key a line series)."""
    legend = Legend()
    swatch = style.size * (2.0 if lines is not None else 0.8)
    # Each entry as wide as its own name, one gap apart, as PowerPoint and LibreOffice set it
    # (a fixed step would space short names by the longest one).
    legend.variColumn = 1
    legend.autoXPadding = style.size * 1.3
    entry = swatch + style.size * 0.4 + legend.autoXPadding
    total = sum(style.width([name]) for name in names) + entry * len(names) - legend.autoXPadding
    legend.x, legend.y = max(0.0, (width - total) / 2), y
    legend.alignment = "right"
    legend.fontName = style.font_for(names)
    legend.fontSize = style.size
    legend.fillColor = color(style.text_color)
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1
    legend.dx, legend.dy = swatch, style.size * 0.8
    legend.dxTextSpace = style.size * 0.4
    if lines is not None:
        legend.colorNamePairs = [(Auto(obj=lines, index=i), n) for i, n in enumerate(names)]
    else:
        legend.colorNamePairs = [(style.series_color(i), n) for i, n in enumerate(names)]
    legend.strokeWidth = 0
    legend.strokeColor = None
    return legend


def _axes_plot(
    chart: ChartInfo, width: float, height: float, style: ChartStyle, titled: bool
) -> Any:
    """Return a bar, column, stacked column or line plot with its axes, in the box's area."""
    size = style.size
    stacked = chart.type == "stacked"
    scale = chart.value_scale()
    title_room = size * 1.6 if titled else 0.0  # the unit, as the value axis's title
    series = list(chart.series)
    order = list(range(len(series)))
    if chart.type == "bar":
        plot = HorizontalBarChart()
        left = style.width(list(chart.categories)) + size
        plot.y, plot.height = size * 2 + title_room, height - size * 2.5 - title_room
        plot.categoryAxis.reverseDirection = 1  # first category at the top, as written
        order.reverse()  # reportlab stacks a group's bars upwards: the first series on top
    else:
        plot = HorizontalLineChart() if chart.type == "line" else VerticalBarChart()
        left = style.width([scale.label(scale.low), scale.label(scale.high)]) * 1.3 + size
        left += title_room
        plot.y, plot.height = size * 2.2, height - size * 3.2
    plot.x, plot.width = left, width - left - size
    plot.data = [list(series[i][1]) for i in order]
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
        axis.strokeWidth = GRID_WIDTH
    plot.valueAxis.labelTextFormat = scale.label
    plot.valueAxis.visibleGrid = True
    plot.valueAxis.gridStrokeColor = color(style.rule)
    plot.valueAxis.gridStrokeWidth = GRID_WIDTH
    labelled = chart.has_data_labels
    if chart.type == "line":
        for index in range(len(series)):
            line = plot.lines[index]
            line.strokeColor = style.series_color(index)
            line.strokeWidth = 2.25
            line.symbol = makeMarker("FilledCircle")
            line.symbol.fillColor = style.series_color(index)
            line.symbol.strokeColor = style.series_color(index)  # as the .pptx: not black
            line.symbol.size = 7
        if labelled:
            plot.lineLabelFormat = chart.value_label
            plot.lineLabels.fontName = style.font
            plot.lineLabels.fontSize = size
            plot.lineLabels.fillColor = color(style.text_color)
            plot.lineLabels.boxAnchor = "s"
            plot.lineLabels.dy = size * 0.2
        return plot
    if stacked:
        plot.categoryAxis.style = "stacked"
    plot.barSpacing = 1
    plot.groupSpacing = size * 0.8
    for position, index in enumerate(order):
        plot.bars[position].fillColor = style.series_color(index)
        plot.bars[position].strokeColor = None
    if labelled:
        plot.barLabelFormat = chart.value_label
        plot.barLabels.fontName = style.font
        plot.barLabels.fontSize = size
        if stacked:  # inside the bars, white, as the .pptx
            plot.barLabels.fillColor = color("#FFFFFF")
            plot.barLabels.boxAnchor = "c"
            plot.barLabels.nudge = 0
            plot.barLabelFormat = lambda v: chart.value_label(v)
            plot.barLabels.boxTarget = "mid"
        else:
            plot.barLabels.fillColor = color(style.text_color)
            plot.barLabels.nudge = size * 0.3
            plot.barLabels.boxAnchor = "w" if chart.type == "bar" else "s"
            plot.barLabels.dx = 0
    return plot


def _pie(chart: ChartInfo, width: float, height: float, style: ChartStyle) -> Pie:
    """Return the pie as large as the box allows with each slice's label just outside it."""
    import math

    values = list(chart.series[0][1])
    total = sum(values) or 1.0
    size = style.size
    labels = [f"{c} {v / total:.0%}" for c, v in zip(chart.categories, values, strict=True)]
    widths = [style.width([label]) for label in labels]
    # Each label sits outside its slice's middle, as far out as its box reaches in that
    # direction; the pie is the largest whose labels all stay inside the box.
    angles, done = [], 0.0
    for value in values:
        angles.append(math.radians(90 - 360 * (done + value / 2) / total))  # clockwise from 12
        done += value
    reach = [
        abs(math.cos(t)) * w / 2 + abs(math.sin(t)) * size / 2 + size * 0.5
        for t, w in zip(angles, widths, strict=True)
    ]
    # The disc itself inside the box, whatever the labels allow (two slices label at the
    # sides, so only this keeps a pie in a tall box off the legend and the footer).
    radius = min(width * 0.25, height / 2 - size * 0.5)
    for t, w, extra in zip(angles, widths, reach, strict=True):
        if abs(math.cos(t)) > 1e-6:
            radius = min(radius, (width / 2 - w / 2) / abs(math.cos(t)) - extra)
        if abs(math.sin(t)) > 1e-6:
            radius = min(radius, (height / 2 - size / 2) / abs(math.sin(t)) - extra)
    radius = max(radius, size * 2)
    pie = Pie()
    pie.x = width / 2 - radius
    pie.y = height / 2 - radius
    pie.width = pie.height = 2 * radius
    pie.data = values
    pie.labels = labels
    pie.slices.fontName = style.font_for(list(chart.categories))
    pie.slices.fontSize = size
    pie.slices.strokeColor = color("#FFFFFF")
    pie.slices.strokeWidth = 1
    # Plain labels just outside each slice (side labels would reorder the slices).
    pie.simpleLabels = 1
    pie.startAngle = 90
    pie.direction = "clockwise"
    for index in range(len(values)):
        pie.slices[index].fillColor = style.series_color(index)
        pie.slices[index].labelRadius = 1 + reach[index] / radius
    return pie
