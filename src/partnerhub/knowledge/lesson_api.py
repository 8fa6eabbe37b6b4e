"""Lessons (with evaluations and pilot results), their outcome figures and documents over the API.

A lesson exists for a caller only when its ``visible_to`` says so: hidden answers 404 exactly like missing,
whatever the body holds, since a body (or an uploaded file) is read only once the lesson was found and the
caller found allowed to change it (403 otherwise). Broken JSON answers 400; a value the schema or a service
refuses, 422 naming the field (``file`` for a refused document). Documents are sent only as downloads.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from partnerhub.access.models import Organisation
from partnerhub.core.api import (
    CONFLICT_ANSWERS,
    NumberedPagination,
    RecordId,
    json_body_openapi,
    read_json_body,
    read_version_in,
    save_versioned,
    set_etag,
    versioned_change_openapi,
    versioned_read_openapi,
)
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.geo.models import Country
from partnerhub.knowledge import attachments, lesson_queries, lesson_services
from partnerhub.knowledge.lesson_forms import LessonFilterForm
from partnerhub.knowledge.lesson_views import download_response
from partnerhub.knowledge.models import Actor, Attachment, Impact, Lesson, LessonKind, OutcomeFigure
from partnerhub.registry.models import Engagement, Instrument, Theme

router = Router(tags=["lessons"])

LessonId = Path(..., ge=1, le=2**63 - 1, description="The lesson's id.")
OutcomeId = Path(..., ge=1, le=2**63 - 1, description="The outcome figure's id.")
AttachmentId = Path(..., ge=1, le=2**63 - 1, description="The document's id.")
FORBID = ConfigDict(extra="forbid", str_strip_whitespace=True)


CREATE_ANSWERS = {401: Message, 403: Message, 422: InputErrors}
CHANGE_ANSWERS = {401: Message, 403: Message, 404: Message, 422: InputErrors}
DELETE_ANSWERS = {204: None, **CHANGE_ANSWERS}


# -- schemas ----------------------------------------------------------------------------------------


class LessonOut(Schema):
    id: int
    kind: LessonKind
    title: str
    dated: date
    countries: list[str] = Field(description="ISO alpha-3 codes.")
    themes: list[str] = Field(description="Theme codes.")
    instruments: list[str] = Field(description="Instrument codes.")
    engagement_ids: list[int] = Field(description="The linked engagements you may see.")
    crisis_id: int | None = Field(description="The crisis it was learnt in, when you may see it.")
    tried: str
    worked: str
    did_not_work: str
    conditions: str
    recommendations: str
    impact: Impact
    what_to_change: str
    who_should_act: str
    owner_id: int
    owner: str
    sharing_level: SharingLevel
    is_demo: bool
    updated_at: datetime
    version: int = Field(description="Moves on with every change; send it back when changing the lesson.")


class LessonFilterParams(Schema):
    text: str | None = Field(None, description="Words in the lesson's texts or its documents.")
    kind: LessonKind | None = None
    country: str | None = Field(None, description="ISO alpha-3 code.")
    theme: str | None = Field(None, description="Theme code; includes the themes below it.")
    impact: Impact | None = None
    who_should_act: Actor | None = None
    date_from: date | None = None
    date_to: date | None = None


class LessonUpdateIn(Schema):
    model_config = FORBID

    kind: LessonKind | None = None
    title: str | None = Field(None, max_length=300)
    dated: date | None = None
    countries: list[str] | None = Field(None, description="ISO alpha-3 codes.")
    themes: list[str] | None = Field(None, description="Theme codes.")
    instruments: list[str] | None = Field(None, description="Instrument codes.")
    engagement_ids: list[RecordId] | None = Field(
        None, description="Engagements you may see; links to engagements hidden from you are kept."
    )
    crisis_id: int | None = None
    tried: str | None = None
    worked: str | None = None
    did_not_work: str | None = None
    conditions: str | None = None
    recommendations: str | None = None
    impact: Impact | None = None
    what_to_change: str | None = None
    who_should_act: Actor | None = None
    sharing_level: SharingLevel | None = None
    shared_with_organisation_ids: list[RecordId] | None = Field(None, description="For the restricted level.")
    shared_with_countries: list[str] | None = Field(None, description="Member States, for the restricted level.")
    version: int | None = read_version_in("lesson")


class LessonIn(LessonUpdateIn):
    owner_id: RecordId | None = Field(None, description="The organisation keeping it; by default one you edit for.")
    title: str = Field(max_length=300)  # type: ignore[assignment]
    dated: date  # type: ignore[assignment]


class OutcomeOut(Schema):
    id: int
    lesson_id: int
    label: str
    value: Decimal
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    period: str
    note: str


class OutcomeUpdateIn(Schema):
    model_config = FORBID

    label: str | None = Field(None, max_length=300)
    value: Decimal | None = None
    unit: str | None = Field(None, max_length=60)
    baseline: Decimal | None = None
    target: Decimal | None = None
    period: str | None = Field(None, max_length=40)
    note: str | None = None


class OutcomeIn(OutcomeUpdateIn):
    label: str = Field(max_length=300)  # type: ignore[assignment]
    value: Decimal  # type: ignore[assignment]


class AttachmentOut(Schema):
    id: int
    lesson_id: int
    file_name: str = Field(validation_alias="original_name")
    content_kind: str = Field(description="pdf, docx or xlsx, read from the content.")
    size: int
    sha256: str
    uploaded_at: datetime


# -- reading what the API sends -----------------------------------------------------------------------


def _fields(data: dict[str, Any], user: AnyUser) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name == "countries":
            fields[name] = _by_code(Country.objects.all(), "iso3", value, name, upper=True)
        elif name == "shared_with_countries":
            fields[name] = _by_code(Country.objects.all(), "iso3", value, name, upper=True)
        elif name == "themes":
            fields[name] = _by_code(Theme.objects.all(), "code", value, name)
        elif name == "instruments":
            fields[name] = _by_code(Instrument.objects.all(), "code", value, name)
        elif name == "engagement_ids":
            fields["engagements"] = _by_id(Engagement.objects.visible_to(user), value, name)
        elif name == "shared_with_organisation_ids":
            fields["shared_with_organisations"] = _by_id(Organisation.objects.all(), value, name)
        elif name == "crisis_id":
            fields["crisis"] = None if value is None else _by_id(lesson_queries.visible_crises(user), [value], name)[0]
        elif name == "who_should_act":
            fields[name] = value or ""
        elif name != "owner_id":
            fields[name] = "" if value is None and name in lesson_services.TEXT_FIELDS else value
    return fields


def _by_code(
    queryset: QuerySet[Any], key: str, codes: list[str] | None, field: str, *, upper: bool = False
) -> list[Any]:
    wanted = {code.upper() if upper else code for code in codes or ()}
    found = list(queryset.filter(**{f"{key}__in": wanted}))
    unknown = wanted - {getattr(record, key) for record in found}
    if unknown:
        raise ValidationError({field: _("Codes we do not know: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}})
    return found


def _by_id(queryset: QuerySet[Any], ids: list[int] | None, field: str) -> list[Any]:
    found = list(queryset.filter(pk__in=ids or ()))
    if len(found) != len(set(ids or ())):
        raise ValidationError({field: _("Some of these are not there to choose.")})
    return found


def _owner(user: AnyUser, owner_id: int | None) -> Organisation:
    editable = editing_organisation_ids(user)
    chosen = owner_id or min(editable, default=None)
    if chosen is None or chosen not in editable:
        raise PermissionDenied(_("You record lessons only for organisations you edit for."))
    return Organisation.objects.get(pk=chosen)


def _editable_lesson(user: AnyUser, pk: int) -> Lesson:
    """The lesson among those the caller sees (404 otherwise), once the caller may change it (403 otherwise)."""
    lesson = get_object_or_404(lesson_queries.visible_lessons(user), pk=pk)
    _allowed(user, lesson)
    return lesson


def _allowed(user: AnyUser, lesson: Lesson) -> None:
    if not lesson_services.may_change(user, lesson):
        raise PermissionDenied(
            _("Only editors of %(organisation)s, which keeps this lesson, may change it.")
            % {"organisation": lesson.owner}
        )


@contextmanager
def _api_field_names() -> Iterator[None]:
    """The services name the records they link; the API names the ids and codes it reads."""
    names = {
        "engagements": "engagement_ids",
        "shared_with_organisations": "shared_with_organisation_ids",
        "crisis": "crisis_id",
    }
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError({names.get(name, name): errors for name, errors in error.error_dict.items()}) from error


def _lessons_out(lessons: list[Lesson], user: AnyUser) -> list[dict[str, Any]]:
    engagements = lesson_queries.visible_engagement_ids(lessons, user)
    crises = {lesson.crisis_id for lesson in lessons if lesson.crisis_id}
    visible_crises = set(lesson_queries.visible_crises(user).filter(pk__in=crises).values_list("pk", flat=True))
    return [
        {
            **{name: getattr(lesson, name) for name in LessonOut.model_fields if hasattr(lesson, name)},
            "countries": sorted(country.iso3 for country in lesson.countries.all()),
            "themes": sorted(theme.code for theme in lesson.themes.all()),
            "instruments": sorted(instrument.code for instrument in lesson.instruments.all()),
            "engagement_ids": engagements[lesson.pk],
            "crisis_id": lesson.crisis_id if lesson.crisis_id in visible_crises else None,
            "owner": lesson.owner.name,
        }
        for lesson in lessons
    ]


def _one_lesson_out(user: AnyUser, pk: int) -> dict[str, Any]:
    [out] = _lessons_out([lesson_queries.visible_lessons(user).get(pk=pk)], user)
    return out


class _LessonPage:
    """A page of lessons turned into answers only once sliced, so that links are read for one page."""

    def __init__(self, lessons: QuerySet[Lesson], user: AnyUser) -> None:
        self.lessons, self.user = lessons, user

    def count(self) -> int:
        return self.lessons.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return _lessons_out(list(self.lessons[page]), self.user)


# -- lessons ---------------------------------------------------------------------------------------------


@router.get("/knowledge/lessons", response=list[LessonOut], summary="List lessons")
@paginate(NumberedPagination)
def list_lessons(request: HttpRequest, filters: Query[LessonFilterParams]) -> Any:
    """The lessons, evaluations and pilot results you may see; filtered as on the lessons page."""
    form = LessonFilterForm({name: str(value) for name, value in filters.dict(exclude_none=True).items()})
    lessons = form.filter(lesson_queries.visible_lessons(request.user), request.user)
    if form.errors:
        raise InputError(
            [
                {"type": "invalid", "loc": ["query", field], "msg": message}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    return _LessonPage(lessons, request.user)


@router.get(
    "/knowledge/lessons/{lesson_id}",
    response={200: LessonOut, 404: Message},
    summary="One lesson",
    openapi_extra=versioned_read_openapi("lesson"),
)
def get_lesson(request: HttpRequest, response: HttpResponse, lesson_id: int = LessonId) -> Any:
    get_object_or_404(Lesson.objects.visible_to(request.user), pk=lesson_id)
    out = _one_lesson_out(request.user, lesson_id)
    set_etag(response, out)
    return out


@router.post("/knowledge/lessons", response={201: LessonOut, **CREATE_ANSWERS}, summary="Record a lesson")
def create_lesson(request: HttpRequest, payload: LessonIn) -> Any:
    """Editors of the keeping organisation."""
    owner = _owner(request.user, payload.owner_id)
    with _api_field_names():
        lesson = lesson_services.create_lesson(
            owner=owner, fields=_fields(payload.dict(exclude_unset=True), request.user), acting_user=request.user
        )
    return Status(201, _one_lesson_out(request.user, lesson.pk))


@router.patch(
    "/knowledge/lessons/{lesson_id}",
    response={200: LessonOut, **CHANGE_ANSWERS, 400: Message, **CONFLICT_ANSWERS},
    summary="Change a lesson",
    openapi_extra={**json_body_openapi(LessonUpdateIn), **versioned_change_openapi("lesson")},
)
def update_lesson(request: HttpRequest, response: HttpResponse, lesson_id: int = LessonId) -> Any:
    """Editors of the keeping organisation; only the fields sent change."""
    lesson = _editable_lesson(request.user, lesson_id)
    body = read_json_body(request, LessonUpdateIn)
    fields = body.dict(exclude_unset=True)
    body_version = fields.pop("version", None)
    with _api_field_names():
        save_versioned(
            request,
            body_version,
            lambda read: lesson_services.update_lesson(
                lesson, _fields(fields, request.user), acting_user=request.user, read_version=read
            ),
        )
    out = _one_lesson_out(request.user, lesson.pk)
    set_etag(response, out)
    return out


@router.delete("/knowledge/lessons/{lesson_id}", response=DELETE_ANSWERS, summary="Delete a lesson")
def delete_lesson(request: HttpRequest, lesson_id: int = LessonId) -> Any:
    """With its outcome figures and documents."""
    lesson_services.delete_lesson(_editable_lesson(request.user, lesson_id), acting_user=request.user)
    return Status(204, None)


# -- outcome figures -----------------------------------------------------------------------------------


@router.get(
    "/knowledge/lessons/{lesson_id}/outcomes",
    response={200: list[OutcomeOut], 404: Message},
    summary="A lesson's outcome figures",
)
def list_lesson_outcomes(request: HttpRequest, lesson_id: int = LessonId) -> Any:
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), pk=lesson_id)
    return list(lesson.outcomes.order_by("pk"))


@router.post(
    "/knowledge/lessons/{lesson_id}/outcomes",
    response={201: OutcomeOut, **CHANGE_ANSWERS},
    summary="Record an outcome figure",
    openapi_extra=json_body_openapi(OutcomeIn),
)
def create_lesson_outcome(request: HttpRequest, lesson_id: int = LessonId) -> Any:
    """Evaluations and pilot results only (422 on ``lesson`` for a lesson learnt)."""
    lesson = _editable_lesson(request.user, lesson_id)
    body = read_json_body(request, OutcomeIn)
    figure = lesson_services.add_outcome(lesson, body.dict(), acting_user=request.user)
    return Status(201, figure)


def _visible_outcome(user: AnyUser, pk: int) -> OutcomeFigure:
    return get_object_or_404(OutcomeFigure.objects.visible_to(user).select_related("lesson__owner"), pk=pk)


@router.get("/knowledge/outcomes/{outcome_id}", response={200: OutcomeOut, 404: Message}, summary="One outcome figure")
def get_lesson_outcome(request: HttpRequest, outcome_id: int = OutcomeId) -> Any:
    return _visible_outcome(request.user, outcome_id)


@router.patch(
    "/knowledge/outcomes/{outcome_id}",
    response={200: OutcomeOut, **CHANGE_ANSWERS},
    summary="Change an outcome figure",
    openapi_extra=json_body_openapi(OutcomeUpdateIn),
)
def update_lesson_outcome(request: HttpRequest, outcome_id: int = OutcomeId) -> Any:
    figure = _visible_outcome(request.user, outcome_id)
    _allowed(request.user, figure.lesson)
    body = read_json_body(request, OutcomeUpdateIn)
    return lesson_services.update_outcome(figure, body.dict(exclude_unset=True), acting_user=request.user)


@router.delete("/knowledge/outcomes/{outcome_id}", response=DELETE_ANSWERS, summary="Delete an outcome figure")
def delete_lesson_outcome(request: HttpRequest, outcome_id: int = OutcomeId) -> Any:
    figure = _visible_outcome(request.user, outcome_id)
    _allowed(request.user, figure.lesson)
    lesson_services.delete_outcome(figure, acting_user=request.user)
    return Status(204, None)


# -- documents ------------------------------------------------------------------------------------------

UPLOAD_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "A PDF, DOCX or XLSX document."}
                    },
                }
            }
        },
    }
}


@router.get(
    "/knowledge/lessons/{lesson_id}/attachments",
    response={200: list[AttachmentOut], 404: Message},
    summary="A lesson's documents",
)
def list_lesson_attachments(request: HttpRequest, lesson_id: int = LessonId) -> Any:
    lesson = get_object_or_404(Lesson.objects.visible_to(request.user), pk=lesson_id)
    return list(lesson.attachments.defer("extracted_text").order_by("original_name", "pk"))


@router.post(
    "/knowledge/lessons/{lesson_id}/attachments",
    response={201: AttachmentOut, **CHANGE_ANSWERS},
    summary="Attach a document",
    openapi_extra=UPLOAD_OPENAPI,
)
def create_lesson_attachment(request: HttpRequest, lesson_id: int = LessonId) -> Any:
    """``multipart/form-data`` with one ``file``: a PDF, DOCX or XLSX judged by its content (422 on ``file``
    naming the reason otherwise: wrong type, too large, an extension that does not match, macros, damage)."""
    lesson = _editable_lesson(request.user, lesson_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": _("Send the document as the multipart field “file”.")})
    if upload.size is not None and upload.size > attachments.max_bytes():
        raise ValidationError({"file": attachments.check_size_message(upload.name or "", upload.size)})
    document = lesson_services.add_attachment(lesson, upload.name or "", upload.read(), acting_user=request.user)
    return Status(201, document)


def _visible_attachment(user: AnyUser, pk: int) -> Attachment:
    documents = Attachment.objects.visible_to(user).select_related("lesson__owner").defer("extracted_text")
    return get_object_or_404(documents, pk=pk)


@router.get(
    "/knowledge/attachments/{attachment_id}", response={200: AttachmentOut, 404: Message}, summary="One document"
)
def get_lesson_attachment(request: HttpRequest, attachment_id: int = AttachmentId) -> Any:
    return _visible_attachment(request.user, attachment_id)


@router.get(
    "/knowledge/attachments/{attachment_id}/download",
    response={200: None, 404: Message},
    summary="Download a document",
)
def download_lesson_attachment(request: HttpRequest, attachment_id: int = AttachmentId) -> Any:
    """The file, as an attachment, with the type read from its content."""
    return download_response(_visible_attachment(request.user, attachment_id))


@router.delete("/knowledge/attachments/{attachment_id}", response=DELETE_ANSWERS, summary="Remove a document")
def delete_lesson_attachment(request: HttpRequest, attachment_id: int = AttachmentId) -> Any:
    document = _visible_attachment(request.user, attachment_id)
    _allowed(request.user, document.lesson)
    lesson_services.remove_attachment(document, acting_user=request.user)
    return Status(204, None)
