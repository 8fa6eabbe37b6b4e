"""The country profile and the partner's priorities over the API.

The profile answers with exactly the figures of /countries/<iso3>/ for the
caller: only visible records, each euro counted once, ``undisclosed`` instead
of any amount of hidden records.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from partnerhub.analysis import priority_services
from partnerhub.analysis.balance import Balance
from partnerhub.analysis.models import PartnerPriority
from partnerhub.analysis.priorities import PartnerPriorityForm, recording_organisations
from partnerhub.analysis.profile import country_profile
from partnerhub.geo.models import Country
from partnerhub.registry.models import MoneyKind, Theme

router = Router(tags=["country profiles"])

ISO3 = Path(..., pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code of a partner country.")


class Message(Schema):
    detail: str


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
                    "because the reader may see too little of the country's Team Europe money.")
    one_sided_towards: Literal["eu", "partner"] | None = Field(
        description="The side the portfolio mainly serves when it is one-sided, in either direction.")
    verdict_withheld: bool = Field(
        description="True when the reader may see less than min_share_seen % of the country's Team Europe "
                    "money: the shares are of what they may see and no verdict is given.")
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
    amount: Decimal = Field(description="Team Europe money of the profile's kind placed in the region, counted once; "
                                        "not part of the country's figures.")
    undisclosed: bool


class ProfileOut(Schema):
    country: str
    kind: str
    team_europe_total: Decimal
    undisclosed: bool = Field(description="Records the caller may not see also carry money here; "
                                          "their amounts are never told.")
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
        description="Regional programmes in the regions that cover the country (visible records only).")


class ProfileParams(Schema):
    money: MoneyKind = Field(MoneyKind.COMMITMENT, description="The kind of money of the breakdowns.")


class PriorityIn(Schema):
    theme: str = Field(description="Theme code, e.g. DEV-REMIT.")
    description: str
    source: str
    source_url: str = ""
    stated_on: date
    sharing_level: str = "partner"
    owner_id: int | None = Field(None, description="Recording organisation; by default the caller's first.")


def balance_out(balance: Balance) -> dict:
    return {
        **vars(balance), "partner_share": balance.partner_share,
        "one_sided": None if balance.verdict_withheld else balance.one_sided,
        "one_sided_towards": balance.one_sided_towards, "verdict_withheld": balance.verdict_withheld,
    }


def _partner_country(iso3: str) -> Country:
    return Country.objects.partner_or_404(iso3)


@router.get("/countries/{iso3}/profile", response={200: ProfileOut, 404: Message}, summary="Country profile")
def get_profile(request, params: Query[ProfileParams], iso3: str = ISO3):
    country = _partner_country(iso3)
    profile = country_profile(request.user, country, params.money)
    return {
        "country": country.iso3, "kind": profile.kind, "team_europe_total": profile.team_europe_total,
        "undisclosed": profile.undisclosed, "engagements": profile.engagement_count,
        "totals": profile.totals, "by_theme": profile.by_theme, "by_actor": profile.by_actor,
        "by_instrument": profile.by_instrument, "by_year": profile.by_year,
        "balance": balance_out(profile.balance),
        "priorities": [{"priority": row.priority, "amount": row.amount, "engagements": row.engagements,
                        "is_gap": row.is_gap} for row in profile.priorities],
        "netted": [{**vars(row), "upstream_engagement_ids": [s.engagement_id for s in row.sources],
                    "reasons": [s.reason for s in row.sources]} for row in profile.netted],
        "regional": [{"region": row.region.code, "name": row.region.name, "amount": row.amount,
                      "undisclosed": row.undisclosed} for row in profile.regional],
    }


@router.get("/countries/{iso3}/priorities", response={200: list[PriorityOut], 404: Message},
            summary="The partner's stated priorities")
def list_priorities(request, iso3: str = ISO3):
    country = _partner_country(iso3)
    return PartnerPriority.objects.visible_to(request.user).filter(country=country).select_related(
        "country", "theme")


@router.post("/countries/{iso3}/priorities", response={201: PriorityOut, 403: Message, 404: Message,
                                                        422: dict}, summary="Record a priority")
def create_priority(request, payload: PriorityIn, iso3: str = ISO3):
    country = _partner_country(iso3)
    organisations = _recording_organisations(request, country)
    owner = payload.owner_id or organisations[0].pk
    form = _valid(PartnerPriorityForm(_form_data(payload, owner), organisations=organisations))
    priority = priority_services.create_priority(country=country, owner=form.cleaned_data["owner"],
                                                 fields=form.cleaned_data, acting_user=request.user)
    return Status(201, _for_output(priority))


@router.put("/priorities/{priority_id}", response={200: PriorityOut, 403: Message, 404: Message, 422: dict},
            summary="Change a priority", description="Only editors of the organisation that recorded it.")
def update_priority(request, payload: PriorityIn, priority_id: int = Path(..., ge=1, le=2**31 - 1)):
    priority = _visible_priority(request, priority_id)
    form = PartnerPriorityForm(_form_data(payload, priority.owner_id), instance=priority,
                               organisations=[priority.owner])
    del form.fields["owner"]
    priority = priority_services.update_priority(priority, _valid(form).cleaned_data, acting_user=request.user)
    return _for_output(priority)


@router.delete("/priorities/{priority_id}", response={204: None, 403: Message, 404: Message},
               summary="Remove a priority", description="Only editors of the organisation that recorded it.")
def delete_priority(request, priority_id: int = Path(..., ge=1, le=2**31 - 1)):
    priority_services.delete_priority(_visible_priority(request, priority_id), acting_user=request.user)
    return Status(204, None)


def _visible_priority(request, priority_id: int) -> PartnerPriority:
    """Hidden and missing priorities answer the same 404."""
    return get_object_or_404(
        PartnerPriority.objects.visible_to(request.user).select_related("country", "theme", "owner"),
        pk=priority_id)


def _recording_organisations(request, country):
    organisations = recording_organisations(request.user, country)
    if not organisations:
        raise PermissionDenied(_("Priorities of %(country)s are recorded by coordinators of the EU side and by "
                                 "editors of the authorities of %(country)s.") % {"country": country.name})
    return organisations


def _form_data(payload: PriorityIn, owner_id: int) -> dict:
    theme = Theme.objects.filter(code=payload.theme).values_list("pk", flat=True).first()
    if theme is None:
        raise ValidationError({"theme": _("No theme has the code “%(code)s”.") % {"code": payload.theme}})
    return {**payload.dict(exclude={"owner_id", "theme"}), "theme": theme, "owner": owner_id}


def _valid(form: PartnerPriorityForm) -> PartnerPriorityForm:
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form


def _for_output(priority: PartnerPriority) -> PartnerPriority:
    return PartnerPriority.objects.unrestricted("the priority the caller has just written").select_related(
        "country", "theme").get(pk=priority.pk)
