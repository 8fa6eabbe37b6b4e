"""The directory of focal points over the API: list, read, create, update, confirm, delete.

The rules are the pages': EU-side callers read the whole directory, anyone else only their own entry
(another's entry answers 404); anonymous callers get 401. Keepers (EU-side editors of the entry's
organisation, coordinators) and the person themself change an entry (403 otherwise).
"""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from partnerhub.access.models import Organisation
from partnerhub.core.api import NumberedPagination, json_body_openapi, read_json_body
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.core.types import AnyUser
from partnerhub.geo.models import Country
from partnerhub.knowledge import directory_services as services
from partnerhub.knowledge.directory_forms import DirectoryFilterForm
from partnerhub.knowledge.models import FocalPoint, FocalPointRole
from partnerhub.registry.models import Theme

router = Router(tags=["directory of focal points"])

EntryId = Path(..., ge=1, le=2**63 - 1, description="The entry's id.")
FORBID = ConfigDict(extra="forbid", str_strip_whitespace=True)


CREATE_ANSWERS = {401: Message, 403: Message, 422: InputErrors}
CHANGE_ANSWERS = {400: Message, 401: Message, 403: Message, 404: Message, 422: InputErrors}


class FocalPointOut(Schema):
    id: int
    name: str
    function: str
    role: FocalPointRole
    organisation_id: int
    organisation: str
    email: str
    phone: str
    languages: list[str] = Field(description="ISO 639-1 codes.")
    countries: list[str] = Field(description="ISO alpha-3 codes of the countries covered.")
    themes: list[str]
    is_own: bool = Field(description="Whether this is the caller's own entry.")
    last_confirmed_at: datetime | None
    is_stale: bool = Field(description="Not confirmed for longer than the directory allows.")
    updated_at: datetime


class FocalPointUpdateIn(Schema):
    """Only the fields sent change. The person themself changes neither ``organisation_id`` nor ``username``."""

    model_config = FORBID

    name: str | None = Field(None, max_length=200)
    function: str | None = Field(None, max_length=200)
    role: FocalPointRole | None = None
    organisation_id: int | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    languages: list[str] | None = Field(None, description="ISO 639-1 codes.")
    countries: list[str] | None = Field(None, description="ISO alpha-3 codes.")
    themes: list[str] | None = Field(None, description="Theme codes.")
    username: str | None = Field(None, description="The person's own account; empty string: none.")


class FocalPointIn(FocalPointUpdateIn):
    name: str = Field(..., min_length=1, max_length=200)
    function: str = Field(..., min_length=1, max_length=200)
    organisation_id: int


class DirectoryFilterParams(Schema):
    country: str | None = Field(None, description="ISO alpha-3 code.")
    theme: str | None = Field(None, description="Theme code.")
    organisation: int | None = Field(None, description="Organisation id.")
    role: FocalPointRole | None = None
    language: str | None = Field(None, description="ISO 639-1 code.")
    q: str | None = Field(None, description="Words in the name, function, organisation or e-mail.")


def _signed_in(request: HttpRequest) -> AnyUser:
    if not request.user.is_authenticated:
        raise AuthenticationError
    return request.user


def _visible(user: AnyUser) -> QuerySet[FocalPoint]:
    return FocalPoint.objects.visible_to(user).select_related("organisation").prefetch_related("countries", "themes")


def _out(entry: FocalPoint, user: AnyUser) -> dict[str, Any]:
    return {
        **{name: getattr(entry, name) for name in ("id", "name", "function", "role", "organisation_id")},
        "organisation": entry.organisation.name,
        "email": entry.email,
        "phone": entry.phone,
        "languages": entry.languages.replace(",", " ").split(),
        "countries": sorted(country.iso3 for country in entry.countries.all()),
        "themes": sorted(theme.code for theme in entry.themes.all()),
        "is_own": services.is_own(user, entry),
        "last_confirmed_at": entry.last_confirmed_at,
        "is_stale": services.is_stale(entry),
        "updated_at": entry.updated_at,
    }


def _one(user: AnyUser, pk: int) -> dict[str, Any]:
    return _out(_visible(user).get(pk=pk), user)


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name == "organisation_id":
            organisation = Organisation.objects.filter(pk=value).first()
            if organisation is None:
                raise ValidationError({name: _("No organisation has this id.")})
            fields["organisation"] = organisation
        elif name == "countries":
            fields[name] = _all(Country.objects.all(), "iso3", [code.upper() for code in value or ()], name)
        elif name == "themes":
            fields[name] = _all(Theme.objects.all(), "code", value or [], name)
        elif name == "languages":
            fields[name] = " ".join(value or ())
        elif name == "username":
            fields["user"] = _account(value)
        else:
            fields[name] = "" if value is None and name in ("email", "phone") else value
    return fields


def _all(queryset: QuerySet[Any], key: str, codes: list[str], field: str) -> list[Any]:
    found = list(queryset.filter(**{f"{key}__in": codes}))
    unknown = sorted(set(codes) - {getattr(item, key) for item in found})
    if unknown:
        raise ValidationError({field: _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}})
    return found


def _account(username: str | None) -> Any:
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": _("No active account has the user name “%(name)s”.") % {"name": username}})
    return user


def _api_names(error: ValidationError) -> ValidationError:
    names = {"organisation": "organisation_id", "user": "username"}
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(name, name): errors for name, errors in error.error_dict.items()})


def _found(user: AnyUser, pk: int, *, keeper: bool = False) -> FocalPoint:
    entry = get_object_or_404(_visible(user), pk=pk)
    allowed = services.may_manage(user, entry) if keeper else services.may_change(user, entry)
    if not allowed:
        raise PermissionDenied(_("You may read this entry but not change it."))
    return entry


@router.get(
    "/directory", response={200: list[FocalPointOut], 401: Message, 422: InputErrors}, summary="List focal points"
)
@paginate(NumberedPagination)
def list_focal_points(request: HttpRequest, filters: Query[DirectoryFilterParams]) -> Any:
    """The whole directory for EU-side callers; your own entry only for anyone else. Filtered as on the page."""
    user = _signed_in(request)
    form = DirectoryFilterForm(filters.dict(exclude_none=True))
    entries = form.filter(_visible(user)).order_by("name", "pk")
    if form.errors:
        raise InputError(
            [
                {"type": "invalid", "loc": ["query", field], "msg": message}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    return [_out(entry, user) for entry in entries]


@router.get("/directory/{entry_id}", response={200: FocalPointOut, 401: Message, 404: Message}, summary="One entry")
def get_focal_point(request: HttpRequest, entry_id: int = EntryId) -> Any:
    user = _signed_in(request)
    entry = get_object_or_404(_visible(user), pk=entry_id)
    return _out(entry, user)


@router.post("/directory", response={201: FocalPointOut, **CREATE_ANSWERS}, summary="Add an entry")
def create_focal_point(request: HttpRequest, payload: FocalPointIn) -> Any:
    """EU-side editors of the organisation, and coordinators."""
    user = _signed_in(request)
    try:
        entry = services.create_entry(_fields(payload.dict(exclude_unset=True)), acting_user=user)
    except ValidationError as error:
        raise _api_names(error) from error
    return Status(201, _one(user, entry.pk))


@router.patch(
    "/directory/{entry_id}",
    response={200: FocalPointOut, **CHANGE_ANSWERS},
    summary="Change an entry",
    openapi_extra=json_body_openapi(FocalPointUpdateIn),
)
def update_focal_point(request: HttpRequest, entry_id: int = EntryId) -> Any:
    """Keepers change every field; the person their own details (which confirms the entry)."""
    user = _signed_in(request)
    entry = _found(user, entry_id)
    body = read_json_body(request, FocalPointUpdateIn)
    data = body.dict(exclude_unset=True)
    if not services.may_manage(user, entry) and {"organisation_id", "username"} & set(data):
        raise PermissionDenied(_("The organisation and the account of an entry are changed by its keepers."))
    try:
        services.update_entry(entry, _fields(data), acting_user=user)
    except ValidationError as error:
        raise _api_names(error) from error
    return _one(user, entry.pk)


@router.post(
    "/directory/{entry_id}/confirm", response={200: FocalPointOut, **CHANGE_ANSWERS}, summary="Confirm an entry"
)
def confirm_focal_point(request: HttpRequest, entry_id: int = EntryId) -> Any:
    """Stamps the entry as still right now (``last_confirmed_at``)."""
    user = _signed_in(request)
    entry = _found(user, entry_id)
    services.confirm_entry(entry, acting_user=user)
    return _one(user, entry.pk)


@router.delete(
    "/directory/{entry_id}", response={204: None, **CHANGE_ANSWERS}, summary="Remove an entry (deleted for real)"
)
def delete_focal_point(request: HttpRequest, entry_id: int = EntryId) -> Any:
    """The row is deleted; no copy of the entry is kept anywhere."""
    user = _signed_in(request)
    services.delete_entry(_found(user, entry_id), acting_user=user)
    return Status(204, None)
