"""A database that cannot be reached for a moment answers 503, not 500.

A restarted or failed-over PostgreSQL server, a connection cut by the network
or by an administrator, or a SQLite file locked by another writer past the
busy timeout: the request's query raises ``OperationalError`` or
``InterfaceError``. The write it was part of is rolled back by the database
itself (a transaction is never committed half-way), so the answer says that
nothing was saved and to try again; it never shows the SQL or the error text.

The broken connection is closed, so the next request opens a new one instead
of failing on the dead one. The page is rendered without the request's
context: reading the signed-in user or their circle would query the database
again.
"""

import logging
import sqlite3
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)
# SQLite raises OperationalError for mistakes in a query too ("no such column"): those stay server errors.
SQLITE_UNAVAILABLE_WORDS = ("locked", "unable to open", "disk i/o", "busy")
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_unavailable(exception):
            return database_unavailable(request, exception)
        return None


def is_unavailable(exception: BaseException) -> bool:
    """Whether the exception says the database could not be reached or used for a moment."""
    if not isinstance(exception, UNAVAILABLE_ERRORS):
        return False
    if isinstance(exception.__cause__, sqlite3.OperationalError):
        return any(word in str(exception.__cause__).lower() for word in SQLITE_UNAVAILABLE_WORDS)
    return True


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: what the middleware cannot see — an unavailable database raised in another
    middleware, after the view — answers 503 as well (without DEBUG, as in production)."""
    cause = unavailable_cause(sys.exc_info()[1])
    if cause is not None:
        return database_unavailable(request, cause)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: Django reports a session it could not save as "interrupted" (400),
    whatever the reason; when the reason is the database, the answer is its 503."""
    cause = unavailable_cause(exception)
    if cause is not None:
        return database_unavailable(request, cause)
    return defaults.bad_request(request, exception)


def unavailable_cause(exception: BaseException | None) -> BaseException | None:
    """The unavailable-database error that ``exception`` was raised from or while handling, if any."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if is_unavailable(exception):
            return exception
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return None


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The 503 answer (JSON under /api/, the hub's page elsewhere), with the broken connections closed."""
    logger.error("database unavailable for %s %s", request.method, request.path, exc_info=exception)
    close_broken_connections()
    if request.path_info.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse({"detail": unavailable_message()}, status=503)
    else:
        response = unavailable_page(request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unavailable_message() -> str:
    return _(
        "Partnership Hub cannot reach its database for a moment. Nothing was half-saved: "
        "if you were saving a change, it was not saved. Please try again in a minute."
    )


def unavailable_page(request: HttpRequest) -> HttpResponse:
    html = render_to_string("503.html", {"message": unavailable_message(), "request_path": request.path})
    return HttpResponse(html, status=503)


def close_broken_connections() -> None:
    """Closes every open connection that is not inside a transaction (those are closed by
    whoever opened the transaction): the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
