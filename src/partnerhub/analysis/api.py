"""The country profile and the partner's priorities over the API.

The profile answers with exactly the figures of /countries/<iso3>/ for the
caller: only visible records, each euro counted once, ``undisclosed`` instead
of any amount of hidden records.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from partnerhub.analysis import services
from partnerhub.analysis.figures.balance import Balance
from partnerhub.analysis.figures.keyfacts import KeyFact, key_facts, remittance_context
from partnerhub.analysis.figures.profile import country_profile
from partnerhub.analysis.forms import PartnerPriorityForm, recording_organisations
from partnerhub.analysis.models import PartnerPriority
from partnerhub.analysis.schemas import PriorityIn, PriorityOut, ProfileOut, ProfileParams
from partnerhub.core.api_errors import Message
from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme

router = Router(tags=["country profiles"])

ISO3 = Path(..., pattern=r"^[A-Za-z]{3}$", description="ISO 3166-1 alpha-3 code of a partner country.")


def balance_out(balance: Balance) -> dict:
    return {
        **vars(balance),
        "partner_share": balance.partner_share,
        "one_sided": None if balance.verdict_withheld else balance.one_sided,
        "one_sided_towards": balance.one_sided_towards,
        "verdict_withheld": balance.verdict_withheld,
    }


def _partner_country(iso3: str) -> Country:
    return Country.objects.partner_or_404(iso3)


@router.get("/countries/{iso3}/profile", response={200: ProfileOut, 404: Message}, summary="Country profile")
def get_profile(request, params: Query[ProfileParams], iso3: str = ISO3):
    country = _partner_country(iso3)
    profile = country_profile(request.user, country, params.money)
    facts = key_facts(request.user, country)
    remittances = remittance_context(facts)
    return {
        "country": country.iso3,
        "kind": profile.kind,
        "team_europe_total": profile.team_europe_total,
        "undisclosed": profile.undisclosed,
        "engagements": profile.engagement_count,
        "totals": profile.totals,
        "by_theme": profile.by_theme,
        "by_actor": profile.by_actor,
        "by_instrument": profile.by_instrument,
        "by_year": profile.by_year,
        "balance": balance_out(profile.balance),
        "priorities": [
            {"priority": row.priority, "amount": row.amount, "engagements": row.engagements, "is_gap": row.is_gap}
            for row in profile.priorities
        ],
        "netted": [
            {
                **vars(row),
                "upstream_engagement_ids": [s.engagement_id for s in row.sources],
                "reasons": [s.reason for s in row.sources],
            }
            for row in profile.netted
        ],
        "regional": [
            {"region": row.region.code, "name": row.region.name, "amount": row.amount, "undisclosed": row.undisclosed}
            for row in profile.regional
        ],
        "key_facts": [key_fact_out(fact) for fact in facts],
        "remittances": None
        if remittances is None
        else {
            "figure": figure_out(remittances.figure),
            "eur": remittances.eur,
            "rate_date": remittances.usd_per_eur_date,
        },
    }


def figure_out(figure) -> dict:
    return {
        "observation_id": figure.pk,
        "period": figure.period,
        "value": figure.value,
        "unit": figure.unit,
        "status": figure.status,
        "source": str(figure.source),
    }


def key_fact_out(fact: KeyFact) -> dict:
    return {
        "indicator": fact.indicator.code,
        "name": fact.indicator.localized_name,
        "definition": fact.indicator.definition,
        "figure": figure_out(fact.figure),
        "agreed": fact.is_agreed,
        "source_release_date": fact.source.release_date,
        "source_address": fact.source.address,
        "freshness": fact.freshness,
        "trend": [figure_out(figure) for figure in fact.trend],
        "disagreements": [
            {"first": figure_out(pair.first), "second": figure_out(pair.second)} for pair in fact.disagreements
        ],
    }


@router.get(
    "/countries/{iso3}/priorities",
    response={200: list[PriorityOut], 404: Message},
    summary="The partner's stated priorities",
)
def list_priorities(request, iso3: str = ISO3):
    country = _partner_country(iso3)
    return PartnerPriority.objects.visible_to(request.user).filter(country=country).select_related("country", "theme")


@router.post(
    "/countries/{iso3}/priorities",
    response={201: PriorityOut, 403: Message, 404: Message, 422: dict},
    summary="Record a priority",
)
def create_priority(request, payload: PriorityIn, iso3: str = ISO3):
    country = _partner_country(iso3)
    organisations = _recording_organisations(request, country)
    owner = payload.owner_id or organisations[0].pk
    form = _valid(PartnerPriorityForm(_form_data(payload, owner), organisations=organisations))
    priority = services.create_priority(
        country=country, owner=form.cleaned_data["owner"], fields=form.cleaned_data, acting_user=request.user
    )
    return Status(201, _for_output(priority))


@router.put(
    "/priorities/{priority_id}",
    response={200: PriorityOut, 403: Message, 404: Message, 422: dict},
    summary="Change a priority",
    description="Only editors of the organisation that recorded it.",
)
def update_priority(request, payload: PriorityIn, priority_id: int = Path(..., ge=1, le=2**31 - 1)):
    priority = _visible_priority(request, priority_id)
    form = PartnerPriorityForm(
        _form_data(payload, priority.owner_id), instance=priority, organisations=[priority.owner]
    )
    del form.fields["owner"]
    priority = services.update_priority(priority, _valid(form).cleaned_data, acting_user=request.user)
    return _for_output(priority)


@router.delete(
    "/priorities/{priority_id}",
    response={204: None, 403: Message, 404: Message},
    summary="Remove a priority",
    description="Only editors of the organisation that recorded it.",
)
def delete_priority(request, priority_id: int = Path(..., ge=1, le=2**31 - 1)):
    services.delete_priority(_visible_priority(request, priority_id), acting_user=request.user)
    return Status(204, None)


def _visible_priority(request, priority_id: int) -> PartnerPriority:
    """Hidden and missing priorities answer the same 404."""
    return get_object_or_404(
        PartnerPriority.objects.visible_to(request.user).select_related("country", "theme", "owner"), pk=priority_id
    )


def _recording_organisations(request, country):
    organisations = recording_organisations(request.user, country)
    if not organisations:
        raise PermissionDenied(
            _(
                "Priorities of %(country)s are recorded by coordinators of the EU side and by "
                "editors of the authorities of %(country)s."
            )
            % {"country": country.name}
        )
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
    return (
        PartnerPriority.objects.unrestricted("the priority the caller has just written")
        .select_related("country", "theme")
        .get(pk=priority.pk)
    )
