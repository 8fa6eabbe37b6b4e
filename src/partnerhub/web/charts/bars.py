"""The one SVG renderer of bar charts: bars, columns by year and one bar of shares.

It draws the descriptions of ``partnerhub.core.charts``, which pages reach
through the ``charts`` template tags; the country brief draws the same
descriptions with matplotlib. Charts need no JavaScript, keep their links and
print. Each chart scales with its container
(a view box and ``width="100%"``) and takes the page's font. Amounts are
labelled in compact euros; every bar carries a ``<title>`` with the full label
and amount. For assistive technology a chart is one image with a summary; the
table printed beside it holds the same figures and links, so the links inside
a chart stay out of the tab order.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerhub.core.charts import (
    AXIS_COLOUR,
    BAR_COLOUR,
    MUTED_TEXT_COLOUR,
    SHARE_COLOURS,
    TEXT_COLOUR,
    Amount,
    Bar,
    BarChart,
    Layout,
    Share,
    ShareBar,
    series_colours,
)
from partnerhub.core.formatting import compact_eur, compact_number

ELLIPSIS = "…"


def nothing_to_chart() -> SafeString:
    return format_html('<p class="ph-chart-empty">{}</p>', _("Nothing to chart."))


def truncated(text: str, limit: int) -> str:
    """The text cut to ``limit`` characters with an ellipsis; the full text goes into the ``<title>``."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _number(value) -> float:
    """A value as a float for drawing; unknown or negative values draw as zero."""
    try:
        number = float(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return 0.0
    return number if number > 0 and number != float("inf") else 0.0


def _scale(bars: Sequence[Bar], length: float) -> list[float]:
    """Each bar's value as a length, the largest value taking the whole length."""
    numbers = [_number(bar.value) for bar in bars]
    largest = max(numbers, default=0)
    return [round(number / largest * length, 1) if largest else 0.0 for number in numbers]


def _svg(width: float, height: float, label: str, css_class: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" class="ph-chart {}"'
        ' role="img" aria-label="{}" font-size="13" fill="{}">{}</svg>',
        _short(width),
        _short(height),
        css_class,
        label,
        TEXT_COLOUR,
        body,
    )


def _linked(bar: Bar, title: str, body: SafeString) -> SafeString:
    """One bar of a chart: a link to the records behind it when there is one, with its title."""
    if bar.link:
        return format_html('<a href="{}" tabindex="-1"><title>{}</title>{}</a>', bar.link, title, body)
    return format_html("<g><title>{}</title>{}</g>", title, body)


def _amount_format(chart: BarChart) -> Callable[[Amount], str]:
    return compact_eur if chart.in_eur else compact_number


def _bar_title(bar: Bar, amount: Callable[[Amount], str]) -> str:
    label = " ".join(str(bar.label).split())
    if bar.series:
        label = f"{label} ({bar.series})"
    title = _("%(label)s: %(amount)s") % {"label": label, "amount": bar.amount_text or amount(bar.value)}
    return f"{title} ({bar.note})" if bar.note else title


def _joined(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _short(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _summary(chart: BarChart) -> str:
    largest = max(chart.bars, key=lambda bar: _number(bar.value))
    return ngettext(
        "%(title)s (%(unit)s): %(label)s at %(amount)s.",
        "%(title)s (%(unit)s): %(count)s values, the largest %(label)s at %(amount)s.",
        len(chart.bars),
    ) % {
        "title": chart.title,
        "unit": chart.unit,
        "count": len(chart.bars),
        "label": " ".join(str(largest.label).split()),
        "amount": largest.amount_text or _amount_format(chart)(largest.value),
    }


# -- horizontal bars ------------------------------------------------------------

BAR_CHART_WIDTH = 720
BAR_LABEL_RIGHT = 230  # labels end here, right-aligned against their bar
BAR_LEFT = 240
BAR_VALUE_SPACE = 170  # room for the value label and its note after the longest bar
BAR_ROW_HEIGHT = 28
BAR_THICKNESS = 18
BAR_CAPTION_HEIGHT = 24
LABEL_CHARACTERS = 28
NOTE_CHARACTERS = 22


BAR_GROUP_GAP = 10  # between the groups of a chart that compares several series
BAR_LEGEND_ROW = 22


def bar_chart(chart: BarChart) -> SafeString:
    """The chart as its layout asks: horizontal bars or columns; a note when there is nothing to draw."""
    if not chart.bars:
        return nothing_to_chart()
    if chart.layout == Layout.COLUMNS:
        return _column_chart(chart)
    return _horizontal_bars(chart)


def _horizontal_bars(chart: BarChart) -> SafeString:
    """One bar per row, scaled to the largest value, the amount at the end of each bar; the bars of
    several series sit together under their label, coloured by series, with a legend below."""
    rows = _rows_in_order(chart)
    lengths = _scale([bar for bar, _starts in rows], BAR_CHART_WIDTH - BAR_LEFT - BAR_VALUE_SPACE)
    colours = series_colours(chart.series)
    gap = BAR_GROUP_GAP if len(colours) > 1 else 0
    drawn, top = [], BAR_CAPTION_HEIGHT - gap
    for (bar, starts_group), length in zip(rows, lengths, strict=True):
        top += gap if starts_group else 0
        drawn.append(_bar(bar, length, top, colours[bar.series], show_label=starts_group, amount=_amount_format(chart)))
        top += BAR_ROW_HEIGHT
    caption = format_html(
        '<text x="{}" y="14" font-size="12" fill="{}">{}</text>', BAR_LEFT, MUTED_TEXT_COLOUR, chart.unit
    )
    legend = _series_legend(colours, top + 8) if len(colours) > 1 else SafeString("")
    height = top + 4 + (len(colours) * BAR_LEGEND_ROW + 8 if len(colours) > 1 else 0)
    return _svg(
        BAR_CHART_WIDTH,
        height,
        _summary(chart),
        "ph-chart--bars",
        format_html("{}{}{}", caption, _joined(drawn), legend),
    )


def _rows_in_order(chart: BarChart) -> list[tuple[Bar, bool]]:
    """The bars as drawn, each with whether it starts a group (and so carries the label)."""
    if len(chart.series) == 1:
        return [(bar, True) for bar in chart.bars]
    return [(bar, index == 0) for _label, bars in chart.groups for index, bar in enumerate(bars)]


def _series_legend(colours: dict[str, str], top: int) -> SafeString:
    return _joined(
        format_html(
            '<rect x="{}" y="{}" width="16" height="14" fill="{}"/><text x="{}" y="{}">{}</text>',
            BAR_LEFT,
            top + index * BAR_LEGEND_ROW,
            colour,
            BAR_LEFT + 24,
            top + index * BAR_LEGEND_ROW + 12,
            truncated(name, 60),
        )
        for index, (name, colour) in enumerate(colours.items())
    )


def _bar(
    bar: Bar, length: float, top: int, colour: str, *, show_label: bool, amount: Callable[[Amount], str]
) -> SafeString:
    baseline = top + BAR_THICKNESS / 2 + 5
    body = format_html(
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}">{}{}</text>',
        BAR_LABEL_RIGHT,
        _short(baseline),
        truncated(bar.label, LABEL_CHARACTERS) if show_label else "",
        BAR_LEFT,
        top,
        _short(length),
        BAR_THICKNESS,
        colour,
        _short(BAR_LEFT + length + 6),
        _short(baseline),
        bar.amount_text or amount(bar.value),
        _note(bar.note),
    )
    return _linked(bar, _bar_title(bar, amount), body)


def _note(note: str | None) -> SafeString:
    if not note:
        return SafeString("")
    return format_html(
        ' <tspan fill="{}" font-size="12">{}</tspan>', MUTED_TEXT_COLOUR, truncated(note, NOTE_CHARACTERS)
    )


# -- columns by year ------------------------------------------------------------

COLUMN_PLOT_HEIGHT = 160
COLUMN_TOP = 44  # room for the caption and the value label above the tallest column
COLUMN_AXIS_SPACE = 24
COLUMN_MARGIN = 20
COLUMN_MIN_SLOT = 52  # wide enough for a value label such as "€12.4 m" at 11 units
COLUMN_PLOT_WIDTH = 600
COLUMN_LABEL_CHARACTERS = 8


def _column_chart(chart: BarChart) -> SafeString:
    """Vertical columns in the order given (years, oldest first), the amount above each column."""
    bars = chart.bars
    slot = max(COLUMN_MIN_SLOT, COLUMN_PLOT_WIDTH / len(bars))
    width = 2 * COLUMN_MARGIN + slot * len(bars)
    baseline = COLUMN_TOP + COLUMN_PLOT_HEIGHT
    columns = [
        _column(bar, length, COLUMN_MARGIN + index * slot, slot, baseline, _amount_format(chart))
        for index, (bar, length) in enumerate(zip(bars, _scale(bars, COLUMN_PLOT_HEIGHT), strict=True))
    ]
    body = format_html(
        '<text x="{}" y="14" font-size="12" fill="{}">{}</text>{}<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
        COLUMN_MARGIN,
        MUTED_TEXT_COLOUR,
        chart.unit,
        _joined(columns),
        COLUMN_MARGIN,
        baseline,
        _short(width - COLUMN_MARGIN),
        baseline,
        AXIS_COLOUR,
    )
    return _svg(width, baseline + COLUMN_AXIS_SPACE, _summary(chart), "ph-chart--columns", body)


def _column(
    bar: Bar, length: float, left: float, slot: float, baseline: int, amount: Callable[[Amount], str]
) -> SafeString:
    centre, column_width = left + slot / 2, slot * 0.6
    body = format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        _short(centre - column_width / 2),
        _short(baseline - length),
        _short(column_width),
        _short(length),
        BAR_COLOUR,
        _short(centre),
        _short(baseline - length - 5),
        bar.amount_text or amount(bar.value),
        _short(centre),
        baseline + 17,
        truncated(bar.label, COLUMN_LABEL_CHARACTERS),
    )
    return _linked(bar, _bar_title(bar, amount), body)


# -- one bar of shares ----------------------------------------------------------

SHARE_WIDTH = 640
SHARE_THICKNESS = 32
SHARE_LEGEND_TOP = 48
SHARE_LEGEND_ROW = 22
SHARE_MIN_INNER_LABEL = 44  # narrower segments carry their percentage in the legend only


def share_bar(chart: ShareBar) -> SafeString:
    """One bar split into shares (the balance of a portfolio), with a legend below it."""
    title, parts = chart.title, chart.shares
    shares = [_number(part.percent) for part in parts]
    total = sum(shares)
    if not parts or not total:
        return nothing_to_chart()
    for part in parts:
        if part.key not in SHARE_COLOURS:
            raise ValueError(f"unknown share key {part.key!r}; use one of {sorted(SHARE_COLOURS)}")
    widths = [share / total * SHARE_WIDTH for share in shares]
    lefts = [sum(widths[:index]) for index in range(len(widths))]
    shown = [_percent(whole, share) for whole, share in zip(whole_percentages(shares), shares, strict=True)]
    segments = [_segment(*args) for args in zip(parts, shown, lefts, widths, strict=True)]
    legend = [_share_legend(part, text, index) for index, (part, text) in enumerate(zip(parts, shown, strict=True))]
    label = "; ".join(_share_text(part, text) for part, text in zip(parts, shown, strict=True))
    height = SHARE_LEGEND_TOP + len(parts) * SHARE_LEGEND_ROW
    return _svg(
        SHARE_WIDTH,
        height,
        f"{title}: {label}",
        "ph-chart--shares",
        format_html("{}{}", _joined(segments), _joined(legend)),
    )


def _segment(part: Share, share: str, left: float, width: float) -> SafeString:
    if not width:
        return SafeString("")
    fill, text_colour = SHARE_COLOURS[part.key]
    inner = (
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
            _short(left + width / 2),
            SHARE_THICKNESS / 2 + 5,
            text_colour,
            share,
        )
        if width >= SHARE_MIN_INNER_LABEL
        else ""
    )
    return format_html(
        '<g><title>{}</title><rect x="{}" y="0" width="{}" height="{}" fill="{}" stroke="#fff"/>{}</g>',
        _share_text(part, share),
        _short(left),
        _short(width),
        SHARE_THICKNESS,
        fill,
        inner,
    )


def _share_legend(part: Share, share: str, index: int) -> SafeString:
    top = SHARE_LEGEND_TOP + index * SHARE_LEGEND_ROW
    return format_html(
        '<rect x="0" y="{}" width="16" height="14" fill="{}" stroke="{}" stroke-width=".5"/>'
        '<text x="24" y="{}">{}</text>',
        top,
        SHARE_COLOURS[part.key][0],
        AXIS_COLOUR,
        top + 12,
        truncated(_share_text(part, share), 80),
    )


def _share_text(part: Share, share: str) -> str:
    return _("%(label)s: %(share)s") % {"label": " ".join(str(part.label).split()), "share": share}


def whole_percentages(shares: Sequence[float]) -> list[int]:
    """Shares as whole percentages that add up to exactly 100 (largest remainder method)."""
    total = sum(shares)
    exact = [share / total * 100 for share in shares]
    wholes = [int(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda index: wholes[index] - exact[index])
    for index in by_remainder[: 100 - sum(wholes)]:
        wholes[index] += 1
    return wholes


def _percent(whole: int, share: float) -> str:
    """A whole percentage, or "< 1 %" for a share too small to round to one."""
    if share > 0 and whole == 0:
        return _("< %(share)s %%") % {"share": number_format(1)}
    return _("%(share)s %%") % {"share": number_format(whole, force_grouping=False)}
