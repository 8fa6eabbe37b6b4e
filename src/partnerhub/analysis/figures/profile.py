"""The country partnership profile: every figure of /countries/<iso3>/ and of its brief.

``country_profile(user, country, kind)`` returns plain data; the page and the
DOCX and PDF briefs render the same object, so their figures cannot differ.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from partnerhub.analysis.figures.actors import ActorDirectory
from partnerhub.analysis.figures.balance import (
    Balance,
    balance_of_sums,
)
from partnerhub.analysis.figures.cache import kept_for_circle
from partnerhub.analysis.figures.counted import from_micro
from partnerhub.analysis.figures.counted_read import CountrySums, country_sums, whole_countries
from partnerhub.analysis.figures.portfolio import HUNDRED, ZERO
from partnerhub.analysis.figures.regions import regional_scope
from partnerhub.analysis.figures.teameurope import RegionRow, region_rows
from partnerhub.analysis.models import CountedTheme, PartnerPriority
from partnerhub.core.sharing import SharingLevel
from partnerhub.geo.models import Country, RecipientRegion
from partnerhub.registry.models import Engagement, Instrument, MoneyKind, Theme

LATEST_ENGAGEMENTS = 8
UPCOMING_ENGAGEMENTS = 8
UPCOMING_WITHIN = timedelta(days=183)
NOT_SPECIFIED = "-"
SHOWN_MONEY_KINDS = (MoneyKind.BUDGET, MoneyKind.COMMITMENT, MoneyKind.DISBURSEMENT)


@dataclass
class Row:
    """One line of a breakdown: a theme, an actor, an instrument or a year."""

    key: str
    label: str
    amount: Decimal
    engagements: int
    href: str
    reported: Decimal | None = None  # actors only: what they reported before netting
    is_team_europe: bool = True
    level: int = 0  # themes: 0 for a pillar, 1 for a theme under it
    share: Decimal | None = None


@dataclass
class KindTotal:
    kind: str
    label: str
    team_europe: Decimal
    reported: Decimal
    engagements: int


@dataclass
class PriorityRow:
    priority: PartnerPriority
    amount: Decimal
    engagements: int
    href: str

    @property
    def is_gap(self) -> bool:
        return self.engagements == 0


@dataclass
class NettedSource:
    engagement_id: int
    title: str
    reason: str
    amount: Decimal | None


@dataclass
class NettedRow:
    engagement_id: int
    title: str
    owner: str
    reported: Decimal
    netted: Decimal
    sources: list[NettedSource] = field(default_factory=list)


@dataclass
class CountedEngagement:
    """One engagement behind the figures, as the brief's annex lists it."""

    pk: int
    title: str
    owner: str
    sharing_level: str
    is_demo: bool
    in_team_europe: bool
    reported: Decimal  # of the profile's money kind, this country's share, before netting
    counted: Decimal  # the same, counted once


@dataclass
class CountryProfile:
    country: Country
    kind: str
    kind_label: str
    generated_at: datetime
    totals: list[KindTotal]
    team_europe_total: Decimal
    undisclosed: bool
    engagement_count: int
    has_demo: bool
    by_theme: list[Row]
    by_actor: list[Row]
    by_instrument: list[Row]
    by_year: list[Row]
    balance: Balance
    priorities: list[PriorityRow]
    netted: list[NettedRow]
    latest: list[Engagement]
    upcoming: list[Engagement]
    counted: list[CountedEngagement] = field(default_factory=list)
    # Regional programmes in the regions that cover the country: not in its figures.
    regional: list[RegionRow] = field(default_factory=list)

    @property
    def gaps(self) -> list[PriorityRow]:
        return [row for row in self.priorities if row.is_gap]


def list_url(country: Country, **filters) -> str:
    """The engagement list behind a figure."""
    query = [("country", country.iso3)]
    for name, value in filters.items():
        values = value if isinstance(value, list | tuple) else [value]
        query.extend((name, v) for v in values)
    return f"{reverse('registry:engagement_list')}?{urlencode(query)}"


def country_profile(user, country: Country, kind: str = MoneyKind.COMMITMENT, *, annex: bool = False) -> CountryProfile:
    """The profile as ``user``'s circle sees it (kept until the data changes, see ``analysis.cache``);
    with ``annex``, also every engagement counted (``counted``), as the briefs list them."""
    return kept_for_circle(
        user,
        ("country_profile", country.pk, str(kind), get_language(), annex),
        lambda: compute_country_profile(user, country, kind, annex=annex),
    )


def compute_country_profile(
    user, country: Country, kind: str = MoneyKind.COMMITMENT, *, annex: bool = False
) -> CountryProfile:
    sums = country_sums(user, country.pk, kind, per_engagement=annex)
    owners = {owner for owner, _instrument in sums.shares}
    owners |= {owner for _kind, _year, owner, _instrument in sums.money}
    actors = ActorDirectory(owners)
    figures = _Figures(sums, actors)
    visible_in_country = Engagement.objects.about_migration().visible_to(user).filter(country_shares__country=country)
    totals = _totals(figures)
    counted = _counted(figures, visible_in_country) if annex else []
    return CountryProfile(
        country=country,
        kind=kind,
        kind_label=str(MoneyKind(kind).label),
        generated_at=timezone.now(),
        totals=totals,
        team_europe_total=next((total.team_europe for total in totals if total.kind == kind), ZERO),
        undisclosed=sums.undisclosed,
        engagement_count=sum(sums.shares.values()),
        has_demo=visible_in_country.holds_demo(),
        by_theme=_by_theme(figures, country),
        by_actor=_by_actor(figures, country),
        by_instrument=_by_instrument(figures, country),
        by_year=_by_year(figures, country),
        balance=_balance(figures, country),
        priorities=_priorities(user, figures, country),
        netted=_netted(user, figures),
        latest=visible_in_country.select_related("owner").first_in_order(LATEST_ENGAGEMENTS, "-updated_at", "-pk"),
        upcoming=_upcoming(visible_in_country),
        counted=counted,
        regional=_regional_money(user, country, kind),
    )


def _regional_money(user, country: Country, kind: str) -> list[RegionRow]:
    """Team Europe money of ``kind`` in the regions that cover the country, as the region
    view counts it (visible records only; "+ undisclosed" where hidden ones hold money)."""
    regions = list(RecipientRegion.objects.filter(countries=country).prefetch_related("routes"))
    if not regions:
        return []
    return region_rows(regional_scope(user, regions, [kind]), regions, kind)


class _Figures:
    """The reader's sums of one country and kind, with owners placed in their actor groups."""

    def __init__(self, sums: CountrySums, actors: ActorDirectory):
        self.sums = sums
        self.kind = sums.kind
        self.actors = actors

    def in_team_europe(self, owner_id: int) -> bool:
        return self.actors.group(owner_id).is_team_europe

    def money(self, *, kind: str | None = None, yearly: bool = False, team_europe: bool = True):
        """(year, owner, instrument, [reported, counted, with money, rows]) of one kind."""
        kind = kind or self.kind
        for (kind_, year, owner, instrument), values in self.sums.money.items():
            if kind_ != kind or (year is not None) != yearly:
                continue
            if team_europe and not self.in_team_europe(owner):
                continue
            yield year, owner, instrument, values

    def themes(self, *, kind: str, team_europe: bool = True):
        """(theme, pillar, [weight, counted, rows, rows with weight]) of ``kind`` ("" for all)."""
        for (kind_, theme, pillar, owner), values in self.sums.themes.items():
            if kind_ == kind and (not team_europe or self.in_team_europe(owner)):
                yield theme, pillar, values

    def pillar_engagements(self, pillar_id: int, *, weighted: bool = False) -> int:
        return sum(
            values[1 if weighted else 0]
            for (pillar, owner), values in self.sums.pillars.items()
            if pillar == pillar_id and self.in_team_europe(owner)
        )


def _totals(figures: _Figures) -> list[KindTotal]:
    """Budgets, commitments and disbursements side by side (never added)."""
    present = {kind for kind, year, _owner, _instrument in figures.sums.money if year is None}
    totals = []
    for money_kind, label in MoneyKind.choices:
        if money_kind not in SHOWN_MONEY_KINDS and money_kind not in present:
            continue
        reported, counted, with_money = 0, 0, 0
        for _year, _owner, _instrument, values in figures.money(kind=money_kind):
            reported, counted, with_money = reported + values[0], counted + values[1], with_money + values[2]
        totals.append(KindTotal(money_kind, str(label), from_micro(counted), from_micro(reported), with_money))
    return totals


def _with_shares(rows: list[Row], total: Decimal) -> list[Row]:
    for row in rows:
        row.share = row.amount * HUNDRED / total if total else None
    return rows


def _team_europe_total(figures: _Figures) -> Decimal:
    return from_micro(sum(values[1] for *_keys, values in figures.money()))


def _by_theme(figures: _Figures, country: Country) -> list[Row]:
    themes = {theme.pk: theme for theme in Theme.objects.all()}
    amounts: defaultdict[int | None, int] = defaultdict(int)
    counts: defaultdict[int | None, int] = defaultdict(int)
    for theme_id, pillar_id, values in figures.themes(kind=figures.kind):
        amounts[theme_id] += values[1]
        if pillar_id is not None and pillar_id != theme_id:
            amounts[pillar_id] += values[1]
    for theme_id, _pillar_id, values in figures.themes(kind=CountedTheme.ALL_KINDS):
        counts[theme_id] += values[2]
    rows = []
    for pillar in sorted((t for t in themes.values() if t.parent_id is None), key=lambda t: (t.position, t.name)):
        engagements = figures.pillar_engagements(pillar.pk)
        if not engagements:
            continue
        rows.append(
            Row(
                pillar.code,
                pillar.name,
                from_micro(amounts[pillar.pk]),
                engagements,
                list_url(country, theme=pillar.code),
            )
        )
        for theme in sorted(
            (t for t in themes.values() if t.parent_id == pillar.pk), key=lambda t: (t.position, t.name)
        ):
            if counts[theme.pk]:
                rows.append(
                    Row(
                        theme.code,
                        theme.localized_name,
                        from_micro(amounts[theme.pk]),
                        counts[theme.pk],
                        list_url(country, theme=theme.code),
                        level=1,
                    )
                )
    if counts[None]:
        rows.append(Row(NOT_SPECIFIED, _("No theme given"), from_micro(amounts[None]), counts[None], ""))
    return _with_shares(rows, _team_europe_total(figures))


def _by_actor(figures: _Figures, country: Country) -> list[Row]:
    reported: defaultdict[str, int] = defaultdict(int)
    counted: defaultdict[str, int] = defaultdict(int)
    counts: defaultdict[str, int] = defaultdict(int)
    for _year, owner, _instrument, values in figures.money(team_europe=False):
        key = figures.actors.group(owner).key
        reported[key] += values[0]
        counted[key] += values[1]
    for (owner, _instrument), count in figures.sums.shares.items():
        counts[figures.actors.group(owner).key] += count
    groups = sorted((figures.actors.groups[key] for key in counts), key=lambda g: g.order)
    rows = [
        Row(
            group.key,
            group.label,
            from_micro(counted[group.key]),
            counts[group.key],
            list_url(country, organisation=list(group.organisation_ids)),
            reported=from_micro(reported[group.key]),
            is_team_europe=group.is_team_europe,
        )
        for group in groups
    ]
    return _with_shares(rows, _team_europe_total(figures))


def _by_instrument(figures: _Figures, country: Country) -> list[Row]:
    amounts: defaultdict[int | None, int] = defaultdict(int)
    counts: defaultdict[int | None, int] = defaultdict(int)
    for _year, _owner, instrument_id, values in figures.money():
        amounts[instrument_id] += values[1]
    for (owner, instrument_id), count in figures.sums.shares.items():
        if figures.in_team_europe(owner):
            counts[instrument_id] += count
    instruments = Instrument.objects.in_bulk([i for i in counts if i is not None])
    rows = []
    for instrument_id in sorted(counts, key=lambda i: (-amounts[i], i or 0)):
        if instrument_id is None:
            rows.append(Row(NOT_SPECIFIED, _("No instrument given"), from_micro(amounts[None]), counts[None], ""))
            continue
        instrument = instruments[instrument_id]
        rows.append(
            Row(
                instrument.code,
                instrument.code,
                from_micro(amounts[instrument_id]),
                counts[instrument_id],
                list_url(country, instrument=instrument.code),
            )
        )
    return _with_shares(rows, _team_europe_total(figures))


def _by_year(figures: _Figures, country: Country) -> list[Row]:
    amounts: defaultdict[int, int] = defaultdict(int)
    counts: defaultdict[int, int] = defaultdict(int)
    for year, _owner, _instrument, values in figures.money(yearly=True):
        amounts[year] += values[1]
        counts[year] += values[3]
    rows = [
        Row(
            str(year),
            str(year),
            from_micro(amounts[year]),
            counts[year],
            list_url(country, year_from=year, year_to=year),
        )
        for year in sorted(counts)
    ]
    return _with_shares(rows, _team_europe_total(figures))


def _balance(figures: _Figures, country: Country) -> Balance:
    seen_money = from_micro(sum(values[0] for *_keys, values in figures.money()))
    seen_engagements = sum(
        count for (owner, _instrument), count in figures.sums.shares.items() if figures.in_team_europe(owner)
    )
    return balance_of_sums(
        ((theme_id, values[1]) for theme_id, _pillar, values in figures.themes(kind=figures.kind)),
        ((theme_id, values[0], values[2]) for theme_id, _pillar, values in figures.themes(kind=CountedTheme.ALL_KINDS)),
        (seen_money, seen_engagements),
        whole_countries([country.pk], figures.kind)[country.pk],
    )


def _priorities(user, figures: _Figures, country: Country) -> list[PriorityRow]:
    priorities = list(
        PartnerPriority.objects.visible_to(user)
        .filter(country=country)
        .select_related("theme", "owner", "recorded_by")
        .order_by("theme__position", "-stated_on", "pk")
    )
    if not priorities:
        return []
    rows = []
    for priority in priorities:
        is_pillar = priority.theme.parent_id is None
        amount = sum(
            values[1]
            for theme_id, pillar_id, values in figures.themes(kind=figures.kind)
            if (pillar_id if is_pillar else theme_id) == priority.theme_id
        )
        if is_pillar:
            engagements = figures.pillar_engagements(priority.theme_id, weighted=True)
        else:
            engagements = sum(
                values[3]
                for theme_id, _pillar, values in figures.themes(kind=CountedTheme.ALL_KINDS)
                if theme_id == priority.theme_id
            )
        rows.append(
            PriorityRow(priority, from_micro(amount), engagements, list_url(country, theme=priority.theme.code))
        )
    return rows


def _netted(user, figures: _Figures) -> list[NettedRow]:
    netted = figures.sums.netted
    if not netted:
        return []
    named = {pk for pk, *_rest in netted} | {source[0] for *_rest, sources in netted for source in sources or ()}
    titles = dict(Engagement.objects.visible_to(user).filter(pk__in=named).values_list("pk", "title"))
    return [
        NettedRow(
            engagement_id=pk,
            title=titles[pk],
            owner=figures.actors.group(owner).label,
            reported=from_micro(reported),
            netted=from_micro(reported - counted),
            sources=[
                NettedSource(
                    upstream,
                    titles[upstream],
                    _netting_reason(reason),
                    None if amount is None else Decimal(amount),
                )
                for upstream, reason, amount in sources or ()
            ],
        )
        for pk, owner, reported, counted, sources in netted
    ]


def _netting_reason(reason: str) -> str:
    return {
        "part_of": _("part of a programme that already counts this money"),
        "funded_by": _("funded by an engagement that already counts this money"),
        "transaction": _("money received from an engagement that already counts it (IATI transaction)"),
        "transaction_organisation": _(
            "money received from the only engagement here of the organisation that "
            "provided it, which already counts it (IATI transaction)"
        ),
    }[reason]


def _counted(figures: _Figures, visible_in_country) -> list[CountedEngagement]:
    """Every engagement the figures are made of, the most restricted first, then by title."""
    by_engagement = figures.sums.by_engagement
    rows = []
    owner_names = figures.actors.owner_names
    for pk, title, owner_id, sharing_level, is_demo in visible_in_country.order_by().values_list(
        "pk", "title", "owner_id", "sharing_level", "is_demo"
    ):
        reported, counted = by_engagement.get(pk, (0, 0))
        rows.append(
            CountedEngagement(
                pk,
                title,
                owner_names[owner_id],
                sharing_level,
                is_demo,
                figures.in_team_europe(owner_id),
                from_micro(reported),
                from_micro(counted),
            )
        )
    return sorted(rows, key=lambda row: (-SharingLevel.rank(row.sharing_level), row.title.casefold(), row.pk))


def _upcoming(visible_in_country) -> list[Engagement]:
    today = timezone.localdate()
    window = {"start_date__gte": today, "start_date__lte": today + UPCOMING_WITHIN}
    return (
        visible_in_country.filter(**window)
        .select_related("owner")
        .first_in_order(UPCOMING_ENGAGEMENTS, "start_date", "pk", among=Engagement.objects.filter(**window))
    )
