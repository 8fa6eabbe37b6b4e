"""What a chart shows, apart from how it is drawn.

A view or the brief describes a chart with these plain values; the web pages
draw the description as inline SVG (``partnerhub.web.charts`` through the
``charts`` template tags) and the country brief draws the same description
with matplotlib for DOCX and PDF. They sit in core so that every app may
describe a chart without importing the app that draws it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

Amount = Decimal | float | int | None


class Layout(StrEnum):
    BARS = "bars"  # horizontal bars, largest first as listed
    COLUMNS = "columns"  # vertical columns in the order given (years, oldest first)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Amount
    link: str | None = None
    note: str | None = None  # a short remark after the amount, e.g. "+ undisclosed"
    series: str = ""  # the series the bar belongs to, when a chart compares several
    amount_text: str | None = None  # the value as written when it is not euros ("USD 1.2 bn", "4,200 persons")


@dataclass(frozen=True)
class BarChart:
    """Bars in the order given; bars of several series that share a label form a group."""

    title: str
    unit: str
    bars: tuple[Bar, ...]
    layout: Layout = Layout.BARS
    in_eur: bool = True  # False for figures that are no money (people, shares): labelled without "€"

    def __post_init__(self) -> None:
        if self.layout == Layout.COLUMNS and len(self.series) > 1:
            raise ValueError("columns show one series; compare several with horizontal bars")

    @property
    def series(self) -> tuple[str, ...]:
        """The names of the series, in the order of their first bar."""
        return tuple(dict.fromkeys(bar.series for bar in self.bars))

    @property
    def groups(self) -> tuple[tuple[str, tuple[Bar, ...]], ...]:
        """The bars grouped by label, each group in the order of the series."""
        grouped: dict[str, list[Bar]] = {}
        for bar in self.bars:
            grouped.setdefault(bar.label, []).append(bar)
        return tuple((label, tuple(bars)) for label, bars in grouped.items())

    @property
    def has_amounts(self) -> bool:
        return any(bar.value for bar in self.bars)


@dataclass(frozen=True)
class Share:
    label: str
    percent: Amount
    key: str  # what the share stands for (an interest: "eu", "shared", "partner"); each drawing colours by it


@dataclass(frozen=True)
class ShareBar:
    """One bar of 100 % split into shares, with an optional threshold to mark on it."""

    title: str
    shares: tuple[Share, ...]
    threshold: Decimal | None = None


@dataclass(frozen=True)
class Choropleth:
    """A world map of amounts in EUR per country, keyed by ISO3 code."""

    legend_title: str
    values: Mapping[str, Amount]
    links: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # a country's name as the map should say it
    highlight: str | None = None
    in_eur: bool = True  # False for figures that are no money (people, shares): labelled without "€"


# -- the one look: the pages' SVG and the brief's PNG draw with these colours --

BAR_COLOUR = "#005a64"  # the hub's brand teal: 7.6:1 against white
# A chart comparing series reads light to dark: a lighter teal (3.1:1 against white),
# the brand teal, then an ochre.
SERIES_COLOURS = ("#4f9da6", BAR_COLOUR, "#b35806")
TEXT_COLOUR = "#1a1d26"
MUTED_TEXT_COLOUR = "#595959"  # 7:1 against white
AXIS_COLOUR = "#8c8c8c"  # axes, ticks and grid lines
# Shares of the balance, from ColorBrewer 2.0 "PuOr" (Cynthia Brewer, Apache
# licence 2.0), diverging and colour-blind safe: purple for what the EU mainly
# wants, orange for what partners mainly want, grey for both. Each colour comes
# with the text colour that reads on it (contrast 4.5:1 at least).
SHARE_COLOURS = {
    "eu": ("#5e3c99", "#ffffff"),
    "shared": ("#d4d4d4", TEXT_COLOUR),
    "partner": ("#e66101", TEXT_COLOUR),
    "other": ("#f0f0f0", TEXT_COLOUR),
}


def series_colours(series: tuple[str, ...]) -> dict[str, str]:
    """The colour of each series: the brand teal for a chart of one, the series colours in turn for more."""
    if len(series) == 1:
        return {series[0]: BAR_COLOUR}
    return {name: SERIES_COLOURS[index % len(SERIES_COLOURS)] for index, name in enumerate(series)}
