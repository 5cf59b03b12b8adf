"""Charts drawn on the server as SVG (no script, no CDN): a line chart and a bar chart. Each comes
with its numbers as table rows, which the page shows beside it, so the figures are readable
without sight and without the picture. Colours come from CSS classes (series-0, series-1...)."""

import math
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join

# Line charts fill a wide card; bar charts sit in half a card: each viewBox is sized so the text
# stays readable when the browser scales the picture to the card.
WIDTH, HEIGHT = 860, 280
BAR_WIDTH = 480
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 14, 36


@dataclass
class Chart:
    id: str
    title: str
    summary: str  # one sentence a screen reader hears for the picture
    svg: str = ""
    columns: list = field(default_factory=list)  # the table's header
    rows: list = field(default_factory=list)  # [label, value, value...]
    legend: list = field(default_factory=list)  # series names, in colour order


def _join(parts) -> str:
    """Pieces made by format_html, joined without escaping them again (and escaping anything else)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _nice_step(value: float) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^n) at or above value."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _nice_top(value: float) -> float:
    """The axis's round top: about four round steps up to value."""
    step = _nice_step(value / 4)
    return round(step * max(math.ceil(value / step), 1), 6)


def _fmt(value) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _frame(chart: Chart, body: str, low: float, high: float, unit: str) -> str:
    """The svg element with its title and description, the grid and the y axis."""
    plot_h = HEIGHT - TOP - BOTTOM
    ticks = []
    step = _nice_step((high - low) / 5)
    count = max(round((high - low) / step), 1)
    for i in range(count + 1):
        value = low + step * i
        y = TOP + plot_h - plot_h * (value - low) / (high - low)
        ticks.append(format_html(
            '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="chart-tick" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT, WIDTH - RIGHT, round(y, 1), round(y, 1), LEFT - 6, round(y + 4, 1), f"{value:g}{unit}",
        ))
    if low < 0 < high:
        zero = TOP + plot_h - plot_h * (0 - low) / (high - low)
        ticks.append(format_html('<line class="chart-zero" x1="{}" x2="{}" y1="{}" y2="{}"/>', LEFT, WIDTH - RIGHT,
                                 round(zero, 1), round(zero, 1)))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH, HEIGHT, chart.id, chart.id, chart.id, chart.title, chart.id, chart.summary,
        _join(ticks), body,
    )


def line_chart(*, id: str, title: str, summary: str, labels: list[str], series: list[tuple[str, list]],
               unit: str = "", low: float | None = None, high: float | None = None, label_header: str = "") -> Chart:
    """Lines over the labels (weeks, months); None values leave a gap."""
    values = [v for _name, vs in series for v in vs if v is not None]
    low = min([0, *values]) if low is None else low
    high = _nice_top(max(values, default=0)) if high is None else high
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def point(i, v):
        return round(LEFT + i * step, 1), round(TOP + plot_h - plot_h * (v - low) / ((high - low) or 1), 1)

    parts = []
    every = max(1, math.ceil(len(labels) / 6))
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % every == 0:  # counted from the newest, which is always labelled
            parts.append(format_html('<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                                     round(LEFT + i * step, 1), HEIGHT - 10, label))
    for n, (name, vs) in enumerate(series):
        runs, run = [], []
        for i, v in enumerate(vs):
            if v is None:
                runs, run = runs + [run] if run else runs, []
            else:
                run.append(point(i, v))
        if run:
            runs.append(run)
        for run in runs:
            parts.append(format_html('<polyline class="chart-line series-{}" points="{}"/>', n % 6,
                                     " ".join(f"{x},{y}" for x, y in run)))
        parts.append(format_html_join("", '<circle class="chart-dot series-{}" cx="{}" cy="{}" r="3.5"><title>{}: {}</title></circle>', (
            (n % 6, *point(i, v), f"{name}, {labels[i]}", f"{_fmt(v)}{unit}") for i, v in enumerate(vs) if v is not None
        )))
    chart = Chart(id, title, summary, legend=[name for name, _vs in series])
    chart.svg = _frame(chart, _join(parts), low, high, unit)
    chart.columns = [label_header, *chart.legend]
    chart.rows = [[label, *(_fmt(vs[i]) for _name, vs in series)] for i, label in enumerate(labels)]
    return chart


def bar_chart(*, id: str, title: str, summary: str, rows: list[tuple[str, list]], series: list[str],
              label_header: str = "") -> Chart:
    """Horizontal bars, stacked when a row has several values (answered, waiting)."""
    top = _nice_top(max((sum(v or 0 for v in values) for _label, values in rows), default=0))
    label_w, bar_h, gap = 170, 24, 10
    height = max(len(rows), 1) * (bar_h + gap) + 6
    plot_w = BAR_WIDTH - label_w - 56
    parts = []
    for r, (label, values) in enumerate(rows):
        y = 8 + r * (bar_h + gap)
        parts.append(format_html('<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                                 label_w - 8, y + bar_h / 2 + 4, label if len(label) <= 24 else label[:23] + "…"))
        x = label_w
        for n, value in enumerate(values):
            width = plot_w * (value or 0) / top
            if width > 0:
                parts.append(format_html(
                    '<rect class="chart-bar series-{}" x="{}" y="{}" width="{}" height="{}" rx="3"><title>{}, {}: {}</title></rect>',
                    n % 6, round(x, 1), y, round(width, 1), bar_h, label, series[n], _fmt(value)))
            x += width
        parts.append(format_html('<text class="chart-value" x="{}" y="{}">{}</text>', round(x + 6, 1), y + bar_h / 2 + 4,
                                 " + ".join(_fmt(v) for v in values)))
    chart = Chart(id, title, summary, legend=series if len(series) > 1 else [])
    chart.svg = format_html(
        '<svg class="chart chart-bars" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        BAR_WIDTH, height, id, id, id, title, id, summary, _join(parts),
    )
    chart.columns = [label_header, *series]
    chart.rows = [[label, *(_fmt(v) for v in values)] for label, values in rows]
    return chart
