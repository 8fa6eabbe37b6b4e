"""Where official sources disagree: the same indicator, country, destination and period, two
sources whose figures differ by more than the tolerance (``PARTNERHUB_FACTS_TOLERANCE``, a share of
the larger figure in absolute value)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from partnerhub.core.types import AnyUser
from partnerhub.facts.models import Observation, ObservationStatus

Key = tuple[int, int, int | None, str]


def relative_gap(first: Decimal, second: Decimal) -> Decimal:
    """How far apart two figures are, as a share of the larger one in absolute value (0 when both are 0)."""
    larger = max(abs(first), abs(second))
    return abs(first - second) / larger if larger else Decimal(0)


def disagree(first: Decimal, second: Decimal, tolerance: Decimal | None = None) -> bool:
    """Strictly more than the tolerance apart: figures exactly at it still agree."""
    limit = settings.PARTNERHUB_FACTS_TOLERANCE if tolerance is None else tolerance
    larger = max(abs(first), abs(second))
    # Compared without dividing, so that the boundary is exact.
    return abs(first - second) > limit * larger


@dataclass(frozen=True)
class Disagreement:
    """Two figures of different sources for the same indicator, country, destination and period."""

    first: Observation
    second: Observation

    @property
    def gap(self) -> Decimal:
        return relative_gap(self.first.value, self.second.value)


def disagreements(user: AnyUser | None, *, tolerance: Decimal | None = None, **filters: Any) -> list[Disagreement]:
    """The disagreements between figures ``user`` may see (superseded ones left out), filtered by
    ``filters`` on observations (``indicator__code="…"``, ``country__iso3="…"``), in two queries."""
    current = Observation.objects.visible_to(user).exclude(status=ObservationStatus.SUPERSEDED).filter(**filters)
    keys = _keys_with_several_sources(current)
    if not keys:
        return []
    candidates = current.filter(
        indicator_id__in={key[0] for key in keys},
        country_id__in={key[1] for key in keys},
        period__in={key[3] for key in keys},
    ).select_related("indicator", "country", "destination", "source")
    groups: dict[Key, list[Observation]] = defaultdict(list)
    for observation in candidates.order_by("indicator__code", "country__name", "period_start", "source_id", "pk"):
        key = (observation.indicator_id, observation.country_id, observation.destination_id, observation.period)
        if key in keys:
            groups[key].append(observation)
    return [
        Disagreement(first, second)
        for group in groups.values()
        for first, second in combinations(group, 2)
        if first.source_id != second.source_id and disagree(first.value, second.value, tolerance)
    ]


def _keys_with_several_sources(observations: QuerySet[Observation]) -> set[Key]:
    grouped = (
        observations.order_by()
        .values("indicator_id", "country_id", "destination_id", "period")
        .annotate(sources=Count("source_id", distinct=True))
        .filter(sources__gte=2)
    )
    return {(row["indicator_id"], row["country_id"], row["destination_id"], row["period"]) for row in grouped}
