"""What the overlap API reads and answers."""

from datetime import datetime
from typing import Literal

import pydantic
from django.http import QueryDict
from ninja import Field, Schema

from partnerhub.core.visibility import circle_of
from partnerhub.overlaps.models import OverlapPair
from partnerhub.overlaps.sentences import explanation_sentence
from partnerhub.overlaps.services import NOTE_MAX_LENGTH

Decision = Literal["duplicate", "complementary", "unrelated"]


class OverlapSideOut(Schema):
    id: int
    title: str
    language: str
    owner: str = Field(description="Short name of the owner organisation.")

    @staticmethod
    def resolve_owner(engagement) -> str:
        return engagement.owner.short_name


class OverlapPairOut(Schema):
    id: int
    first: OverlapSideOut = Field(description="The engagement with the lower id.")
    second: OverlapSideOut
    countries: list[str] = Field(description="Partner countries both engagements work in (ISO alpha-3).")
    score: float = Field(
        description="0 to 1: 0.6 × text similarity + 0.15 × common themes + 0.15 × common "
        "period + 0.1 for a common implementer."
    )
    text_similarity: float
    why: str = Field(description="The explanation as a sentence in the language of the request.")
    explanation: dict = Field(
        description="Countries, themes, common period, text similarity, common implementers and the parts of the score."
    )
    decision: Literal["pending", "duplicate", "complementary", "unrelated"]
    decided_at: datetime | None
    decided_by: str | None = Field(description="Who decided; for EU-side readers only.")
    decision_note: str = Field(description="The reviewer's note; for EU-side readers only.")
    found_at: datetime

    @staticmethod
    def resolve_countries(pair: OverlapPair) -> list[str]:
        return sorted(country.iso3 for country in pair.countries.all())

    @staticmethod
    def resolve_why(pair: OverlapPair) -> str:
        return explanation_sentence(pair)

    @staticmethod
    def resolve_explanation(pair: OverlapPair, context) -> dict:
        explanation = dict(pair.explanation or {})
        previous = explanation.get("previous_decision")
        if previous and not _reads_review(context):
            explanation["previous_decision"] = {key: previous.get(key) for key in ("decision", "decided_at")}
        return explanation

    @staticmethod
    def resolve_decided_by(pair: OverlapPair, context) -> str | None:
        if pair.decided_by is None or not _reads_review(context):
            return None
        return pair.decided_by.get_full_name() or pair.decided_by.get_username()

    @staticmethod
    def resolve_decision_note(pair: OverlapPair, context) -> str:
        return pair.decision_note if _reads_review(context) else ""


class OverlapFilterParams(Schema):
    country: str | None = Field(
        None, pattern=r"^[A-Za-z]{3}$", description="Only pairs sharing this partner country (ISO alpha-3)."
    )
    decision: Literal["pending", "duplicate", "complementary", "unrelated"] | None = Field(
        None, description="pending: still to review. Empty: every pair."
    )
    min_score: float | None = Field(None, ge=0, le=1, description="Only pairs scoring at least this.")

    def as_query(self) -> QueryDict:
        """The same query string the list page would receive (country codes in capitals)."""
        query = QueryDict(mutable=True)
        for name, value in self.model_dump(exclude_none=True).items():
            query[name] = value.upper() if name == "country" else str(value)
        return query


class DecisionIn(Schema):
    model_config = pydantic.ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Decision
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


def _reads_review(context) -> bool:
    return circle_of(context["request"].user).eu_side
