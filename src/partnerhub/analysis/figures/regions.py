"""Regional money: the shares of engagements that publishers place in a recipient
region (IATI's Region codelist) rather than in a country.

A region's share is money for a regional programme. It counts in the region and
in the routes through it (``RecipientRegion.routes``), never in a country: a
country's figures hold only the country shares (``portfolio``). The share of a
region is its stated percentage; a blank one takes what the countries and the
stated regions leave of 100 %, split equally between the blank regions.

The figures of a region are made as a country's are (``CountryFigures``): the
engagement's money times its region share, each euro counted once along the
funding chains between engagements of the same region, Team Europe and the
other actors apart. Money the viewer may not see is never loaded; whether it
exists is asked per region, so that a total can say "+ undisclosed".
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from partnerhub.analysis.figures.actors import ActorDirectory, CountryFigures
from partnerhub.analysis.figures.portfolio import (
    HUNDRED,
    ONE,
    ZERO,
    Portfolio,
    _add_money,
    _engagement_facts,
    _fractions,
    _funding_edges,
)
from partnerhub.geo.models import RecipientRegion
from partnerhub.registry.models import Engagement, EngagementCountry, EngagementRegion, EngagementTheme, MoneyLine


def region_fractions(country_total: Decimal, shares: list[tuple[int, Decimal | None]]) -> dict[int, Decimal]:
    """Region shares as fractions of one, within what the countries (``country_total``,
    a fraction of one) leave: stated shares as given (scaled down if they ask for more),
    blank ones split the rest equally."""
    room = max(ONE - country_total, ZERO)
    stated = {region_id: share / HUNDRED for region_id, share in shares if share is not None}
    blank = [region_id for region_id, share in shares if share is None]
    stated_total = sum(stated.values(), ZERO)
    scale = room / stated_total if stated_total > room else ONE
    fractions = {region_id: fraction * scale for region_id, fraction in stated.items()}
    rest = max(room - stated_total, ZERO)
    fractions.update({region_id: rest / len(blank) for region_id in blank})
    return fractions


def load_regional_portfolio(user, region_ids: Iterable[int]) -> Portfolio:
    """Every engagement ``user`` may see with a share in one of ``region_ids``. In this
    portfolio an engagement's ``country_fractions`` hold its region fractions (by region id),
    so that a region's figures are made by ``CountryFigures`` exactly as a country's."""
    region_ids = set(region_ids)
    # Read from the regions' index first: as a subquery, SQLite may scan every engagement instead.
    in_regions = set(
        EngagementRegion.objects.unrestricted("narrowed to the visible records below")
        .filter(region_id__in=region_ids)
        .values_list("engagement_id", flat=True)
    )
    if not in_regions:
        return Portfolio({}, [], undisclosed=False)
    in_scope = Engagement.objects.about_migration().filter(pk__in=sorted(in_regions))
    visible = in_scope.visible_to(user).order_by()
    facts = _engagement_facts(visible)
    if not facts:
        return Portfolio({}, [], undisclosed=False)
    for engagement_id, fractions in _region_fractions(visible).items():
        facts[engagement_id].country_fractions = {
            region_id: fraction for region_id, fraction in fractions.items() if region_id in region_ids and fraction
        }
    for engagement_id, fractions in _fractions(EngagementTheme, "theme_id", visible).items():
        facts[engagement_id].theme_fractions = fractions
    _add_money(facts, visible)
    return Portfolio(facts, _funding_edges(facts, visible), undisclosed=False)


def _region_fractions(visible) -> dict[int, dict[int, Decimal]]:
    country_totals = {
        engagement_id: sum(fractions.values(), ZERO)
        for engagement_id, fractions in _fractions(EngagementCountry, "country_id", visible).items()
    }
    shares = defaultdict(list)
    rows = EngagementRegion.objects.of(engagement=visible).order_by().values_list("engagement_id", "region_id", "share")
    for engagement_id, region_id, share in rows:
        shares[engagement_id].append((region_id, share))
    return {
        engagement_id: region_fractions(country_totals.get(engagement_id, ZERO), pairs)
        for engagement_id, pairs in shares.items()
    }


def regions_with_hidden_money(user, region_ids: Iterable[int]) -> frozenset[int]:
    """The regions where records with money exist that ``user`` may not read (one query):
    where, never how much or how many."""
    # Driven from the regions' index: the database reads their engagements, not every engagement.
    in_regions = (
        EngagementRegion.objects.unrestricted("narrowed to hidden records below; only region ids leave")
        .filter(region_id__in=list(region_ids))
        .values("engagement_id")
    )
    hidden = (
        Engagement.objects.about_migration()
        .filter(pk__in=in_regions)
        .hidden_from(user)
        .filter(Exists(MoneyLine.objects.filter(engagement=OuterRef("pk"))))
    )
    return frozenset(
        EngagementRegion.objects.of(engagement=hidden)
        .filter(region_id__in=list(region_ids))
        .order_by()
        .values_list("region_id", flat=True)
        .distinct()
    )


@dataclass
class RegionalScope:
    """Counted-once figures of many regions for several kinds of money, from one load."""

    regions: dict[int, RecipientRegion]
    by_kind: dict[str, dict[int, CountryFigures]]  # a region without a visible engagement has none
    hidden: frozenset[int]
    actors: ActorDirectory | None

    def of(self, kind: str) -> dict[int, CountryFigures]:
        return self.by_kind[kind]

    def team_europe(self, kind: str, region_ids: Iterable[int]) -> Decimal:
        figures = self.of(kind)
        return sum((figures[pk].team_europe_total() for pk in region_ids if pk in figures), ZERO)

    def team_europe_ids(self, kind: str, region_ids: Iterable[int]) -> set[int]:
        """Team Europe engagements with money of ``kind`` in these regions."""
        figures = self.of(kind)
        return {
            pk
            for region_id in region_ids
            if region_id in figures
            for pk in figures[region_id].team_europe_ids()
            if figures[region_id].nettings[pk].gross
        }

    def has_hidden(self, region_ids: Iterable[int]) -> bool:
        return any(region_id in self.hidden for region_id in region_ids)


def regional_scope(user, regions: Iterable[RecipientRegion], kinds: Iterable[str]) -> RegionalScope:
    by_pk = {region.pk: region for region in regions}
    kinds = list(kinds)
    portfolio = load_regional_portfolio(user, by_pk)
    hidden = regions_with_hidden_money(user, by_pk)
    if not portfolio.engagements:
        return RegionalScope(by_pk, {kind: {} for kind in kinds}, hidden, None)
    actors = ActorDirectory(facts.owner_id for facts in portfolio.engagements.values())
    present = {region_id for facts in portfolio.engagements.values() for region_id in facts.country_fractions}
    by_kind = {
        kind: {
            region_id: CountryFigures(_region_part(portfolio, region_id), actors, region_id, kind)
            for region_id in present
        }
        for kind in kinds
    }
    return RegionalScope(by_pk, by_kind, hidden, actors)


def _region_part(portfolio: Portfolio, region_id: int) -> Portfolio:
    """The region's engagements and the funding edges between two of them."""
    engagements = {pk: facts for pk, facts in portfolio.engagements.items() if region_id in facts.country_fractions}
    edges = [edge for edge in portfolio.edges if edge.upstream in engagements and edge.downstream in engagements]
    return Portfolio(engagements, edges, undisclosed=False)
