"""The calendar over the API: the meetings the caller may read, one meeting, a new meeting, a change
to a meeting and its cancellation; the lines to take the caller may read.

A meeting exists for a caller only when ``Meeting.objects.visible_to`` says so: a hidden meeting
answers 404 exactly like a missing one, whatever the body of a request holds (the body is read
only once the meeting was found). Reading needs a log-in or a token; changing a meeting, being an
editor of its organiser (``core.visibility.can_edit_for``), else 403.
"""

from collections.abc import Iterator
from contextlib import contextmanager
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
from partnerhub.agenda.schemas import (
    LineToTakeIn,
    LineToTakeOut,
    LineToTakeUpdateIn,
    MeetingFilterParams,
    MeetingIn,
    MeetingOut,
    MeetingUpdateIn,
)
from partnerhub.core.api import NumberedPagination, json_body_openapi, read_json_body, session_auth
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit_for, editing_organisation_ids
from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement, Theme

router = Router(tags=["agenda"], auth=[TokenAuth(), session_auth])

MeetingId = Path(..., ge=1, le=2**31 - 1, description="The meeting's id.")
LineId = Path(..., ge=1, le=2**31 - 1, description="The id of one version of lines to take.")
# The fields of the schemas that name other records; the services name them as the model does.
RELATIONS = {"country", "counterpart_id", "participant_ids", "themes", "engagement_ids"}
API_FIELD_NAMES = {"counterpart": "counterpart_id", "participants": "participant_ids", "engagements": "engagement_ids"}
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
    fields = _fields(payload.dict(exclude={"owner_id"}), request.user)
    with _api_field_names():
        meeting = services.create_meeting(owner=owner, fields=fields, acting_user=request.user)
    return Status(201, visible_meetings(request.user).get(pk=meeting.pk))


@router.patch(
    "/agenda/meetings/{meeting_id}",
    response={200: MeetingOut, 401: Message, 403: Message, 404: Message, 422: InputErrors},
    summary="Change a meeting",
    openapi_extra=json_body_openapi(MeetingUpdateIn),
)
def update_meeting(request: HttpRequest, meeting_id: int = MeetingId) -> Any:
    """Editors, coordinators and administrators of the organiser; only the fields sent change.
    A change of time or place makes calendars replace the event. A cancelled meeting takes only
    outcome notes and a new sharing level (422 naming any other field changed): reinstate it first.
    Links to engagements you may not read stay whatever ``engagement_ids`` holds."""
    meeting = _editable_meeting(request.user, meeting_id)
    # Read only once the meeting was found, so that a hidden meeting answers 404 whatever the body holds.
    body = read_json_body(request, MeetingUpdateIn)
    fields = _fields(body.dict(exclude_unset=True), request.user)
    with _api_field_names():
        services.update_meeting(meeting, fields, acting_user=request.user)
    return visible_meetings(request.user).get(pk=meeting.pk)


@router.post(
    "/agenda/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, 401: Message, 403: Message, 404: Message},
    summary="Cancel a meeting",
)
def cancel_meeting(request: HttpRequest, meeting_id: int = MeetingId) -> Any:
    """Editors, coordinators and administrators of the organiser. A cancelled meeting stays in the
    calendars that hold it, marked cancelled; cancelling it again changes nothing."""
    meeting = _editable_meeting(request.user, meeting_id)
    services.cancel_meeting(meeting, acting_user=request.user)
    return visible_meetings(request.user).get(pk=meeting.pk)


@router.post(
    "/agenda/meetings/{meeting_id}/reinstate",
    response={200: MeetingOut, 401: Message, 403: Message, 404: Message},
    summary="Reinstate a cancelled meeting",
)
def reinstate_meeting(request: HttpRequest, meeting_id: int = MeetingId) -> Any:
    """Editors, coordinators and administrators of the organiser. Calendars show the meeting again;
    reinstating a meeting that is not cancelled changes nothing."""
    meeting = _editable_meeting(request.user, meeting_id)
    services.reinstate_meeting(meeting, acting_user=request.user)
    return visible_meetings(request.user).get(pk=meeting.pk)


def _editable_meeting(user: AnyUser, meeting_id: int) -> Meeting:
    """The meeting if the user may read it (else 404) and change it (else 403); the service checks
    again, locked, when it writes."""
    meeting: Meeting = get_object_or_404(visible_meetings(user).select_related("owner"), pk=meeting_id)
    if not can_edit_for(user, meeting.owner_id):
        raise PermissionDenied(
            _("Only editors of %(organisation)s, which organises this meeting, may change it.")
            % {"organisation": meeting.owner.name}
        )
    return meeting


@contextmanager
def _api_field_names() -> Iterator[None]:
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {API_FIELD_NAMES.get(name, name): messages for name, messages in error.error_dict.items()}
        ) from error


def _fields(data: dict[str, Any], user: AnyUser) -> dict[str, Any]:
    """The services' fields for the values sent (every value of the create schema, some of the update's)."""
    fields = {name: value for name, value in data.items() if name not in RELATIONS}
    if "country" in data:
        country = Country.objects.partners().filter(iso3=data["country"].upper()).first()
        if country is None:
            raise ValidationError({"country": _("“%(value)s” is not a partner country.") % {"value": data["country"]}})
        fields["country"] = country
    if "counterpart_id" in data:
        fields["counterpart"] = _one(Counterpart.objects.all(), data["counterpart_id"], "counterpart_id")
    if "participant_ids" in data:
        fields["participants"] = _all(Organisation.objects.all(), "pk", data["participant_ids"], "participant_ids")
    if "themes" in data:
        fields["themes"] = _all(Theme.objects.all(), "code", data["themes"], "themes")
    if "engagement_ids" in data:
        visible = Engagement.objects.visible_to(user)
        fields["engagements"] = _all(visible, "pk", data["engagement_ids"], "engagement_ids")
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


@router.post(
    "/agenda/lines",
    response={201: LineToTakeOut, 401: Message, 403: Message, 422: InputErrors},
    summary="Draft a new version of lines to take",
    description="Editors, coordinators and administrators of the writing organisation. The version "
    "takes the next number for its country and theme; coordinators mark it agreed.",
)
def draft_line(request: HttpRequest, payload: LineToTakeIn) -> Any:
    editable = editing_organisation_ids(request.user)
    owner_id = payload.owner_id or min(editable, default=None)
    if owner_id is None or owner_id not in editable:
        raise PermissionDenied(_("You write lines to take only for organisations where you are an editor."))
    country = Country.objects.partners().filter(iso3=payload.country.upper()).first()
    if country is None:
        raise ValidationError({"country": _("“%(value)s” is not a partner country.") % {"value": payload.country}})
    theme = _one_theme(payload.theme)
    fields = payload.dict(include={"text", "valid_until", "sharing_level"})
    line = services.draft_line(
        owner=Organisation.objects.get(pk=owner_id),
        country=country,
        theme=theme,
        fields=fields,
        acting_user=request.user,
    )
    return Status(201, visible_lines(request.user).get(pk=line.pk))


@router.patch(
    "/agenda/lines/{line_id}",
    response={200: LineToTakeOut, 401: Message, 403: Message, 404: Message, 422: InputErrors},
    summary="Change a draft of lines to take",
    openapi_extra=json_body_openapi(LineToTakeUpdateIn),
)
def update_line(request: HttpRequest, line_id: int = LineId) -> Any:
    """Editors of the writing organisation; only the fields sent change. An agreed version answers 422."""
    line = _editable_line(request.user, line_id)
    body = read_json_body(request, LineToTakeUpdateIn)
    services.update_line(line, body.dict(exclude_unset=True), acting_user=request.user)
    return visible_lines(request.user).get(pk=line.pk)


@router.post(
    "/agenda/lines/{line_id}/agree",
    response={200: LineToTakeOut, 401: Message, 403: Message, 404: Message},
    summary="Mark a draft of lines to take as agreed",
)
def agree_line(request: HttpRequest, line_id: int = LineId) -> Any:
    """Coordinators of the writing organisation. From then on it is the current version beside the
    country's meetings; agreeing it again changes nothing."""
    line = _editable_line(request.user, line_id)
    services.agree_line(line, acting_user=request.user)
    return visible_lines(request.user).get(pk=line.pk)


def _editable_line(user: AnyUser, line_id: int) -> LineToTake:
    """The version if the user may read it (else 404) and change it (else 403); the service checks
    again, locked, when it writes."""
    line: LineToTake = get_object_or_404(visible_lines(user).select_related("owner"), pk=line_id)
    if not can_edit_for(user, line.owner_id):
        raise PermissionDenied(
            _("Only editors of %(organisation)s, which wrote these lines, may change them.")
            % {"organisation": line.owner.name}
        )
    return line


def _one_theme(code: str | None) -> Theme | None:
    if not code:
        return None
    theme = Theme.objects.filter(code=code).first()
    if theme is None:
        raise ValidationError({"theme": _("“%(value)s” is not a theme to choose from.") % {"value": code}})
    return theme
