"""The one search across the hub: ``search(user, SearchRequest(...))`` and ``suggest(user, text)``.

Everything is computed over the entries the user may see — decided in the same SQL query on the
audience the entry keeps, or on its record's ``visible_to(user)`` (``search.statement``) — before any
match is ranked, counted or suggested. The rank of a hit depends on that hit and the query alone
(10 for each term in its title, else 1 for each term in its body), never on the other entries, so
a record the user may not see changes nothing of what the user gets.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme
from partnerhub.search import backends, statement
from partnerhub.search.models import SearchEntry
from partnerhub.search.query import Query, parse, prefix_of
from partnerhub.search.snippets import highlighted, plain_marks, snippet
from partnerhub.search.sources import source_of_kind, sources

MAX_PER_PAGE = 100
MAX_SUGGESTIONS = 8


class SearchFilterError(ValueError):
    """A filter value that names nothing: ``field`` is the parameter's name."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    kinds: tuple[str, ...] = ()
    country: str = ""  # ISO 3166-1 alpha-3
    theme: str = ""  # a theme's code
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    title: str
    body: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    date: datetime.date | None
    countries: list[str]
    stems: frozenset[str] = frozenset()

    @property
    def title_marks(self) -> list[tuple[int, int]]:
        return plain_marks(self.title, set(self.stems))


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResults:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    query_note: str = ""
    page: int = 1
    per_page: int = 20
    no_query: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(user: Any, request: SearchRequest, page: int = 1, per_page: int = 20) -> SearchResults:
    """The hits of ``request`` that ``user`` may see, best first, with their total and facet counts."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    query = parse(request.text)
    if query.is_empty:
        return SearchResults(
            query_note=query.note or _("Type a word to search for."), page=page, per_page=per_page, no_query=True
        )
    filters = _Filters.read(request)
    rows = statement.run(user, query, filters, offset=(page - 1) * per_page, limit=per_page)
    page_ids = [value for section, value, _count in rows if section == "page"]
    entries = SearchEntry.objects.filter(pk__in=page_ids).prefetch_related("countries").in_bulk()
    counts: dict[str, dict[Any, int]] = defaultdict(dict)
    for section, value, count in rows:
        if section != "page":
            counts[section][value] = count
    return SearchResults(
        hits=_hits(user, [entries[pk] for pk in page_ids if pk in entries], query),
        total=counts["total"].get(None, 0),
        facets=_facets(counts),
        query_note=query.note,
        page=page,
        per_page=per_page,
    )


def suggest(user: Any, text: str) -> list[str]:
    """Up to eight titles of visible records with a title word starting with the last word typed."""
    prefix = prefix_of(text)
    if not prefix:
        return []
    entries = (
        _visible(user, None)
        .filter(backends.title_has_word_starting(prefix))
        .order_by(F("date").desc(nulls_last=True), "id")
        .values_list("title", flat=True)[: MAX_SUGGESTIONS * 4]
    )
    return list(dict.fromkeys(entries))[:MAX_SUGGESTIONS]


# Visibility.


def _visible(user: Any, kinds: tuple[str, ...] | None) -> models.QuerySet[SearchEntry]:
    condition = Q(pk__in=[])
    for source in sources():
        if kinds is None or source.kind in kinds:
            condition |= Q(kind=source.kind) & Q(Exists(source.visible_to(user).filter(pk=OuterRef("object_id"))))
    return SearchEntry.objects.filter(condition)


# Filters and facets.


@dataclass(frozen=True)
class _Filters:
    kinds: tuple[str, ...] = ()
    country: Country | None = None
    theme: Theme | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @classmethod
    def read(cls, request: SearchRequest) -> "_Filters":
        unknown = [kind for kind in request.kinds if source_of_kind(kind) is None]
        if unknown:
            raise SearchFilterError("kind", _("Unknown type: %(kind)s.") % {"kind": ", ".join(unknown)})
        country = theme = None
        if request.country:
            country = Country.objects.filter(iso3=request.country.upper()).first()
            if country is None:
                raise SearchFilterError("country", _("No country has the code %(code)s.") % {"code": request.country})
        if request.theme:
            theme = Theme.objects.filter(code=request.theme).first()
            if theme is None:
                raise SearchFilterError("theme", _("No theme has the code %(code)s.") % {"code": request.theme})
        if request.date_from and request.date_to and request.date_from > request.date_to:
            raise SearchFilterError("date_to", _("The end date comes before the start date."))
        return cls(tuple(dict.fromkeys(request.kinds)), country, theme, request.date_from, request.date_to)


def _facets(counts: dict[str, dict[Any, int]]) -> dict[str, list[FacetValue]]:
    """The facet values named by the counts of ``_run``, labelled and ordered for reading."""
    by_kind, by_country, by_theme = counts["kind"], counts["country"], counts["theme"]
    countries = Country.objects.filter(pk__in=by_country).order_by("name")
    themes = Theme.objects.filter(pk__in=by_theme).order_by("position", "name")
    return {
        "kind": [
            FacetValue(source.kind, source.label, by_kind[source.kind])
            for source in sources()
            if source.kind in by_kind
        ],
        "country": sorted(
            (FacetValue(country.iso3, str(country), by_country[country.pk]) for country in countries),
            key=lambda facet: (-facet.count, facet.label),
        ),
        "theme": sorted(
            (FacetValue(theme.code, theme.localized_name, by_theme[theme.pk]) for theme in themes),
            key=lambda facet: (-facet.count, facet.label),
        ),
    }


# The hits of one page.


def _hits(user: Any, entries: Sequence[SearchEntry], query: Query) -> list[Hit]:
    records = _records_of(user, entries)
    stems = query.stems
    hits = []
    for entry in entries:
        source = source_of_kind(entry.kind)
        record = records.get((entry.kind, entry.object_id))
        if source is None or record is None:
            continue
        hits.append(
            Hit(
                kind=entry.kind,
                kind_label=source.label,
                title=entry.title,
                body=entry.body,
                title_html=highlighted(entry.title, stems),
                snippet_html=snippet(entry.body, stems),
                url=source.page_of(record),
                date=entry.date,
                countries=sorted(str(country) for country in entry.countries.all()),
                stems=frozenset(stems),
            )
        )
    return hits


def _records_of(user: Any, entries: Sequence[SearchEntry]) -> dict[tuple[str, Any], Any]:
    """The records of the page's hits, with one query for each kind on the page."""
    wanted: dict[str, list[Any]] = defaultdict(list)
    for entry in entries:
        wanted[entry.kind].append(entry.object_id)
    records = {}
    for kind, pks in wanted.items():
        source = source_of_kind(kind)
        if source is None:
            continue
        queryset = source.visible_to(user).filter(pk__in=pks)
        if source.parents_to_select():
            queryset = queryset.select_related(*source.parents_to_select())
        for record in queryset:
            records[(kind, record.pk)] = record
    return records
