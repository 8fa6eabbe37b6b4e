"""Whose interests a country's Team Europe portfolio serves.

Each theme is tagged as serving mainly the EU, mainly the partner, or both
(``Theme.interest``, from the sources named in the theme fixture). The money
of each engagement, counted once, is split over its themes; the shares of the
three interests are taken over the money that has a theme. Engagement counts
are split the same way (an engagement on two themes counts half in each).
Money without a theme is shown apart and left out of the shares.

The partnership is flagged as one-sided when the partner's share falls under
``settings.BALANCE_PARTNER_THRESHOLD`` per cent: the share of money when the
country has money of the chosen kind, else the share of engagements.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from partnerhub.analysis.figures import CountryFigures
from partnerhub.analysis.portfolio import HUNDRED, ZERO
from partnerhub.registry.models import Interest, Theme

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

    @property
    def partner(self) -> InterestPart:
        return next(part for part in self.parts if part.interest == Interest.PARTNER)

    @property
    def partner_share(self) -> Decimal | None:
        if self.basis == "money":
            return self.partner.money_share
        if self.basis == "engagements":
            return self.partner.engagement_share
        return None

    @property
    def one_sided(self) -> bool:
        share = self.partner_share
        return share is not None and share < self.threshold


def theme_interests() -> dict[int, str]:
    return dict(Theme.objects.values_list("pk", "interest"))


def balance_of(figures: CountryFigures, interests: dict[int, str]) -> Balance:
    parts = {interest: InterestPart(interest, str(Interest(interest).label)) for interest in INTERESTS}
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
    _fill_shares(parts.values())
    return Balance(
        parts=list(parts.values()),
        unclassified_money=unclassified_money,
        unclassified_engagements=unclassified_engagements,
        threshold=Decimal(settings.BALANCE_PARTNER_THRESHOLD),
        basis=_basis(parts.values()),
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
