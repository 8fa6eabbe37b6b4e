"""Crises over the API: list, read, declare, change, close, reopen.

A crisis exists for a caller only when ``Crisis.objects.visible_to`` says so: hidden answers 404 exactly like
missing. A change reads its body only once the crisis was found and the caller found allowed (403
otherwise). Broken JSON answers 400; a value the schema or the service refuses, 422 naming the field.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from partnerhub.access.models import Organisation
from partnerhub.core.api import NumberedPagination, RecordId, json_body_openapi, read_json_body
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.geo.models import Country
from partnerhub.knowledge import crisis_queries, crisis_services
from partnerhub.knowledge.models import Crisis, Severity
from partnerhub.registry.models import Theme

router = Router(tags=["crises"])

CrisisId = Path(..., ge=1, le=2**63 - 1, description="The crisis's id.")
FORBID = ConfigDict(extra="forbid", str_strip_whitespace=True)
ISO3 = r"^[A-Za-z]{3}$"


CREATE_ANSWERS = {401: Message, 403: Message, 422: InputErrors}
CHANGE_ANSWERS = {400: Message, 401: Message, 403: Message, 404: Message, 422: InputErrors}


class CrisisOut(Schema):
    id: int
    owner_id: int
    title: str
    country: str = Field(description="ISO alpha-3 code of the partner country.")
    description: str
    started_on: date
    severity: Severity
    themes: list[str] = Field(description="Codes of the affected themes.")
    is_open: bool
    closed_on: date | None
    closing_note: str
    sharing_level: SharingLevel
    is_demo: bool
    updated_at: datetime

    @staticmethod
    def resolve_country(crisis: Crisis) -> str:
        return crisis.country.iso3

    @staticmethod
    def resolve_themes(crisis: Crisis) -> list[str]:
        return [theme.code for theme in crisis.themes.all()]


class CrisisUpdateIn(Schema):
    """Only the fields sent change."""

    model_config = FORBID

    title: str | None = Field(None, max_length=300)
    country: str | None = Field(None, pattern=ISO3)
    description: str | None = Field(None, max_length=20000)
    started_on: date | None = None
    severity: Severity | None = None
    themes: list[str] | None = Field(None, description="Codes of the affected themes.")
    sharing_level: SharingLevel | None = None
    shared_with_organisation_ids: list[RecordId] | None = Field(None, description="For the restricted level.")
    shared_with_countries: list[str] | None = Field(None, description="Member States (ISO alpha-3), restricted level.")


class CrisisIn(CrisisUpdateIn):
    owner_id: RecordId | None = Field(
        None, description="The declaring organisation; your first coordinated one if empty."
    )
    title: str = Field(..., min_length=1, max_length=300)
    country: str = Field(..., pattern=ISO3)
    started_on: date
    severity: Severity
    sharing_level: SharingLevel = SharingLevel.EU


class CloseIn(Schema):
    model_config = FORBID

    closed_on: date | None = Field(None, description="Empty: today.")
    closing_note: str = Field("", max_length=20000)


class CrisisFilterParams(Schema):
    country: str | None = Field(None, pattern=ISO3, description="ISO alpha-3 code.")
    status: str | None = Field(None, pattern=r"^(open|closed)$", description="open or closed.")


def _visible(user: AnyUser) -> QuerySet[Crisis]:
    return crisis_queries.visible_crises(user)


def _changeable(user: AnyUser, crisis_id: int) -> Crisis:
    crisis = get_object_or_404(_visible(user), pk=crisis_id)
    if not crisis_services.may_change_crisis(user, crisis):
        raise PermissionDenied(_("Only the coordinators of the organisation that declared a crisis change it."))
    return crisis


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name == "country":
            fields[name] = _country(value, name)
        elif name == "themes":
            fields[name] = _themes(value or [])
        elif name == "shared_with_countries":
            fields[name] = [_country(code, name) for code in value or ()]
        elif name == "shared_with_organisation_ids":
            found = list(Organisation.objects.filter(pk__in=value or []))
            if len(found) != len(set(value or [])):
                raise ValidationError({name: _("Some of these are not there to choose.")})
            fields["shared_with_organisations"] = found
        elif name == "description":
            fields[name] = value or ""
        elif name != "owner_id":
            fields[name] = value
    return fields


def _country(code: str | None, field: str) -> Country | None:
    if code is None:
        return None
    country = Country.objects.filter(iso3=code.upper()).first()
    if country is None:
        raise ValidationError({field: _("“%(value)s” is no country code we know.") % {"value": code}})
    return country


def _themes(codes: list[str]) -> list[Theme]:
    themes = list(Theme.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {theme.code for theme in themes})
    if unknown:
        raise ValidationError({"themes": _("No theme has the code %(codes)s.") % {"codes": ", ".join(unknown)}})
    return themes


def _owner(user: AnyUser, owner_id: int | None) -> Organisation:
    organisations = crisis_services.declaring_organisations(user)
    if owner_id is None and organisations:
        return organisations[0]
    for organisation in organisations:
        if organisation.pk == owner_id:
            return organisation
    raise PermissionDenied(_("Only coordinators on the EU side declare, change, close and reopen a crisis."))


@router.get("/crises", response=list[CrisisOut], summary="List crises")
@paginate(NumberedPagination)
def list_crises(request: HttpRequest, filters: Query[CrisisFilterParams]) -> Any:
    """The crises you may see: open ones first, then closed ones. Filters: ``country``, ``status``."""
    crises = _visible(request.user)
    if filters.country:
        crises = crises.filter(country__iso3=filters.country.upper())
    if filters.status:
        crises = crises.filter(closed_on__isnull=filters.status == "open")
    return crises


@router.get("/crises/{crisis_id}", response={200: CrisisOut, 404: Message}, summary="One crisis")
def get_crisis(request: HttpRequest, crisis_id: int = CrisisId) -> Any:
    return get_object_or_404(_visible(request.user), pk=crisis_id)


@router.post("/crises", response={201: CrisisOut, **CREATE_ANSWERS}, summary="Declare a crisis")
def declare_crisis(request: HttpRequest, payload: CrisisIn) -> Any:
    """Coordinators (and administrators) of an EU-side organisation, which owns the crisis."""
    owner = _owner(request.user, payload.owner_id)
    crisis = crisis_services.declare_crisis(owner=owner, fields=_fields(payload.dict()), acting_user=request.user)
    return Status(201, _visible(request.user).get(pk=crisis.pk))


@router.patch(
    "/crises/{crisis_id}",
    response={200: CrisisOut, **CHANGE_ANSWERS},
    summary="Change a crisis",
    openapi_extra=json_body_openapi(CrisisUpdateIn),
)
def update_crisis(request: HttpRequest, crisis_id: int = CrisisId) -> Any:
    """Coordinators of the declaring organisation; only the fields sent change."""
    crisis = _changeable(request.user, crisis_id)
    body = read_json_body(request, CrisisUpdateIn)
    crisis_services.update_crisis(crisis, _fields(body.dict(exclude_unset=True)), acting_user=request.user)
    return _visible(request.user).get(pk=crisis.pk)


@router.post(
    "/crises/{crisis_id}/close",
    response={200: CrisisOut, **CHANGE_ANSWERS},
    summary="Close a crisis",
    openapi_extra=json_body_openapi(CloseIn),
)
def close_crisis(request: HttpRequest, crisis_id: int = CrisisId) -> Any:
    """Coordinators of the declaring organisation. The record is kept, listed as closed; a closed crisis
    answers 422."""
    crisis = _changeable(request.user, crisis_id)
    body = read_json_body(request, CloseIn)
    crisis_services.close_crisis(crisis, closed_on=body.closed_on, note=body.closing_note, acting_user=request.user)
    return _visible(request.user).get(pk=crisis.pk)


@router.post("/crises/{crisis_id}/reopen", response={200: CrisisOut, **CHANGE_ANSWERS}, summary="Reopen a crisis")
def reopen_crisis(request: HttpRequest, crisis_id: int = CrisisId) -> Any:
    """Coordinators of the declaring organisation; an open crisis answers 422."""
    crisis = _changeable(request.user, crisis_id)
    crisis_services.reopen_crisis(crisis, acting_user=request.user)
    return _visible(request.user).get(pk=crisis.pk)
