"""The portfolio the finder compares: every engagement with a partner country and a theme, loaded
in a few bulk queries, and its blocks by (partner country, theme)."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import Exists, OuterRef

from partnerhub.overlaps.finder.text import comparison_text
from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementTheme,
    Participation,
    ParticipationRole,
    Theme,
)

# The finder compares every record; a pair is shown only to readers of both engagements.
OVERLAP_FINDER = "the overlap finder compares every record; pairs are read through visible_to"

# Days since 0001-01-01 standing for "no start" and "no end".
NO_START, NO_END = -(2**40), 2**40


@dataclass
class Portfolio:
    """Every engagement that can take part in a pair, as arrays in the order of their ids."""

    ids: np.ndarray
    owners: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    texts: list[str]
    fingerprints: list[str]
    countries: list[tuple[int, ...]]
    themes: list[tuple[int, ...]]
    implementers: list[frozenset[int]]
    dated: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def load_portfolio() -> Portfolio:
    """Five bulk queries, whatever the size of the registry."""
    countries = _grouped(
        EngagementCountry.objects.unrestricted(OVERLAP_FINDER)
        .filter(country__is_eu_member=False)
        .values_list("engagement_id", "country_id")
    )
    themes = _grouped(EngagementTheme.objects.unrestricted(OVERLAP_FINDER).values_list("engagement_id", "theme_id"))
    implementers = _grouped(
        Participation.objects.unrestricted(OVERLAP_FINDER)
        .filter(role=ParticipationRole.IMPLEMENTER)
        .values_list("engagement_id", "organisation_id")
    )
    rows = list(
        _comparable_engagements()
        .order_by("pk")
        .values_list(
            "pk", "owner_id", "title", "description", "start_date", "end_date", "iati_extra__narratives__title"
        )
    )
    portfolio = Portfolio(
        ids=np.array([row[0] for row in rows], dtype=np.int64),
        owners=np.array([row[1] for row in rows], dtype=np.int64),
        starts=np.array([row[4].toordinal() if row[4] else NO_START for row in rows], dtype=np.int64),
        ends=np.array([row[5].toordinal() if row[5] else NO_END for row in rows], dtype=np.int64),
        texts=[comparison_text(row[2], row[3], row[6]) for row in rows],
        fingerprints=[],
        countries=[],
        themes=[],
        implementers=[],
        dated=np.array([bool(row[4] or row[5]) for row in rows], dtype=bool),
    )
    for pk, owner, title, description, start, end, _titles in rows:
        portfolio.countries.append(tuple(sorted(countries[pk])))
        portfolio.themes.append(tuple(sorted(themes[pk])))
        portfolio.implementers.append(frozenset(implementers[pk]))
        portfolio.fingerprints.append(fingerprint(owner, title, description, start, end, countries[pk], themes[pk]))
    return portfolio


def _comparable_engagements():
    partner_country = EngagementCountry.objects.filter(engagement=OuterRef("pk"), country__is_eu_member=False)
    return Engagement.objects.unrestricted(OVERLAP_FINDER).filter(
        Exists(partner_country), Exists(EngagementTheme.objects.filter(engagement=OuterRef("pk")))
    )


def _grouped(pairs: Iterable[tuple[int, int]]) -> defaultdict[int, set[int]]:
    groups: defaultdict[int, set[int]] = defaultdict(set)
    for key, value in pairs:
        groups[key].add(value)
    return groups


def fingerprint(
    owner_id: int,
    title: str,
    description: str,
    start: date | None,
    end: date | None,
    country_ids: Iterable[int],
    theme_ids: Iterable[int],
) -> str:
    """What a reviewer judged: when this changes, a decision on the pair no longer holds."""
    parts = [
        str(owner_id),
        title,
        description or "",
        start.isoformat() if start else "",
        end.isoformat() if end else "",
        ",".join(map(str, sorted(country_ids))),
        ",".join(map(str, sorted(theme_ids))),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def current_fingerprints(engagement_ids: Iterable[int]) -> dict[int, str]:
    """The fingerprints of a few engagements as they are now (for a decision)."""
    ids = list(engagement_ids)
    countries = _grouped(
        EngagementCountry.objects.unrestricted(OVERLAP_FINDER)
        .filter(engagement_id__in=ids, country__is_eu_member=False)
        .values_list("engagement_id", "country_id")
    )
    themes = _grouped(
        EngagementTheme.objects.unrestricted(OVERLAP_FINDER)
        .filter(engagement_id__in=ids)
        .values_list("engagement_id", "theme_id")
    )
    rows = (
        Engagement.objects.unrestricted(OVERLAP_FINDER)
        .filter(pk__in=ids)
        .values_list("pk", "owner_id", "title", "description", "start_date", "end_date")
    )
    return {
        pk: fingerprint(owner, title, description, start, end, countries[pk], themes[pk])
        for pk, owner, title, description, start, end in rows
    }


# -- themes and blocks ------------------------------------------------------------


@dataclass(frozen=True)
class ThemeTree:
    parents: dict[int, int | None]
    children: dict[int, frozenset[int]]

    @classmethod
    def load(cls) -> "ThemeTree":
        parents: dict[int, int | None] = dict(Theme.objects.values_list("pk", "parent_id"))
        children = _grouped((parent, pk) for pk, parent in parents.items() if parent is not None)
        return cls(parents, {pk: frozenset(kids) for pk, kids in children.items()})

    def covered(self, theme_id: int) -> frozenset[int]:
        """A theme and, for a parent theme, each of its children."""
        return frozenset({theme_id, *self.children.get(theme_id, ())})

    def shared(self, first: Iterable[int], second: Iterable[int]) -> list[int]:
        """The themes both engagements work on, a parent on one side meeting its child on the other."""
        first, second = set(first), set(second)
        common = first & second
        common |= {theme for theme in second if self.parents.get(theme) in first}
        common |= {theme for theme in first if self.parents.get(theme) in second}
        # A parent held by both already says it; its children add nothing.
        return sorted(theme for theme in common if self.parents.get(theme) not in (first & second))


def build_blocks(portfolio: Portfolio, tree: ThemeTree, country_id: int | None = None) -> dict[tuple, np.ndarray]:
    """Rows of the portfolio by (partner country, theme); ``country_id`` keeps that country's blocks."""
    blocks: defaultdict[tuple, list[int]] = defaultdict(list)
    for row, (countries, themes) in enumerate(zip(portfolio.countries, portfolio.themes, strict=True)):
        keys = set().union(*(tree.covered(theme) for theme in themes))
        for country in countries:
            if country_id is None or country == country_id:
                for theme in keys:
                    blocks[(country, theme)].append(row)
    return {key: np.array(rows, dtype=np.int64) for key, rows in sorted(blocks.items()) if len(rows) > 1}
