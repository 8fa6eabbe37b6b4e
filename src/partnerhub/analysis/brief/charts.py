"""The brief's charts: the descriptions of ``partnerhub.core.charts`` drawn as PNG with matplotlib.

The pages draw the same descriptions as SVG (``partnerhub.web.charts``); the
brief needs a raster image because python-docx cannot embed SVG, and the same
bytes go into the PDF as a data: URI. Figures are drawn on the Agg canvas (no
pyplot, so no figure stays registered in a global manager).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from partnerhub.analysis.brief.text import share_text
from partnerhub.core.charts import (
    AXIS_COLOUR,
    BAR_COLOUR,
    SHARE_COLOURS,
    TEXT_COLOUR,
    Amount,
    BarChart,
    Layout,
    ShareBar,
    series_colours,
)
from partnerhub.core.formatting import compact_eur, percent
from partnerhub.registry.models import Interest

LONGEST_CHART_LABEL = 38
MINIMUM_COLUMN_SLOTS = 6
CHART_WIDTH_INCHES = 7.2
CHART_DPI = 150

# The partner's part first, so that the threshold line reads from the left edge.
SHARE_BAR_ORDER = (Interest.PARTNER, Interest.SHARED, Interest.EU)

Series = tuple[str, list[Amount], str]  # name, one amount per label, colour


def bar_chart_png(chart: BarChart) -> bytes:
    if chart.layout == Layout.COLUMNS:
        return _columns(chart)
    return _horizontal_bars(chart)


def share_bar_png(chart: ShareBar) -> bytes:
    """One bar of 100 %: the partner's part from the left, the threshold as a dashed line."""
    shares = {share.key: share for share in chart.shares}
    with _figure(1.6) as figure:
        axes = figure.add_subplot()
        left = 0.0
        for interest in SHARE_BAR_ORDER:
            share = shares[interest]
            value = share.percent or Decimal(0)
            axes.barh(
                [0],
                [float(value)],
                left=left,
                height=0.5,
                color=SHARE_COLOURS[interest][0],
                label=f"{share.label} ({share_text(value)})",
            )
            left += float(value)
        if chart.threshold is not None:
            _threshold_line(axes, chart.threshold)
        axes.set_xlim(0, 100)
        axes.set_ylim(-0.4, 0.75)
        axes.set_yticks([])
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: percent(Decimal(round(value)))))
        axes.tick_params(labelsize=7, colors=AXIS_COLOUR, labelcolor=TEXT_COLOUR)
        axes.spines["bottom"].set_color(AXIS_COLOUR)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.legend(
            fontsize=7, frameon=False, labelcolor=TEXT_COLOUR, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.3)
        )
        return _png(figure)


def _horizontal_bars(chart: BarChart) -> bytes:
    """Horizontal bars, largest first as listed, each labelled with its compact amount; several series
    side by side under each label, with a legend."""
    labels, series = _labels_and_series(chart)
    bar_height = 0.8 / len(series)
    with _figure(0.6 + 0.32 * len(labels) * len(series)) as figure:
        axes = figure.add_subplot()
        for index, (name, amounts, colour) in enumerate(series):
            positions = [row + index * bar_height for row in range(len(labels))]
            bars = axes.barh(
                positions, [_float(a) for a in amounts], height=bar_height, color=colour, label=name or None
            )
            axes.bar_label(bars, labels=[compact_eur(a) for a in amounts], padding=3, fontsize=7, color=TEXT_COLOUR)
        axes.set_yticks(
            [row + bar_height * (len(series) - 1) / 2 for row in range(len(labels))],
            [_short(label) for label in labels],
        )
        axes.invert_yaxis()
        axes.margins(x=0.18)
        _plain_axes(axes, "x")
        if len(series) > 1:
            axes.legend(fontsize=8, frameon=False, loc="lower right", labelcolor=TEXT_COLOUR)
        return _png(figure)


def _labels_and_series(chart: BarChart) -> tuple[list[str], list[Series]]:
    if len(chart.series) == 1:
        return [bar.label for bar in chart.bars], [("", [bar.value for bar in chart.bars], BAR_COLOUR)]
    labels = [label for label, _bars in chart.groups]
    series = [
        (name, [next((bar.value for bar in bars if bar.series == name), None) for _label, bars in chart.groups], colour)
        for name, colour in series_colours(chart.series).items()
    ]
    return labels, series


def _columns(chart: BarChart) -> bytes:
    """Vertical columns, one per year; a few years keep narrow columns in the middle."""
    labels, amounts = [bar.label for bar in chart.bars], [bar.value for bar in chart.bars]
    with _figure(2.6) as figure:
        axes = figure.add_subplot()
        positions = range(len(labels))  # years are labels here, not a numeric axis
        bars = axes.bar(positions, [_float(a) for a in amounts], width=0.6, color=BAR_COLOUR, tick_label=labels)
        axes.bar_label(bars, labels=[compact_eur(a) for a in amounts], padding=2, fontsize=7, color=TEXT_COLOUR)
        padding = max(MINIMUM_COLUMN_SLOTS - len(labels), 0) / 2
        axes.set_xlim(-0.6 - padding, len(labels) - 0.4 + padding)
        axes.margins(y=0.15)
        _plain_axes(axes, "y")
        return _png(figure)


@contextmanager
def _figure(height_inches: float) -> Iterator[Figure]:
    """A figure on the Agg canvas, cleared once saved so its artists are freed at once."""
    figure = Figure(figsize=(CHART_WIDTH_INCHES, height_inches), dpi=CHART_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    try:
        yield figure
    finally:
        figure.clear()


def _png(figure: Figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _float(amount: Amount) -> float:
    return float(amount or 0)


def _short(label: str) -> str:
    return label if len(label) <= LONGEST_CHART_LABEL else label[: LONGEST_CHART_LABEL - 1] + "…"


def _plain_axes(axes, value_axis: str) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("bottom", "left"):
        axes.spines[side].set_color(AXIS_COLOUR)
    getattr(axes, f"{value_axis}axis").set_major_formatter(FuncFormatter(lambda value, _pos: compact_eur(value)))
    axes.tick_params(labelsize=8, colors=AXIS_COLOUR, labelcolor=TEXT_COLOUR)


def _threshold_line(axes, threshold: Decimal) -> None:
    axes.axvline(float(threshold), ymax=0.85, color=TEXT_COLOUR, linestyle="--", linewidth=1)
    axes.annotate(
        _("one-sided under %(threshold)s") % {"threshold": percent(threshold)},
        (float(threshold), 0.55),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=7,
        va="center",
        color=TEXT_COLOUR,
    )
