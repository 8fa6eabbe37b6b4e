"""The key facts of a country profile: per indicator, the figure to quote, its trend and where sources disagree.

``key_facts(user, country)`` reads every figure of the country the reader may see in one query
(superseded ones and origin × destination pairs left out) and works out the rest in Python, so
the number of queries does not grow with the indicators, years or sources. It is computed apart
from the cached ``CountryProfile``: a revised figure or a new vintage changes no stamped record.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from partnerhub.core.charts import Bar, BarChart, Layout
from partnerhub.core.formatting import eur
from partnerhub.core.types import AnyUser
from partnerhub.facts.disagreements import disagree
from partnerhub.facts.models import Freshness, Indicator, Observation, ObservationStatus, Source
from partnerhub.geo.models import Country
from partnerhub.registry.money import to_eur

REMITTANCES_RECEIVED = "remittances-received-usd"
COMPACT_STEPS = ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m"), (Decimal(10) ** 3, "k"))


@dataclass
class SourceDisagreement:
    """Two figures of different sources for the shown period, further apart than the tolerance."""

    first: Observation
    second: Observation


@dataclass
class KeyFact:
    indicator: Indicator
    figure: Observation  # the agreed one, else the latest of the series' source
    freshness: str
    # One figure per period, oldest first: the agreed one where there is one, else the series' source's.
    trend: list[Observation] = field(default_factory=list)
    disagreements: list[SourceDisagreement] = field(default_factory=list)

    @property
    def is_agreed(self) -> bool:
        return self.figure.status == ObservationStatus.AGREED

    @property
    def source(self) -> Source:
        return self.figure.source


@dataclass
class RemittanceContext:
    """A country's yearly remittance inflows, in USD and, where the ECB has a rate, in EUR."""

    figure: Observation
    eur: Decimal | None
    usd_per_eur_date: date | None  # the date of the ECB reference rate used


def key_facts(user: AnyUser | None, country: Country, *, today: date | None = None) -> list[KeyFact]:
    """The key facts of ``country`` as ``user`` may see them, by indicator code, in one query."""
    today = today or timezone.localdate()
    observations = (
        Observation.objects.visible_to(user)
        .filter(country=country, destination__isnull=True)
        .exclude(status=ObservationStatus.SUPERSEDED)
        .select_related("indicator__default_source", "source")
        .order_by("indicator__code", "period_start", "source_id", "pk")
    )
    by_indicator: dict[int, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_indicator[observation.indicator_id].append(observation)
    facts = [_key_fact(figures, today) for figures in by_indicator.values()]
    return [fact for fact in facts if fact is not None]


def remittance_context(facts: list[KeyFact]) -> RemittanceContext | None:
    """The most recent year of remittances received, converted to EUR at the ECB rate of mid-year."""
    fact = next((fact for fact in facts if fact.indicator.code == REMITTANCES_RECEIVED), None)
    if fact is None:
        return None
    yearly = [figure for figure in fact.trend if figure.period.isdigit()]
    if not yearly:
        return None
    figure = yearly[-1]
    if figure.unit.upper() != "USD":
        return RemittanceContext(figure, None, None)
    # A yearly flow has no single value date: the middle of the year stands for it.
    eur, rate_date = to_eur(figure.value, "USD", date(int(figure.period), 7, 1))
    return RemittanceContext(figure, eur, rate_date)


def _key_fact(figures: list[Observation], today: date) -> KeyFact | None:
    indicator = figures[0].indicator
    series_source = _series_source(indicator, figures)
    by_period: dict[str, list[Observation]] = defaultdict(list)
    for figure in figures:
        by_period[figure.period].append(figure)
    trend = [shown for shown in (_shown(group, series_source) for group in by_period.values()) if shown is not None]
    if not trend:
        return None
    agreed = [figure for figure in trend if figure.status == ObservationStatus.AGREED]
    headline = agreed[-1] if agreed else trend[-1]
    return KeyFact(
        indicator=indicator,
        figure=headline,
        freshness=headline.source.freshness(today),
        trend=trend,
        disagreements=_disagreements(by_period[headline.period]),
    )


def _series_source(indicator: Indicator, figures: list[Observation]) -> int:
    """The indicator's default source where it gives figures here, else the source that gives most."""
    counts: dict[int, int] = defaultdict(int)
    for figure in figures:
        counts[figure.source_id] += 1
    if indicator.default_source_id in counts:
        return indicator.default_source_id
    return max(sorted(counts), key=lambda source_id: counts[source_id])


def _shown(group: list[Observation], series_source: int) -> Observation | None:
    """A period's figure: the agreed one, else the series' source's (an imported one before a proposed revision)."""
    for figure in group:
        if figure.status == ObservationStatus.AGREED:
            return figure
    of_source = [figure for figure in group if figure.source_id == series_source]
    return min(of_source, key=lambda figure: figure.revises_id is not None, default=None)


def _disagreements(group: list[Observation]) -> list[SourceDisagreement]:
    return [
        SourceDisagreement(first, second)
        for first, second in combinations(group, 2)
        if first.source_id != second.source_id and disagree(first.value, second.value)
    ]


# -- how figures are written ------------------------------------------------------


def figure_text(value: Decimal, unit: str) -> str:
    """A figure in full with its unit: ``12,345,678 USD``, ``7.85 % of GDP``."""
    rounded = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))
    return _("%(number)s %(unit)s") % {"number": number_format(rounded, force_grouping=True), "unit": unit}


def compact_figure(value: Decimal, unit: str) -> str:
    """A figure short enough for a chart label: ``12.3 bn USD``."""
    for size, suffix in COMPACT_STEPS:
        if abs(value) >= size:
            number = number_format((value / size).quantize(Decimal("0.1")), force_grouping=True)
            return f"{number} {suffix} {unit}"
    return figure_text(value, unit)


def trend_chart(fact: KeyFact, *, linked: bool = False) -> BarChart:
    """The figure of each period, oldest first; a figure that is not agreed says so. ``linked``: each
    bar leads to its figure's page (for a signed-in reader: the page asks for one)."""
    not_agreed = _("not agreed")
    bars = tuple(
        Bar(
            figure.period,
            figure.value,
            link=reverse("facts:figure_detail", args=[figure.pk]) if linked else None,
            note=None if figure.status == ObservationStatus.AGREED else not_agreed,
            amount_text=compact_figure(figure.value, figure.unit),
        )
        for figure in fact.trend
    )
    return BarChart(
        _("%(indicator)s over time") % {"indicator": fact.indicator.localized_name},
        fact.indicator.unit,
        bars,
        Layout.COLUMNS,
    )


def freshness_text(freshness: str) -> str:
    texts: dict[str, str] = {
        Freshness.FRESH: _("fresh: within its release cycle"),
        Freshness.DUE: _("due: a new release is expected"),
        Freshness.OVERDUE: _("overdue: the new release is late"),
    }
    return texts.get(freshness, _("freshness not known"))


def trend_text(fact: KeyFact) -> str:
    """Every point of the trend in words: ``2021: 10.2 bn USD; 2022: 11.1 bn USD (not agreed)``."""
    points = [
        _("%(period)s: %(figure)s") % {"period": figure.period, "figure": figure_text(figure.value, figure.unit)}
        + ("" if figure.status == ObservationStatus.AGREED else " " + _("(not agreed)"))
        for figure in fact.trend
    ]
    return _("%(indicator)s by period: %(points)s.") % {
        "indicator": fact.indicator.localized_name,
        "points": "; ".join(points),
    }


def remittance_sentence(country_name: str, context: RemittanceContext) -> str:
    """``Morocco received 11,187,000,000 USD in personal remittances in 2022 (about EUR … at the ECB …)``."""
    figure = context.figure
    sentence = _("%(country)s received %(amount)s in personal remittances in %(period)s") % {
        "country": country_name,
        "amount": figure_text(figure.value, figure.unit),
        "period": figure.period,
    }
    if context.eur is not None and context.usd_per_eur_date is not None:
        sentence += " " + _("(about %(amount)s at the ECB reference rate of %(date)s)") % {
            "amount": eur(context.eur),
            "date": date_format(context.usd_per_eur_date, "DATE_FORMAT"),
        }
    else:
        sentence += " " + _("(in its own unit: no ECB rate converts it)")
    status = "" if figure.status == ObservationStatus.AGREED else ", " + _("not agreed")
    return _("%(sentence)s — %(source)s%(status)s.") % {"sentence": sentence, "source": figure.source, "status": status}
