"""A reader's counted-once figures of many partner countries, added up from the precomputed rows.

The pages over every partner country (the country index, the balance table, the Team Europe
index) show, per country and kind of money, what the top of the country's profile shows: Team
Europe money counted once, the engagements seen and the balance between interests; and, over a
set of countries, the number of distinct Team Europe engagements with money. As for one country
(``counted_read``), the rows of the chains a reader sees whole are added up in SQL, grouped by
country, within ``visible_to``; the chains they see in part (a member hidden from them, or a
transaction naming an organisation of which they see a single engagement) are netted again for
them with the same code and added in Python. An engagement with such a chain in one country is
added in Python in every country, so that SQL and Python never count one engagement twice.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, Q, Sum

from partnerhub.analysis.figures.actors import ActorDirectory
from partnerhub.analysis.figures.counted import load_countries, refresh_outdated, rows_of
from partnerhub.analysis.figures.counted_audience import levels_read_whole, readable_audiences
from partnerhub.analysis.figures.counted_read import visible_in
from partnerhub.analysis.figures.counted_sums import refresh_sums
from partnerhub.analysis.models import (
    AmbiguousReference,
    CountedAudience,
    CountedMoney,
    CountedShare,
    CountedTheme,
    SummedMoney,
    SummedShares,
    SummedThemes,
)
from partnerhub.registry.models import EngagementCountry

ALL = CountedTheme.ALL_KINDS


class ScopeSums:
    """One reader's sums over ``country_ids`` for ``kinds``, in micro-euros:

    * ``money[country][(kind, owner)]``: [reported, counted, engagements with money], all years;
    * ``shares[country][owner]``: engagements seen;
    * ``themes[country][(kind, theme)]``: [weight, counted, rows] of Team Europe owners, ``kind``
      empty for the weights of every engagement whatever its money.
    """

    def __init__(self, user, country_ids: Iterable[int], kinds: Iterable[str]):
        self.user, self.country_ids, self.kinds = user, sorted(set(country_ids)), list(kinds)
        self.money: defaultdict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        self.shares: defaultdict = defaultdict(lambda: defaultdict(int))
        self.themes: defaultdict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
        # Team Europe engagements with money counted once on a pillar, per country and (kind, pillar).
        self.on_pillar: defaultdict = defaultdict(lambda: defaultdict(int))
        # Team Europe engagements with money, added in Python: by kind and country, and by kind,
        # pillar and country (those with a weight on the pillar).
        self._with_money: defaultdict = defaultdict(lambda: defaultdict(set))
        self._on_pillar: defaultdict = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
        refresh_outdated()
        refresh_sums()
        self.audiences = readable_audiences(user)
        self.levels_read_whole = levels_read_whole(user)
        self.in_part = _seen_in_part(user, self.audiences, self.country_ids)
        self.in_part_ids = {pk for pk, _country in self.in_part}
        python_rows, kept_rows = self._rows_of_engagements_seen_in_part()
        owners = {owner for _country, owner, _count in self._summed_shares()} | {row.owner_id for row in python_rows[0]}
        self.actors = ActorDirectory(owners)
        self.team_europe_owners = sorted(owner for owner in owners if self.actors.group(owner).is_team_europe)
        # The sums hold the kept rows of every engagement the reader may read: those seen in part are
        # taken out, and added as netted again for the reader.
        self._add_rows(*kept_rows, sign=-1)
        self._add_rows(*python_rows, sign=1)
        self._add_sums()

    # -- what the pages read ------------------------------------------------------------

    def countries_seen(self) -> set[int]:
        return {country for country, owners in self.shares.items() if owners}

    def in_team_europe(self, owner_id: int) -> bool:
        return self.actors.group(owner_id).is_team_europe

    def engagements(self, country_id: int, *, team_europe: bool = False) -> int:
        return sum(
            count for owner, count in self.shares[country_id].items() if not team_europe or self.in_team_europe(owner)
        )

    def team_europe_money(self, country_ids: Iterable[int], kind: str) -> tuple[int, int]:
        """(reported, counted) Team Europe money of ``kind`` in these countries."""
        reported = counted = 0
        for country in country_ids:
            for (kind_, owner), values in self.money[country].items():
                if kind_ == kind and self.in_team_europe(owner):
                    reported, counted = reported + values[0], counted + values[1]
        return reported, counted

    def theme_sums(self, country_ids: Iterable[int], kind: str) -> defaultdict:
        """[weight, counted, rows] of Team Europe per theme (None: no theme) in these countries."""
        sums: defaultdict = defaultdict(lambda: [0, 0, 0])
        for country in country_ids:
            for (kind_, theme), values in self.themes[country].items():
                if kind_ == kind:
                    _add(sums[theme], values)
        return sums

    def engagements_with_money(self, areas: dict) -> dict:
        """Per area and kind: distinct Team Europe engagements with money of the kind in the area's
        countries, together with the area's engagements ``also[kind]`` (its regions', say), each
        counted once. ``areas`` maps a key to (country ids, also).

        Each country's count is in the sums; an engagement in several of an area's countries is
        then taken out once for each country after its first. Only engagements in more than one
        country are read row by row: one query counts them for every area."""
        areas = {key: (list(ids), also or {}) for key, (ids, also) in areas.items()}
        every_country = sorted({country for ids, _also in areas.values() for country in ids})
        in_sql = self._kept(CountedMoney, every_country).filter(
            kind__in=self.kinds, year__isnull=True, has_money=True, owner_id__in=self.team_europe_owners
        )
        labels = {key: f"area_{index}" for index, key in enumerate(areas)}
        in_several = (
            in_sql.filter(engagement_id__in=_in_several_countries())
            .values("kind", "engagement_id")
            .annotate(**{labels[key]: Count("pk", filter=Q(country_id__in=ids)) for key, (ids, _also) in areas.items()})
            .order_by()
        )
        repeated = _repeats(in_several, labels)
        extra = set().union(*(ids for _countries, also in areas.values() for ids in also.values()))
        in_sql_too = list(in_sql.filter(engagement_id__in=extra).values_list("kind", "engagement_id", "country_id"))
        answer: dict = {}
        for key, (ids, also) in areas.items():
            countries = set(ids)
            answer[key] = {}
            for kind in self.kinds:
                in_python = [self._with_money[kind][country] for country in countries]
                once = set().union(*in_python)
                repeated_in_python = _repeated_among(in_python)
                with_money = sum(
                    values[2]
                    for country in countries
                    for (kind_, owner), values in self.money[country].items()
                    if kind_ == kind and self.in_team_europe(owner)
                )
                seen = once | {pk for kind_, pk, country in in_sql_too if kind_ == kind and country in countries}
                answer[key][kind] = (
                    with_money - repeated[(key, kind)] - repeated_in_python + len(also.get(kind, set()) - seen)
                )
        return answer

    def engagements_on_pillars(self, country_ids: Iterable[int]) -> dict:
        """Per (kind, pillar): distinct Team Europe engagements with money of the kind and a
        weight on the pillar, in these countries — each country's count from the sums, less the
        repeats of the engagements in several of these countries."""
        country_ids = list(country_ids)
        counts: defaultdict = defaultdict(int)
        for country in country_ids:
            for key, count in self.on_pillar[country].items():
                counts[key] += count
        in_several = (
            self._kept(CountedTheme, country_ids)
            .filter(kind__in=self.kinds, first_on_pillar=True, has_money=True, owner_id__in=self.team_europe_owners)
            .filter(engagement_id__in=_in_several_countries())
            .values("kind", "pillar_id", "engagement_id")
            .annotate(countries=Count("pk"))
            .order_by()
        )
        for (_area, kind, pillar), repeats in _repeats(in_several, {None: "countries"}, ("kind", "pillar_id")).items():
            counts[(kind, pillar)] -= repeats
        for kind, by_pillar in self._on_pillar.items():
            for pillar, by_country in by_pillar.items():
                counts[(kind, pillar)] -= _repeated_among([by_country[country] for country in country_ids])
        return counts

    def hidden_themes(self) -> dict[int, frozenset[int | None]]:
        """Per country, the themes (None: without one) of the records with money the reader may not
        read — where, never how much or how many: the theme sums of a kind of money of the audiences
        they may not read."""
        unreadable = CountedAudience.objects.exclude(pk__in=self.audiences).values("pk")
        themes = defaultdict(set)
        for country, theme in (
            SummedThemes.objects.filter(country_id__in=self.country_ids, audience_id__in=unreadable)
            .exclude(kind=ALL)
            .values_list("country_id", "theme_id")
            .distinct()
        ):
            themes[country].add(theme)
        return {country: frozenset(ids) for country, ids in themes.items()}

    # -- SQL: the sums of the audiences the reader may read --------------------------------

    def _kept(self, model, country_ids: Iterable[int]):
        """Rows of ``model`` in these countries of the engagements the reader sees, less those
        added in Python."""
        rows = in_countries(model.objects.all(), country_ids).filter(audience_id__in=self.audiences)
        return rows.exclude(engagement_id__in=self.in_part_ids) if self.in_part_ids else rows

    def _summed(self, model, *filters: Q) -> tuple:
        """The sums of the levels the reader reads whole, and of the other audiences they may read: two
        queries, each narrowed by its own index."""
        whole = self.levels_read_whole
        in_scope = model.objects.filter(*filters, country_id__in=self.country_ids)
        other_audiences = self.audiences.exclude(sharing_level__in=whole)
        return (
            in_scope.filter(audience_id__isnull=True, sharing_level__in=whole),
            in_scope.filter(audience_id__in=other_audiences),
        )

    def _summed_shares(self) -> list[tuple[int, int, int]]:
        if not hasattr(self, "_shares_rows"):
            self._shares_rows = [
                row
                for sums in self._summed(SummedShares)
                for row in sums.values_list("country_id", "owner_id").annotate(count=Sum("engagements")).order_by()
            ]
        return self._shares_rows

    def _add_sums(self) -> None:
        for country, owner, count in self._summed_shares():
            self.shares[country][owner] += count
        for money in self._summed(SummedMoney, Q(kind__in=self.kinds)):
            for country, kind, owner, *values in (
                money.values_list("country_id", "kind", "owner_id")
                .annotate(reported_sum=Sum("reported"), counted_sum=Sum("counted"), with_money_sum=Sum("with_money"))
                .order_by()
            ):
                _add(self.money[country][(kind, owner)], values)
        # The per-level theme sums are Team Europe's only (every owner together).
        per_level, per_audience = self._summed(SummedThemes, Q(kind__in=[*self.kinds, ALL]))
        for themes in (per_level, per_audience.filter(owner_id__in=self.team_europe_owners)):
            for country, kind, theme, pillar, *values, on_pillar in (
                themes.values_list("country_id", "kind", "theme_id", "pillar_id")
                .annotate(
                    weight_sum=Sum("weight"),
                    counted_sum=Sum("counted"),
                    lines_sum=Sum("lines"),
                    on_pillar_sum=Sum("on_pillar"),
                )
                .order_by()
            ):
                _add(self.themes[country][(kind, theme)], values)
                if on_pillar:
                    self.on_pillar[country][(kind, pillar)] += on_pillar

    # -- Python: the engagements of chains seen in part, in every country -------------------

    def _rows_of_engagements_seen_in_part(self) -> tuple[tuple[list, list, list], tuple[list, list, list]]:
        """Rows of the engagements seen in part, as the reader gets them — netted again where seen in
        part, as kept elsewhere — and as kept everywhere (what the sums hold of them)."""
        if not self.in_part_ids:
            return ([], [], []), ([], [], [])

        def kept_rows(model) -> list:
            return list(in_countries(model.objects.filter(engagement_id__in=self.in_part_ids), self.country_ids))

        def elsewhere(rows: list) -> list:
            return [row for row in rows if (row.engagement_id, row.country_id) not in self.in_part]

        kept = (kept_rows(CountedShare), kept_rows(CountedMoney), kept_rows(CountedTheme))
        netted = (elsewhere(kept[0]), elsewhere(kept[1]), elsewhere(kept[2]))
        by_country = defaultdict(set)
        for pk, country in self.in_part:
            by_country[country].add(pk)
        for _country, chains in sorted(load_countries(visible_in(self.user), by_country).items()):
            rows = rows_of(chains)
            netted[0].extend(rows.shares)
            netted[1].extend(rows.money)
            netted[2].extend(rows.themes)
        return netted, kept

    def _add_rows(self, shares, money, themes, *, sign: int) -> None:
        """Adds (``sign`` 1) or takes out (-1) these rows; added rows of Team Europe with money are also
        remembered by engagement, for the counts of distinct engagements."""
        team_europe = set(self.team_europe_owners)
        for share in shares:
            self.shares[share.country_id][share.owner_id] += sign
        for line in money:
            if line.year is not None or line.kind not in self.kinds:
                continue
            values = (line.reported, line.counted, line.has_money)
            _add(self.money[line.country_id][(line.kind, line.owner_id)], [sign * int(v) for v in values])
            if sign > 0 and line.has_money and line.owner_id in team_europe:
                self._with_money[line.kind][line.country_id].add(line.engagement_id)
        for theme in themes:
            if theme.owner_id not in team_europe or theme.kind not in (*self.kinds, ALL):
                continue
            _add(
                self.themes[theme.country_id][(theme.kind, theme.theme_id)],
                (sign * theme.weight, sign * theme.counted, sign),
            )
            if theme.first_on_pillar and theme.has_money:
                self.on_pillar[theme.country_id][(theme.kind, theme.pillar_id)] += sign
            if sign > 0 and theme.pillar_id is not None and theme.weight > 0 and theme.has_money:
                self._on_pillar[theme.kind][theme.pillar_id][theme.country_id].add(theme.engagement_id)


def in_countries(rows, country_ids: Iterable[int]):
    """``rows`` of these countries, the list read as a filter and not through an index: with a
    (country, engagement) index, SQLite would otherwise look up every pair of a listed country
    and a visible engagement (4 s at 100,000 engagements over every partner country, 0.24 s so)."""
    return rows.alias(listed_country=F("country_id") + 0).filter(listed_country__in=list(country_ids))


def _add(target: list, values) -> None:
    for index, value in enumerate(values):
        target[index] += int(value or 0)


def _repeats(in_several, labels: dict, by: tuple[str, ...] = ("kind",)) -> defaultdict:
    """Per (area, *by): the countries after the first of each engagement, added up in SQL over the rows
    ``in_several`` gives per ``by`` and engagement (the number of the area's countries, per label)."""
    repeated: defaultdict = defaultdict(int)
    try:
        sql, params = in_several.query.sql_with_params()
    except EmptyResultSet:  # no Team Europe owner, say: nothing is repeated
        return repeated
    repeats = ", ".join(f"SUM(CASE WHEN {label} > 1 THEN {label} - 1 ELSE 0 END)" for label in labels.values())
    grouped = ", ".join(by)
    with connections[in_several.db].cursor() as cursor:
        cursor.execute(f"SELECT {grouped}, {repeats} FROM ({sql}) in_several GROUP BY {grouped}", params)  # noqa: S608 (our labels)
        for row in cursor.fetchall():
            for key, count in zip(labels, row[len(by) :], strict=True):
                repeated[(key, *row[: len(by)])] = int(count or 0)
    return repeated


def _repeated_among(sets_of_ids: list[set[int]]) -> int:
    """The ids counted more than once over these sets (each per-country set holds an id once)."""
    return sum(len(ids) for ids in sets_of_ids) - len(set().union(*sets_of_ids))


def _in_several_countries():
    """Ids of the engagements in more than one country."""
    shares = EngagementCountry.objects.unrestricted("which engagements are in several countries; the caller narrows")
    in_several = shares.values("engagement_id").annotate(countries=Count("pk")).filter(countries__gt=1)
    return in_several.values("engagement_id")


def _seen_in_part(user, audiences, country_ids: list[int]) -> set[tuple[int, int]]:
    """(engagement, country) pairs the reader sees whose chain there has a member hidden from
    them, or is joined, for them only, by a transaction naming an organisation of which they see
    a single engagement in the country; with the members of those chains."""
    in_scope = in_countries(CountedShare.objects.all(), country_ids)
    broken = set(
        in_scope.filter(chain__isnull=False)
        .exclude(audience_id__in=audiences)
        .values_list("country_id", "chain")
        .distinct()
    )
    joined = _joined_for_this_reader(user, country_ids)
    broken |= _pairs_of(joined, in_scope)
    members = set(joined)
    if broken:
        for pk, country, chain in (
            in_scope.filter(chain__in={chain for _country, chain in broken})
            .filter(audience_id__in=audiences)
            .values_list("engagement_id", "country_id", "chain")
        ):
            if (country, chain) in broken:
                members.add((pk, country))
    return members


def _pairs_of(joined: set[tuple[int, int]], in_scope) -> set[tuple[int, int]]:
    """(country, chain) of the engagements in ``joined`` (engagement, country) pairs."""
    if not joined:
        return set()
    return {
        (country, chain)
        for pk, country, chain in in_scope.filter(
            engagement_id__in={pk for pk, _country in joined}, chain__isnull=False
        ).values_list("engagement_id", "country_id", "chain")
        if (pk, country) in joined
    }


def _joined_for_this_reader(user, country_ids: list[int]) -> set[tuple[int, int]]:
    """(engagement, country) pairs joined for this reader only: a visible engagement whose
    transaction names an organisation of which the reader sees a single engagement in the
    country, and that engagement."""
    visible = visible_in(user)
    # The references first, and then which of them the reader sees: most portfolios have none.
    references = list(
        in_countries(AmbiguousReference.objects.all(), country_ids).values_list(
            "engagement_id", "country_id", "organisation_ref"
        )
    )
    if references:
        seen_by_reader = set(visible.filter(pk__in={pk for pk, _c, _r in references}).values_list("pk", flat=True))
        references = [reference for reference in references if reference[0] in seen_by_reader]
    if not references:
        return set()
    seen = defaultdict(list)
    for country, ref, pk in visible.filter(
        country_shares__country_id__in={country for _pk, country, _ref in references},
        owner__iati_identifier__in={ref for _pk, _country, ref in references},
    ).values_list("country_shares__country_id", "owner__iati_identifier", "pk"):
        seen[(country, ref)].append(pk)
    joined: set[tuple[int, int]] = set()
    for pk, country, ref in references:
        if len(seen[(country, ref)]) == 1:
            joined.update({(pk, country), (seen[(country, ref)][0], country)})
    return joined
