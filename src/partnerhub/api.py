"""The REST API: one NinjaAPI, one router per app, errors as JSON naming the field."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationErrorContext
from ninja.errors import ValidationError as InputError
from pydantic import BaseModel

from partnerhub.access.api import InvalidToken, TokenAuth
from partnerhub.access.api import router as organisations_router
from partnerhub.agenda.api import router as agenda_router
from partnerhub.analysis.api import router as analysis_router
from partnerhub.core.api import anonymous_reader, session_auth
from partnerhub.core.api_errors import document_error_answers
from partnerhub.core.concurrency import EditConflict, PreconditionFailed
from partnerhub.core.unavailable import database_unavailable, is_unavailable
from partnerhub.facts.api import router as facts_router
from partnerhub.geo.api import router as geo_router
from partnerhub.iati.api import router as iati_router
from partnerhub.knowledge.crisis_api import router as crisis_router  # crises and directory
from partnerhub.knowledge.directory_api import router as directory_router  # crises and directory

# lessons
from partnerhub.knowledge.lesson_api import router as lessons_router
from partnerhub.notifications.api import router as notifications_router
from partnerhub.overlaps.api import router as overlap_router
from partnerhub.plans.api import router as plans_router
from partnerhub.registry.api import router as registry_router
from partnerhub.search.api import router as search_router
from partnerhub.talent.api import router as talent_router
from partnerhub.talent.matching_api import router as talent_matching_router


class PartnershipHubAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext[Any]]) -> InputError:
        """Errors located as ``["query", field]`` or ``["body", field, ...]``.

        Ninja puts the name of the Python parameter holding a schema after the
        source ("body", "query"); callers never see that name, so it is dropped.
        """
        error = super().validation_error_from_error_contexts(error_contexts)
        parameters: set[str] = set().union(*(_schema_parameters(c.model) for c in error_contexts))
        for item in error.errors:
            location = list(item["loc"])
            if len(location) > 2 and location[1] in parameters:
                del location[1]
            item["loc"] = location
        return error

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The schema with every error answer the API gives declared on the operations that give it."""
        return document_error_answers(super().get_openapi_schema(*args, **kwargs))


def _schema_parameters(model: type[BaseModel]) -> set[str]:
    return {
        name
        for name, field in model.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    }


api = PartnershipHubAPI(
    title="Partnership Hub API",
    version="1",
    description=(
        "Engagements and reference data of Partnership Hub. Every operation answers "
        "with what the caller's circle may see; records outside it answer 404. "
        "Scripts authenticate with `Authorization: Bearer <token>`; the browser with "
        "its session (and the CSRF token for changes). Invalid input answers 422 with "
        '`{"detail": [{"loc": ["body", <field>], "msg": …}]}`.'
    ),
    auth=[TokenAuth(), session_auth, anonymous_reader],
    urls_namespace="api",
    # The validator badge would send the schema's address to swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)
api.add_router("/", geo_router)
api.add_router("/", organisations_router)
api.add_router("/", registry_router)
api.add_router("/", analysis_router)
api.add_router("/", overlap_router)
api.add_router("/", agenda_router)
api.add_router("/", plans_router)
api.add_router("/", facts_router)
api.add_router("/", notifications_router)
api.add_router("/", talent_matching_router)
api.add_router("/", talent_router)
# crises and directory
api.add_router("/", crisis_router)
api.add_router("/", directory_router)
# end of crises and directory
# lessons
api.add_router("/", lessons_router)
api.add_router("/", search_router)
api.add_router("/", iati_router)


def _field_errors(error: ValidationError) -> list[dict[str, Any]]:
    if not hasattr(error, "error_dict"):
        return [{"type": "value_error", "loc": ["body"], "msg": msg} for msg in error.messages]
    return [
        {"type": "value_error", "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field], "msg": message}
        for field, messages in error.message_dict.items()
        for message in messages
    ]


@api.exception_handler(ValidationError)
def on_rule_broken(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _field_errors(error)}, status=422)


@api.exception_handler(EditConflict)
def on_edit_conflict(request: HttpRequest, conflict: EditConflict) -> HttpResponse:
    status = 412 if isinstance(conflict, PreconditionFailed) else 409
    return api.create_response(request, conflict.as_json(), status=status)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    detail = str(error) or _("You may not change this record.")
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    # One body for a missing record and a hidden one: nothing tells them apart.
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    if isinstance(error, InvalidToken):
        detail = str(error)
    else:
        detail = _("Authentication required: send a bearer token or log in.")
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    # Ninja would answer these itself (with the traceback when DEBUG is on): the same 503 as the pages.
    if is_unavailable(error):
        return database_unavailable(request, error)
    raise error
