"""``GET /api/search``: the search page's search, for scripts.

Titles and snippets come as plain text with the offsets of the matching words ``[start, end)``,
and as the page's HTML (``<mark>`` around matching words, everything else escaped)."""

import datetime
from html import unescape
from typing import Any, NoReturn

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as InputError

from partnerhub.search.services import Hit, SearchFilterError, SearchRequest, search
from partnerhub.search.snippets import plain_marks

router = Router(tags=["search"])
MAX_API_PAGE = 500


class SearchParams(Schema):
    q: str = Field("", max_length=500, description='Words, "phrases", -excluded, a OR b.')
    kind: str = Field("", description="Types, comma-separated: engagement, plan, action, event, …")
    country: str = Field("", description="ISO 3166-1 alpha-3 code of a country.")
    theme: str = Field("", description="Code of a theme.")
    date_from: datetime.date | None = Field(None, description="Records dated on or after this day.")
    date_to: datetime.date | None = Field(None, description="Records dated on or before this day.")
    page: int = Field(1, ge=1, le=MAX_API_PAGE)
    page_size: int = Field(20, ge=1, le=100)


class TextOut(Schema):
    text: str
    html: str = Field(description="The text, escaped, with <mark> around the matching words.")
    marks: list[tuple[int, int]] = Field(description="[start, end) character offsets of the matching words.")


class HitOut(Schema):
    kind: str
    kind_label: str
    title: TextOut
    snippet: TextOut
    url: str = Field(description="The record's page (or its parent's); empty when it has none.")
    date: datetime.date | None
    countries: list[str]


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    total: int
    page: int
    pages: int
    query_note: str
    hits: list[HitOut]
    facets: dict[str, list[FacetOut]]


class InvalidFilter(Schema):
    detail: list[dict[str, Any]] = Field(description='[{"loc": ["query", "<parameter>"], "msg": "…"}]')


@router.get("/search", response={200: SearchOut, 422: InvalidFilter}, summary="Search everything you may see")
def search_hub(request: HttpRequest, params: Query[SearchParams]) -> Any:
    """Only records you may see are searched, ranked and counted (facets too)."""
    if params.date_from and params.date_to and params.date_from > params.date_to:
        _refuse("date_to", _("The end date comes before the start date."))
    search_request = SearchRequest(
        text=params.q,
        kinds=tuple(kind.strip() for kind in params.kind.split(",") if kind.strip()),
        country=params.country.strip(),
        theme=params.theme.strip(),
        date_from=params.date_from,
        date_to=params.date_to,
    )
    try:
        found = search(request.user, search_request, page=params.page, per_page=params.page_size)
    except SearchFilterError as error:
        _refuse(error.field, error.message)
    return {
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "query_note": str(found.query_note),
        "hits": [_hit(hit) for hit in found.hits],
        "facets": {name: [facet.__dict__ for facet in values] for name, values in found.facets.items()},
    }


def _hit(hit: Hit) -> dict[str, Any]:
    snippet_text = _plain(str(hit.snippet_html))
    return {
        "kind": hit.kind,
        "kind_label": hit.kind_label,
        "title": {"text": hit.title, "html": str(hit.title_html), "marks": hit.title_marks},
        "snippet": {
            "text": snippet_text,
            "html": str(hit.snippet_html),
            "marks": plain_marks(snippet_text, set(hit.stems)),
        },
        "url": hit.url,
        "date": hit.date,
        "countries": hit.countries,
    }


def _plain(html: str) -> str:
    return unescape(html.replace("<mark>", "").replace("</mark>", ""))


def _refuse(field: str, message: str) -> NoReturn:
    raise InputError([{"type": "invalid", "loc": ["query", field], "msg": message}])
