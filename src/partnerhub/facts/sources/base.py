"""What a statistics loader reads from a publisher's file, before anything is written.

A parser (one per SOURCE name of ``partnerhub load-facts``) reads a whole file
and returns a ``Reading``: the observations it found, the rows it skipped and
why, the source's description and the indicators the file carries. It touches
no database, so that a file failing validation writes nothing and a parser is
tested on the real file alone. ``partnerhub.facts.loading`` turns a reading
into records.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path


class FileRejected(Exception):
    """The file cannot be loaded at all (wrong layout, missing column, unreadable): nothing is
    written. The message names the file and, where one is at fault, the line or column."""


@dataclass(frozen=True)
class SourceInfo:
    """Who published the figures and in which release (its vintage)."""

    publisher: str  # "World Bank"
    dataset: str  # "World Development Indicators"
    release_date: date | None  # the vintage, when the file or its documentation states it
    address: str = ""  # where the dataset is published
    # How often the publisher releases it, in days (365 for yearly): freshness is measured against it.
    update_every_days: int | None = None


@dataclass(frozen=True)
class IndicatorInfo:
    """An indicator as its publisher defines it; ``code`` is the hub's stable code for it."""

    code: str  # "remittances-received-usd"
    name: str  # "Personal remittances, received (current US$)"
    unit: str  # "USD", "USD million", "% of GDP", "persons"
    definition: str  # the publisher's definition, shown beside its figures
    direction: str = "neutral"  # "higher-better" | "higher-worse" | "neutral"
    themes: tuple[str, ...] = ()  # theme codes of the hub's fixtures it informs
    pair: bool = False  # True when observations are origin × destination
    name_fr: str = ""  # the name in French, for Indicator.name_fr ("" when the file gives none)


@dataclass(frozen=True)
class SourceRow:
    """One observation found in the file."""

    line: int  # 1-based line (CSV) of the file it came from, for messages
    indicator: str  # an IndicatorInfo.code of the same reading
    country: str  # ISO 3166-1 alpha-2 ("XK" for Kosovo); the origin of a pair
    period: str  # "2022", "2022-Q3" or "2022-07"
    value: Decimal
    unit: str
    destination: str = ""  # ISO alpha-2 of the destination / asylum country of a pair; "" otherwise


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str  # one of SKIP_REASONS' keys
    detail: str  # what was there: "Country name 'Channel Islands' is not a country we know"


@dataclass(frozen=True)
class ZeroCells:
    """The cells of one row where the publisher wrote 0 as a filler (UNHCR), for indicators keyed alike.

    Not observations: the loader takes one only where its source already holds a figure for the same
    indicator, country, destination and period — then the zero revises it (or confirms a zero).
    """

    line: int
    indicators: tuple[str, ...]  # IndicatorInfo.codes of the same reading
    country: str  # ISO alpha-2, as in SourceRow
    period: str
    destination: str = ""


SKIP_REASONS = {
    "aggregate": "aggregate row (a region, income group or the world, not a country)",
    "unknown-country": "unknown country",
    "non-numeric": "value is not a number",
    "missing-value": "no value",
    "footnote": "footnote or source line",
    "unknown-indicator": "unknown indicator",
    "bad-period": "period is not a year, quarter or month",
}


@dataclass
class Reading:
    source: SourceInfo
    indicators: list[IndicatorInfo]
    rows: list[SourceRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    # Cells a wide table leaves empty ("", UN DESA's "..") and UNHCR's zero fillers: no figure was given, so
    # they are neither observations nor skipped rows; counted so that a report can account for every cell.
    empty_cells: int = 0
    # Where those zero fillers are, by row: a zero is loaded only to revise a figure its source already holds.
    zeros: list[ZeroCells] = field(default_factory=list)


Parser = Callable[[Path], Reading]
