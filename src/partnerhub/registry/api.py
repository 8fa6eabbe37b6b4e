"""Engagements, themes and instruments over the API.

Every engagement query starts from ``Engagement.objects.visible_to(request.user)``:
a record outside the caller's circle answers 404 exactly like a missing id.
Writes go through ``registry.services``.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

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
from partnerhub.core.kept import kept_count
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit
from partnerhub.registry import services
from partnerhub.registry.filters import EngagementFilter
from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementLink,
    EngagementQuerySet,
    EngagementRegion,
    EngagementTheme,
    Instrument,
    Participation,
    Theme,
    link_end_visible,
)
from partnerhub.registry.schemas import (
    MAX_ID,
    EngagementFilterParams,
    EngagementIn,
    EngagementOut,
    EngagementPatch,
    InstrumentOut,
    ThemeOut,
    engagement_input,
    patch_values,
)

router = Router()

CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,40}$"
EngagementId = Path(..., ge=1, le=MAX_ID, description="The engagement's id.")


WRITE_ERRORS = {401: Message, 403: Message, 404: Message, 422: InputErrors}
# A change based on an older version: 409 when it was named in the body, 412 in If-Match.
CHANGE_ERRORS = {**WRITE_ERRORS, 400: Message, **CONFLICT_ANSWERS}


# -- reference data ------------------------------------------------------------


@router.get("/themes", response=list[ThemeOut], tags=["reference data"], summary="List themes")
def list_themes(request: HttpRequest) -> QuerySet[Theme]:
    return Theme.objects.select_related("parent").prefetch_related("children")


@router.get("/themes/{code}", response=ThemeOut, tags=["reference data"], summary="One theme")
def get_theme(request: HttpRequest, code: str = Path(..., pattern=CODE_PATTERN)) -> Theme:
    return get_object_or_404(Theme.objects.select_related("parent").prefetch_related("children"), code=code)


@router.get("/instruments", response=list[InstrumentOut], tags=["reference data"], summary="List funding instruments")
def list_instruments(request: HttpRequest) -> QuerySet[Instrument]:
    return Instrument.objects.all()


@router.get("/instruments/{code}", response=InstrumentOut, tags=["reference data"], summary="One funding instrument")
def get_instrument(request: HttpRequest, code: str = Path(..., pattern=CODE_PATTERN)) -> Instrument:
    return get_object_or_404(Instrument, code=code)


# -- engagements: reading ------------------------------------------------------------


def visible_engagements(user: AnyUser) -> EngagementQuerySet:
    """The caller's engagements with everything ``EngagementOut`` shows, in fixed queries."""
    visible_links = (
        EngagementLink.objects.filter(link_end_visible(user, "target"))
        .select_related("target")
        .order_by("kind", "target__title")
    )
    engagements = Engagement.objects.visible_to(user).select_related("owner", "instrument", "source")
    # django-stubs wants every Prefetch of one call to prefetch the same model.
    return engagements.prefetch_related(  # type: ignore[type-var]
        Prefetch("country_shares", queryset=EngagementCountry.objects.select_related("country")),
        Prefetch("region_shares", queryset=EngagementRegion.objects.select_related("region")),
        Prefetch("theme_shares", queryset=EngagementTheme.objects.select_related("theme")),
        Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
        "money_lines",
        "sectors",
        "shared_with_organisations",
        "shared_with_countries",
        Prefetch("links_out", queryset=visible_links, to_attr="visible_links"),
    )


def _visible_engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    return get_object_or_404(visible_engagements(request.user), pk=engagement_id)


class KeptCountPagination(NumberedPagination):
    """Counts the list once per query and data (``kept_count``), as the list page does."""

    def count(self, queryset: QuerySet[Any]) -> int:
        return kept_count(queryset)


@router.get("/engagements", response=list[EngagementOut], tags=["engagements"], summary="List engagements")
@paginate(KeptCountPagination)
def list_engagements(request: HttpRequest, filters: Query[EngagementFilterParams]) -> EngagementQuerySet:
    """The engagements you may see, filtered like the list page."""
    filterset = EngagementFilter(filters.as_query(), queryset=visible_engagements(request.user))
    if not filterset.is_valid():
        raise InputError(
            [
                {"type": "invalid", "loc": ["query", field], "msg": message}
                for field, messages in filterset.errors.items()
                for message in messages
            ]
        )
    # The page's owners, instruments and sources read for its rows, not joined (see
    # EngagementQuerySet.with_page_relations): the page is then read in order from an index.
    engagements: EngagementQuerySet = (
        filterset.qs.in_stable_order().select_related(None).prefetch_related("owner", "instrument", "source")
    )
    return engagements


@router.get(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, 404: Message},
    tags=["engagements"],
    summary="One engagement",
    openapi_extra=versioned_read_openapi("engagement"),
)
def get_engagement(request: HttpRequest, response: HttpResponse, engagement_id: int = EngagementId) -> Engagement:
    """The ETag header holds the engagement's version, for If-Match when changing it."""
    engagement = _visible_engagement(request, engagement_id)
    services.log_confidential_access(engagement, "viewed", acting_user=request.user)
    set_etag(response, engagement)
    return engagement


# -- engagements: writing ------------------------------------------------------------


def _editable_engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    engagement = _visible_engagement(request, engagement_id)
    if not can_edit(request.user, engagement):
        raise PermissionDenied(_("Only editors of the owner organisation may change this engagement."))
    return engagement


@router.post(
    "/engagements", response={201: EngagementOut, **WRITE_ERRORS}, tags=["engagements"], summary="Record an engagement"
)
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Status:
    data = engagement_input(payload.values(), acting_user=request.user)
    engagement = services.create_engagement(data, acting_user=request.user)
    return Status(201, _visible_engagement(request, engagement.pk))


@router.put(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, **CHANGE_ERRORS},
    tags=["engagements"],
    summary="Replace an engagement",
    openapi_extra={**json_body_openapi(EngagementIn), **versioned_change_openapi("engagement")},
)
def replace_engagement(request: HttpRequest, response: HttpResponse, engagement_id: int = EngagementId) -> Engagement:
    """Every field is set: the fields left out take their default values."""
    engagement = _editable_engagement(request, engagement_id)
    payload = read_json_body(request, EngagementIn)
    data = engagement_input(payload.values(), acting_user=request.user)
    return _save_change(request, response, engagement, data, payload.version)


@router.patch(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, **CHANGE_ERRORS},
    tags=["engagements"],
    summary="Change some fields of an engagement",
    openapi_extra={**json_body_openapi(EngagementPatch), **versioned_change_openapi("engagement")},
)
def update_engagement(request: HttpRequest, response: HttpResponse, engagement_id: int = EngagementId) -> Engagement:
    """The fields left out keep their values."""
    engagement = _editable_engagement(request, engagement_id)
    patch = read_json_body(request, EngagementPatch)
    data = engagement_input(
        patch_values(patch), acting_user=request.user, base=services.input_from_engagement(engagement)
    )
    return _save_change(request, response, engagement, data, getattr(patch, "version", None))


def _save_change(
    request: HttpRequest,
    response: HttpResponse,
    engagement: Engagement,
    data: services.EngagementInput,
    body_version: int | None,
) -> Engagement:
    save_versioned(
        request,
        body_version,
        lambda read_version: services.update_engagement(
            engagement, data, acting_user=request.user, read_version=read_version
        ),
    )
    saved = _visible_engagement(request, engagement.pk)
    set_etag(response, saved)
    return saved


@router.delete(
    "/engagements/{engagement_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["engagements"],
    summary="Delete an engagement",
)
def delete_engagement(request: HttpRequest, engagement_id: int = EngagementId) -> Status:
    engagement = _editable_engagement(request, engagement_id)
    services.delete_engagement(engagement, acting_user=request.user)
    return Status(204, None)
