"""What the key-facts API reads and answers."""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

Status = Literal["imported", "proposed", "agreed", "disputed", "superseded"]


class FigureSourceOut(Schema):
    publisher: str
    dataset: str
    release_date: date | None = Field(description="The vintage: the release the figures come from.")
    address: str
    update_every_days: int | None
    freshness: str = Field(description="fresh, due or overdue against its release cycle; unknown without one.")


class FigureIndicatorOut(Schema):
    code: str
    name: str
    unit: str
    definition: str = Field(description="The publisher's definition, to read a disagreement by.")
    direction: str = Field(description="higher-better, higher-worse or neutral.")
    pair: bool = Field(description="Figures are given per origin × destination.")
    themes: list[str] = Field(description="Codes of the themes it informs.")
    default_source: FigureSourceOut | None


class StanceOut(Schema):
    organisation: str
    stance: str = Field(description="endorse or dispute.")
    reason: str
    given_at: Any


class ObservationOut(Schema):
    id: int
    indicator: str = Field(description="The indicator's code.")
    country: str = Field(description="ISO 3166-1 alpha-3 code of the country, or of the origin of a pair.")
    destination: str | None = Field(description="ISO 3166-1 alpha-3 code of the destination of a pair.")
    period: str
    period_start: date
    value: Decimal
    unit: str
    source: FigureSourceOut
    method_note: str
    status: str
    note: str
    revises: int | None = Field(description="The agreed figure this revised release would replace.")
    proposed_at: Any
    agreed_at: Any
    sharing_level: str
    stances: list[StanceOut]


class FigureDisagreementOut(Schema):
    indicator: str
    country: str
    destination: str | None
    period: str
    gap: Decimal = Field(description="The difference as a share of the larger figure.")
    observations: list[ObservationOut]


class DisagreementPage(Schema):
    count: int = Field(description="Disagreements on all pages together.")
    next: str | None = Field(description="URL of the next page, if any.")
    previous: str | None = Field(description="URL of the previous page, if any.")
    items: list[FigureDisagreementOut]


class ObservationFilterParams(Schema):
    indicator: str | None = Field(None, max_length=80, description="An indicator's code.")
    country: str | None = Field(None, max_length=3, description="ISO 3166-1 alpha-3 code of a country.")
    period: str | None = Field(None, max_length=7, description="A year, quarter or month: 2022, 2022-Q3, 2022-07.")
    status: Status | None = None


class DisagreementFilterParams(Schema):
    indicator: str | None = Field(None, max_length=80, description="An indicator's code.")
    country: str | None = Field(None, max_length=3, description="ISO 3166-1 alpha-3 code of a country.")
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    page_size: int = Field(25, ge=1, le=200, description="Items per page, at most 200.")


class ProposeIn(Schema):
    note: str = Field(min_length=1, max_length=5000, description="Why this figure should be the one to quote.")


ORGANISATION = Field(
    None,
    ge=1,
    le=2**63 - 1,
    description="The id of the organisation you speak for, when you edit for several; the first otherwise.",
)


class StanceIn(Schema):
    organisation: int | None = ORGANISATION


class DisputeIn(Schema):
    reason: str = Field(min_length=1, max_length=5000, description="Why the figure is disputed.")
    organisation: int | None = ORGANISATION


class FigureIn(Schema):
    indicator: str = Field(max_length=80, description="An indicator's code.")
    country: str = Field(max_length=3, description="ISO 3166-1 alpha-3 code of the country, or the origin of a pair.")
    destination: str | None = Field(None, max_length=3, description="ISO alpha-3 code of the destination of a pair.")
    period: str = Field(max_length=7, description="A year, quarter or month: 2022, 2022-Q3, 2022-07.")
    value: Decimal = Field(max_digits=28, decimal_places=6)
    unit: str = Field("", max_length=60, description="The indicator's unit when empty.")
    source_publisher: str = Field(min_length=1, max_length=200, description="Who publishes the figure.")
    source_dataset: str = Field(min_length=1, max_length=300, description="The publisher's dataset or table.")
    source_release_date: date | None = Field(None, description="The release the figure comes from (its vintage).")
    source_address: str = Field("", max_length=500, description="Where the figure is published (a URL).")
    method_note: str = Field("", max_length=5000)
    note: str = Field(min_length=1, max_length=5000, description="Why this figure should be the one to quote.")
    sharing_level: Literal["public", "partner", "eu", "originator"] = "eu"
    organisation: int | None = Field(
        None, ge=1, le=2**63 - 1, description="The id of the organisation that owns it; your first one otherwise."
    )


class EmptyIn(Schema):
    pass
