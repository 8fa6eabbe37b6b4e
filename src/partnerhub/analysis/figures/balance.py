"""Whose interests a country's Team Europe portfolio serves.

Each theme is tagged as serving mainly the EU, mainly the partner, or both
(``Theme.interest``, from the sources named in the theme fixture). The money
of each engagement, counted once, is split over its themes; the shares of the
three interests are taken over the money that has a theme. Engagement counts
are split the same way (an engagement on two themes counts half in each).
Money without a theme is shown apart and left out of the shares.

The partnership is one-sided when one side's share falls under
``settings.BALANCE_PARTNER_THRESHOLD`` per cent while the other side's share
reaches it: towards the EU when the partner's themes get too little, towards
the partner the other way round. Money on shared themes serves both, so a
portfolio mostly on shared themes is not one-sided either way. Shares are of
money when the country has money of the chosen kind, else of engagements.

A verdict computed on part of a country's portfolio would mislead: it is given
only to readers who see at least ``settings.BALANCE_VERDICT_MIN_SHARE_SEEN``
per cent of the country's Team Europe money (or engagements). What they see is
compared, on the server, with the same figure over every record
(``whole_countries``); only the answer, yes or no, reaches the reader.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum

from partnerhub.analysis.figures.actors import ActorDirectory, CountryFigures
from partnerhub.analysis.figures.counted import from_micro
from partnerhub.analysis.figures.portfolio import HUNDRED, ZERO, split_fractions
from partnerhub.registry.models import Engagement, EngagementCountry, Interest, Theme

INTERESTS = (Interest.EU, Interest.SHARED, Interest.PARTNER)


@dataclass
class InterestPart:
    interest: str
    label: str
    money: Decimal = ZERO
    engagements: Decimal = ZERO
    money_share: Decimal | None = None
    engagement_share: Decimal | None = None


@dataclass
class Balance:
    parts: list[InterestPart]
    unclassified_money: Decimal
    unclassified_engagements: int
    threshold: Decimal
    basis: str | None  # "money", "engagements", or None when there is nothing to weigh
    # Whether the reader sees enough of the country's portfolio for a verdict (never how much).
    verdict_shown: bool
    min_share_seen: Decimal

    def part(self, interest: str) -> InterestPart:
        return next(part for part in self.parts if part.interest == interest)

    @property
    def partner(self) -> InterestPart:
        return self.part(Interest.PARTNER)

    @property
    def partner_share(self) -> Decimal | None:
        return self.share_of(Interest.PARTNER)

    @property
    def eu_share(self) -> Decimal | None:
        return self.share_of(Interest.EU)

    def share_of(self, interest: str) -> Decimal | None:
        if self.basis == "money":
            return self.part(interest).money_share
        if self.basis == "engagements":
            return self.part(interest).engagement_share
        return None

    @property
    def verdict_withheld(self) -> bool:
        """There is something to weigh, but the reader sees too little of it for a verdict."""
        return self.basis is not None and not self.verdict_shown

    @property
    def one_sided_towards(self) -> str | None:
        """``Interest.EU`` or ``Interest.PARTNER`` when the portfolio serves mainly that side,
        None when it does not or when no verdict is given."""
        if self.basis is None or not self.verdict_shown:
            return None
        partner, eu = self.partner_share, self.eu_share
        if partner is None or eu is None:
            return None
        if partner < self.threshold <= eu:
            return Interest.EU
        if eu < self.threshold <= partner:
            return Interest.PARTNER
        return None

    @property
    def one_sided(self) -> bool:
        """One-sided against the partner: the flag of the profile, the ranking and the brief."""
        return self.one_sided_towards == Interest.EU


@dataclass(frozen=True)
class WholeCountry:
    """Team Europe money of one kind in a country over every record, whoever may see them
    (as reported, with the country's share), and its number of Team Europe engagements.
    Only compared with what a reader sees: never shown, kept or sent."""

    money: Decimal = ZERO
    engagements: int = 0


def theme_interests() -> dict[int, str]:
    return dict(Theme.objects.values_list("pk", "interest"))


def whole_countries(country_ids, kind: str) -> dict[int, WholeCountry]:
    """``WholeCountry`` of each of ``country_ids``, in three queries over every record."""
    country_ids = set(country_ids)
    in_scope = (
        Engagement.objects.unrestricted(
            "the verdict compares a reader's share with every record and keeps only the answer"
        )
        .about_migration()
        .filter(pk__in=EngagementCountry.objects.filter(country_id__in=country_ids).values("engagement_id"))
        .order_by()
    )
    rows = in_scope.annotate(total=Sum("money_lines__amount_eur", filter=Q(money_lines__kind=kind))).values_list(
        "pk", "owner_id", "total"
    )
    owners, money = {pk: owner_id for pk, owner_id, _total in rows}, {pk: total or ZERO for pk, _owner, total in rows}
    actors = ActorDirectory(owners.values())
    shares = defaultdict(list)
    for engagement_id, country_id, share in (
        EngagementCountry.objects.of(engagement=in_scope).order_by().values_list("engagement_id", "country_id", "share")
    ):
        shares[engagement_id].append((country_id, share))
    amounts: defaultdict[int, Decimal] = defaultdict(lambda: ZERO)
    counts: defaultdict[int, int] = defaultdict(int)
    for pk, owner_id in owners.items():
        if not actors.group(owner_id).is_team_europe:
            continue
        for country_id, fraction in split_fractions(shares[pk]).items():
            if country_id in country_ids:
                amounts[country_id] += money[pk] * fraction
                counts[country_id] += 1
    return {country_id: WholeCountry(amounts[country_id], counts[country_id]) for country_id in country_ids}


def sees_enough(figures: CountryFigures, whole: WholeCountry, min_share: Decimal) -> bool:
    team_europe = figures.team_europe_ids()
    seen_money = sum((figures.reported(pk) for pk in team_europe), ZERO)
    return sees_enough_of(seen_money, len(team_europe), whole, min_share)


def sees_enough_of(seen_money: Decimal, seen_engagements: int, whole: WholeCountry, min_share: Decimal) -> bool:
    """Whether the reader's Team Europe money of the country (as reported, before netting, as
    ``whole`` is) reaches ``min_share`` per cent of the whole; without money, their engagements."""
    if whole.money > 0:
        return seen_money * HUNDRED >= whole.money * min_share
    if whole.engagements:
        return seen_engagements * HUNDRED >= whole.engagements * min_share
    return True


def interest_parts() -> dict[str, InterestPart]:
    return {interest: InterestPart(interest, str(Interest(interest).label)) for interest in INTERESTS}


def balance_of(figures: CountryFigures, interests: dict[int, str], whole: WholeCountry) -> Balance:
    parts = interest_parts()
    unclassified_money, unclassified_engagements = ZERO, 0
    for pk in figures.team_europe_ids():
        facts = figures.engagements[pk]
        counted = figures.counted(pk)
        if not facts.theme_fractions:
            unclassified_money += counted
            unclassified_engagements += 1
            continue
        for theme_id, fraction in facts.theme_fractions.items():
            part = parts[interests[theme_id]]
            part.money += counted * fraction
            part.engagements += fraction
    min_share = Decimal(settings.BALANCE_VERDICT_MIN_SHARE_SEEN)
    return balance_from(parts, unclassified_money, unclassified_engagements, sees_enough(figures, whole, min_share))


def balance_of_sums(
    money_on_themes: Iterable[tuple[int | None, int]],
    weights_on_themes: Iterable[tuple[int | None, int, int]],
    seen: tuple[Decimal, int],
    whole: WholeCountry,
    interests: dict[int, str] | None = None,
) -> Balance:
    """The balance from precomputed sums (micro-euros and millionths): Team Europe money of the
    kind counted once per theme (None: no theme), the weights and rows of its engagements per
    theme, and what the reader sees of the country as reported (money, engagements).
    ``interests`` (theme → interest) is read once by callers weighing many countries."""
    interests, parts = interests or theme_interests(), interest_parts()
    unclassified_money, unclassified_engagements = 0, 0
    for theme_id, counted in money_on_themes:
        if theme_id is None:
            unclassified_money += counted
        else:
            parts[interests[theme_id]].money += from_micro(counted)
    for theme_id, weight, rows in weights_on_themes:
        if theme_id is None:
            unclassified_engagements += rows
        else:
            parts[interests[theme_id]].engagements += from_micro(weight)
    shown = sees_enough_of(*seen, whole, Decimal(settings.BALANCE_VERDICT_MIN_SHARE_SEEN))
    return balance_from(parts, from_micro(unclassified_money), unclassified_engagements, shown)


def balance_from(
    parts: dict[str, InterestPart], unclassified_money: Decimal, unclassified_engagements: int, verdict_shown: bool
) -> Balance:
    _fill_shares(parts.values())
    return Balance(
        parts=list(parts.values()),
        unclassified_money=unclassified_money,
        unclassified_engagements=unclassified_engagements,
        threshold=Decimal(settings.BALANCE_PARTNER_THRESHOLD),
        basis=_basis(parts.values()),
        verdict_shown=verdict_shown,
        min_share_seen=Decimal(settings.BALANCE_VERDICT_MIN_SHARE_SEEN),
    )


def _fill_shares(parts) -> None:
    parts = list(parts)
    money = sum((part.money for part in parts), ZERO)
    engagements = sum((part.engagements for part in parts), ZERO)
    for part in parts:
        part.money_share = part.money * HUNDRED / money if money else None
        part.engagement_share = part.engagements * HUNDRED / engagements if engagements else None


def _basis(parts) -> str | None:
    parts = list(parts)
    if sum((part.money for part in parts), ZERO) > 0:
        return "money"
    if sum((part.engagements for part in parts), ZERO) > 0:
        return "engagements"
    return None
