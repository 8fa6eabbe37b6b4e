"""API building blocks shared by every router: reading a JSON body, paginating, the browser session.

Authentication: the session for the browser and anonymous read access to what
is public here; bearer tokens for scripts in ``access.api``, beside the tokens
they read. Pagination: numbered pages with links to the next and previous ones.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import pydantic
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as InputError
from ninja.openapi.schema import REF_TEMPLATE
from ninja.pagination import PaginationBase
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from partnerhub.core.concurrency import (
    EditConflict,
    PreconditionFailed,
    etag_for,
    version_from_if_match,
    version_of,
)
from partnerhub.core.types import AnyUser

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Keeps the SQL offset far from any integer limit however large the page asked for.
MAX_PAGE_NUMBER = 1_000_000

# The largest id the databases store (a signed 64-bit integer): a larger one names no record, and
# would overflow the query instead of answering 422.
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]

SchemaT = TypeVar("SchemaT", bound=Schema)
T = TypeVar("T")


def read_json_body(request: HttpRequest, schema: type[SchemaT]) -> SchemaT:
    """The JSON body validated by ``schema``, for an operation that reads it itself.

    An operation reads its body only once it found the record it changes, so
    that a hidden record answers 404 whatever the body holds. Broken JSON
    answers 400; a body the schema refuses answers 422 located in ``body``.
    """
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise HttpError(400, _("The request body is not valid JSON.")) from error
    try:
        return schema.model_validate(data, context={"request": request})
    except pydantic.ValidationError as error:
        raise InputError(
            [
                {"type": item["type"], "loc": ["body", *item["loc"]], "msg": item["msg"]}
                for item in error.errors(include_url=False)
            ]
        ) from error


def json_body_openapi(schema: type[Schema]) -> dict[str, Any]:
    """The OpenAPI description of a body read by ``read_json_body`` (``openapi_extra``)."""
    json_schema = schema.model_json_schema(ref_template=REF_TEMPLATE)
    json_schema.pop("$defs", None)
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": json_schema}}}}


class ConflictOut(Schema):
    """A change refused because the record moved on since the version the caller sent (core.concurrency)."""

    detail: str = Field(description="What happened, in words: who changed the record, and when.")
    current_version: int | None = Field(description="The record's version now; null when it was deleted.")
    changed_by: str | None
    changed_at: datetime | None
    changed_fields: list[str] = Field(description="The fields changed since the version you sent.")


# The answers of an operation changing a versioned record (core.concurrency), besides its own.
CONFLICT_ANSWERS = {409: ConflictOut, 412: ConflictOut}


def versioned_read_openapi(what: str) -> dict[str, Any]:
    """The ETag header of the answer holding a versioned record, for ``openapi_extra``."""
    etag = {
        "description": f'The {what}\'s version, such as "3": send it back in If-Match when changing it.',
        "schema": {"type": "string"},
    }
    return {"responses": {"200": {"headers": {"ETag": etag}}}}


def versioned_change_openapi(what: str, body_field: str = "version") -> dict[str, Any]:
    """The If-Match header of an operation changing a versioned record, and the ETag of its answer."""
    if_match = {
        "in": "header",
        "name": "If-Match",
        "required": False,
        "schema": {"type": "string"},
        "description": f'The ETag of the {what} as you read it, such as "3": if it changed since, nothing is '
        f"written and the answer is 412. Or send `{body_field}` in the body (409).",
    }
    return {"parameters": [if_match], **versioned_read_openapi(what)}


def if_match_version(request: HttpRequest) -> int | None:
    """The version named by the request's If-Match header; None without one; 400 when it is not one."""
    try:
        return version_from_if_match(request.headers.get("If-Match"))
    except ValueError as error:
        raise HttpError(400, _('If-Match must hold one ETag this API gave, such as "3".')) from error


def save_versioned(request: HttpRequest, body_version: int | None, save: Callable[[int | None], T]) -> T:
    """Runs ``save`` with the version the caller read, from If-Match or the body. A save based
    on an older version is refused: 412 when If-Match named it, 409 when the body did."""
    header_version = if_match_version(request)
    if header_version is not None and body_version is not None and header_version != body_version:
        raise HttpError(400, _("If-Match and version name different versions: send one of them."))
    try:
        return save(header_version or body_version)
    except EditConflict as conflict:
        if header_version is not None:
            raise PreconditionFailed(**vars(conflict)) from conflict
        raise


def set_etag(response: HttpResponse, record: Model | dict[str, Any]) -> None:
    """The ETag of an answer holding ``record`` (or its output, a dict with its ``version``)."""
    version = record["version"] if isinstance(record, dict) else version_of(record)
    response["ETag"] = etag_for(version)


def read_version_in(what: str) -> Any:
    """The body field naming the version a change is based on (``save_versioned``)."""
    return Field(
        None,
        ge=1,
        le=2**31 - 1,
        description=f"The `version` you read: if someone changed the {what} since, nothing is written (409).",
    )


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session; unsafe methods need the CSRF token.

    Requests without a logged-in session skip the CSRF check, so that an
    anonymous script trying to write is told to authenticate (401) rather
    than about a CSRF token it has no use for.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header."))
        return request.COOKIES.get(self.param_name)


session_auth = BrowserSessionAuth(csrf=True)


def anonymous_reader(request: HttpRequest) -> AnyUser | None:
    """Lets anyone read: reads are then limited to public records by visible_to."""
    if request.method in SAFE_METHODS:
        if not request.user.is_authenticated:
            request.user = AnonymousUser()
        return request.user
    return None


class NumberedPagination(PaginationBase):
    """``?page=2&page_size=50``, answered with count, next, previous and items."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE_NUMBER, description="Page number, from 1.")
        page_size: int = Field(
            settings.PAGE_SIZE,
            ge=1,
            le=settings.API_MAX_PAGE_SIZE,
            description=f"Items per page, at most {settings.API_MAX_PAGE_SIZE}.",
        )

    class Output(Schema):
        count: int = Field(description="Items on all pages together.")
        next: str | None = Field(description="URL of the next page, if any.")
        previous: str | None = Field(description="URL of the previous page, if any.")
        items: list[Any]

    def paginate_queryset(
        self, queryset: QuerySet[Any] | list[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        """A queryset is counted in SQL; a list (items built in Python, e.g. notifications) by its length."""
        offset = (pagination.page - 1) * pagination.page_size
        count = len(queryset) if isinstance(queryset, list) else self.count(queryset)
        has_next = offset + pagination.page_size < count
        return {
            "count": count,
            "next": _page_url(request, pagination.page + 1) if has_next else None,
            "previous": _page_url(request, pagination.page - 1) if pagination.page > 1 else None,
            "items": queryset[offset : offset + pagination.page_size],
        }

    def count(self, queryset: QuerySet[Any]) -> int:
        """How many items the list holds (a subclass may keep the answer)."""
        return queryset.count()


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
