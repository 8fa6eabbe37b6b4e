"""What the key-facts pages read: the figures a reader may see, filtered, one figure per key for
totals, charts and maps.

Every query starts from ``Observation.objects.visible_to(user)``; superseded figures are history and
stay out of the pages. Where several sources give a figure for the same country, destination and
period, the table lists them all but a total counts one: the agreed figure, else the indicator's
default source, else the first source.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from partnerhub.core.types import AnyUser
from partnerhub.facts.disagreements import disagreements
from partnerhub.facts.models import Indicator, Observation, ObservationStatus
from partnerhub.geo.models import Region, Route

TABLE_ORDER = ("country__name", "destination__name", "-period_start", "source__publisher", "source__dataset", "pk")


def current_figures(user: AnyUser | None, indicator: Indicator) -> QuerySet[Observation]:
    """The figures of ``indicator`` the reader may see, superseded ones left out."""
    return Observation.objects.visible_to(user).filter(indicator=indicator).exclude(status=ObservationStatus.SUPERSEDED)


def countries_with_figures(user: AnyUser | None) -> dict[int, int]:
    """Per indicator id, how many countries have a figure the reader may see."""
    rows = (
        Observation.objects.visible_to(user)
        .exclude(status=ObservationStatus.SUPERSEDED)
        .order_by()
        .values("indicator_id")
        .annotate(countries=Count("country_id", distinct=True))
    )
    return {row["indicator_id"]: row["countries"] for row in rows}


def in_places(figures: QuerySet[Observation], route: Route | None, region: Region | None) -> QuerySet[Observation]:
    """The figures of countries (origins of a pair) on ``route`` and in ``region``."""
    if route is not None:
        figures = figures.filter(country__routes=route)
    if region is not None:
        figures = figures.filter(country__region=region)
    return figures


def in_period(figures: QuerySet[Observation], period: str) -> QuerySet[Observation]:
    """The figures of ``period``; with none, each country's latest period among ``figures``."""
    if period:
        return figures.filter(period=period)
    latest = figures.filter(country=OuterRef("country")).order_by("-period_start").values("period_start")[:1]
    return figures.filter(period_start=Subquery(latest))


def latest_period(figures: QuerySet[Observation]) -> str:
    """The latest period among ``figures`` ("" when there is none)."""
    start = figures.order_by().aggregate(latest=Max("period_start"))["latest"]
    if start is None:
        return ""
    return figures.filter(period_start=start).order_by("period").values_list("period", flat=True).first() or ""


def flagged_ids(user: AnyUser | None, indicator: Indicator) -> set[int]:
    """The figures of ``indicator`` the reader may see that another source contradicts."""
    found = disagreements(user, indicator=indicator)
    return {pk for pair in found for pk in (pair.first.pk, pair.second.pk)}


@dataclass(frozen=True)
class Figure:
    """The few fields totals need, read without building models."""

    iso3: str
    name: str
    destination: int | None
    destination_iso3: str | None
    destination_name: str | None
    destination_is_eu: bool
    period: str
    source: int
    agreed: bool
    value: Decimal


FIGURE_FIELDS = (
    "country__iso3",
    "country__name",
    "destination_id",
    "destination__iso3",
    "destination__name",
    "destination__is_eu_member",
    "period",
    "source_id",
    "status",
    "value",
)


def one_per_key(figures: QuerySet[Observation], default_source: int | None) -> list[Figure]:
    """One figure per country, destination and period: the agreed one, else the default source's,
    else the first source's."""
    chosen: dict[tuple[str, Any, str], Figure] = {}
    for row in figures.order_by().values_list(*FIGURE_FIELDS):
        figure = _figure(row)
        key = (figure.iso3, figure.destination, figure.period)
        if key not in chosen or _rank(figure, default_source) < _rank(chosen[key], default_source):
            chosen[key] = figure
    return list(chosen.values())


def _figure(row: tuple[Any, ...]) -> Figure:
    iso3, name, destination, destination_iso3, destination_name, destination_is_eu, period, source, status, value = row
    return Figure(
        iso3=iso3,
        name=name,
        destination=destination,
        destination_iso3=destination_iso3,
        destination_name=destination_name,
        destination_is_eu=bool(destination_is_eu),
        period=period,
        source=source,
        agreed=status == ObservationStatus.AGREED,
        value=Decimal(value),
    )


def _rank(figure: Figure, default_source: int | None) -> tuple[bool, bool, int]:
    return (not figure.agreed, figure.source != default_source, figure.source)


@dataclass(frozen=True)
class CountryTotal:
    iso3: str
    name: str
    value: Decimal


def totals_by_country(figures: list[Figure]) -> list[CountryTotal]:
    """Per country (the origin of a pair), the sum of its figures, largest first."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for figure in figures:
        sums[(figure.iso3, figure.name)] += figure.value
    totals = [CountryTotal(iso3, name, value) for (iso3, name), value in sums.items()]
    return sorted(totals, key=lambda total: (-total.value, total.name))


def totals_by_destination(figures: list[Figure]) -> list[CountryTotal]:
    """Per destination of a pair, the sum of its figures, largest first."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for figure in figures:
        if figure.destination_iso3 is not None:
            sums[(figure.destination_iso3, figure.destination_name or "")] += figure.value
    totals = [CountryTotal(iso3, name, value) for (iso3, name), value in sums.items()]
    return sorted(totals, key=lambda total: (-total.value, total.name))


@dataclass(frozen=True)
class EuShare:
    """How much of a country's diaspora (or refugees) the figures place in EU Member States."""

    total: Decimal
    in_eu: Decimal

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (self.in_eu / self.total * 100).quantize(Decimal("0.1"))


def eu_share(figures: list[Figure]) -> EuShare:
    total = sum((figure.value for figure in figures), Decimal(0))
    in_eu = sum((figure.value for figure in figures if figure.destination_is_eu), Decimal(0))
    return EuShare(total=total, in_eu=in_eu)
