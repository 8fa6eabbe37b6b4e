"""Possible overlaps over the API: the pairs the caller sees, one pair, and a reviewer's decision.

A pair exists for a caller only when both of its engagements are visible
(``OverlapPair.objects.visible_to``): a hidden pair answers 404 exactly like a
missing one, whatever the body of a request holds. Reviewers' notes and names
are read by the EU side only, as engagement notes are. Reading needs a log-in
or a token: overlaps are a coordination tool, not public information.
"""

import json
from datetime import datetime
from typing import Literal

import pydantic
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

from partnerhub.access.api import NumberedPagination, TokenAuth, session_auth
from partnerhub.core.visibility import circle_of
from partnerhub.geo.models import Country
from partnerhub.overlaps.models import OverlapPair
from partnerhub.overlaps.sentences import explanation_sentence
from partnerhub.overlaps.services import NOTE_MAX_LENGTH, decide_overlap, require_overlap_reviewer

router = Router(tags=["overlaps"], auth=[TokenAuth(), session_auth])

PairId = Path(..., ge=1, le=2**63 - 1, description="The pair's id.")
Decision = Literal["duplicate", "complementary", "unrelated"]


class Message(Schema):
    detail: str


class InputErrors(Schema):
    detail: list[dict]


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
    score: float = Field(description="0 to 1: 0.6 × text similarity + 0.15 × common themes + 0.15 × common "
                                     "period + 0.1 for a common implementer.")
    text_similarity: float
    why: str = Field(description="The explanation as a sentence in the language of the request.")
    explanation: dict = Field(description="Countries, themes, common period, text similarity, common "
                                          "implementers and the parts of the score.")
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
    country: str | None = Field(None, pattern=r"^[A-Za-z]{3}$",
                                description="Only pairs sharing this partner country (ISO alpha-3).")
    decision: Literal["pending", "duplicate", "complementary", "unrelated"] | None = Field(
        None, description="pending: still to review. Empty: every pair.")
    min_score: float | None = Field(None, ge=0, le=1, description="Only pairs scoring at least this.")


class DecisionIn(Schema):
    model_config = pydantic.ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Decision
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


def _reads_review(context) -> bool:
    return circle_of(context["request"].user).eu_side


def visible_pairs(user):
    return OverlapPair.objects.visible_to(user).select_related(
        "first__owner", "second__owner", "decided_by").prefetch_related("countries")


@router.get("/overlaps", response=list[OverlapPairOut], summary="List possible overlaps")
@paginate(NumberedPagination)
def list_overlaps(request, filters: Query[OverlapFilterParams]):
    """The pairs whose two engagements you may see, best score first."""
    pairs = visible_pairs(request.user)
    if filters.country:
        country = Country.objects.partners().filter(iso3=filters.country.upper()).first()
        if country is None:
            raise InputError([{"type": "invalid", "loc": ["query", "country"],
                               "msg": _("%(code)s is not a partner country.") % {"code": filters.country}}])
        pairs = pairs.filter(countries=country)
    if filters.decision:
        pairs = pairs.filter(decision=filters.decision)
    if filters.min_score is not None:
        pairs = pairs.filter(score__gte=filters.min_score)
    return pairs.order_by("-score", "pk")


@router.get("/overlaps/{pair_id}", response={200: OverlapPairOut, 404: Message}, summary="One possible overlap")
def get_overlap(request, pair_id: int = PairId):
    return get_object_or_404(visible_pairs(request.user), pk=pair_id)


@router.post("/overlaps/{pair_id}/decision",
             response={200: OverlapPairOut, 401: Message, 403: Message, 404: Message, 422: InputErrors},
             summary="Record a decision on a possible overlap",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": DecisionIn.model_json_schema()}}}})
def decide(request, pair_id: int = PairId):
    """Coordinators and administrators of EU institutions and Member State bodies who see both
    engagements: duplicate, complementary or unrelated, with an optional note."""
    pair = get_object_or_404(visible_pairs(request.user), pk=pair_id)
    require_overlap_reviewer(request.user)
    body = _decision_body(request)
    decide_overlap(pair, body.decision, note=body.note, acting_user=request.user)
    return get_object_or_404(visible_pairs(request.user), pk=pair_id)


def _decision_body(request) -> DecisionIn:
    """The body, read only once the pair was found, so that a hidden pair answers 404 whatever it holds."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise HttpError(400, _("The request body is not valid JSON.")) from error
    try:
        return DecisionIn.model_validate(data)
    except pydantic.ValidationError as error:
        raise InputError([{"type": item["type"], "loc": ["body", *item["loc"]], "msg": item["msg"]}
                          for item in error.errors(include_url=False)]) from error

