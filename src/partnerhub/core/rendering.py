"""The one place that decides between a whole page and an HTMX partial."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_partial(request: HttpRequest) -> bool:
    """HTMX asked for a fragment; boosted links and history restores need the page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_partial(
    request: HttpRequest, page_template: str, partial_template: str, context: dict[str, Any]
) -> HttpResponse:
    partial = wants_partial(request)
    template = partial_template if partial else page_template
    response = render(request, template, {**context, "is_partial": partial})
    # Caches and the browser history must keep the fragment and the page apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
