"""What the plans API reads and answers."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from partnerhub.core.api import RecordId, read_version_in

Status = Literal["planned", "ongoing", "done", "stalled", "dropped"]
Rating = Literal["", "red", "amber", "green"]


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
    shared_with_organisations: list[str] = Field(description="Restricted plans: the organisations named.")
    shared_with_countries: list[str] = Field(description="Restricted plans: the Member States named (ISO alpha-3).")

    @staticmethod
    def resolve_country(plan) -> str:
        return plan.country.iso3

    @staticmethod
    def resolve_shared_with_organisations(plan) -> list[str]:
        return [str(organisation) for organisation in plan.shared_with_organisations.all()]

    @staticmethod
    def resolve_shared_with_countries(plan) -> list[str]:
        return [country.iso3 for country in plan.shared_with_countries.all()]

    @staticmethod
    def resolve_owner(plan) -> str:
        return str(plan.owner)


class IndicatorOut(Schema):
    id: int
    action_id: int
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest_value: Decimal | None
    latest_value_on: date | None
    version: int = Field(description="Moves on with every change; send it back when changing the indicator.")


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
    fiche_id: int | None = Field(description="The action's Action Fiche, once written (GET /api/fiches/{id}).")
    version: int = Field(description="Moves on with every change; send it back when changing the action.")


class ActionUpdateIn(Schema):
    """Only the fields sent change. The lead organisation's editors change the progress fields
    (status, ratings, comment, engagements); the plan's editors every field."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(None, min_length=1, max_length=5000)
    objective: str | None = Field(None, max_length=300)
    deadline: date | None = None
    status: Status | None = None
    rag_override: Rating | None = None
    rag_override_reason: str | None = Field(None, max_length=5000)
    rag_comment: str | None = Field(None, max_length=5000)
    engagement_ids: list[RecordId] | None = None
    version: int | None = read_version_in("action")


Amount = Field(None, max_digits=14, decimal_places=2)


class IndicatorIn(Schema):
    """A new indicator: by the editors of the plan's owner."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(..., min_length=1, max_length=300)
    unit: str = Field("", max_length=60)
    baseline: Decimal = Field(Decimal(0), max_digits=14, decimal_places=2)
    target: Decimal = Field(..., max_digits=14, decimal_places=2)
    latest_value: Decimal | None = Amount
    latest_value_on: date | None = None


class IndicatorUpdateIn(Schema):
    """Only the fields sent change. The lead organisation's editors send the latest value and its date
    (the day of the request when left out); the plan's editors may change every field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=300)
    unit: str | None = Field(None, max_length=60)
    baseline: Decimal | None = Amount
    target: Decimal | None = Amount
    latest_value: Decimal | None = Amount
    latest_value_on: date | None = None
    version: int | None = read_version_in("indicator")


class FicheOut(Schema):
    id: int
    action_id: int
    activities: str
    budget: Decimal | None = Field(description="In EUR.")
    implementing_partners: str
    risks: str
    timeline: str
    updated_at: datetime
    version: int = Field(description="Moves on with every change; send it back when changing the fiche.")


class FicheIn(Schema):
    """Only the fields sent change; the fiche is created the first time."""

    model_config = ConfigDict(extra="forbid")

    activities: str | None = Field(None, max_length=20000)
    budget: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="In EUR; null clears it.")
    implementing_partners: str | None = Field(None, max_length=20000)
    risks: str | None = Field(None, max_length=20000)
    timeline: str | None = Field(None, max_length=20000)
    version: int | None = read_version_in("Action Fiche")


class ReviewOut(Schema):
    id: int
    plan_id: int
    note: str
    opened_at: datetime
    closed_at: datetime | None
    is_open: bool


class ReviewDetailOut(ReviewOut):
    snapshot: dict[str, Any] = Field(
        description="Empty while the review is open; once closed, every action as it stood: status, overdue, "
        "the rating in force (rag), the one the indicators suggested when the review closed (rag_suggested), "
        "the one set by hand (rag_override) with its reason, the comment and the indicators."
    )


class ReviewOpenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=5000)
