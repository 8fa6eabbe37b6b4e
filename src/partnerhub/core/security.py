"""Headers every answer carries, and one "not found" page for everything hidden.

The Content-Security-Policy allows scripts only from the hub's own static
files: no inline script, no ``on…=`` attribute, no ``eval``. Styles may be
inline because ECL components and the Swagger UI set them. Answers built for
a request are never stored by the browser or a proxy (``private, no-store``):
they may hold confidential records. Static files are served above this
middleware by WhiteNoise and keep their long caching.

With ``DEBUG`` on, Django answers a 404 with its technical page, which lists
the URL patterns and the exception text; the demo runs with ``DEBUG`` on, so
the hub renders its own 404 page itself, with or without ``DEBUG``.
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
NOT_STORED = "private, no-store"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["Cache-Control"] = NOT_STORED
        return response


class NulRefusingMiddleware:
    """Answers 400 to an address whose path holds a NUL byte (``%00``), as JSON under ``/api/``.

    No record's name or code holds one, and PostgreSQL refuses it in any text it is given, so
    such a path can only end in a server error further down. A NUL in the query string is left
    to the form or filter that reads it, which names the field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" not in request.path:
            return self.get_response(request)
        message = _("The address holds a NUL character (%00): no page has one.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class HubNotFoundMiddleware:
    """Answers every page-level 404 with the hub's own page (the API answers its own JSON)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _resolves(request):
            return not_found_page(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return not_found_page(request)
        return None


def _resolves(request: HttpRequest) -> bool:
    try:
        resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return True


def not_found_page(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)
