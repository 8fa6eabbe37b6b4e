"""The matching over the API: a need's suggestions, a partner country's supply's suggestions, and the
coordinators' overrides (record, read, withdraw).

Everything is computed with what the caller may see: a hidden need, a supply the caller may not see,
an override on a hidden need answer 404 exactly like missing ones. A body is read only once the record
was found and the caller found allowed (403 otherwise).
"""

from datetime import date
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

from partnerhub.core.api import NumberedPagination, json_body_openapi, read_json_body
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.geo.models import Country
from partnerhub.talent import overrides as override_service
from partnerhub.talent.match_explanations import factor_lines, override_text, safeguard_text
from partnerhub.talent.match_queries import (
    MatchFilters,
    match_settings,
    need_facts,
    suggestions_for_needs,
    suggestions_for_supply,
    visible_supply,
)
from partnerhub.talent.matching import Match, MatchSettings, Ranking
from partnerhub.talent.models import MatchOverride, Occupation, OccupationLevel, TalentNeed

router = Router(tags=["talent matching"])

OverrideId = Path(..., ge=1, le=2**63 - 1, description="The override's id.")


class FactorOut(Schema):
    name: str
    value: float
    weight: float
    explanation: str


class OverrideOut(Schema):
    id: int
    need: int
    country: str = Field(description="ISO 3166-1 alpha-3 code of the partner country.")
    occupation: str = Field(description="ISCO-08 unit group offered.")
    decision: str
    reason: str
    decided_by: str
    decided_at: str
    withdrawn_at: str | None


class MatchOut(Schema):
    need: int
    member_state: str
    member_state_name: str
    occupation_sought: str
    people_sought_per_year: int
    partner_country: str
    partner_country_name: str
    occupation_offered: str
    people_offered_per_year: int
    rank: int | None = Field(description="Null for a blocked suggestion.")
    blocked: bool
    score: float
    score_before_safeguards: float
    factors: list[FactorOut]
    safeguards: str = Field(description="What the safeguards did, with the list edition and its basis.")
    override: str = Field(description="The coordinator's standing decision, with its reason.")


class MatchParams(Schema):
    need: int | None = Field(None, ge=1, le=2**63 - 1, description="A need's id: the partner countries suggested.")
    supply_country: str | None = Field(
        None, description="A partner country (ISO3) whose supply is matched; with occupation."
    )
    occupation: str | None = Field(None, description="The ISCO-08 unit group of that supply.")
    on: date | None = Field(None, description="Matching date (the safeguard list in force); today when absent.")


class OverrideIn(Schema):
    need: int = Field(ge=1, le=2**63 - 1)
    country: str = Field(description="ISO3 code of the partner country.")
    occupation: str = Field(description="ISCO-08 unit group offered.")
    decision: Literal["allow", "block"] = Field(description="allow (lift the safeguards) or block.")
    reason: str = Field(min_length=1, max_length=2000)


def _query_error(field: str, message: str) -> InputError:
    return InputError([{"type": "invalid", "loc": ["query", field], "msg": message}])


def match_out(match: Match, rank: int | None, config: MatchSettings) -> dict[str, Any]:
    need, supply = match.need, match.supply
    return {
        "need": need.id,
        "member_state": need.member_state_iso3,
        "member_state_name": need.member_state_name,
        "occupation_sought": need.occupation,
        "people_sought_per_year": need.people_per_year,
        "partner_country": supply.country_iso3,
        "partner_country_name": supply.country_name,
        "occupation_offered": supply.occupation,
        "people_offered_per_year": supply.people_per_year,
        "rank": rank,
        "blocked": match.blocked,
        "score": round(match.score, 6),
        "score_before_safeguards": round(match.base_score, 6),
        "factors": [line.__dict__ for line in factor_lines(match, config)],
        "safeguards": safeguard_text(match, config),
        "override": override_text(match),
    }


def ranking_out(ranking: Ranking) -> list[dict[str, Any]]:
    config = match_settings()
    return [match_out(m, rank, config) for rank, m in enumerate(ranking.ranked, start=1)] + [
        match_out(m, None, config) for m in ranking.blocked
    ]


@router.get("/talent/matches", response=list[MatchOut], summary="Suggestions for a need or a supply")
@paginate(NumberedPagination)
def list_matches(request: HttpRequest, params: Query[MatchParams]) -> list[dict[str, Any]]:
    """``?need=<id>``: the partner countries suggested for a need you may see. ``?supply_country=<ISO3>
    &occupation=<code>``: the Member States suggested for that country's supply you may see. Ranked
    ones first, by rank, then the blocked ones; every factor explained."""
    day = params.on or timezone.localdate()
    if params.need is not None and params.supply_country:
        raise _query_error("need", _("Ask for a need or for a supply, not both."))
    if params.need is not None:
        need = get_object_or_404(
            TalentNeed.objects.visible_to(request.user).select_related("member_state", "occupation"), pk=params.need
        )
        [(_need, ranking)] = suggestions_for_needs(request.user, [need_facts(need)], MatchFilters(), day)
        return ranking_out(ranking)
    if not params.supply_country:
        raise _query_error("need", _("Give a need, or a supply_country with an occupation."))
    if not params.occupation:
        raise _query_error("occupation", _("Give the ISCO-08 unit group of the supply."))
    country = get_object_or_404(Country.objects.filter(is_eu_member=False), iso3=params.supply_country.upper())
    supplies = [
        s
        for s in visible_supply(request.user, MatchFilters(country=country), minor_groups={params.occupation[:3]})
        if s.occupation == params.occupation
    ]
    if not supplies:
        raise Http404
    [(_supply, ranking)] = suggestions_for_supply(request.user, supplies, MatchFilters(), day)
    return ranking_out(ranking)


# -- overrides ------------------------------------------------------------------------------------


def override_out(override: MatchOverride) -> dict[str, Any]:
    user = override.decided_by
    return {
        "id": override.pk,
        "need": override.need_id,
        "country": override.country.iso3,
        "occupation": override.occupation.code,
        "decision": override.decision,
        "reason": override.reason,
        "decided_by": (user.get_full_name() or user.get_username()) if user is not None else "",
        "decided_at": override.decided_at.isoformat(),
        "withdrawn_at": override.withdrawn_at.isoformat() if override.withdrawn_at else None,
    }


def visible_overrides(request: HttpRequest):  # type: ignore[no-untyped-def]
    return MatchOverride.objects.visible_to(request.user).select_related("country", "occupation", "decided_by")


@router.get("/talent/overrides/{override_id}", response={200: OverrideOut, 404: Message}, summary="One override")
def get_talent_override(request: HttpRequest, override_id: int = OverrideId) -> dict[str, Any]:
    return override_out(get_object_or_404(visible_overrides(request), pk=override_id))


@router.post(
    "/talent/overrides",
    response={201: OverrideOut, 401: Message, 403: Message, 404: Message, 422: InputErrors},
    summary="Allow or block a suggestion",
    openapi_extra=json_body_openapi(OverrideIn),
)
def create_talent_override(request: HttpRequest) -> Status:
    """Coordinators on the EU side who see the need; one standing decision per suggestion."""
    if not override_service.may_override(request.user):
        raise PermissionDenied(_("Only coordinators on the EU side allow or block a suggestion."))
    body = read_json_body(request, OverrideIn)
    need = get_object_or_404(TalentNeed.objects.visible_to(request.user), pk=body.need)
    country = Country.objects.filter(iso3=body.country.upper()).first()
    occupation = Occupation.objects.filter(code=body.occupation, level=OccupationLevel.UNIT).first()
    errors = []
    if country is None:
        errors.append({"type": "invalid", "loc": ["body", "country"], "msg": _("Unknown country code.")})
    if occupation is None:
        errors.append({"type": "invalid", "loc": ["body", "occupation"], "msg": _("Unknown ISCO-08 unit group.")})
    if errors or country is None or occupation is None:
        raise InputError(errors)
    override = override_service.create_override(
        need, country, occupation, decision=body.decision, reason=body.reason, acting_user=request.user
    )
    return Status(201, override_out(get_object_or_404(visible_overrides(request), pk=override.pk)))


@router.post(
    "/talent/overrides/{override_id}/withdraw",
    response={200: OverrideOut, 401: Message, 403: Message, 404: Message, 422: InputErrors},
    summary="Withdraw an override",
)
def withdraw_talent_override(request: HttpRequest, override_id: int = OverrideId) -> dict[str, Any]:
    override = get_object_or_404(visible_overrides(request), pk=override_id)
    if not override_service.may_override(request.user):
        raise PermissionDenied(_("Only coordinators on the EU side allow or block a suggestion."))
    override_service.withdraw_override(override, acting_user=request.user)
    return override_out(get_object_or_404(visible_overrides(request), pk=override_id))
