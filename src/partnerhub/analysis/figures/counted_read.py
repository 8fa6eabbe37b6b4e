"""A reader's counted-once figures of one country, added up from the precomputed rows.

``country_sums(user, country_id, kind)`` returns the sums every part of the profile is made
of, grouped by owner organisation (the actor groups and Team Europe are worked out from the
owners afterwards): in SQL over the rows of the engagements the reader sees, for the chains
they see whole; in Python, from the same rows computed for the reader
(``counted.rows_of(load_country(visible, …))``), for the chains they see in part (see
``analysis.figures.counted``). Both go through ``_Sums.add``, so the two ways agree.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from partnerhub.analysis.figures.actors import ActorDirectory
from partnerhub.analysis.figures.balance import WholeCountry
from partnerhub.analysis.figures.counted import (
    CountryChains,
    Rows,
    from_micro,
    load_country,
    refresh_outdated,
    rows_of,
)
from partnerhub.analysis.figures.counted_audience import readable_audiences
from partnerhub.analysis.models import AmbiguousReference, CountedMoney, CountedShare, CountedTheme
from partnerhub.registry.models import Engagement

ALL = CountedTheme.ALL_KINDS


@dataclass
class _Sums:
    """[reported, counted, engagements with money, rows] per (kind, year, owner, instrument);
    [weight, counted, rows, rows with weight] per (kind, theme, pillar, owner); engagements per
    (owner, instrument); and [engagements, engagements with weight] per (pillar, owner)."""

    money: defaultdict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    themes: defaultdict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    shares: defaultdict = field(default_factory=lambda: defaultdict(int))
    pillars: defaultdict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    # The kind's all-years rows: those with money taken out (the netted list), and, when asked
    # for, every engagement's reported and counted money (the annex).
    netted: list = field(default_factory=list)  # (engagement, owner, reported, counted, sources)
    by_engagement: dict = field(default_factory=dict)  # engagement: (reported, counted)

    @staticmethod
    def add(target: list, values) -> None:
        for index, value in enumerate(values):
            target[index] += value or 0


@dataclass
class CountrySums(_Sums):
    """The sums of one kind for one reader, and the engagements netted again for them."""

    kind: str = ""
    engagement_ids_seen_in_part: set[int] = field(default_factory=set)
    # Whether the country holds records with money the reader may not see (never which or how much).
    undisclosed: bool = False


def visible_in(user):
    return Engagement.objects.about_migration().visible_to(user)


def country_sums(user, country_id: int, kind: str, *, per_engagement: bool = False) -> CountrySums:
    """The reader's sums of the country; with ``per_engagement``, also each engagement's money
    (``by_engagement``)."""
    refresh_outdated()
    scope = _ReaderScope(user, country_id)
    sums = CountrySums(kind=kind, engagement_ids_seen_in_part=scope.in_part, undisclosed=scope.hides_money())
    for pk, (_chain, owner, instrument) in scope.shares.items():
        if pk in scope.counted_as_kept:
            sums.shares[(owner, instrument)] += 1
    _sql_sums(sums, country_id, kind, scope, per_engagement)
    if scope.in_part:
        _python_sums(sums, load_country(visible_in(user), country_id, scope.in_part), kind)
    return sums


class _ReaderScope:
    """Which engagements of the country the reader sees, and which of those are counted from the
    kept rows (``counted_as_kept``) or netted again for them (``in_part``): members of chains with
    a hidden member, and engagements joined, for this reader only, by a transaction naming an
    organisation of which the reader sees a single engagement (with their chains)."""

    def __init__(self, user, country_id: int):
        self.user, self.country_id = user, country_id
        self.audiences = readable_audiences(user)
        readable = set(self.audiences.values_list("pk", flat=True))
        self.shares, self.visible = {}, set()
        for pk, chain, owner, instrument, audience in CountedShare.objects.filter(country_id=country_id).values_list(
            "engagement_id", "chain", "owner_id", "instrument_id", "audience_id"
        ):
            self.shares[pk] = (chain, owner, instrument)
            if audience in readable:
                self.visible.add(pk)
        hidden = set(self.shares) - self.visible
        chains = {self.shares[pk][0] for pk in hidden} - {None}
        singles = self._joined_for_this_reader()
        chains |= {self.shares[pk][0] for pk in singles} - {None}
        self.in_part = {pk for pk in self.visible if pk in singles or self.shares[pk][0] in chains}
        self.counted_as_kept = self.visible - self.in_part

    def _joined_for_this_reader(self) -> set[int]:
        references = [
            (pk, ref)
            for pk, ref in AmbiguousReference.objects.filter(country_id=self.country_id).values_list(
                "engagement_id", "organisation_ref"
            )
            if pk in self.visible
        ]
        if not references:
            return set()
        seen = defaultdict(list)
        for ref, pk in (
            visible_in(self.user)
            .filter(
                country_shares__country_id=self.country_id,
                owner__iati_identifier__in={ref for _pk, ref in references},
            )
            .values_list("owner__iati_identifier", "pk")
        ):
            seen[ref].append(pk)
        singles: set[int] = set()
        for engagement_id, ref in references:
            if len(seen[ref]) == 1:
                singles.update((engagement_id, seen[ref][0]))
        return singles

    def hides_money(self) -> bool:
        """Whether an engagement of the country the reader may not see has money: the rows of money
        exist only for the kinds an engagement has."""
        if len(self.visible) == len(self.shares):
            return False
        hidden = CountedShare.objects.filter(country_id=self.country_id).exclude(audience_id__in=self.audiences)
        return CountedMoney.objects.filter(
            country_id=self.country_id, year__isnull=True, engagement_id__in=hidden.values("engagement_id")
        ).exists()

    def narrow(self, queryset):
        """``queryset`` (counted rows of the country) cut to the engagements counted as kept."""
        queryset = queryset.filter(audience_id__in=self.audiences)
        return queryset.exclude(engagement_id__in=self.in_part) if self.in_part else queryset


def _sql_sums(sums: _Sums, country_id: int, kind: str, scope: _ReaderScope, per_engagement: bool) -> None:
    def rows(model):
        return scope.narrow(model.objects.filter(country_id=country_id))

    # Two queries, each on its index, read fewer rows than one with "all years or this kind".
    all_years = rows(CountedMoney).filter(year__isnull=True)
    yearly = rows(CountedMoney).filter(kind=kind, year__isnull=False)
    money = [row for part in (all_years, yearly) for row in _money_sums(part)]
    for kind_, year, owner, instrument, *values in money:
        _Sums.add(sums.money[(kind_, year, owner, instrument)], values)
    themes = (
        rows(CountedTheme)
        .filter(kind__in=(kind, ALL))
        .values_list("kind", "theme_id", "pillar_id", "owner_id")
        .annotate(
            weight_sum=Sum("weight"),
            counted_sum=Sum("counted"),
            lines=Count("*"),
            weighted=Count("pk", filter=Q(weight__gt=0)),
        )
        .order_by()
    )
    for kind_, theme, pillar, owner, *values in themes:
        _Sums.add(sums.themes[(kind_, theme, pillar, owner)], values)
    pillars = (
        rows(CountedTheme)
        .filter(kind=ALL, pillar_id__isnull=False)
        .values_list("pillar_id", "owner_id")
        .annotate(
            engagements=Count("engagement_id", distinct=True),
            weighted=Count("engagement_id", filter=Q(weight__gt=0), distinct=True),
        )
        .order_by()
    )
    for pillar, owner, *values in pillars:
        _Sums.add(sums.pillars[(pillar, owner)], values)
    kind_rows = rows(CountedMoney).filter(kind=kind, year__isnull=True)
    kind_rows = (kind_rows if per_engagement else kind_rows.filter(netted=True)).values_list(
        "engagement_id", "owner_id", "reported", "counted", "netted", "sources"
    )
    for pk, owner, reported, counted, netted, sources in kind_rows.order_by("engagement_id"):
        sums.by_engagement[pk] = (reported, counted)
        if netted:
            sums.netted.append((pk, owner, reported, counted, sources))


def _money_sums(rows):
    return (
        rows.values_list("kind", "year", "owner_id", "instrument_id")
        .annotate(
            reported_sum=Sum("reported"),
            counted_sum=Sum("counted"),
            with_money=Count("pk", filter=Q(has_money=True)),
            lines=Count("*"),
        )
        .order_by()
    )


def _python_sums(sums: _Sums, chains: CountryChains, kind: str) -> None:
    """The same sums as ``_sql_sums``, over rows computed for the reader."""
    rows: Rows = rows_of(chains)
    for share in rows.shares:
        sums.shares[(share.owner_id, share.instrument_id)] += 1
    for line in rows.money:
        if line.year is None or line.kind == kind:
            key = (line.kind, line.year, line.owner_id, line.instrument_id)
            _Sums.add(sums.money[key], (line.reported, line.counted, int(line.has_money), 1))
        if line.year is None and line.kind == kind:
            sums.by_engagement[line.engagement_id] = (line.reported, line.counted)
        if line.year is None and line.kind == kind and line.netted:
            sums.netted.append((line.engagement_id, line.owner_id, line.reported, line.counted, line.sources))
    engaged_pillars: defaultdict = defaultdict(lambda: [set(), set()])
    for theme in rows.themes:
        if theme.kind in (kind, ALL):
            theme_key = (theme.kind, theme.theme_id, theme.pillar_id, theme.owner_id)
            _Sums.add(sums.themes[theme_key], (theme.weight, theme.counted, 1, int(theme.weight > 0)))
        if theme.kind == ALL and theme.pillar_id is not None:
            engaged = engaged_pillars[(theme.pillar_id, theme.owner_id)]
            engaged[0].add(theme.engagement_id)
            if theme.weight > 0:
                engaged[1].add(theme.engagement_id)
    for key, (engagements, weighted) in engaged_pillars.items():
        _Sums.add(sums.pillars[key], (len(engagements), len(weighted)))
    sums.netted.sort(key=lambda row: row[0])


def whole_countries(country_ids: Iterable[int], kind: str) -> dict[int, WholeCountry]:
    """Team Europe money of ``kind`` as reported, and Team Europe engagements, of each country over
    every record: only ever compared with what a reader sees (the balance verdict), never shown.
    Read after the reader's own sums (``country_sums``, ``ScopeSums``), which bring the rows up
    to date first."""
    country_ids = list(country_ids)
    money = list(
        CountedMoney.objects.filter(country_id__in=country_ids, kind=kind, year__isnull=True)
        .values_list("country_id", "owner_id")
        .annotate(reported_sum=Sum("reported"))
        .order_by()
    )
    engagements = list(
        CountedShare.objects.filter(country_id__in=country_ids)
        .values_list("country_id", "owner_id")
        .annotate(engagements=Count("*"))
        .order_by()
    )
    actors = ActorDirectory({owner for _country, owner, _value in money + engagements})
    amounts: defaultdict[int, int] = defaultdict(int)
    counts: defaultdict[int, int] = defaultdict(int)
    for country, owner, amount in money:
        if actors.group(owner).is_team_europe:
            amounts[country] += amount or 0
    for country, owner, count in engagements:
        if actors.group(owner).is_team_europe:
            counts[country] += count
    return {country: WholeCountry(from_micro(amounts[country]), counts[country]) for country in country_ids}
