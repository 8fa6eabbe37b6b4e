"""What the country profile API reads and answers."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from partnerhub.analysis.forms import read_money_kind, unknown_money_kind_message
from partnerhub.core.api import RecordId
from partnerhub.registry.models import MoneyKind


class KindTotalOut(Schema):
    kind: str
    label: str
    team_europe: Decimal = Field(description="EUR, each euro counted once.")
    reported: Decimal = Field(description="EUR as the Team Europe actors reported it for this country.")
    engagements: int


class RowOut(Schema):
    key: str
    label: str
    amount: Decimal
    reported: Decimal | None = None
    engagements: int
    share: Decimal | None = None
    is_team_europe: bool
    level: int


class InterestOut(Schema):
    interest: str
    label: str
    money: Decimal
    money_share: Decimal | None
    engagements: Decimal
    engagement_share: Decimal | None


class BalanceOut(Schema):
    parts: list[InterestOut]
    basis: str | None
    partner_share: Decimal | None
    threshold: Decimal
    one_sided: bool | None = Field(
        description="Whether the partnership is one-sided against the partner; null when no verdict is given "
        "because the reader may see too little of the country's Team Europe money."
    )
    one_sided_towards: Literal["eu", "partner"] | None = Field(
        description="The side the portfolio mainly serves when it is one-sided, in either direction."
    )
    verdict_withheld: bool = Field(
        description="True when the reader may see less than min_share_seen % of the country's Team Europe "
        "money: the shares are of what they may see and no verdict is given."
    )
    min_share_seen: Decimal
    unclassified_money: Decimal
    unclassified_engagements: int


class PriorityOut(Schema):
    id: int
    country: str
    theme: str
    description: str
    source: str
    source_url: str
    stated_on: date
    sharing_level: str
    owner_id: int
    updated_at: datetime

    @staticmethod
    def resolve_country(priority):
        return priority.country.iso3

    @staticmethod
    def resolve_theme(priority):
        return priority.theme.code


class PriorityServedOut(Schema):
    priority: PriorityOut
    amount: Decimal
    engagements: int
    is_gap: bool


class NettedOut(Schema):
    engagement_id: int
    title: str
    owner: str
    reported: Decimal
    netted: Decimal
    upstream_engagement_ids: list[int]
    reasons: list[str]


class RegionalMoneyOut(Schema):
    region: str = Field(description="IATI Region code (vocabulary 1).")
    name: str
    amount: Decimal = Field(
        description="Team Europe money of the profile's kind placed in the region, counted once; "
        "not part of the country's figures."
    )
    undisclosed: bool


class KeyFigureOut(Schema):
    observation_id: int
    period: str
    value: Decimal
    unit: str
    status: str = Field(description="imported, proposed, agreed or disputed.")
    source: str = Field(description="Publisher – dataset.")


class DisagreementOut(Schema):
    first: KeyFigureOut
    second: KeyFigureOut


class KeyFactOut(Schema):
    indicator: str = Field(description="The indicator's code.")
    name: str
    definition: str = Field(description="The publisher's definition.")
    figure: KeyFigureOut = Field(
        description="The agreed figure, else the latest figure of the indicator's default source."
    )
    agreed: bool
    source_release_date: date | None = Field(description="The vintage of the figure's source.")
    source_address: str
    freshness: str = Field(description="fresh, due, overdue or unknown, against the source's release cycle.")
    trend: list[KeyFigureOut] = Field(description="One figure per period, oldest first, agreed where there is one.")
    disagreements: list[DisagreementOut] = Field(
        description="Figures of two sources for the shown period further apart than the tolerance."
    )


class RemittancesOut(Schema):
    figure: KeyFigureOut
    eur: Decimal | None = Field(description="In EUR at the ECB reference rate of rate_date; null when not converted.")
    rate_date: date | None


class ProfileOut(Schema):
    country: str
    kind: str
    team_europe_total: Decimal
    undisclosed: bool = Field(
        description="Records the caller may not see also carry money here; their amounts are never told."
    )
    engagements: int
    totals: list[KindTotalOut]
    by_theme: list[RowOut]
    by_actor: list[RowOut]
    by_instrument: list[RowOut]
    by_year: list[RowOut]
    balance: BalanceOut
    priorities: list[PriorityServedOut]
    netted: list[NettedOut]
    regional: list[RegionalMoneyOut] = Field(
        description="Regional programmes in the regions that cover the country (visible records only)."
    )
    key_facts: list[KeyFactOut] = Field(description="The figures to quote, as the caller may see them.")
    remittances: RemittancesOut | None = Field(
        description="The latest yearly remittance inflows, the context of the money figures."
    )


class ProfileParams(Schema):
    money: MoneyKind = Field(MoneyKind.COMMITMENT, description="The kind of money of the breakdowns.")

    @field_validator("money", mode="before")
    @classmethod
    def known_money_kind(cls, value: object) -> str:
        """Read as the pages read ``?money=``; a value naming no kind answers 422 rather than other figures."""
        choice = read_money_kind(None if value is None else str(value))
        if choice.unknown is not None:
            raise ValueError(unknown_money_kind_message(choice.unknown))
        return choice.kind


class PriorityIn(Schema):
    theme: str = Field(description="Theme code, e.g. DEV-REMIT.")
    description: str
    source: str
    source_url: str = ""
    stated_on: date
    sharing_level: str = "partner"
    owner_id: RecordId | None = Field(None, description="Recording organisation; by default the caller's first.")
