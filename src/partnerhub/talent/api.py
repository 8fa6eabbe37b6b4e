"""Talent Partnerships over the API: needs, supply, partnerships, their schemes and pipeline figures, and the
ISCO-08 occupations they name.

A record exists for a caller only when its ``visible_to`` says so: hidden answers 404 exactly like missing,
whatever the body holds, since a body is read only once the record was found and the caller found allowed to
change it (403 otherwise). Broken JSON answers 400; a value the schema or a service refuses, 422 naming the field.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

from partnerhub.access.models import Organisation
from partnerhub.core.api import (
    CONFLICT_ANSWERS,
    NumberedPagination,
    json_body_openapi,
    read_json_body,
    save_versioned,
    set_etag,
    versioned_change_openapi,
    versioned_read_openapi,
)
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement
from partnerhub.talent import queries, services
from partnerhub.talent.forms import NeedFilterForm, PartnershipFilterForm, SupplyFilterForm
from partnerhub.talent.models import Occupation, PipelineFigure, TalentPartnership, TalentScheme
from partnerhub.talent.schemas import (
    NeedFilterParams,
    NeedIn,
    NeedOut,
    NeedUpdateIn,
    OccupationFilterParams,
    OccupationOut,
    PartnershipFilterParams,
    PartnershipIn,
    PartnershipOut,
    PartnershipUpdateIn,
    PipelineIn,
    PipelineOut,
    PipelineUpdateIn,
    SchemeIn,
    SchemeOut,
    SchemeUpdateIn,
    SupplyFilterParams,
    SupplyIn,
    SupplyOut,
    SupplyUpdateIn,
)

_Record = TypeVar("_Record", bound=Model)

router = Router(tags=["talent partnerships"])

NeedId = Path(..., ge=1, le=2**63 - 1, description="The need's id.")
SupplyId = Path(..., ge=1, le=2**63 - 1, description="The supply record's id.")
PartnershipId = Path(..., ge=1, le=2**63 - 1, description="The partnership's id.")
SchemeId = Path(..., ge=1, le=2**63 - 1, description="The scheme's id.")
FigureId = Path(..., ge=1, le=2**63 - 1, description="The pipeline figure's id.")
CREATE_ANSWERS = {401: Message, 403: Message, 422: InputErrors}
CHANGE_ANSWERS = {401: Message, 403: Message, 404: Message, 422: InputErrors}
DELETE_ANSWERS = {204: None, **CHANGE_ANSWERS}
# A change of a versioned record (core.concurrency): If-Match broken or at odds with the body (400),
# based on an older version named in the body (409) or in If-Match (412).
VERSIONED_CHANGE_ANSWERS = {**CHANGE_ANSWERS, 400: Message, **CONFLICT_ANSWERS}
# Text fields that the services keep as "" when empty.
TEXT_FIELDS = {"region", "sector", "source", "source_url", "note", "title", "description", "period", "language_level"}


# -- reading what the API sends -----------------------------------------------------------------


def _filtered(form_class: Any, filters: Any, records: QuerySet[Any], user: AnyUser) -> QuerySet[Any]:
    query = {name: _query_value(value) for name, value in filters.dict(exclude_none=True).items()}
    form = form_class(query)
    records = form.filter(records, user)
    if form.errors:
        raise InputError(
            [
                {"type": "invalid", "loc": ["query", field], "msg": message}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    return records


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _save_change(request: HttpRequest, body: Any, record: Any, update: Callable[..., Any]) -> None:
    """``update`` (a service) with the fields sent, based on the version the caller read (``save_versioned``)."""
    sent = body.dict(exclude_unset=True)
    body_version = sent.pop("version", None)
    with _api_field_names():
        save_versioned(
            request,
            body_version,
            lambda read: update(record, _fields(sent, request.user), acting_user=request.user, read_version=read),
        )


def _fields(data: dict[str, Any], user: AnyUser) -> dict[str, Any]:
    """The services' fields for the values sent."""
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name in ("member_state", "country"):
            fields[name] = _country(value, name)
        elif name == "occupation":
            fields[name] = _occupation(value, name)
        elif name == "occupations":
            fields[name] = [_occupation(code, name) for code in value or ()]
        elif name in ("member_states", "shared_with_countries"):
            fields[name] = [_country(code, name) for code in value or ()]
        elif name == "languages":
            fields[name] = " ".join(value or ())
        elif name == "engagement_ids":
            fields["engagements"] = _all(Engagement.objects.visible_to(user), value or [], name)
        elif name == "shared_with_organisation_ids":
            fields["shared_with_organisations"] = _all(Organisation.objects.all(), value or [], name)
        elif name == "partner_reports_shortage":
            fields[name] = bool(value)
        elif name not in ("owner_id", "version"):
            fields[name] = "" if value is None and name in TEXT_FIELDS else value
    return fields


def _country(code: str | None, field: str) -> Country | None:
    if code is None:
        return None
    country = Country.objects.filter(iso3=code.upper()).first()
    if country is None:
        raise ValidationError({field: _("“%(value)s” is no country code we know.") % {"value": code}})
    return country


def _occupation(code: str | None, field: str) -> Occupation | None:
    if code is None:
        return None
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise ValidationError({field: _("“%(value)s” is no ISCO-08 code we know.") % {"value": code}})
    return occupation


def _all(queryset: QuerySet[Any], ids: list[int], field: str) -> list[Any]:
    found = list(queryset.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: _("Some of these are not there to choose.")})
    return found


def _owner(user: AnyUser, owner_id: int | None) -> Organisation:
    editable = editing_organisation_ids(user)
    chosen = owner_id or min(editable, default=None)
    if chosen is None or chosen not in editable:
        raise PermissionDenied(_("You record needs, supply and partnerships only for organisations you edit for."))
    return Organisation.objects.get(pk=chosen)


def _editable(
    user: AnyUser, records: QuerySet[_Record], pk: int, kept_by: Callable[[_Record], Any] = lambda r: r
) -> _Record:
    """The record ``pk`` among those the user sees (404 otherwise), once the user may change what keeps it
    (403 otherwise): a scheme and a pipeline figure are kept by their partnership."""
    record = get_object_or_404(records, pk=pk)
    _allowed(user, kept_by(record))
    return record


def _allowed(user: AnyUser, record: Any) -> None:
    if not services.may_change(user, record):
        raise PermissionDenied(
            _("Only editors of %(organisation)s, which keeps this record, may change it.")
            % {"organisation": record.owner}
        )


@contextmanager
def _api_field_names() -> Iterator[None]:
    """The services name the links they write; the API names the ids it reads."""
    names = {"engagements": "engagement_ids", "shared_with_organisations": "shared_with_organisation_ids"}
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError({names.get(name, name): errors for name, errors in error.error_dict.items()}) from error


# -- occupations ------------------------------------------------------------------------------


@router.get("/talent/occupations", response={200: list[OccupationOut], 401: Message}, summary="ISCO-08 occupations")
@paginate(NumberedPagination)
def list_talent_occupations(request: HttpRequest, filters: Query[OccupationFilterParams]) -> Any:
    """The ISCO-08 groups, to signed-in users: by code prefix (``code=22``) and level (4 for unit groups)."""
    if not request.user.is_authenticated:
        raise AuthenticationError
    occupations = Occupation.objects.order_by("code")
    if filters.code:
        occupations = occupations.filter(code__startswith=filters.code)
    if filters.level:
        occupations = occupations.filter(level=filters.level)
    return occupations


# -- needs --------------------------------------------------------------------------------------


@router.get("/talent/needs", response=list[NeedOut], summary="List labour needs")
@paginate(NumberedPagination)
def list_talent_needs(request: HttpRequest, filters: Query[NeedFilterParams]) -> Any:
    """The needs you may see, by Member State and occupation; filtered as on the needs page."""
    return _filtered(NeedFilterForm, filters, queries.visible_needs(request.user), request.user)


@router.get(
    "/talent/needs/{need_id}",
    response={200: NeedOut, 404: Message},
    summary="One labour need",
    openapi_extra=versioned_read_openapi("need"),
)
def get_talent_need(request: HttpRequest, response: HttpResponse, need_id: int = NeedId) -> Any:
    need = get_object_or_404(queries.visible_needs(request.user), pk=need_id)
    set_etag(response, need)
    return need


@router.post("/talent/needs", response={201: NeedOut, **CREATE_ANSWERS}, summary="Record a labour need")
def create_talent_need(request: HttpRequest, payload: NeedIn) -> Any:
    """Editors of the keeping organisation. A need concerns a Member State: the partner level is refused."""
    owner = _owner(request.user, payload.owner_id)
    with _api_field_names():
        need = services.create_need(owner=owner, fields=_fields(payload.dict(), request.user), acting_user=request.user)
    return Status(201, queries.visible_needs(request.user).get(pk=need.pk))


@router.patch(
    "/talent/needs/{need_id}",
    response={200: NeedOut, **VERSIONED_CHANGE_ANSWERS},
    summary="Change a labour need",
    openapi_extra={**json_body_openapi(NeedUpdateIn), **versioned_change_openapi("need")},
)
def update_talent_need(request: HttpRequest, response: HttpResponse, need_id: int = NeedId) -> Any:
    """Editors of the keeping organisation; only the fields sent change."""
    need = _editable(request.user, queries.visible_needs(request.user), need_id)
    _save_change(request, read_json_body(request, NeedUpdateIn), need, services.update_need)
    saved = queries.visible_needs(request.user).get(pk=need.pk)
    set_etag(response, saved)
    return saved


@router.delete("/talent/needs/{need_id}", response=DELETE_ANSWERS, summary="Delete a labour need")
def delete_talent_need(request: HttpRequest, need_id: int = NeedId) -> Any:
    need = _editable(request.user, queries.visible_needs(request.user), need_id)
    services.delete_need(need, acting_user=request.user)
    return Status(204, None)


# -- supply -------------------------------------------------------------------------------------


@router.get("/talent/supply", response=list[SupplyOut], summary="List talent supply")
@paginate(NumberedPagination)
def list_talent_supply(request: HttpRequest, filters: Query[SupplyFilterParams]) -> Any:
    """The supply records you may see, by partner country and occupation; filtered as on the supply page."""
    return _filtered(SupplyFilterForm, filters, queries.visible_supply(request.user), request.user)


@router.get(
    "/talent/supply/{supply_id}",
    response={200: SupplyOut, 404: Message},
    summary="One supply record",
    openapi_extra=versioned_read_openapi("supply record"),
)
def get_talent_supply(request: HttpRequest, response: HttpResponse, supply_id: int = SupplyId) -> Any:
    supply = get_object_or_404(queries.visible_supply(request.user), pk=supply_id)
    set_etag(response, supply)
    return supply


@router.post("/talent/supply", response={201: SupplyOut, **CREATE_ANSWERS}, summary="Record talent supply")
def create_talent_supply(request: HttpRequest, payload: SupplyIn) -> Any:
    """Editors of the keeping organisation."""
    owner = _owner(request.user, payload.owner_id)
    with _api_field_names():
        supply = services.create_supply(
            owner=owner, fields=_fields(payload.dict(), request.user), acting_user=request.user
        )
    return Status(201, queries.visible_supply(request.user).get(pk=supply.pk))


@router.patch(
    "/talent/supply/{supply_id}",
    response={200: SupplyOut, **VERSIONED_CHANGE_ANSWERS},
    summary="Change a supply record",
    openapi_extra={**json_body_openapi(SupplyUpdateIn), **versioned_change_openapi("supply record")},
)
def update_talent_supply(request: HttpRequest, response: HttpResponse, supply_id: int = SupplyId) -> Any:
    """Editors of the keeping organisation; only the fields sent change."""
    supply = _editable(request.user, queries.visible_supply(request.user), supply_id)
    _save_change(request, read_json_body(request, SupplyUpdateIn), supply, services.update_supply)
    saved = queries.visible_supply(request.user).get(pk=supply.pk)
    set_etag(response, saved)
    return saved


@router.delete("/talent/supply/{supply_id}", response=DELETE_ANSWERS, summary="Delete a supply record")
def delete_talent_supply(request: HttpRequest, supply_id: int = SupplyId) -> Any:
    supply = _editable(request.user, queries.visible_supply(request.user), supply_id)
    services.delete_supply(supply, acting_user=request.user)
    return Status(204, None)


# -- partnerships -------------------------------------------------------------------------------


def _partnerships_out(request: HttpRequest, partnerships: list[TalentPartnership]) -> list[dict[str, Any]]:
    through = TalentPartnership.engagements.through.objects.filter(talentpartnership__in=[p.pk for p in partnerships])
    links = list(through.values_list("talentpartnership_id", "engagement_id"))
    visible = set(
        Engagement.objects.visible_to(request.user)
        .filter(pk__in=[engagement for _p, engagement in links])
        .values_list("pk", flat=True)
    )
    return [
        {
            **{name: getattr(partnership, name) for name in PartnershipOut.model_fields if hasattr(partnership, name)},
            "country": partnership.country.iso3,
            "member_states": sorted(country.iso3 for country in partnership.member_states.all()),
            "occupations": [occupation.code for occupation in partnership.occupations.all()],
            "engagement_ids": sorted(e for p, e in links if p == partnership.pk and e in visible),
        }
        for partnership in partnerships
    ]


def _one_partnership_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    [out] = _partnerships_out(request, [queries.visible_partnerships(request.user).get(pk=pk)])
    return out


@router.get("/talent/partnerships", response=list[PartnershipOut], summary="List Talent Partnerships")
@paginate(NumberedPagination)
def list_talent_partnerships(request: HttpRequest, filters: Query[PartnershipFilterParams]) -> Any:
    """The partnerships you may see; filtered as on the overview page."""
    partnerships = _filtered(PartnershipFilterForm, filters, queries.visible_partnerships(request.user), request.user)
    return _PartnershipPage(request, partnerships)


class _PartnershipPage:
    """Slices the partnerships as the pagination asks, then adds the links the caller may read to that page only."""

    def __init__(self, request: HttpRequest, partnerships: QuerySet[TalentPartnership]) -> None:
        self.request, self.partnerships = request, partnerships

    def count(self) -> int:
        return self.partnerships.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return _partnerships_out(self.request, list(self.partnerships[window]))


@router.get(
    "/talent/partnerships/{partnership_id}",
    response={200: PartnershipOut, 404: Message},
    summary="One partnership",
    openapi_extra=versioned_read_openapi("partnership"),
)
def get_talent_partnership(request: HttpRequest, response: HttpResponse, partnership_id: int = PartnershipId) -> Any:
    get_object_or_404(queries.visible_partnerships(request.user), pk=partnership_id)
    out = _one_partnership_out(request, partnership_id)
    set_etag(response, out)
    return out


@router.post(
    "/talent/partnerships", response={201: PartnershipOut, **CREATE_ANSWERS}, summary="Record a Talent Partnership"
)
def create_talent_partnership(request: HttpRequest, payload: PartnershipIn) -> Any:
    """Editors of the keeping organisation; at least one Member State."""
    owner = _owner(request.user, payload.owner_id)
    with _api_field_names():
        partnership = services.create_partnership(
            owner=owner, fields=_fields(payload.dict(), request.user), acting_user=request.user
        )
    return Status(201, _one_partnership_out(request, partnership.pk))


@router.patch(
    "/talent/partnerships/{partnership_id}",
    response={200: PartnershipOut, **VERSIONED_CHANGE_ANSWERS},
    summary="Change a Talent Partnership",
    openapi_extra={**json_body_openapi(PartnershipUpdateIn), **versioned_change_openapi("partnership")},
)
def update_talent_partnership(request: HttpRequest, response: HttpResponse, partnership_id: int = PartnershipId) -> Any:
    """Editors of the keeping organisation; only the fields sent change. Links to engagements you may not read
    stay whatever ``engagement_ids`` holds."""
    partnership = _editable(request.user, queries.visible_partnerships(request.user), partnership_id)
    _save_change(request, read_json_body(request, PartnershipUpdateIn), partnership, services.update_partnership)
    out = _one_partnership_out(request, partnership.pk)
    set_etag(response, out)
    return out


@router.delete("/talent/partnerships/{partnership_id}", response=DELETE_ANSWERS, summary="Delete a Talent Partnership")
def delete_talent_partnership(request: HttpRequest, partnership_id: int = PartnershipId) -> Any:
    """With its schemes and their pipeline figures."""
    partnership = _editable(request.user, queries.visible_partnerships(request.user), partnership_id)
    services.delete_partnership(partnership, acting_user=request.user)
    return Status(204, None)


# -- schemes ------------------------------------------------------------------------------------


def _schemes(user: AnyUser) -> QuerySet[TalentScheme]:
    return queries.visible_schemes(user).prefetch_related("occupations")


@router.get(
    "/talent/partnerships/{partnership_id}/schemes",
    response={200: list[SchemeOut], 404: Message},
    summary="A partnership's schemes",
)
def list_talent_schemes(request: HttpRequest, partnership_id: int = PartnershipId) -> Any:
    partnership = get_object_or_404(queries.visible_partnerships(request.user), pk=partnership_id)
    return _schemes(request.user).filter(partnership=partnership)


@router.post(
    "/talent/partnerships/{partnership_id}/schemes",
    response={201: SchemeOut, **CHANGE_ANSWERS},
    summary="Add a scheme",
    openapi_extra=json_body_openapi(SchemeIn),
)
def create_talent_scheme(request: HttpRequest, partnership_id: int = PartnershipId) -> Any:
    """Editors of the partnership's keeping organisation."""
    partnership = _editable(request.user, queries.visible_partnerships(request.user), partnership_id)
    body = read_json_body(request, SchemeIn)
    scheme = services.add_scheme(partnership, _fields(body.dict(), request.user), acting_user=request.user)
    return Status(201, _schemes(request.user).get(pk=scheme.pk))


@router.get("/talent/schemes/{scheme_id}", response={200: SchemeOut, 404: Message}, summary="One scheme")
def get_talent_scheme(request: HttpRequest, scheme_id: int = SchemeId) -> Any:
    return get_object_or_404(_schemes(request.user), pk=scheme_id)


@router.patch(
    "/talent/schemes/{scheme_id}",
    response={200: SchemeOut, **CHANGE_ANSWERS},
    summary="Change a scheme",
    openapi_extra=json_body_openapi(SchemeUpdateIn),
)
def update_talent_scheme(request: HttpRequest, scheme_id: int = SchemeId) -> Any:
    scheme = _editable(request.user, _schemes(request.user), scheme_id, lambda r: r.partnership)
    body = read_json_body(request, SchemeUpdateIn)
    services.update_scheme(scheme, _fields(body.dict(exclude_unset=True), request.user), acting_user=request.user)
    return _schemes(request.user).get(pk=scheme.pk)


@router.delete("/talent/schemes/{scheme_id}", response=DELETE_ANSWERS, summary="Delete a scheme")
def delete_talent_scheme(request: HttpRequest, scheme_id: int = SchemeId) -> Any:
    """With its pipeline figures."""
    scheme = _editable(request.user, _schemes(request.user), scheme_id, lambda r: r.partnership)
    services.delete_scheme(scheme, acting_user=request.user)
    return Status(204, None)


# -- pipeline figures -----------------------------------------------------------------------------


@router.get(
    "/talent/schemes/{scheme_id}/pipeline",
    response={200: list[PipelineOut], 404: Message},
    summary="A scheme's pipeline figures",
)
def list_talent_pipeline(request: HttpRequest, scheme_id: int = SchemeId) -> Any:
    """Earliest period first."""
    scheme = get_object_or_404(_schemes(request.user), pk=scheme_id)
    return PipelineFigure.objects.visible_to(request.user).filter(scheme=scheme).order_by("period_start", "pk")


@router.post(
    "/talent/schemes/{scheme_id}/pipeline",
    response={201: PipelineOut, **CHANGE_ANSWERS},
    summary="Record a pipeline figure",
    openapi_extra=json_body_openapi(PipelineIn),
)
def create_talent_pipeline_figure(request: HttpRequest, scheme_id: int = SchemeId) -> Any:
    """Editors of the partnership's keeping organisation; one figure per scheme and period."""
    scheme = _editable(request.user, _schemes(request.user), scheme_id, lambda r: r.partnership)
    body = read_json_body(request, PipelineIn)
    figure = services.record_pipeline(scheme, _fields(body.dict(), request.user), acting_user=request.user)
    return Status(201, PipelineFigure.objects.visible_to(request.user).get(pk=figure.pk))


@router.get("/talent/pipeline/{figure_id}", response={200: PipelineOut, 404: Message}, summary="One pipeline figure")
def get_talent_pipeline_figure(request: HttpRequest, figure_id: int = FigureId) -> Any:
    return get_object_or_404(queries.visible_pipeline(request.user), pk=figure_id)


@router.patch(
    "/talent/pipeline/{figure_id}",
    response={200: PipelineOut, **CHANGE_ANSWERS},
    summary="Change a pipeline figure",
    openapi_extra=json_body_openapi(PipelineUpdateIn),
)
def update_talent_pipeline_figure(request: HttpRequest, figure_id: int = FigureId) -> Any:
    figure = _editable(request.user, queries.visible_pipeline(request.user), figure_id, lambda r: r.scheme.partnership)
    body = read_json_body(request, PipelineUpdateIn)
    services.update_pipeline(figure, _fields(body.dict(exclude_unset=True), request.user), acting_user=request.user)
    return queries.visible_pipeline(request.user).get(pk=figure.pk)


@router.delete("/talent/pipeline/{figure_id}", response=DELETE_ANSWERS, summary="Delete a pipeline figure")
def delete_talent_pipeline_figure(request: HttpRequest, figure_id: int = FigureId) -> Any:
    figure = _editable(request.user, queries.visible_pipeline(request.user), figure_id, lambda r: r.scheme.partnership)
    services.delete_pipeline(figure, acting_user=request.user)
    return Status(204, None)
