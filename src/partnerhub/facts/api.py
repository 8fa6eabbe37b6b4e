"""Key facts over the API: indicators, the observations the caller may see, where sources disagree,
and the workflow (propose, endorse, dispute, agree) through ``facts.services``."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

from partnerhub.access.models import Organisation
from partnerhub.core.api import NumberedPagination, json_body_openapi, read_json_body
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.core.types import AnyUser
from partnerhub.facts import services
from partnerhub.facts.disagreements import Disagreement, disagreements
from partnerhub.facts.models import Endorsement, Indicator, Observation, Source
from partnerhub.facts.periods import period_start
from partnerhub.facts.schemas import (
    DisagreementFilterParams,
    DisagreementPage,
    DisputeIn,
    EmptyIn,
    FigureIn,
    FigureIndicatorOut,
    ObservationFilterParams,
    ObservationOut,
    ProposeIn,
    StanceIn,
)
from partnerhub.geo.models import Country

router = Router(tags=["key facts"])


def stances() -> Prefetch[Any]:
    """The organisations' stances on the figures read, in one query (read through their figures)."""
    return Prefetch("endorsements", queryset=Endorsement.objects.select_related("organisation").order_by("pk"))


ObservationId = Path(..., ge=1, le=2**63 - 1, description="The observation's id.")
WRITE_ANSWERS = {200: ObservationOut, 400: Message, 401: Message, 403: Message, 404: Message, 422: InputErrors}


@router.get("/facts/indicators", response=list[FigureIndicatorOut], summary="List indicators")
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    """Every indicator, with its definition and default source (reference data: its figures carry the sharing)."""
    indicators = Indicator.objects.select_related("default_source").prefetch_related("themes").order_by("code")
    today = timezone.localdate()
    return [
        {
            **{name: getattr(indicator, name) for name in ("code", "name", "unit", "definition", "direction", "pair")},
            "themes": sorted(theme.code for theme in indicator.themes.all()),
            "default_source": source_out(indicator.default_source, today) if indicator.default_source else None,
        }
        for indicator in indicators
    ]


@router.get("/facts/observations", response=list[ObservationOut], summary="List observations")
@paginate(NumberedPagination)
def list_observations(request: HttpRequest, filters: Query[ObservationFilterParams]) -> Any:
    """The figures you may see, by indicator, country and period (newest first)."""
    return ObservationRows(visible_observations(request.user).filter(**observation_filters(filters)))


@router.get("/facts/observations/{observation_id}", response={200: ObservationOut, 404: Message}, summary="One figure")
def get_observation(request: HttpRequest, observation_id: int = ObservationId) -> dict[str, Any]:
    return observation_out(_visible(request, observation_id))


@router.get("/facts/disagreements", response=DisagreementPage, summary="Where sources disagree")
def list_disagreements(request: HttpRequest, filters: Query[DisagreementFilterParams]) -> dict[str, Any]:
    """Figures of different sources for the same indicator, country and period that differ by more than
    the tolerance, among those you may see; paginated like the other lists."""
    found = disagreements(request.user, **observation_filters(filters))
    start = (filters.page - 1) * filters.page_size
    page = found[start : start + filters.page_size]
    shown = [observation for disagreement in page for observation in (disagreement.first, disagreement.second)]
    prefetch_related_objects(shown, stances())
    return {
        "count": len(found),
        "next": _page_url(request, filters.page + 1) if start + filters.page_size < len(found) else None,
        "previous": _page_url(request, filters.page - 1) if filters.page > 1 else None,
        "items": [disagreement_out(disagreement) for disagreement in page],
    }


@router.post(
    "/facts/observations",
    response={201: ObservationOut, 400: Message, 401: Message, 403: Message, 422: InputErrors},
    summary="Propose a new figure",
    openapi_extra=json_body_openapi(FigureIn),
)
def propose_new(request: HttpRequest) -> Status:
    """Editors of an EU-side organisation propose a figure no loaded file carries, owned by their
    organisation; its source is found by publisher and dataset, or added."""
    body = read_json_body(request, FigureIn)
    organisation = _own_organisation(services.proposing_organisations(request.user), body.organisation)
    if organisation is None:
        raise PermissionDenied(_("Only editors of an organisation on the EU side propose figures."))
    figure = services.FigureInput(
        indicator=_named(Indicator.objects.filter(code=body.indicator), "indicator", _("No indicator has this code.")),
        country=_country(body.country, "country"),
        destination=_country(body.destination, "destination") if body.destination else None,
        period=body.period,
        value=body.value,
        unit=body.unit,
        source=Source(
            publisher=body.source_publisher,
            dataset=body.source_dataset,
            release_date=body.source_release_date,
            address=body.source_address,
        ),
        method_note=body.method_note,
        sharing_level=body.sharing_level,
    )
    created = services.propose_figure(figure, note=body.note, organisation=organisation, acting_user=request.user)
    return Status(201, observation_out(_visible(request, created.pk)))


def _named(found: QuerySet[Any], field: str, message: str) -> Any:
    record = found.first()
    if record is None:
        raise ValidationError({field: message})
    return record


def _country(iso3: str, field: str) -> Country:
    message = _("No country has this ISO 3166-1 alpha-3 code.")
    return _named(Country.objects.filter(iso3=iso3.upper()), field, message)  # type: ignore[no-any-return]


def _own_organisation(allowed: list[Organisation], chosen: int | None) -> Organisation | None:
    """The organisation the caller names among ``allowed`` (422 naming it otherwise), or their first;
    None when they act for none, which the service refuses."""
    if chosen is None or not allowed:
        return allowed[0] if allowed else None
    for organisation in allowed:
        if organisation.pk == chosen:
            return organisation
    raise ValidationError({"organisation": _("You do not edit for this organisation, or it may not take this step.")})


@router.post(
    "/facts/observations/{observation_id}/propose",
    response=WRITE_ANSWERS,
    summary="Propose a figure as the one to quote",
    openapi_extra=json_body_openapi(ProposeIn),
)
def propose(request: HttpRequest, observation_id: int = ObservationId) -> dict[str, Any]:
    """Editors of an EU-side organisation propose an imported figure, saying why."""
    observation = _visible(request, observation_id)
    body = read_json_body(request, ProposeIn)
    services.propose_observation(observation, note=body.note, acting_user=request.user)
    return observation_out(_visible(request, observation_id))


@router.post(
    "/facts/observations/{observation_id}/endorse",
    response=WRITE_ANSWERS,
    summary="Endorse a proposed figure",
    openapi_extra=json_body_openapi(StanceIn),
)
def endorse(request: HttpRequest, observation_id: int = ObservationId) -> dict[str, Any]:
    """Editors of another organisation than the proposer's endorse it."""
    observation = _visible(request, observation_id)
    body = read_json_body(request, StanceIn)
    organisation = _own_organisation(services.stance_organisations(request.user, observation), body.organisation)
    services.endorse_observation(observation, acting_user=request.user, organisation=organisation)
    return observation_out(_visible(request, observation_id))


@router.post(
    "/facts/observations/{observation_id}/dispute",
    response=WRITE_ANSWERS,
    summary="Dispute a proposed figure",
    openapi_extra=json_body_openapi(DisputeIn),
)
def dispute(request: HttpRequest, observation_id: int = ObservationId) -> dict[str, Any]:
    """Editors of another organisation than the proposer's dispute it, giving their reason."""
    observation = _visible(request, observation_id)
    body = read_json_body(request, DisputeIn)
    organisation = _own_organisation(services.stance_organisations(request.user, observation), body.organisation)
    services.dispute_observation(observation, reason=body.reason, acting_user=request.user, organisation=organisation)
    return observation_out(_visible(request, observation_id))


@router.post(
    "/facts/observations/{observation_id}/agree",
    response=WRITE_ANSWERS,
    summary="Record a figure as agreed",
    openapi_extra=json_body_openapi(EmptyIn),
)
def agree(request: HttpRequest, observation_id: int = ObservationId) -> dict[str, Any]:
    """Coordinators on the EU side record a proposed or disputed figure as agreed; the figure agreed
    before it for the same indicator, country and period becomes superseded."""
    observation = _visible(request, observation_id)
    read_json_body(request, EmptyIn)
    services.agree_observation(observation, acting_user=request.user)
    return observation_out(_visible(request, observation_id))


# -- reading ----------------------------------------------------------------------------------


def visible_observations(user: AnyUser) -> QuerySet[Observation]:
    """The caller's observations with everything ``ObservationOut`` shows, in fixed queries."""
    return (
        Observation.objects.visible_to(user)
        .select_related("indicator", "country", "destination", "source")
        .prefetch_related(stances())
    )


def _visible(request: HttpRequest, observation_id: int) -> Observation:
    return get_object_or_404(visible_observations(request.user), pk=observation_id)


def observation_filters(filters: ObservationFilterParams | DisagreementFilterParams) -> dict[str, Any]:
    """The filters as lookups; a code or period that names nothing answers 422 naming the field."""
    lookups: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    if filters.indicator is not None:
        if not Indicator.objects.filter(code=filters.indicator).exists():
            errors.append(_query_error("indicator", _("No indicator has this code.")))
        lookups["indicator__code"] = filters.indicator
    if filters.country is not None:
        if not Country.objects.filter(iso3=filters.country.upper()).exists():
            errors.append(_query_error("country", _("No country has this ISO 3166-1 alpha-3 code.")))
        lookups["country__iso3"] = filters.country.upper()
    period = getattr(filters, "period", None)
    if period is not None:
        try:
            period_start(period)
        except ValueError:
            errors.append(
                _query_error("period", _("A period is a year, a quarter or a month: 2022, 2022-Q3 or 2022-07."))
            )
        lookups["period"] = period
    status = getattr(filters, "status", None)
    if status is not None:
        lookups["status"] = status
    if errors:
        raise InputError(errors)
    return lookups


def _query_error(field: str, message: str) -> dict[str, Any]:
    return {"type": "invalid", "loc": ["query", field], "msg": message}


class ObservationRows:
    """A page of observations as ``ObservationOut`` rows: counted and sliced in the database."""

    def __init__(self, observations: QuerySet[Observation]) -> None:
        self.observations = observations.order_by("indicator__code", "country__iso3", "-period_start", "pk")

    def count(self) -> int:
        return self.observations.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [observation_out(observation) for observation in self.observations[page]]


def observation_out(observation: Observation) -> dict[str, Any]:
    today = timezone.localdate()
    fields = ("id", "period", "period_start", "value", "unit", "method_note", "status", "note", "sharing_level")
    return {
        **{name: getattr(observation, name) for name in fields},
        "indicator": observation.indicator.code,
        "country": observation.country.iso3,
        "destination": observation.destination.iso3 if observation.destination else None,
        "source": source_out(observation.source, today),
        "revises": observation.revises_id,
        "proposed_at": observation.proposed_at,
        "agreed_at": observation.agreed_at,
        "stances": [
            {
                "organisation": str(stance.organisation),
                "stance": stance.stance,
                "reason": stance.reason,
                "given_at": stance.created_at,
            }
            for stance in observation.endorsements.all()
        ],
    }


def source_out(source: Source, today: Any) -> dict[str, Any]:
    fields = ("publisher", "dataset", "release_date", "address", "update_every_days")
    return {**{name: getattr(source, name) for name in fields}, "freshness": source.freshness(today)}


def disagreement_out(disagreement: Disagreement) -> dict[str, Any]:
    first = disagreement.first
    return {
        "indicator": first.indicator.code,
        "country": first.country.iso3,
        "destination": first.destination.iso3 if first.destination else None,
        "period": first.period,
        "gap": disagreement.gap,
        "observations": [observation_out(disagreement.first), observation_out(disagreement.second)],
    }


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
