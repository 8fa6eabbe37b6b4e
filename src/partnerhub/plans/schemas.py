"""What the plans API reads and answers."""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

Status = Literal["planned", "ongoing", "done", "stalled", "dropped"]
Rating = Literal["", "red", "amber", "green"]


class Message(Schema):
    detail: str


class InputErrors(Schema):
    detail: list[dict]


class PlanFilterParams(Schema):
    country: str | None = Field(None, description="ISO 3166-1 alpha-3 code of a partner country.")
    status: Literal["draft", "agreed", "superseded"] | None = None


class PlanOut(Schema):
    id: int
    title: str
    country: str = Field(description="ISO 3166-1 alpha-3 code of the partner country.")
    owner: str
    period_start: date
    period_end: date
    objectives: str
    status: str
    version: int
    agreed_on: date | None
    sharing_level: str

    @staticmethod
    def resolve_country(plan) -> str:
        return plan.country.iso3

    @staticmethod
    def resolve_owner(plan) -> str:
        return str(plan.owner)


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest_value: Decimal | None
    latest_value_on: date | None


class ActionOut(Schema):
    id: int
    plan_id: int
    description: str
    objective: str
    theme: str = Field(description="The theme's code.")
    lead_organisation: str
    deadline: date | None
    status: str
    overdue: bool
    rag: str = Field(description="The rating in force: set by hand, or else suggested by the indicators.")
    rag_suggested: str
    rag_override: str
    rag_override_reason: str
    rag_comment: str
    engagement_ids: list[int] = Field(description="The linked engagements the caller may see.")
    indicators: list[IndicatorOut]


class ActionUpdateIn(Schema):
    """Only the fields sent change. The lead organisation's editors change the progress fields
    (status, ratings, comment, engagements); the plan's editors every field."""

    description: str | None = Field(None, min_length=1, max_length=5000)
    objective: str | None = Field(None, max_length=300)
    deadline: date | None = None
    status: Status | None = None
    rag_override: Rating | None = None
    rag_override_reason: str | None = Field(None, max_length=5000)
    rag_comment: str | None = Field(None, max_length=5000)
    engagement_ids: list[int] | None = None
