"""Team Europe figures over many partner countries: the country index and its
map, the portfolio-wide balance table, and the views per migration route and
per thematic pillar.

Nothing here counts money in a way of its own. The country index, the balance
table and the Team Europe index add up the precomputed counted-once rows per
country (``index_scope``, ``counted_scope.ScopeSums``), the balance with
``balance_of_sums`` as on the profile. The route and pillar portfolio pages load
the visible portfolio of their countries once (``load_portfolio``) and read every
amount from ``CountryFigures``, with the netting of the country profile; a total
over several countries is the sum of the per-country figures. A pillar's share
of an engagement is the sum of its theme fractions on the pillar and the themes
under it, as the balance splits money.

Money the viewer may not see is never loaded. Whether it exists is asked
separately (``hidden_money``) and told only as a fact per country and pillar,
so that a total can say "+ undisclosed" without an amount or a count.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from partnerhub.analysis.figures.actors import ActorDirectory, ActorGroup, CountryFigures
from partnerhub.analysis.figures.balance import Balance, balance_of_sums, theme_interests
from partnerhub.analysis.figures.cache import kept_for_circle
from partnerhub.analysis.figures.counted import from_micro
from partnerhub.analysis.figures.counted_read import visible_in, whole_countries
from partnerhub.analysis.figures.counted_scope import ScopeSums
from partnerhub.analysis.figures.portfolio import (
    ONE,
    ZERO,
    EngagementFacts,
    Portfolio,
    load_portfolio,
    transaction_edges,
)
from partnerhub.analysis.figures.regions import RegionalScope, regional_scope
from partnerhub.analysis.models import CountedTheme
from partnerhub.geo.models import Country, RecipientRegion, Route
from partnerhub.registry.models import Engagement, EngagementCountry, MoneyKind, MoneyLine, Theme

ALL_KINDS = CountedTheme.ALL_KINDS

CENT = Decimal("0.01")
SHOWN_MONEY_KINDS = (MoneyKind.BUDGET, MoneyKind.COMMITMENT, MoneyKind.DISBURSEMENT)
DEFAULT_MONEY_KIND = MoneyKind.COMMITMENT

# How much of an engagement a selection takes: all of it, or its share on a pillar.
Weight = Callable[[EngagementFacts], Decimal]


def whole(facts: EngagementFacts) -> Decimal:
    return ONE


# -- themes -----------------------------------------------------------------------


class Taxonomy:
    """The two-level theme taxonomy (pillars and the themes under them), read once per page."""

    def __init__(self, themes: Iterable[Theme]):
        self.themes = list(themes)
        self.pillars = [theme for theme in self.themes if theme.parent_id is None]
        self.pillar_of = {theme.pk: theme.parent_id or theme.pk for theme in self.themes}
        self.interests = {theme.pk: theme.interest for theme in self.themes}

    @classmethod
    def load(cls) -> "Taxonomy":
        return cls(Theme.objects.order_by("position", "name"))

    def children(self, pillar: Theme) -> list[Theme]:
        return [theme for theme in self.themes if theme.parent_id == pillar.pk]

    def on_pillar(self, pillar_id: int) -> Weight:
        """An engagement's share on a pillar: its theme fractions on the pillar and under it
        (worked out once per engagement: a page asks for each kind of money and each table)."""
        shares: dict[int, Decimal] = {}

        def weight(facts: EngagementFacts) -> Decimal:
            if facts.pk not in shares:
                shares[facts.pk] = sum(
                    (
                        fraction
                        for theme_id, fraction in facts.theme_fractions.items()
                        if self.pillar_of[theme_id] == pillar_id
                    ),
                    ZERO,
                )
            return shares[facts.pk]

        return weight


# -- what the viewer may not see ---------------------------------------------------


@dataclass(frozen=True, eq=False)
class HiddenMoney:
    """Where money the viewer may not see exists: the themes of such records by country
    (None for a record without a theme). It says where, never how much or how many."""

    themes_by_country: Mapping[int, frozenset[int | None]] = field(default_factory=dict)
    pillar_of: Mapping[int, int] = field(default_factory=dict)

    def in_countries(self, country_ids: Iterable[int]) -> bool:
        return any(country_id in self.themes_by_country for country_id in country_ids)

    def in_country(self, country_id: int) -> bool:
        return country_id in self.themes_by_country

    def on_pillar(self, pillar_id: int | None, country_ids: Iterable[int]) -> bool:
        return any(self._pillar(theme_id) == pillar_id for theme_id in self._themes(country_ids))

    def on_theme(self, theme_id: int, country_ids: Iterable[int]) -> bool:
        return theme_id in self._themes(country_ids)

    def _themes(self, country_ids: Iterable[int]) -> set[int | None]:
        return set().union(*(self.themes_by_country.get(country_id, ()) for country_id in country_ids))

    def _pillar(self, theme_id: int | None) -> int | None:
        return None if theme_id is None else self.pillar_of[theme_id]


def hidden_money(user, country_ids: list[int], taxonomy: Taxonomy) -> HiddenMoney:
    """The countries and themes of ``country_ids`` where records with money exist that
    ``user`` may not read, in one query."""
    hidden = (
        Engagement.objects.about_migration()
        .hidden_from(user)
        .filter(
            Exists(EngagementCountry.objects.filter(engagement=OuterRef("pk"), country_id__in=country_ids)),
            Exists(MoneyLine.objects.filter(engagement=OuterRef("pk"))),
        )
    )
    pairs = hidden.order_by().values_list("country_shares__country_id", "theme_shares__theme_id").distinct()
    wanted, themes = set(country_ids), defaultdict(set)
    for country_id, theme_id in pairs:
        if country_id in wanted:
            themes[country_id].add(theme_id)
    return HiddenMoney({country_id: frozenset(ids) for country_id, ids in themes.items()}, taxonomy.pillar_of)


# -- one load, many countries ------------------------------------------------------


@dataclass
class ScopeFigures:
    """Counted-once figures of many partner countries for several kinds of money, from one
    load of the visible portfolio; a country without a visible engagement has no figures."""

    by_kind: dict[str, dict[int, CountryFigures]]
    actors: ActorDirectory | None
    hidden: HiddenMoney
    has_demo: bool

    def of(self, kind: str) -> dict[int, CountryFigures]:
        return self.by_kind[kind]


def scope_figures(
    user, country_ids: Iterable[int], taxonomy: Taxonomy, kinds: Iterable[str] = SHOWN_MONEY_KINDS
) -> ScopeFigures:
    country_ids, kinds = list(country_ids), list(kinds)
    if not country_ids:
        return ScopeFigures({kind: {} for kind in kinds}, None, HiddenMoney(), False)
    portfolio = load_portfolio(user, country_ids, ask_undisclosed=False)  # ``hidden`` says where, by country
    actors = ActorDirectory(facts.owner_id for facts in portfolio.engagements.values())
    hidden = hidden_money(user, country_ids, taxonomy)
    per_country = country_portfolios(portfolio, country_ids, hidden)
    return ScopeFigures(
        by_kind={
            kind: {
                country_id: CountryFigures(country_portfolio, actors, country_id, kind)
                for country_id, country_portfolio in per_country.items()
            }
            for kind in kinds
        },
        actors=actors,
        hidden=hidden,
        has_demo=any(facts.is_demo for facts in portfolio.engagements.values()),
    )


@dataclass
class IndexScope:
    """Counted-once sums of many partner countries for one reader (the country index, the
    balance table, the Team Europe index), added up from the precomputed rows."""

    sums: ScopeSums
    hidden: HiddenMoney
    has_demo: bool


def index_scope(
    user, country_ids: Iterable[int], taxonomy: Taxonomy, kinds: Iterable[str] = SHOWN_MONEY_KINDS
) -> IndexScope:
    country_ids = list(country_ids)
    sums = ScopeSums(user, country_ids, kinds)
    return IndexScope(
        sums=sums,
        hidden=HiddenMoney(sums.hidden_themes(), taxonomy.pillar_of),
        has_demo=visible_in(user).filter(country_shares__country_id__in=country_ids).holds_demo(),
    )


def country_portfolios(
    portfolio: Portfolio, country_ids: Iterable[int], hidden: HiddenMoney | None = None
) -> dict[int, Portfolio]:
    """Each country's part of a loaded portfolio: its engagements and the funding edges
    between two of them, which is what ``load_portfolio`` gives for that country alone.
    A funding loop through other countries therefore cannot change a country's netting,
    and each country's figure is the one its profile shows. Transactions are resolved again
    within each country: one naming only an organisation names its single engagement there
    (it may have several over all the countries)."""
    wanted = set(country_ids)
    engagements: dict[int, dict[int, EngagementFacts]] = defaultdict(dict)
    for pk, facts in portfolio.engagements.items():
        for country_id in facts.country_fractions.keys() & wanted:
            engagements[country_id][pk] = facts
    edges = defaultdict(list)
    for edge in portfolio.edges:
        if edge.reason in TRANSACTION_REASONS:
            continue
        upstream, downstream = portfolio.engagements[edge.upstream], portfolio.engagements[edge.downstream]
        for country_id in upstream.country_fractions.keys() & downstream.country_fractions.keys() & wanted:
            edges[country_id].append(edge)
    for country_id, country_engagements in engagements.items():
        lines = [line for line in portfolio.transaction_lines if line[0] in country_engagements]
        edges[country_id].extend(transaction_edges(country_engagements, lines))
    return {
        country_id: Portfolio(
            country_engagements, edges[country_id], undisclosed=bool(hidden and hidden.in_country(country_id))
        )
        for country_id, country_engagements in engagements.items()
    }


TRANSACTION_REASONS = ("transaction", "transaction_organisation")


def team_europe_amount(figures: CountryFigures, weight: Weight = whole) -> Decimal:
    """Team Europe money of one country, counted once; all of it, or a pillar's share."""
    if weight is whole:
        return figures.team_europe_total()
    return sum((figures.counted(pk) * weight(figures.engagements[pk]) for pk in figures.team_europe_ids()), ZERO)


# -- links --------------------------------------------------------------------------


def profile_url(country: Country) -> str:
    return reverse("analysis:country_profile", args=[country.iso3])


def engagements_url(countries: Iterable[Country], **filters) -> str:
    """The engagement list behind a figure over several countries."""
    query = [("country", country.iso3) for country in countries]
    for name, value in filters.items():
        values = value if isinstance(value, list | tuple) else [value]
        query.extend((name, item) for item in values)
    return f"{reverse('registry:engagement_list')}?{urlencode(query)}"


# -- totals side by side ------------------------------------------------------------


@dataclass
class MoneyTotal:
    """Team Europe money of one kind, counted once; kinds are never added together."""

    kind: str
    label: str
    team_europe: Decimal
    engagements: int  # Team Europe engagements with money of this kind in the selection
    undisclosed: bool


def money_totals(
    scope: ScopeFigures, country_ids: Iterable[int], *, undisclosed: bool, weight: Weight = whole
) -> list[MoneyTotal]:
    country_ids = list(country_ids)
    totals = []
    for kind, figures in scope.by_kind.items():
        amount, engagements = _team_europe_in_countries(figures, country_ids, weight)
        totals.append(MoneyTotal(kind, str(MoneyKind(kind).label), amount, len(engagements), undisclosed))
    return totals


def index_totals(
    scope: IndexScope,
    country_ids: Iterable[int],
    *,
    undisclosed: bool,
    regional: RegionalScope | None = None,
    region_ids: Iterable[int] = (),
    engagements: dict[str, int] | None = None,
) -> list[MoneyTotal]:
    """Team Europe money of each kind in these countries (and regions), counted once, with its
    engagements with money, each once (``engagements``, when counted with other areas')."""
    country_ids, region_ids = list(country_ids), list(region_ids)
    if engagements is None:
        engagements = scope.sums.engagements_with_money(
            {None: (country_ids, _regional_ids(scope, regional, region_ids))}
        )[None]
    totals = []
    for kind in scope.sums.kinds:
        amount = from_micro(scope.sums.team_europe_money(country_ids, kind)[1])
        if regional:
            amount += regional.team_europe(kind, region_ids)
        totals.append(MoneyTotal(kind, str(MoneyKind(kind).label), amount, engagements[kind], undisclosed))
    return totals


def _regional_ids(scope: IndexScope, regional: RegionalScope | None, region_ids: list[int]) -> dict[str, set[int]]:
    """Per kind, the Team Europe engagements with money in these regions."""
    return {kind: regional.team_europe_ids(kind, region_ids) for kind in scope.sums.kinds} if regional else {}


def _team_europe_in_countries(
    figures: dict[int, CountryFigures], country_ids: list[int], weight: Weight
) -> tuple[Decimal, set[int]]:
    """Team Europe money of one kind in these countries, and its engagements with such money."""
    amount = ZERO
    engagements: set[int] = set()
    for country_id in country_ids:
        if country_id not in figures:
            continue
        country_figures = figures[country_id]
        amount += team_europe_amount(country_figures, weight)
        engagements.update(
            pk
            for pk in country_figures.team_europe_ids()
            if country_figures.nettings[pk].gross and weight(country_figures.engagements[pk])
        )
    return amount, engagements


def area_totals(
    scope: ScopeFigures,
    country_ids: Iterable[int],
    regional: RegionalScope,
    region_ids: Iterable[int],
    *,
    undisclosed: bool,
) -> list[MoneyTotal]:
    """Team Europe money of an area: its countries' shares and its regions' shares, each
    engagement counted once in the number of engagements."""
    country_ids, region_ids = list(country_ids), list(region_ids)
    undisclosed = undisclosed or regional.has_hidden(region_ids)
    totals = []
    for kind, figures in scope.by_kind.items():
        amount, engagements = _team_europe_in_countries(figures, country_ids, whole)
        amount += regional.team_europe(kind, region_ids)
        engagements |= regional.team_europe_ids(kind, region_ids)
        totals.append(MoneyTotal(kind, str(MoneyKind(kind).label), amount, len(engagements), undisclosed))
    return totals


# -- the country index and the balance table ----------------------------------------


@dataclass
class CountryRow:
    country: Country
    routes: list[Route]
    team_europe: Decimal
    undisclosed: bool
    engagements: int  # visible engagements in the country, of every actor
    balance: Balance
    url: str

    @property
    def partner_share(self) -> Decimal | None:
        return self.balance.partner_share

    @property
    def one_sided(self) -> bool:
        return self.balance.one_sided


def country_rows(scope: IndexScope, countries: Iterable[Country], kind: str) -> list[CountryRow]:
    """One row per country with at least one visible engagement, in the given order."""
    sums = scope.sums
    seen = sums.countries_seen()
    wholes = whole_countries(seen, kind)  # compared with what the reader sees, never shown
    interests = theme_interests()
    rows = []
    for country in countries:
        if country.pk not in seen:
            continue
        reported, counted = sums.team_europe_money([country.pk], kind)
        on_themes, weights = sums.theme_sums([country.pk], kind), sums.theme_sums([country.pk], ALL_KINDS)
        balance = balance_of_sums(
            ((theme, values[1]) for theme, values in on_themes.items()),
            ((theme, values[0], values[2]) for theme, values in weights.items()),
            (from_micro(reported), sums.engagements(country.pk, team_europe=True)),
            wholes[country.pk],
            interests,
        )
        rows.append(
            CountryRow(
                country=country,
                routes=list(country.routes.all()),
                team_europe=from_micro(counted),
                undisclosed=scope.hidden.in_country(country.pk),
                engagements=sums.engagements(country.pk),
                balance=balance,
                url=profile_url(country),
            )
        )
    return rows


def partner_countries() -> list[Country]:
    """Every partner country, with the region and routes its row shows."""
    return list(Country.objects.partners().select_related("region").prefetch_related("routes"))


def partner_country_figures(user, partners: list[Country], kind: str) -> dict:
    """The row of every partner country with a visible engagement and the totals over all
    of them, each counted as in the country's profile; kept per circle, so the country
    index and the dashboard give the same figures from one computation."""

    def compute() -> dict:
        partner_ids = [country.pk for country in partners]
        scope = index_scope(user, partner_ids, Taxonomy.load())
        return {
            "rows": country_rows(scope, partners, kind),
            "totals": index_totals(scope, partner_ids, undisclosed=scope.hidden.in_countries(partner_ids)),
            "hidden": scope.hidden,
            "has_demo": scope.has_demo,
        }

    return kept_for_circle(user, ("partner_country_figures", kind, get_language()), compute)


def ranked_by_balance(rows: Iterable[CountryRow]) -> list[CountryRow]:
    """The most one-sided first (lowest partner share); then the countries the reader sees too
    little of for a verdict, in the same order; countries with nothing to weigh last."""
    return sorted(
        rows,
        key=lambda row: (
            row.partner_share is None,
            row.balance.verdict_withheld,
            row.partner_share or ZERO,
            row.country.name.lower(),
        ),
    )


SORT_KEYS: dict[str, Callable[[CountryRow], Any]] = {
    "country": lambda row: row.country.name.lower(),
    "region": lambda row: row.country.region.name.lower() if row.country.region else None,
    "amount": lambda row: row.team_europe,
    "engagements": lambda row: row.engagements,
    "partner_share": lambda row: row.partner_share,
}


def sorted_rows(rows: Iterable[CountryRow], sort: str) -> list[CountryRow]:
    """Sorted by a column (``-`` first for descending); rows without a value always come last."""
    descending, name = sort.startswith("-"), sort.lstrip("-")
    key = SORT_KEYS[name]
    by_name = sorted(rows, key=SORT_KEYS["country"])
    known = [row for row in by_name if key(row) is not None]
    unknown = [row for row in by_name if key(row) is None]
    return sorted(known, key=key, reverse=descending) + unknown


# -- routes and pillars ---------------------------------------------------------------


@dataclass(frozen=True)
class KindAmount:
    kind: str
    label: str
    amount: Decimal


@dataclass
class AreaCountryRow:
    country: Country
    amounts: list[KindAmount]  # Team Europe money of each kind, side by side
    amount: Decimal  # of the chosen kind
    engagements: int  # visible engagements of every actor in the area
    undisclosed: bool
    url: str


@dataclass
class ActorRow:
    group: ActorGroup
    reported: Decimal
    counted: Decimal
    engagements: int
    href: str


@dataclass
class ThemeRow:
    label: str
    amount: Decimal
    engagements: int  # Team Europe engagements
    undisclosed: bool
    href: str = ""  # the engagements behind the row
    page_url: str = ""  # the pillar's own page
    level: int = 0


@dataclass
class AreaSummary:
    """A route or a pillar on the Team Europe index."""

    code: str
    name: str
    url: str
    totals: list[MoneyTotal]
    countries: list[Country] = field(default_factory=list)


@dataclass
class AreaView:
    """The Team Europe portfolio of one route or one pillar."""

    kind: str
    kind_label: str
    totals: list[MoneyTotal]
    undisclosed: bool
    engagement_count: int
    engagements_url: str
    countries: list[AreaCountryRow]
    actors: list[ActorRow]
    themes: list[ThemeRow]
    has_demo: bool
    regions: list["RegionRow"] = field(default_factory=list)  # a route's regional programmes

    @property
    def team_europe(self) -> Decimal:
        return next(total.team_europe for total in self.totals if total.kind == self.kind)


def area_country_rows(
    scope: ScopeFigures,
    countries: Iterable[Country],
    kind: str,
    weight: Weight,
    hidden_here: Callable[[int], bool],
    *,
    keep_empty: bool,
) -> list[AreaCountryRow]:
    """Countries by the chosen kind's amount, largest first; without ``keep_empty`` only
    countries with a visible engagement in the area."""
    rows = []
    for country in countries:
        figures = scope.of(kind).get(country.pk)
        engagements = sum(1 for facts in figures.engagements.values() if weight(facts)) if figures else 0
        if not engagements and not keep_empty:
            continue
        amounts = [
            KindAmount(
                money_kind,
                str(MoneyKind(money_kind).label),
                team_europe_amount(by_country[country.pk], weight) if country.pk in by_country else ZERO,
            )
            for money_kind, by_country in scope.by_kind.items()
        ]
        chosen = next(amount.amount for amount in amounts if amount.kind == kind)
        rows.append(
            AreaCountryRow(country, amounts, chosen, engagements, hidden_here(country.pk), profile_url(country))
        )
    return sorted(rows, key=lambda row: (-row.amount, row.country.name.lower()))


def actor_rows(scope: ScopeFigures, countries: list[Country], kind: str, weight: Weight, **filters) -> list[ActorRow]:
    """Each actor's reported and counted-once money in the area: the EU, each Member State, the others."""
    actors = scope.actors
    if actors is None:  # no engagement in the scope
        return []
    reported: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
    counted: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
    engagements: defaultdict[str, set[int]] = defaultdict(set)
    figures = scope.of(kind)
    for country in countries:
        if country.pk not in figures:
            continue
        country_figures = figures[country.pk]
        for pk, facts in country_figures.engagements.items():
            share = weight(facts)
            if not share:
                continue
            group = actors.group(facts.owner_id)
            reported[group.key] += country_figures.reported(pk) * share
            counted[group.key] += country_figures.counted(pk) * share
            engagements[group.key].add(pk)
    groups = sorted((actors.groups[key] for key in engagements), key=lambda group: group.order)
    return [
        ActorRow(
            group,
            reported[group.key],
            counted[group.key],
            len(engagements[group.key]),
            engagements_url(countries, organisation=list(group.organisation_ids), **filters),
        )
        for group in groups
    ]


def theme_amounts(
    scope: ScopeFigures, country_ids: Iterable[int], kind: str, key_of: Callable[[int | None], object]
) -> tuple[dict, dict]:
    """Team Europe money and engagements by a key of their themes (a theme without one is None)."""
    amounts: defaultdict[object, Decimal] = defaultdict(lambda: ZERO)
    engagements: defaultdict[object, set[int]] = defaultdict(set)
    figures = scope.of(kind)
    for country_id in country_ids:
        if country_id not in figures:
            continue
        country_figures = figures[country_id]
        for pk in country_figures.team_europe_ids():
            counted = country_figures.counted(pk)
            theme_fractions: Iterable[tuple[int | None, Decimal]] = country_figures.engagements[
                pk
            ].theme_fractions.items() or [(None, ONE)]
            for theme_id, fraction in theme_fractions:
                key = key_of(theme_id)
                amounts[key] += counted * fraction
                engagements[key].add(pk)
    return amounts, {key: len(pks) for key, pks in engagements.items()}


def engagement_count(scope: ScopeFigures, country_ids: Iterable[int], weight: Weight = whole) -> int:
    """Visible engagements of every actor in the area, each once."""
    figures = scope.of(next(iter(scope.by_kind)))
    return len(
        {
            pk
            for country_id in country_ids
            if country_id in figures
            for pk, facts in figures[country_id].engagements.items()
            if weight(facts)
        }
    )


def pillar_url(pillar: Theme) -> str:
    return reverse("analysis:pillar_view", args=[pillar.code])


def route_url(route: Route) -> str:
    return reverse("analysis:route_view", args=[route.code])


# -- the Team Europe index ---------------------------------------------------------------


def route_summaries(scope: IndexScope, routes: Iterable[Route], regional: RegionalScope) -> list[AreaSummary]:
    """Routes with their partner countries and regions (``route.countries`` and
    ``route.recipient_regions`` prefetched) and totals of both; routes share countries
    and regions, so their totals are not added up."""
    areas = {
        route.pk: (
            [country.pk for country in route.countries.all()],
            [region.pk for region in route.recipient_regions.all()],
        )
        for route in routes
    }
    engagements = scope.sums.engagements_with_money(
        {key: (ids, _regional_ids(scope, regional, region_ids)) for key, (ids, region_ids) in areas.items()}
    )
    summaries = []
    for route in routes:
        ids, region_ids = areas[route.pk]
        undisclosed = scope.hidden.in_countries(ids) or regional.has_hidden(region_ids)
        totals = index_totals(
            scope,
            ids,
            undisclosed=undisclosed,
            regional=regional,
            region_ids=region_ids,
            engagements=engagements[route.pk],
        )
        summaries.append(
            AreaSummary(route.code, route.localized_name, route_url(route), totals, list(route.countries.all()))
        )
    return summaries


def pillar_summaries(scope: IndexScope, country_ids: list[int], taxonomy: Taxonomy) -> list[AreaSummary]:
    """Every pillar with its Team Europe money of each kind and its engagements with that money."""
    sums = scope.sums
    amounts: defaultdict[tuple[str, int], int] = defaultdict(int)
    for kind in sums.kinds:
        for theme, values in sums.theme_sums(country_ids, kind).items():
            if theme is not None:
                amounts[(kind, taxonomy.pillar_of[theme])] += values[1]
    engagements = sums.engagements_on_pillars(country_ids)
    return [
        AreaSummary(
            pillar.code,
            pillar.name,
            pillar_url(pillar),
            [
                MoneyTotal(
                    kind,
                    str(MoneyKind(kind).label),
                    from_micro(amounts[(kind, pillar.pk)]),
                    engagements[(kind, pillar.pk)],
                    scope.hidden.on_pillar(pillar.pk, country_ids),
                )
                for kind in sums.kinds
            ],
        )
        for pillar in taxonomy.pillars
    ]


# -- one route, one pillar ---------------------------------------------------------------


def route_portfolio(
    user, countries: list[Country], kind: str, taxonomy: Taxonomy, regions: Sequence[RecipientRegion] = ()
) -> AreaView:
    """The route's partner countries, each counted as in its profile, its regional
    programmes, each counted as in the region view, and the sums of them."""
    ids, region_ids = [country.pk for country in countries], [region.pk for region in regions]
    scope = scope_figures(user, ids, taxonomy)
    regional = regional_scope(user, regions, scope.by_kind)
    totals = area_totals(scope, ids, regional, region_ids, undisclosed=scope.hidden.in_countries(ids))
    undisclosed = any(total.undisclosed for total in totals)
    return AreaView(
        kind=kind,
        kind_label=str(MoneyKind(kind).label),
        totals=totals,
        undisclosed=undisclosed,
        engagement_count=engagement_count(scope, ids),
        engagements_url=engagements_url(countries),
        countries=area_country_rows(scope, countries, kind, whole, scope.hidden.in_country, keep_empty=True),
        actors=actor_rows(scope, countries, kind, whole) if scope.actors else [],
        themes=pillar_rows(scope, countries, kind, taxonomy),
        has_demo=scope.has_demo,
        regions=region_rows(regional, regions, kind),
    )


def pillar_rows(scope: ScopeFigures, countries: list[Country], kind: str, taxonomy: Taxonomy) -> list[ThemeRow]:
    ids = [country.pk for country in countries]
    amounts, counts = theme_amounts(
        scope, ids, kind, lambda theme_id: None if theme_id is None else taxonomy.pillar_of.get(theme_id)
    )
    rows = [
        ThemeRow(
            pillar.name,
            amounts[pillar.pk],
            counts.get(pillar.pk, 0),
            scope.hidden.on_pillar(pillar.pk, ids),
            href=engagements_url(countries, theme=pillar.code),
            page_url=pillar_url(pillar),
        )
        for pillar in taxonomy.pillars
        if pillar.pk in counts or scope.hidden.on_pillar(pillar.pk, ids)
    ]
    if None in counts or scope.hidden.on_pillar(None, ids):
        rows.append(
            ThemeRow(_("No theme given"), amounts[None], counts.get(None, 0), scope.hidden.on_pillar(None, ids))
        )
    return rows


def pillar_portfolio(user, pillar: Theme, countries: list[Country], kind: str, taxonomy: Taxonomy) -> AreaView:
    """One pillar over all partner countries: each engagement with its share on the pillar."""
    ids = [country.pk for country in countries]
    scope = scope_figures(user, ids, taxonomy)
    weight = taxonomy.on_pillar(pillar.pk)
    rows = area_country_rows(
        scope,
        countries,
        kind,
        weight,
        lambda country_id: scope.hidden.on_pillar(pillar.pk, [country_id]),
        keep_empty=False,
    )
    present = [row.country for row in rows]
    undisclosed = scope.hidden.on_pillar(pillar.pk, ids)
    return AreaView(
        kind=kind,
        kind_label=str(MoneyKind(kind).label),
        totals=money_totals(scope, ids, undisclosed=undisclosed, weight=weight),
        undisclosed=undisclosed,
        engagement_count=engagement_count(scope, ids, weight),
        engagements_url=engagements_url(present, theme=pillar.code) if present else "",
        countries=rows,
        actors=actor_rows(scope, present, kind, weight, theme=pillar.code) if scope.actors else [],
        themes=sub_theme_rows(scope, pillar, present, kind, taxonomy),
        has_demo=scope.has_demo,
    )


def sub_theme_rows(
    scope: ScopeFigures, pillar: Theme, countries: list[Country], kind: str, taxonomy: Taxonomy
) -> list[ThemeRow]:
    """The pillar's money by the themes under it; money given to the pillar itself comes first."""
    ids = [country.pk for country in countries]
    amounts, counts = theme_amounts(scope, ids, kind, lambda theme_id: theme_id)
    rows = []
    if pillar.pk in counts:
        # No link: the engagement list's theme filter would add the themes under the pillar.
        rows.append(
            ThemeRow(
                _("%(pillar)s, no narrower theme given") % {"pillar": pillar.name},
                amounts[pillar.pk],
                counts[pillar.pk],
                scope.hidden.on_theme(pillar.pk, ids),
            )
        )
    for theme in taxonomy.children(pillar):
        if theme.pk in counts:
            rows.append(
                ThemeRow(
                    theme.localized_name,
                    amounts[theme.pk],
                    counts[theme.pk],
                    scope.hidden.on_theme(theme.pk, ids),
                    href=engagements_url(countries, theme=theme.code),
                    level=1,
                )
            )
    return rows


# -- regions ------------------------------------------------------------------------------


@dataclass
class RegionalEngagementRow:
    title: str
    actor: str
    is_team_europe: bool
    share: Decimal  # the engagement's share in the region, in per cent
    counted: Decimal  # its money of the chosen kind in the region, counted once
    url: str


@dataclass
class RegionRow:
    region: RecipientRegion
    routes: list[Route]
    amounts: list[KindAmount]  # Team Europe money of each kind, side by side
    amount: Decimal  # of the chosen kind
    engagements: list[RegionalEngagementRow]  # visible engagements of every actor
    undisclosed: bool


def region_rows(regional: RegionalScope, regions: Iterable[RecipientRegion], kind: str) -> list[RegionRow]:
    """Regions with a visible engagement or hidden money (``region.routes`` prefetched when
    shown), the largest Team Europe amount of the chosen kind first."""
    rows = []
    for region in regions:
        figures = regional.of(kind).get(region.pk)
        undisclosed = region.pk in regional.hidden
        if figures is None and not undisclosed:
            continue
        amounts = [
            KindAmount(money_kind, str(MoneyKind(money_kind).label), regional.team_europe(money_kind, [region.pk]))
            for money_kind in regional.by_kind
        ]
        chosen = next(amount.amount for amount in amounts if amount.kind == kind)
        rows.append(
            RegionRow(
                region,
                list(region.routes.all()),
                amounts,
                chosen,
                regional_engagement_rows(regional, figures),
                undisclosed,
            )
        )
    return sorted(rows, key=lambda row: (-row.amount, row.region.localized_name.lower()))


def regional_engagement_rows(regional: RegionalScope, figures: CountryFigures | None) -> list[RegionalEngagementRow]:
    actors = regional.actors
    if figures is None or actors is None:  # without engagements, the region has neither
        return []
    rows = [
        RegionalEngagementRow(
            facts.title,
            actors.group(facts.owner_id).label,
            actors.is_team_europe(facts),
            (figures.fraction(pk) * 100).quantize(CENT),
            figures.counted(pk),
            reverse("registry:engagement_detail", args=[pk]),
        )
        for pk, facts in figures.engagements.items()
    ]
    return sorted(rows, key=lambda row: (not row.is_team_europe, -row.counted, row.title.lower()))


def regions_portfolio(user, regions: list[RecipientRegion], kind: str) -> tuple[list[MoneyTotal], list[RegionRow]]:
    """Every region's Team Europe money, and the totals over all of them (an engagement's
    shares in different regions never add up to more than the engagement)."""
    regional = regional_scope(user, regions, SHOWN_MONEY_KINDS)
    ids = [region.pk for region in regions]
    totals = [
        MoneyTotal(
            money_kind,
            str(MoneyKind(money_kind).label),
            regional.team_europe(money_kind, ids),
            len(regional.team_europe_ids(money_kind, ids)),
            regional.has_hidden(ids),
        )
        for money_kind in SHOWN_MONEY_KINDS
    ]
    return totals, region_rows(regional, regions, kind)
