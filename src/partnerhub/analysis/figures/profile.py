"""The country partnership profile: every figure of /countries/<iso3>/ and of its brief.

``country_profile(user, country, kind)`` returns plain data; the page and the
DOCX and PDF briefs render the same object, so their figures cannot differ.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from partnerhub.analysis.figures.actors import ActorDirectory, CountryFigures
from partnerhub.analysis.figures.balance import Balance, balance_of, theme_interests, whole_countries
from partnerhub.analysis.figures.cache import kept_for_circle
from partnerhub.analysis.figures.portfolio import HUNDRED, ZERO, Portfolio, load_portfolio
from partnerhub.analysis.figures.regions import regional_scope
from partnerhub.analysis.figures.teameurope import RegionRow, region_rows
from partnerhub.analysis.models import PartnerPriority
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


def country_profile(user, country: Country, kind: str = MoneyKind.COMMITMENT) -> CountryProfile:
    """The profile as ``user``'s circle sees it (kept until the data changes, see ``analysis.cache``)."""
    return kept_for_circle(
        user,
        ("country_profile", country.pk, str(kind), get_language()),
        lambda: compute_country_profile(user, country, kind),
    )


def compute_country_profile(user, country: Country, kind: str = MoneyKind.COMMITMENT) -> CountryProfile:
    portfolio = load_portfolio(user, [country.pk])
    actors = ActorDirectory(f.owner_id for f in portfolio.engagements.values())
    figures = CountryFigures(portfolio, actors, country.pk, kind)
    visible_in_country = Engagement.objects.about_migration().visible_to(user).filter(country_shares__country=country)
    return CountryProfile(
        country=country,
        kind=kind,
        kind_label=str(MoneyKind(kind).label),
        generated_at=timezone.now(),
        totals=_totals(portfolio, actors, country.pk, kind, figures),
        team_europe_total=figures.team_europe_total(),
        undisclosed=portfolio.undisclosed,
        engagement_count=len(portfolio.engagements),
        has_demo=any(f.is_demo for f in portfolio.engagements.values()),
        by_theme=_by_theme(figures, country),
        by_actor=_by_actor(figures, country),
        by_instrument=_by_instrument(figures, country),
        by_year=_by_year(figures, country),
        balance=balance_of(figures, theme_interests(), whole_countries([country.pk], kind)[country.pk]),
        priorities=_priorities(user, figures, country),
        netted=_netted(figures),
        latest=list(visible_in_country.select_related("owner").order_by("-updated_at", "-pk")[:LATEST_ENGAGEMENTS]),
        upcoming=_upcoming(visible_in_country),
        counted=_counted(figures),
        regional=_regional_money(user, country, kind),
    )


def _regional_money(user, country: Country, kind: str) -> list[RegionRow]:
    """Team Europe money of ``kind`` in the regions that cover the country, as the region
    view counts it (visible records only; "+ undisclosed" where hidden ones hold money)."""
    regions = list(RecipientRegion.objects.filter(countries=country).prefetch_related("routes"))
    if not regions:
        return []
    return region_rows(regional_scope(user, regions, [kind]), regions, kind)


def _totals(portfolio: Portfolio, actors, country_id, kind, figures) -> list[KindTotal]:
    """Budgets, commitments and disbursements side by side (never added)."""
    present = {k for f in portfolio.engagements.values() for k in f.money}
    kinds = [k for k, _label in MoneyKind.choices if k in SHOWN_MONEY_KINDS or k in present]
    totals = []
    for money_kind in kinds:
        kind_figures = figures if money_kind == kind else CountryFigures(portfolio, actors, country_id, money_kind)
        team_europe = kind_figures.team_europe_ids()
        totals.append(
            KindTotal(
                kind=money_kind,
                label=str(MoneyKind(money_kind).label),
                team_europe=kind_figures.team_europe_total(),
                reported=sum((kind_figures.reported(pk) for pk in team_europe), ZERO),
                engagements=sum(1 for pk in team_europe if kind_figures.nettings[pk].gross),
            )
        )
    return totals


def _with_shares(rows: list[Row], total: Decimal) -> list[Row]:
    for row in rows:
        row.share = row.amount * HUNDRED / total if total else None
    return rows


def _by_theme(figures: CountryFigures, country: Country) -> list[Row]:
    themes = {theme.pk: theme for theme in Theme.objects.all()}
    amounts: defaultdict[int | None, Decimal] = defaultdict(lambda: ZERO)
    counts: defaultdict[int | None, set[int]] = defaultdict(set)
    for pk in figures.team_europe_ids():
        counted = figures.counted(pk)
        theme_fractions: Iterable[tuple[int | None, Decimal]] = figures.engagements[pk].theme_fractions.items() or [
            (None, Decimal(1))
        ]
        for theme_id, fraction in theme_fractions:
            for key in _theme_keys(themes, theme_id):
                amounts[key] += counted * fraction
                counts[key].add(pk)
    rows = []
    for pillar in sorted((t for t in themes.values() if t.parent_id is None), key=lambda t: (t.position, t.name)):
        if pillar.pk not in counts:
            continue
        rows.append(
            Row(
                pillar.code,
                pillar.name,
                amounts[pillar.pk],
                len(counts[pillar.pk]),
                list_url(country, theme=pillar.code),
            )
        )
        for theme in sorted(
            (t for t in themes.values() if t.parent_id == pillar.pk), key=lambda t: (t.position, t.name)
        ):
            if theme.pk in counts:
                rows.append(
                    Row(
                        theme.code,
                        theme.localized_name,
                        amounts[theme.pk],
                        len(counts[theme.pk]),
                        list_url(country, theme=theme.code),
                        level=1,
                    )
                )
    if None in counts:
        rows.append(Row(NOT_SPECIFIED, _("No theme given"), amounts[None], len(counts[None]), ""))
    return _with_shares(rows, figures.team_europe_total())


def _theme_keys(themes: dict[int, Theme], theme_id: int | None) -> list[int | None]:
    """The theme and the pillar above it (the taxonomy has two levels)."""
    if theme_id is None:
        return [None]
    parent = themes[theme_id].parent_id
    return [theme_id] if parent is None else [theme_id, parent]


def _by_actor(figures: CountryFigures, country: Country) -> list[Row]:
    reported: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
    counted: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: defaultdict[str, int] = defaultdict(int)
    for pk, facts in figures.engagements.items():
        group = figures.actors.group(facts.owner_id)
        reported[group.key] += figures.reported(pk)
        counted[group.key] += figures.counted(pk)
        counts[group.key] += 1
    groups = sorted((figures.actors.groups[key] for key in counts), key=lambda g: g.order)
    rows = [
        Row(
            group.key,
            group.label,
            counted[group.key],
            counts[group.key],
            list_url(country, organisation=list(group.organisation_ids)),
            reported=reported[group.key],
            is_team_europe=group.is_team_europe,
        )
        for group in groups
    ]
    return _with_shares(rows, figures.team_europe_total())


def _by_instrument(figures: CountryFigures, country: Country) -> list[Row]:
    amounts: defaultdict[int | None, Decimal] = defaultdict(lambda: ZERO)
    counts: defaultdict[int | None, int] = defaultdict(int)
    for pk in figures.team_europe_ids():
        instrument_id = figures.engagements[pk].instrument_id
        amounts[instrument_id] += figures.counted(pk)
        counts[instrument_id] += 1
    instruments = Instrument.objects.in_bulk([i for i in counts if i is not None])
    rows = []
    for instrument_id in sorted(counts, key=lambda i: (-amounts[i], i or 0)):
        if instrument_id is None:
            rows.append(Row(NOT_SPECIFIED, _("No instrument given"), amounts[None], counts[None], ""))
            continue
        instrument = instruments[instrument_id]
        rows.append(
            Row(
                instrument.code,
                instrument.code,
                amounts[instrument_id],
                counts[instrument_id],
                list_url(country, instrument=instrument.code),
            )
        )
    return _with_shares(rows, figures.team_europe_total())


def _by_year(figures: CountryFigures, country: Country) -> list[Row]:
    amounts: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    counts: defaultdict[int, int] = defaultdict(int)
    for pk in figures.team_europe_ids():
        for year, amount in figures.counted_by_year(pk).items():
            amounts[year] += amount
            counts[year] += 1
    rows = [
        Row(str(year), str(year), amounts[year], counts[year], list_url(country, year_from=year, year_to=year))
        for year in sorted(counts)
    ]
    return _with_shares(rows, figures.team_europe_total())


def _priorities(user, figures: CountryFigures, country: Country) -> list[PriorityRow]:
    priorities = list(
        PartnerPriority.objects.visible_to(user)
        .filter(country=country)
        .select_related("theme", "owner", "recorded_by")
        .order_by("theme__position", "-stated_on", "pk")
    )
    if not priorities:
        return []
    children = defaultdict(set)
    for pk, parent in Theme.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children[parent].add(pk)
    rows = []
    for priority in priorities:
        served_themes = {priority.theme_id} | children[priority.theme_id]
        amount, engagements = ZERO, 0
        for pk in figures.team_europe_ids():
            fraction = sum((f for t, f in figures.engagements[pk].theme_fractions.items() if t in served_themes), ZERO)
            if fraction:
                amount += figures.counted(pk) * fraction
                engagements += 1
        rows.append(PriorityRow(priority, amount, engagements, list_url(country, theme=priority.theme.code)))
    return rows


def _netted(figures: CountryFigures) -> list[NettedRow]:
    netted = figures.netted()
    if not netted:
        return []
    titles = {pk: facts.title for pk, facts in figures.engagements.items()}
    rows = []
    for pk, netting in netted:
        facts = figures.engagements[pk]
        rows.append(
            NettedRow(
                engagement_id=pk,
                title=facts.title,
                owner=figures.actors.group(facts.owner_id).label,
                reported=figures.reported(pk),
                netted=netting.covered * figures.fraction(pk),
                sources=[
                    NettedSource(edge.upstream, titles[edge.upstream], _netting_reason(edge.reason), edge.amount)
                    for edge in netting.covered_by
                ],
            )
        )
    return rows


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


def _counted(figures: CountryFigures) -> list[CountedEngagement]:
    """Every engagement the figures are made of, the most restricted first, then by title."""
    owners = figures.actors.owner_names
    rows = [
        CountedEngagement(
            pk,
            facts.title,
            owners[facts.owner_id],
            facts.sharing_level,
            facts.is_demo,
            figures.actors.is_team_europe(facts),
            figures.reported(pk),
            figures.counted(pk),
        )
        for pk, facts in figures.engagements.items()
    ]
    return sorted(rows, key=lambda row: (-SharingLevel.rank(row.sharing_level), row.title.casefold(), row.pk))


def _upcoming(visible_in_country) -> list[Engagement]:
    today = timezone.localdate()
    return list(
        visible_in_country.filter(start_date__gte=today, start_date__lte=today + UPCOMING_WITHIN)
        .select_related("owner")
        .order_by("start_date", "pk")[:UPCOMING_ENGAGEMENTS]
    )
