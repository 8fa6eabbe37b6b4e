"""The calendar over the API: the meetings the caller may read, one meeting, a new meeting; the lines
to take the caller may read.

A meeting exists for a caller only when ``Meeting.objects.visible_to`` says so: a hidden meeting
answers 404 exactly like a missing one. Reading needs a log-in or a token.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

from partnerhub.access.api import TokenAuth
from partnerhub.access.models import Organisation
from partnerhub.agenda import services
from partnerhub.agenda.filters import MeetingFilter
from partnerhub.agenda.models import Counterpart, LineToTake, Meeting
from partnerhub.agenda.schemas import LineToTakeOut, MeetingFilterParams, MeetingIn, MeetingOut, Message
from partnerhub.core.api import NumberedPagination, session_auth
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement, Theme

router = Router(tags=["agenda"], auth=[TokenAuth(), session_auth])

MeetingId = Path(..., ge=1, le=2**31 - 1, description="The meeting's id.")
LineId = Path(..., ge=1, le=2**31 - 1, description="The id of one version of lines to take.")
ISO3 = Query(None, pattern=r"^[A-Za-z]{3}$", description="Only this partner country's (ISO alpha-3).")


def visible_meetings(user: AnyUser) -> Any:
    return (
        Meeting.objects.visible_to(user)
        .select_related("country", "counterpart__country")
        .prefetch_related("themes")
        .order_by("starts_at", "pk")
    )


@router.get("/agenda/meetings", response=list[MeetingOut], summary="List meetings")
@paginate(NumberedPagination)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilterParams]) -> Any:
    """The meetings you may read, earliest first; by default those not yet over."""
    filterset = MeetingFilter(filters.as_query(), queryset=visible_meetings(request.user))
    if not filterset.is_valid():
        raise InputError(
            [
                {"type": "invalid", "loc": ["query", field], "msg": message}
                for field, messages in filterset.errors.items()
                for message in messages
            ]
        )
    meetings = filterset.qs
    return meetings.filter(ends_at__gte=timezone.now()) if filters.upcoming else meetings


@router.get("/agenda/meetings/{meeting_id}", response={200: MeetingOut, 404: Message}, summary="One meeting")
def get_meeting(request: HttpRequest, meeting_id: int = MeetingId) -> Any:
    return get_object_or_404(visible_meetings(request.user), pk=meeting_id)


@router.post(
    "/agenda/meetings",
    response={201: MeetingOut, 403: Message, 422: dict},
    summary="Record a meeting",
    description="Editors, coordinators and administrators of the organising organisation.",
)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    editable = editing_organisation_ids(request.user)
    owner_id = payload.owner_id or min(editable, default=None)
    if owner_id is None or owner_id not in editable:
        raise PermissionDenied(_("You record meetings only for organisations where you are an editor."))
    owner = Organisation.objects.get(pk=owner_id)
    meeting = services.create_meeting(owner=owner, fields=_fields(payload, request.user), acting_user=request.user)
    return Status(201, visible_meetings(request.user).get(pk=meeting.pk))


def _fields(payload: MeetingIn, user: AnyUser) -> dict[str, Any]:
    country = Country.objects.partners().filter(iso3=payload.country.upper()).first()
    if country is None:
        raise ValidationError({"country": _("“%(value)s” is not a partner country.") % {"value": payload.country}})
    fields: dict[str, Any] = payload.dict(
        exclude={"owner_id", "country", "counterpart_id", "participant_ids", "themes", "engagement_ids"}
    )
    fields["country"] = country
    fields["counterpart"] = _one(Counterpart.objects.all(), payload.counterpart_id, "counterpart")
    fields["participants"] = _all(Organisation.objects.all(), "pk", payload.participant_ids, "participant_ids")
    fields["themes"] = _all(Theme.objects.all(), "code", payload.themes, "themes")
    fields["engagements"] = _all(Engagement.objects.visible_to(user), "pk", payload.engagement_ids, "engagement_ids")
    return fields


def _one(queryset: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("Nothing to choose has the id %(id)s.") % {"id": pk}})
    return found


def _all(queryset: Any, key: str, values: list[Any], field: str) -> list[Any]:
    found = list(queryset.filter(**{f"{key}__in": values}))
    if len(found) != len(set(values)):
        raise ValidationError({field: _("Some of these are not there to choose.")})
    return found


def visible_lines(user: AnyUser) -> Any:
    return LineToTake.objects.visible_to(user).select_related("country", "theme").order_by("country__iso3", "-version")


@router.get("/agenda/lines", response=list[LineToTakeOut], summary="List lines to take")
@paginate(NumberedPagination)
def list_lines(request: HttpRequest, country: str | None = ISO3) -> Any:
    """Every version you may read, latest first per country."""
    lines = visible_lines(request.user)
    return lines.filter(country__iso3=country.upper()) if country else lines


@router.get("/agenda/lines/{line_id}", response={200: LineToTakeOut, 404: Message}, summary="One version of lines")
def get_line(request: HttpRequest, line_id: int = LineId) -> Any:
    return get_object_or_404(visible_lines(request.user), pk=line_id)
