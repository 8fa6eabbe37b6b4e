"""Counted-once money, precomputed engagement by engagement, kept current as the data changes.

The netting of ``netting.count_once`` depends on the whole funding chain an engagement is
part of in a country, and on who reads: a reader who cannot see a programme does not see
the money its contracts received from it taken out. Pages would otherwise load, attribute
and net every visible engagement of a country on each request. Instead:

* For each partner country, the engagements about migration are split into *chains*: the
  groups joined by funding links (``is part of``, ``is funded by``, IATI transactions naming
  the other activity, or naming its organisation when it has a single engagement there).
  Each chain is netted once, as if every record were visible, and the result written as rows
  (``CountedShare``, ``CountedMoney``, ``CountedTheme``): each engagement's share of the
  country's money, by kind and year, as reported and counted once, and its themes.
* A reader who sees every engagement of a chain gets exactly these figures, so pages add the
  rows up in SQL within ``visible_to``. A chain with a member the reader cannot see, and a
  transaction naming an organisation of which the reader sees a single engagement (so that
  the reader's netting draws a link the whole does not), is netted again for that reader
  from what they see (``reader_rows``), with the same code.
* Every change to an engagement (services, imports, the admin) puts its id in
  ``FiguresOutdated`` in the same transaction; after the commit, and before any page reads
  the rows, ``refresh_outdated`` recomputes the chains those engagements were and are part
  of, and nothing else.

Amounts are kept in whole micro-euros: sums are exact on both databases and differ from the
decimal arithmetic of ``count_once`` by less than a millionth of a euro per row.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import connection, transaction
from django.db.models import Q

from partnerhub.access.models import Organisation
from partnerhub.analysis.figures.actors import ActorDirectory, team_europe_rule
from partnerhub.analysis.figures.counted_audience import audience_ids
from partnerhub.analysis.figures.counted_sums import mark_countries, refresh_sums
from partnerhub.analysis.figures.netting import count_once
from partnerhub.analysis.figures.portfolio import (
    OUTGOING_FLOW_KINDS,
    TRANSACTION_FIELDS,
    UPSTREAM_LINK_KINDS,
    EngagementFacts,
    FundingEdge,
    _add_money,
    _engagement_facts,
    _fractions,
)
from partnerhub.analysis.models import (
    AmbiguousReference,
    CountedMoney,
    CountedShare,
    CountedTheme,
    FiguresOutdated,
)
from partnerhub.core.signals import in_many_writes
from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementLink,
    EngagementTheme,
    MoneyKind,
    MoneyLine,
    Theme,
)

MICRO = Decimal(1_000_000)
ONE_WEIGHT = 1_000_000
# Ids per query where a list of ids is read in parts (well under every database's limit of parameters).
READ_BATCH = 2000
WRITE_BATCH = 5_000
# Which engagements are in which country: the rows are narrowed to a reader's by the caller.
COUNTRY_INDEX = "which engagements are in a country; rows are filtered by the caller's scope"
# Above this many outdated engagements in a country, its chains are rebuilt all at once.
WHOLE_COUNTRY_ABOVE = 2_000


def to_micro(amount: Decimal) -> int:
    return int((amount * MICRO).to_integral_value(rounding=ROUND_HALF_EVEN))


def from_micro(value: int | None) -> Decimal:
    return Decimal(value or 0).scaleb(-6)


def everything():
    return Engagement.objects.unrestricted("counted rows are computed as if every record were visible")


# -- loading a country's engagements and the funding between them -------------------------------


@dataclass
class CountryChains:
    """Engagements of one country (all of them, or what one reader sees), netted."""

    country_id: int
    facts: dict[int, EngagementFacts]
    edges: list[FundingEdge]
    ambiguous: list[tuple[int, str]]  # (engagement, organisation named) of unresolved transactions
    chain_of: dict[int, int | None] = field(default_factory=dict)


def load_country(scope, country_id: int, ids: Iterable[int] | None = None) -> CountryChains:
    """The engagements of ``scope`` (a queryset: every engagement, or those a reader sees) in the
    country, or only ``ids`` among them; transactions naming other activities are resolved against
    the whole scope in the country, as ``portfolio.load_portfolio`` resolves them."""
    return load_countries(scope, {country_id: ids})[country_id]


def load_countries(scope, wanted: Mapping[int, Iterable[int] | None]) -> dict[int, CountryChains]:
    """``load_country`` of several countries at once, with the same few queries whatever their
    number: ``wanted`` maps a country to the ids to load there (None: all of them)."""
    only: dict[int, set[int] | None] = {country: (None if ids is None else set(ids)) for country, ids in wanted.items()}

    def is_wanted(pk: int, country: int) -> bool:
        ids = only[country]
        return ids is None or pk in ids

    migration = scope.about_migration()
    countries = sorted(only)
    whole = [country for country in countries if only[country] is None]
    listed = sorted(set().union(*(ids for ids in only.values() if ids is not None)))
    listed_there = {
        pk
        for pk, country in _country_index(countries)
        .filter(engagement_id__in=listed)
        .values_list("engagement_id", "country_id")
        if is_wanted(pk, country)
    }
    loaded = migration.filter(Q(pk__in=_country_index(whole).values("engagement_id")) | Q(pk__in=sorted(listed_there)))
    facts = _engagement_facts(loaded)
    for engagement_id, fractions in _fractions(EngagementCountry, "country_id", loaded).items():
        facts[engagement_id].country_fractions = fractions
    for engagement_id, fractions in _fractions(EngagementTheme, "theme_id", loaded).items():
        facts[engagement_id].theme_fractions = fractions
    _add_money(facts, loaded)
    members = {
        country: {pk for pk, f in facts.items() if country in f.country_fractions and is_wanted(pk, country)}
        for country in countries
    }
    links = _links(loaded, migration, facts)
    lines = list(
        MoneyLine.objects.of(engagement=loaded)
        .filter(_naming_another_activity())
        .order_by()
        .values_list(*TRANSACTION_FIELDS)
    )
    parties = _Parties(migration, countries, lines, facts, links)
    loaded_countries = {}
    for country in countries:
        ids = members[country]
        country_facts = {pk: facts[pk] for pk in sorted(ids)}
        edges = [
            FundingEdge(upstream, downstream, None, kind)
            for upstream, downstream, kind in links
            if (upstream in ids or downstream in ids) and country in parties.countries_of(upstream, downstream)
        ]
        country_parties = parties.in_country(country, country_facts)
        edges.extend(_transaction_edges([line for line in lines if line[0] in ids], country_parties))
        chains = CountryChains(country, country_facts, sorted(set(edges), key=_edge_order), country_parties.ambiguous)
        chains.chain_of = _chains(country_facts, chains.edges)
        loaded_countries[country] = chains
    return loaded_countries


def _country_index(countries: Iterable[int]):
    return EngagementCountry.objects.unrestricted(COUNTRY_INDEX).filter(country_id__in=list(countries))


def _links(loaded, migration, facts) -> list[tuple[int, int, str]]:
    """(upstream, downstream, kind) of the funding links between a loaded engagement and any other
    of the scope (the caller keeps those between two engagements of a country)."""
    ids = list(facts)
    return list(
        EngagementLink.objects.of(source=loaded, target=migration)
        .filter(kind__in=UPSTREAM_LINK_KINDS, source_id__in=ids)
        .values_list("target_id", "source_id", "kind")
        .union(
            EngagementLink.objects.of(source=migration, target=loaded)
            .filter(kind__in=UPSTREAM_LINK_KINDS, target_id__in=ids)
            .values_list("target_id", "source_id", "kind")
        )
    )


def _edge_order(edge: FundingEdge):
    return (edge.upstream, edge.downstream, edge.reason, edge.kind or "", edge.amount or 0)


def _naming_another_activity() -> Q:
    return Q(kind__in=OUTGOING_FLOW_KINDS) & (~Q(receiver_activity="") | ~Q(receiver_ref="")) | Q(
        kind=MoneyKind.INCOMING
    ) & (~Q(provider_activity="") | ~Q(provider_ref=""))


class _Parties:
    """The engagements of the scope in the countries loaded that a transaction may name, by
    country; and the countries of every engagement a funding link joins."""

    def __init__(self, migration, countries: list[int], lines, facts, links):
        activities = ({line[3] for line in lines} | {line[5] for line in lines}) - {""}
        organisations = ({line[4] for line in lines if not line[3]} | {line[6] for line in lines if not line[5]}) - {""}
        # Found in the scope first, by their indexed identifiers; then where they are.
        named = list(migration.filter(iati_identifier__in=activities).values_list("pk", "iati_identifier"))
        of_organisation = list(
            migration.filter(owner__iati_identifier__in=organisations).values_list("pk", "owner__iati_identifier")
        )
        ends = {pk for link in links for pk in link[:2]}
        self._countries = {pk: set(f.country_fractions) for pk, f in facts.items()}
        elsewhere = ({pk for pk, _ref in named} | {pk for pk, _ref in of_organisation} | ends) - set(facts)
        for pk, country in (
            _country_index(countries).filter(engagement_id__in=elsewhere).values_list("engagement_id", "country_id")
        ):
            self._countries.setdefault(pk, set()).add(country)
        self.by_activity: defaultdict[int, dict[str, int]] = defaultdict(dict)
        for pk, ref in named:
            for country in self._countries.get(pk, ()):
                self.by_activity[country][ref] = pk
        self.by_organisation: defaultdict[int, defaultdict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for pk, ref in of_organisation:
            for country in self._countries.get(pk, ()):
                self.by_organisation[country][ref].append(pk)

    def countries_of(self, *pks: int) -> set[int]:
        """The countries every one of these engagements is in."""
        return set.intersection(*(self._countries.get(pk, set()) for pk in pks))

    def in_country(self, country: int, facts: dict[int, EngagementFacts]) -> "_CountryParties":
        by_activity = dict(self.by_activity[country])
        for pk, f in facts.items():
            if f.iati_identifier:
                by_activity.setdefault(f.iati_identifier, pk)
        return _CountryParties(by_activity, self.by_organisation[country])


class _CountryParties:
    """The engagement a transaction names, found among every engagement of the scope in the
    country: by its activity identifier, or, when only the organisation is given, the one
    engagement of that organisation there (never a guess between several)."""

    def __init__(self, by_activity: dict[str, int], by_organisation: Mapping[str, list[int]]):
        self.by_activity, self.by_organisation = by_activity, by_organisation
        self.ambiguous: list[tuple[int, str]] = []

    def find(self, engagement_id: int, activity: str, organisation: str) -> tuple[int | None, str]:
        if activity:
            return self.by_activity.get(activity), "transaction"
        candidates = self.by_organisation.get(organisation, []) if organisation else []
        if len(candidates) > 1:
            self.ambiguous.append((engagement_id, organisation))
        return (candidates[0] if len(candidates) == 1 else None), "transaction_organisation"


def _transaction_edges(lines, parties: _CountryParties) -> list[FundingEdge]:
    """As ``portfolio.transaction_edges``: one edge per pair and kind of money stated."""
    flows: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
    reasons: dict[tuple[int, int], str] = {}
    for engagement_id, kind, amount, provider_activity, provider_ref, receiver_activity, receiver_ref in lines:
        if kind == MoneyKind.INCOMING:
            upstream, reason = parties.find(engagement_id, provider_activity, provider_ref)
            downstream = engagement_id
        else:
            upstream = engagement_id
            downstream, reason = parties.find(engagement_id, receiver_activity, receiver_ref)
        if upstream is None or downstream is None or upstream == downstream:
            continue
        flows[(upstream, downstream, kind)] += amount
        if reasons.get((upstream, downstream)) != "transaction":
            reasons[(upstream, downstream)] = reason
    return [
        FundingEdge(upstream, downstream, amount, reasons[(upstream, downstream)], kind)
        for (upstream, downstream, kind), amount in sorted(flows.items())
    ]


def _chains(facts: dict[int, EngagementFacts], edges: list[FundingEdge]) -> dict[int, int | None]:
    """Each engagement's chain: the smallest id of the engagements joined to it by funding edges
    (None when it has none)."""
    parent = {pk: pk for pk in facts}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    joined: set[int] = set()
    for edge in edges:
        if edge.upstream in parent and edge.downstream in parent and edge.upstream != edge.downstream:
            a, b = root(edge.upstream), root(edge.downstream)
            parent[max(a, b)] = min(a, b)
            joined.update((edge.upstream, edge.downstream))
    return {pk: (root(pk) if pk in joined else None) for pk in facts}


# -- rows ------------------------------------------------------------------------------------


@dataclass
class Rows:
    """Counted rows of some engagements in one country, as model instances (unsaved)."""

    shares: list[CountedShare] = field(default_factory=list)
    money: list[CountedMoney] = field(default_factory=list)
    themes: list[CountedTheme] = field(default_factory=list)
    ambiguous: list[AmbiguousReference] = field(default_factory=list)


def rows_of(chains: CountryChains) -> Rows:
    """Net ``chains`` (each kind of money apart, Team Europe only by Team Europe) and write
    each engagement's share of the country's money, as reported and counted once."""
    rows = Rows()
    if not chains.facts:
        return rows
    country_id = chains.country_id
    actors = ActorDirectory(f.owner_id for f in chains.facts.values())
    pillars = dict(Theme.objects.values_list("pk", "parent_id"))
    kinds = sorted({kind for f in chains.facts.values() for kind in f.money})
    nettings = {kind: count_once(chains.facts, chains.edges, kind, team_europe_rule(actors)) for kind in kinds}
    for pk, facts in chains.facts.items():
        chain = chains.chain_of.get(pk)
        fraction = facts.country_fractions[country_id]
        common = {"engagement_id": pk, "country_id": country_id, "chain": chain, "owner_id": facts.owner_id}
        rows.shares.append(CountedShare(**common, instrument_id=facts.instrument_id))
        themes: list[tuple[int | None, Decimal]] = list(facts.theme_fractions.items()) or [(None, Decimal(1))]
        firsts = _first_on_pillar(pillars, themes)
        for theme_id, weight in themes:
            rows.themes.append(
                CountedTheme(
                    **common,
                    kind=CountedTheme.ALL_KINDS,
                    theme_id=theme_id,
                    pillar_id=_pillar(pillars, theme_id),
                    weight=to_micro(weight) if theme_id else ONE_WEIGHT,
                    first_on_pillar=theme_id in firsts,
                )
            )
        for kind in kinds:
            if kind not in facts.money:
                continue
            netting = nettings[kind][pk]
            counted = netting.net * fraction
            _money_rows(rows, common, facts, kind, netting, fraction)
            for theme_id, weight in themes:
                rows.themes.append(
                    CountedTheme(
                        **common,
                        kind=kind,
                        theme_id=theme_id,
                        pillar_id=_pillar(pillars, theme_id),
                        weight=to_micro(weight) if theme_id else ONE_WEIGHT,
                        counted=to_micro(counted * weight),
                        has_money=bool(netting.gross),
                        first_on_pillar=theme_id in firsts,
                    )
                )
    rows.ambiguous = [
        AmbiguousReference(engagement_id=pk, country_id=country_id, organisation_ref=ref)
        for pk, ref in sorted(set(chains.ambiguous))
        if pk in chains.facts
    ]
    return rows


def _first_on_pillar(pillars: Mapping[int, int | None], themes: list[tuple[int | None, Decimal]]) -> set[int]:
    """Of an engagement's themes with a weight, the first (lowest id) on each pillar: the row that
    counts the engagement once on that pillar."""
    first: dict[int, int] = {}
    for theme_id, weight in themes:
        pillar = _pillar(pillars, theme_id)
        if theme_id is not None and pillar is not None and to_micro(weight) > 0:
            first[pillar] = min(first.get(pillar, theme_id), theme_id)
    return set(first.values())


def _pillar(pillars: Mapping[int, int | None], theme_id: int | None) -> int | None:
    if theme_id is None:
        return None
    return pillars.get(theme_id) or theme_id


def _money_rows(rows: Rows, common: dict, facts: EngagementFacts, kind: str, netting, fraction: Decimal) -> None:
    instrument = {"instrument_id": facts.instrument_id, "kind": kind}
    rows.money.append(
        CountedMoney(
            **common,
            **instrument,
            year=None,
            reported=to_micro(netting.gross * fraction),
            counted=to_micro(netting.net * fraction),
            has_money=bool(netting.gross),
            netted=bool(netting.covered),
            sources=[
                [edge.upstream, edge.reason, None if edge.amount is None else str(edge.amount)]
                for edge in netting.covered_by
            ]
            or None,
        )
    )
    scale = netting.ratio * fraction
    for year, amount in sorted(facts.money[kind].items()):
        rows.money.append(
            CountedMoney(
                **common,
                **instrument,
                year=year,
                reported=to_micro(amount * fraction),
                counted=to_micro(amount * scale),
            )
        )


# -- keeping the rows current ------------------------------------------------------------------


def mark_outdated(engagement_ids: Iterable[int]) -> None:
    """Called in the transaction that changes the engagements; the refresh follows its commit."""
    ids = sorted(set(engagement_ids))
    if not ids:
        return
    FiguresOutdated.objects.bulk_create(
        [FiguresOutdated(engagement_id=pk) for pk in ids], ignore_conflicts=True, batch_size=WRITE_BATCH
    )
    if not in_many_writes():  # else once, when the run ends (core.signals.many_writes_done)
        transaction.on_commit(refresh_outdated)


def refresh_outdated() -> int:
    """Recompute the chains of every outdated engagement; returns how many engagements were
    outdated. Safe to run from several processes: one refreshes, the others find nothing left."""
    if not FiguresOutdated.objects.exists():
        return 0
    with transaction.atomic():
        _one_refresher_at_a_time()
        outdated = list(FiguresOutdated.objects.values_list("engagement_id", flat=True))
        if outdated:
            refresh_engagements(outdated)
            FiguresOutdated.objects.filter(engagement_id__in=outdated).delete()
    return len(outdated)


def _one_refresher_at_a_time() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('partnerhub.counted'))")


def refresh_engagements(engagement_ids: Iterable[int]) -> None:
    """Recompute the chains these engagements belonged to and belong to, in every country
    they were or are in."""
    ids = set(engagement_ids)
    countries: defaultdict[int, set[int]] = defaultdict(set)
    for pk, country_id in CountedShare.objects.filter(engagement_id__in=ids).values_list("engagement_id", "country_id"):
        countries[country_id].add(pk)
    for pk, country_id in (
        EngagementCountry.objects.unrestricted(COUNTRY_INDEX)
        .filter(engagement_id__in=ids)
        .values_list("engagement_id", "country_id")
    ):
        countries[country_id].add(pk)
    for country_id, seeds in sorted(countries.items()):
        if len(seeds) > WHOLE_COUNTRY_ABOVE:
            rebuild_country(country_id)
        else:
            _refresh_in_country(country_id, seeds)


def _refresh_in_country(country_id: int, seeds: set[int]) -> None:
    members, loaded = _closure(country_id, seeds)
    _delete_rows(country_id, members)
    if members:
        _write(rows_of(loaded if loaded is not None else load_country(everything(), country_id, members)))


def _closure(country_id: int, seeds: set[int]) -> tuple[set[int], CountryChains | None]:
    """The seeds, the engagements of the chains they were in, those joined to them now by
    funding edges, and those whose transactions name them, until nothing more joins; and, when
    the first loading held them all (an edit of a record outside any chain), what it loaded."""
    members: set[int] = set()
    frontier = set(seeds)
    loaded_all: CountryChains | None = None
    while frontier:
        frontier |= _old_chain_members(country_id, frontier) - members
        first = not members
        members |= frontier
        chains = load_country(everything(), country_id, frontier)
        loaded_all = chains if first else None
        joined = {edge.upstream for edge in chains.edges} | {edge.downstream for edge in chains.edges}
        joined |= _referrers(country_id, frontier, chains)
        frontier = joined - members
    return members, loaded_all


def _old_chain_members(country_id: int, ids: set[int]) -> set[int]:
    chains = CountedShare.objects.filter(country_id=country_id, engagement_id__in=ids, chain__isnull=False)
    return set(
        CountedShare.objects.filter(country_id=country_id, chain__in=chains.values("chain")).values_list(
            "engagement_id", flat=True
        )
    )


def _referrers(country_id: int, ids: set[int], chains: CountryChains) -> set[int]:
    """Engagements in the country with a transaction naming one of ``ids`` by its activity, or
    naming its organisation while that organisation has, or had, a single engagement there
    (with several, the transaction draws no link either way)."""
    identifiers = [f.iati_identifier for f in chains.facts.values() if f.iati_identifier]
    old_owners = set(
        CountedShare.objects.filter(country_id=country_id, engagement_id__in=ids).values_list("owner_id", flat=True)
    )
    owners = old_owners | {f.owner_id for f in chains.facts.values()}
    refs = [
        ref
        for ref in Organisation.objects.filter(pk__in=owners)
        .exclude(iati_identifier="")
        .values_list("iati_identifier", flat=True)
        if ref and _fewest_engagements(country_id, ref) <= 1
    ]
    if not identifiers and not refs:
        return set()
    # Each term says its column is not empty, so it is read from the index of the lines naming someone.
    naming = (
        Q(receiver_activity__in=identifiers) & ~Q(receiver_activity="")
        | Q(provider_activity__in=identifiers) & ~Q(provider_activity="")
        | Q(receiver_activity="", receiver_ref__in=refs) & ~Q(receiver_ref="")
        | Q(provider_activity="", provider_ref__in=refs) & ~Q(provider_ref="")
    )
    # The lines naming them first; then which of their engagements are in the country (asked the
    # other way round, the planner reads every line of the country's engagements: 30 ms of an edit
    # at 11,700 engagements).
    naming_lines = MoneyLine.objects.unrestricted("only which engagements name these; kept if in the country")
    named = naming_lines.filter(naming).filter(_naming_another_activity()).values_list("engagement_id", flat=True)
    candidates = sorted(set(named) - ids)
    in_country = everything().about_migration().filter(country_shares__country_id=country_id)
    return {
        pk
        for start in range(0, len(candidates), READ_BATCH)
        for pk in in_country.filter(pk__in=candidates[start : start + READ_BATCH]).values_list("pk", flat=True)
    }


def _fewest_engagements(country_id: int, ref: str) -> int:
    """The fewer of the organisation's engagements in the country now and when last counted."""
    now = len(_organisation_engagements(country_id, ref))
    before = CountedShare.objects.filter(
        country_id=country_id, owner_id__in=Organisation.objects.filter(iati_identifier=ref).values("pk")
    ).count()
    return min(now, before)


def _organisation_engagements(country_id: int, ref: str) -> list[int]:
    return list(
        everything()
        .about_migration()
        .filter(owner__iati_identifier=ref, country_shares__country_id=country_id)
        .values_list("pk", flat=True)
    )


def rebuild_country(country_id: int) -> None:
    CountedShare.objects.filter(country_id=country_id).delete()
    CountedMoney.objects.filter(country_id=country_id).delete()
    CountedTheme.objects.filter(country_id=country_id).delete()
    AmbiguousReference.objects.filter(country_id=country_id).delete()
    mark_countries([country_id])
    _write(rows_of(load_country(everything(), country_id)))


def rebuild_all() -> int:
    """Every country's rows from scratch (after a bulk load that bypassed the services); returns
    the number of countries."""
    with transaction.atomic():
        for model in (CountedShare, CountedMoney, CountedTheme, AmbiguousReference, FiguresOutdated):
            model.objects.all().delete()
        countries = sorted(
            set(EngagementCountry.objects.unrestricted(COUNTRY_INDEX).values_list("country_id", flat=True))
        )
        for country_id in countries:
            _write(rows_of(load_country(everything(), country_id)))
        mark_countries(countries)
        refresh_sums()
    return len(countries)


def _delete_rows(country_id: int, ids: set[int]) -> None:
    for model in (CountedShare, CountedMoney, CountedTheme, AmbiguousReference):
        model.objects.filter(country_id=country_id, engagement_id__in=ids).delete()
    mark_countries([country_id])


def _write(rows: Rows) -> None:
    """Writes ``rows``, each naming its engagement's audience; the sums of their countries are marked."""
    audiences = audience_ids(share.engagement_id for share in rows.shares)
    written: list[CountedShare | CountedMoney | CountedTheme] = [*rows.shares, *rows.money, *rows.themes]
    for row in written:
        row.audience_id = audiences[row.engagement_id]
    mark_countries({share.country_id for share in rows.shares})
    CountedShare.objects.bulk_create(rows.shares, batch_size=WRITE_BATCH)
    CountedMoney.objects.bulk_create(rows.money, batch_size=WRITE_BATCH)
    CountedTheme.objects.bulk_create(rows.themes, batch_size=WRITE_BATCH)
    AmbiguousReference.objects.bulk_create(rows.ambiguous, batch_size=WRITE_BATCH)
